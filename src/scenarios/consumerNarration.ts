/**
 * The sentences a learner reads for consumer groups: the coordinator forming
 * generations, members joining, leaving and expiring, commits, offsets
 * expiring, coordination moving between brokers; and the consumers' side,
 * worded as Kafka's client logs them (Discovered group coordinator, Adding
 * newly assigned partitions, Resetting offset, consumer poll timeout has
 * expired). With --verbose also every commit, join request and metadata
 * refresh.
 */
import type { TraceRecord } from '../sim/Trace';
import { formatDuration } from './duration';
import { defineNarration } from './narrate';

const s = (r: TraceRecord, k: string): string => String(r[k]);
const n = (r: TraceRecord, k: string): number => r[k] as number;
const list = (r: TraceRecord, k: string): string => (r[k] as readonly unknown[]).join(', ');
const offsets = (r: TraceRecord, k = 'offsets'): string =>
  Object.entries(r[k] as Record<string, number>)
    .map(([tp, o]) => `${tp}=${o}`)
    .join(', ');
/** The coordinator as Java's client prints it: a Node with id Integer.MAX_VALUE - brokerId. */
const coordinatorNode = (id: number): string => `broker-${id}:9092 (id: ${2147483647 - id} rack: null)`;

// ---- the coordinator (broker side) --------------------------------------------------------

defineNarration('group.member-added', (r) => `group ${s(r, 'group')}: member ${s(r, 'member')} (${s(r, 'clientId')}) joins`, { verbose: true });
defineNarration('group.rebalance', (r) => `group ${s(r, 'group')} (coordinator broker ${n(r, 'broker')}): rebalancing after generation ${n(r, 'generation')}: ${s(r, 'reason')}`);
defineNarration(
  'group.join-complete',
  (r) => `group ${s(r, 'group')}: generation ${n(r, 'generation')} formed: ${(r.members as readonly string[]).length} member(s), leader ${s(r, 'leader')}, assignor ${s(r, 'protocol')}`,
);
defineNarration('group.stable', (r) => {
  const assignment = Object.entries(r.assignment as Record<string, readonly string[]>)
    .map(([member, parts]) => `${member} → ${parts.length === 0 ? 'nothing' : parts.join(',')}`)
    .join('; ');
  return `group ${s(r, 'group')}: generation ${n(r, 'generation')} is Stable: ${assignment}`;
});
defineNarration('group.store-failed', (r) => `group ${s(r, 'group')}: storing generation ${n(r, 'generation')} failed (${s(r, 'error')}); the group rebalances again`);
defineNarration('group.member-expired', (r) => `group ${s(r, 'group')}: member ${s(r, 'member')} removed: ${s(r, 'reason')}`);
defineNarration('group.member-removed', (r) => `group ${s(r, 'group')}: member ${s(r, 'member')} removed: ${s(r, 'reason')}`);
defineNarration('group.member-left', (r) => `group ${s(r, 'group')}: member ${s(r, 'member')} left (${s(r, 'reason')})`);
defineNarration('group.empty', (r) => `group ${s(r, 'group')} is Empty (generation ${n(r, 'generation')}); its offsets now expire after offsets.retention.minutes`);
defineNarration('group.commit', (r) => `group ${s(r, 'group')}: committed ${offsets(r)} (replicated to the ISR of __consumer_offsets)`, { verbose: true });
defineNarration('group.commit-failed', (r) => `group ${s(r, 'group')}: commit of ${offsets(r)} failed: ${s(r, 'error')}`);
defineNarration(
  'group.offsets-expired',
  (r) => `group ${s(r, 'group')}: committed offsets of ${list(r, 'partitions')} expired (offsets.retention.minutes = ${formatDuration(n(r, 'retentionMs'))})`,
);
defineNarration('group.dead', (r) => `group ${s(r, 'group')} is Dead: ${s(r, 'reason')}`);
defineNarration(
  'group.loaded',
  (r) =>
    `broker ${n(r, 'broker')} loaded group ${s(r, 'group')} from __consumer_offsets: ${s(r, 'state')}, generation ${n(r, 'generation')}, ${(r.members as readonly string[]).length} member(s), ${n(r, 'offsets')} committed offset(s)`,
);
defineNarration('group.unloaded', (r) => `broker ${n(r, 'broker')} no longer coordinates group ${s(r, 'group')}`);
defineNarration('group.coordinator-load', (r) => `broker ${n(r, 'broker')} leads __consumer_offsets-${n(r, 'partition')} (epoch ${n(r, 'leaderEpoch')}): loading ${n(r, 'bytes')} bytes`, { verbose: true });
defineNarration('group.coordinator-ready', (r) =>
  n(r, 'groups') === 0 ? null : `broker ${n(r, 'broker')} coordinates the groups of __consumer_offsets-${n(r, 'partition')} now (leader epoch ${n(r, 'leaderEpoch')}): ${n(r, 'groups')} group(s) loaded`,
);
defineNarration('group.coordinator-resign', (r) =>
  n(r, 'groups') === 0 ? null : `broker ${n(r, 'broker')} gave up __consumer_offsets-${n(r, 'partition')}: its ${n(r, 'groups')} group(s) unloaded`,
);
defineNarration('group.offsets-topic-refused', (r) => `__consumer_offsets cannot be created: ${s(r, 'exception')}: ${s(r, 'message')}; FindCoordinator answers COORDINATOR_NOT_AVAILABLE`);

// ---- consumers (client side) ----------------------------------------------------------------

const c = (r: TraceRecord): string => s(r, 'consumer');

defineNarration('consumer.start', (r) => `${c(r)}: consumer started on ${s(r, 'clientHost')}`, { verbose: true });
defineNarration('consumer.subscribe', (r) => `${c(r)}: Subscribed to topic(s): ${list(r, 'topics')}`, { verbose: true });
defineNarration('consumer.assign', (r) => `${c(r)}: Assigned to partition(s): ${list(r, 'partitions')}`, { verbose: true });
defineNarration('consumer.coordinator', (r) => `${c(r)}: Discovered group coordinator ${coordinatorNode(n(r, 'coordinator'))}`);
defineNarration(
  'consumer.coordinator-unknown',
  (r) => `${c(r)}: Group coordinator ${coordinatorNode(n(r, 'coordinator'))} is unavailable or invalid due to cause: ${s(r, 'cause')}. Rediscovery will be attempted.`,
);
defineNarration('consumer.find-coordinator-failed', (r) => `${c(r)}: FindCoordinator failed: ${s(r, 'error')}`, { verbose: true });
defineNarration('consumer.join', (r) => `${c(r)}: (Re-)joining group${s(r, 'reason') ? ` (${s(r, 'reason')})` : ''}`, { verbose: true });
defineNarration(
  'consumer.joined',
  (r) => `${c(r)}: Successfully joined group with generation Generation{generationId=${n(r, 'generation')}, memberId='${s(r, 'member')}', protocol='${s(r, 'protocol')}'}`,
  { verbose: true },
);
defineNarration('consumer.assignment', (r) => {
  const assignment = Object.entries(r.assignment as Record<string, readonly string[]>)
    .map(([member, parts]) => `${member}=[${parts.join(', ')}]`)
    .join(', ');
  return `${c(r)} (group leader): Finished assignment for group at generation ${n(r, 'generation')}: {${assignment}}`;
});
defineNarration('consumer.synced', (r) => `${c(r)}: Successfully synced group in generation ${n(r, 'generation')}`, { verbose: true });
defineNarration('consumer.assigned', (r) => `${c(r)}: Adding newly assigned partitions: ${list(r, 'partitions')}`);
defineNarration('consumer.revoked', (r) => ((r.partitions as readonly string[]).length === 0 ? null : `${c(r)}: Revoke previously assigned partitions ${list(r, 'partitions')}`));
defineNarration('consumer.lost', (r) => `${c(r)}: Lost previously assigned partitions ${list(r, 'partitions')}`);
defineNarration('consumer.metadata-changed', (r) => `${c(r)}: Request joining group due to: cached metadata has changed from ${s(r, 'from')} at the beginning of the rebalance to ${s(r, 'to')}`);
defineNarration('consumer.rebalance-needed', (r) => `${c(r)}: Request joining group due to: group is already rebalancing`, { verbose: true });
defineNarration('consumer.poll-timeout', (r) => `${c(r)}: ${s(r, 'message')}`);
defineNarration('consumer.leave', (r) => `${c(r)}: Member ${s(r, 'member')} sending LeaveGroup request to coordinator due to ${s(r, 'reason')}`);
defineNarration('consumer.reset-generation', (r) => `${c(r)}: Resetting generation due to: ${s(r, 'reason')}`, { verbose: true });
defineNarration('consumer.auto-commit', (r) => `${c(r)}: auto-committed ${offsets(r)}`, { verbose: true });
defineNarration('consumer.auto-commit-failed', (r) => `${c(r)}: ${s(r, 'message')}${r.cause !== undefined ? ` (caused by ${s(r, 'cause')})` : ''}`);
defineNarration('consumer.commit', (r) => `${c(r)}: committed ${offsets(r)}`, { verbose: true });
defineNarration('consumer.commit-failed', (r) => `${c(r)}: Offset commit of ${offsets(r)} failed: ${s(r, 'error')}`);
defineNarration('consumer.commit-async-failed', (r) => `${c(r)}: commitAsync failed: ${s(r, 'exception')}: ${s(r, 'message')}${r.cause !== undefined ? ` (caused by ${s(r, 'cause')})` : ''}`);
defineNarration('consumer.reset', (r) => `${c(r)}: Resetting offset for partition ${s(r, 'partition')} to position ${n(r, 'offset')} (${s(r, 'strategy')})`);
defineNarration('consumer.committed-position', (r) => `${c(r)}: Setting offset for partition ${s(r, 'partition')} to the committed offset ${n(r, 'offset')}`);
defineNarration('consumer.out-of-range', (r) => `${c(r)}: ${s(r, 'message')} (log ${n(r, 'logStartOffset')}..${n(r, 'logEndOffset')})`);
defineNarration('consumer.seek', (r) => `${c(r)}: Seeking to offset ${n(r, 'offset')} for partition ${s(r, 'partition')}`);
defineNarration('consumer.metadata', (r) => `${c(r)}: metadata version ${n(r, 'version')}`, { verbose: true });
defineNarration('consumer.poll-error', (r) => `${c(r)}: poll() threw ${s(r, 'exception')}: ${s(r, 'message')}`);
defineNarration('consumer.crash', (r) => `${c(r)}: process killed (no commit, no LeaveGroup)`);
defineNarration('consumer.closed', (r) => `${c(r)}: closed`);

// ---- consumer applications ------------------------------------------------------------------

const a = (r: TraceRecord): string => `app ${s(r, 'app')}`;

defineNarration('app.start', (r) => `${a(r)}: started (consumer ${s(r, 'consumer')}, commit ${s(r, 'commit')}, processing ${s(r, 'processing')})`, { verbose: true });
defineNarration('app.seek-stored', (r) => `${a(r)}: ${s(r, 'partition')} starts at offset ${n(r, 'offset')}, read from the offset store`);
defineNarration('app.hand-off', (r) => `${a(r)}: handed ${n(r, 'records')} record(s) to its worker (${n(r, 'queued')} waiting)`, { verbose: true });
defineNarration('app.transaction', (r) => `${a(r)}: MULTI/EXEC: results of ${n(r, 'records')} record(s) and offsets ${offsets(r)}`, { verbose: true });
defineNarration('app.commit-failed', (r) => `${a(r)}: commit failed: ${s(r, 'exception')}: ${s(r, 'message')}`);
defineNarration('app.commit-retry', (r) => `${a(r)}: commits again, after the rebalance, the offsets it kept: ${offsets(r)}`);
defineNarration('app.sink-refused', (r) => `${a(r)}: writing results to ${s(r, 'sink')} failed (${s(r, 'error')}); retrying every ${formatDuration(n(r, 'retryMs'))}`);
defineNarration('app.failed', (r) => `${a(r)}: stopped by ${s(r, 'exception')}: ${s(r, 'message')}`);
defineNarration('app.crash', (r) =>
  n(r, 'queued') > 0 ? `${a(r)}: killed with ${n(r, 'queued')} polled record(s) still waiting for its worker: they are gone from memory` : `${a(r)}: killed`,
);
defineNarration('app.close', (r) => `${a(r)}: closing`, { verbose: true });
defineNarration('app.stall', (r) => `${a(r)}: its thread is stuck for ${formatDuration(n(r, 'ms'))} (no poll, no processing; heartbeats go on)`);
