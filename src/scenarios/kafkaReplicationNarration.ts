/**
 * The sentences a learner reads for what a replicated Kafka cluster does:
 * brokers dying and starting, the controller fencing them and electing
 * leaders, ISR changes, follower truncation and the exchange that decides
 * it, producer acknowledgements, retries and failures, checker violations,
 * and network faults. With --verbose also every high watermark move, fetch
 * decision and request.
 */
import type { TraceRecord } from '../sim/Trace';
import { formatDuration } from './duration';
import { defineNarration } from './narrate';

const s = (r: TraceRecord, k: string): string => String(r[k]);
const n = (r: TraceRecord, k: string): number => r[k] as number;
const list = (r: TraceRecord, k: string): string => (r[k] as readonly unknown[]).join(',');
const group = (v: unknown): string => (Array.isArray(v) ? v.join(',') : String(v));

// ---- brokers ---------------------------------------------------------------------

defineNarration('broker.state', (r) => {
  const b = n(r, 'broker');
  switch (s(r, 'event')) {
    case 'CRASH':
      return `broker ${b}: process killed; the page cache keeps every write it made`;
    case 'POWER_LOSS':
      return `broker ${b}: power lost`;
    case 'START':
      return `broker ${b}: starting`;
    case 'RECOVERED':
      return `broker ${b}: running; registering with the controller`;
    case 'SHUTDOWN':
      return `broker ${b}: controlled shutdown requested`;
    case 'SHUTDOWN_COMPLETE':
      return `broker ${b}: stopped cleanly (logs flushed, high watermarks checkpointed, .kafka_cleanshutdown written)`;
    default:
      return `broker ${b}: ${s(r, 'from')} → ${s(r, 'to')}`;
  }
});
defineNarration('broker.power-loss', (r) => {
  const torn = r['tornFiles'] as readonly string[];
  return `broker ${n(r, 'broker')}: every write its disk had not made durable is gone${torn.length > 0 ? ` (torn: ${torn.join(', ')})` : ''}`;
});
defineNarration('broker.recovered', (r) =>
  r['clean'] === true
    ? `broker ${n(r, 'broker')}: clean shutdown marker found: log recovery skipped`
    : `broker ${n(r, 'broker')}: no clean shutdown marker: recovering ${n(r, 'logs')} log(s) from what the disk holds`,
);
defineNarration('broker.registered', (r) => `broker ${n(r, 'broker')}: registered with broker epoch ${n(r, 'brokerEpoch')}`, { verbose: true });
defineNarration('broker.shutdown-timeout', (r) => `broker ${n(r, 'broker')}: the controller did not approve the controlled shutdown within 5 minutes; stopping anyway`);

// ---- the controller ---------------------------------------------------------------------

defineNarration('controller.register', (r) => `controller: broker ${n(r, 'broker')} registered (broker epoch ${n(r, 'brokerEpoch')}); fenced until it has caught up with the metadata`);
defineNarration(
  'controller.register-rejected',
  (r) => `controller: broker ${n(r, 'broker')}'s registration refused: ${s(r, 'error')} ("${s(r, 'message')}"): its previous run's session is still valid`,
  { verbose: true },
);
defineNarration('controller.fence', (r) =>
  s(r, 'reason') === 'session expired'
    ? `controller: broker ${n(r, 'broker')} fenced: no heartbeat for broker.session.timeout.ms`
    : `controller: broker ${n(r, 'broker')} fenced (${s(r, 'reason')})`,
);
defineNarration('controller.unfence', (r) => `controller: broker ${n(r, 'broker')} unfenced`);
defineNarration('controller.controlled-shutdown', (r) => `controller: broker ${n(r, 'broker')} is shutting down: its leadership moves away and it leaves every ISR`);
defineNarration('controller.partition', (r) => {
  const p = s(r, 'partition');
  const why = s(r, 'reason');
  if (r['leaderChanged'] === true) {
    if (n(r, 'leader') === -1) return `controller: ${p} has no leader now (epoch ${n(r, 'leaderEpoch')}): offline; the ISR stays [${list(r, 'isr')}] (${why})`;
    if (r['unclean'] === true) {
      return `controller: UNCLEAN election for ${p}: broker ${n(r, 'leader')} leads in epoch ${n(r, 'leaderEpoch')} although it was not in the ISR [${list(r, 'previousIsr')}]; the ISR becomes [${list(r, 'isr')}] (${why})`;
    }
    return `controller: broker ${n(r, 'leader')} elected leader of ${p} in epoch ${n(r, 'leaderEpoch')}, ISR [${list(r, 'isr')}] (${why})`;
  }
  return `controller: ISR of ${p} [${list(r, 'previousIsr')}] → [${list(r, 'isr')}] (${why})`;
});

// ---- partitions on brokers ---------------------------------------------------------------

defineNarration(
  'partition.leader',
  (r) =>
    `${s(r, 'partition')}: broker ${n(r, 'broker')} takes over as leader in epoch ${n(r, 'leaderEpoch')}; the epoch starts at offset ${n(r, 'startOffset')}, its high watermark is ${n(r, 'highWatermark')}`,
);
defineNarration('partition.follower', (r) => `${s(r, 'partition')}: broker ${n(r, 'broker')} follows broker ${n(r, 'leader')} (epoch ${n(r, 'leaderEpoch')})`, { verbose: true });
defineNarration('partition.hw', (r) => `${s(r, 'partition')} on broker ${n(r, 'broker')}: high watermark ${n(r, 'from')} → ${n(r, 'to')}`, { verbose: true });
defineNarration('partition.not-enough-replicas', (r) => `${s(r, 'partition')} on broker ${n(r, 'broker')}: NotEnoughReplicasException: ${s(r, 'message')}`);
defineNarration(
  'partition.duplicate',
  (r) =>
    `${s(r, 'partition')} on broker ${n(r, 'broker')}: producer ${n(r, 'producerId')}'s batch at sequence ${n(r, 'baseSequence')} is a duplicate: not appended, answered with its original offsets ${n(r, 'firstOffset')}..${n(r, 'lastOffset')}`,
);
defineNarration(
  'partition.producers-expired',
  (r) => `${s(r, 'partition')} on broker ${n(r, 'broker')}: forgot producer(s) ${list(r, 'producerIds')}: idle for producer.id.expiration.ms (${formatDuration(n(r, 'expirationMs'))})`,
);
defineNarration('isr.shrink', (r) => {
  const out = (r['outOfSync'] as readonly { brokerId: number; endOffset: number; lastCaughtUpTimeMs: number }[])
    .map((o) => `broker ${o.brokerId} at offset ${o.endOffset < 0 ? 'unknown' : o.endOffset}, last caught up ${o.lastCaughtUpTimeMs > 0 ? `${formatDuration(r.t - o.lastCaughtUpTimeMs)} ago` : 'never under this leader'}`)
    .join('; ');
  return `${s(r, 'partition')}: leader ${n(r, 'broker')} asks to shrink the ISR [${list(r, 'isr')}] → [${list(r, 'newIsr')}] (end offset ${n(r, 'endOffset')}, high watermark ${n(r, 'highWatermark')}): ${out}; replica.lag.time.max.ms is ${formatDuration(n(r, 'lagMs'))}`;
});
defineNarration(
  'isr.expand',
  (r) =>
    `${s(r, 'partition')}: leader ${n(r, 'broker')} asks to add broker ${n(r, 'follower')} back to the ISR: its end offset ${n(r, 'followerEndOffset')} reached the high watermark ${n(r, 'highWatermark')}`,
);

// ---- followers ---------------------------------------------------------------------------

defineNarration('replica.epoch-request', (r) => `broker ${n(r, 'broker')} asks leader ${n(r, 'leader')} where leader epoch ${n(r, 'leaderEpoch')} of ${s(r, 'partition')} ends (OffsetsForLeaderEpoch)`, { verbose: true });
defineNarration(
  'replica.epoch-answer',
  (r) =>
    `broker ${n(r, 'broker')} answers broker ${n(r, 'follower')}: in ${s(r, 'partition')}, ${n(r, 'leaderEpoch') === -1 ? `no epoch at or below ${n(r, 'requestedEpoch')}` : `epoch ${n(r, 'leaderEpoch')} ends at offset ${n(r, 'endOffset')}`}`,
);
defineNarration('replica.truncate', (r) => {
  const cut = n(r, 'from') - n(r, 'to');
  const below = n(r, 'to') < n(r, 'highWatermark') ? ` (below its high watermark ${n(r, 'highWatermark')})` : '';
  return `${s(r, 'partition')} on broker ${n(r, 'broker')}: ${s(r, 'rule')} truncation: ${s(r, 'reason')}: cut ${cut} record(s), log end ${n(r, 'from')} → ${n(r, 'to')}${below}`;
});
defineNarration('replica.no-truncation', (r) => `${s(r, 'partition')} on broker ${n(r, 'broker')}: ${s(r, 'rule')} truncation: ${s(r, 'reason')}: nothing to cut, log end stays ${n(r, 'to')}`);

// ---- producers -----------------------------------------------------------------------------

defineNarration('producer.init', (r) => `${s(r, 'producer')}: idempotent producer id ${n(r, 'producerId')}, epoch ${n(r, 'producerEpoch')}`);
defineNarration('producer.send', (r) => `${s(r, 'producer')}: send ${r['value'] === null ? 'a record' : JSON.stringify(r['value'])} to ${s(r, 'topic')}${r['key'] === null ? '' : ` with key ${JSON.stringify(r['key'])}`}`, { verbose: true });
defineNarration(
  'producer.request',
  (r) =>
    `${s(r, 'producer')}: Produce request to broker ${n(r, 'broker')}: ${(r['batches'] as readonly { partition: string; records: number; attempt: number }[])
      .map((b) => `${b.partition} ${b.records} record(s)${b.attempt > 1 ? ` (attempt ${b.attempt})` : ''}`)
      .join(', ')}`,
  { verbose: true },
);
defineNarration('producer.ack', (r) => {
  const count = n(r, 'records');
  const values = r['values'] as readonly (string | null)[];
  const shown = values.length > 0 && values.every((v) => v !== null) ? ` [${values.join(', ')}]` : '';
  if (n(r, 'baseOffset') < 0) return `${s(r, 'producer')}: ${count} record(s) for ${s(r, 'partition')}${shown} sent with acks=0: done, offset unknown (-1)`;
  const last = n(r, 'baseOffset') + count - 1;
  const attempts = n(r, 'attempts') > 1 ? `, after ${n(r, 'attempts')} attempts` : '';
  return `${s(r, 'producer')}: acknowledged ${count} record(s)${shown} of ${s(r, 'partition')} at offset${count > 1 ? `s ${n(r, 'baseOffset')}..${last}` : ` ${last}`} (acks=${n(r, 'acks') === -1 ? 'all' : n(r, 'acks')}${attempts})`;
});
defineNarration(
  'producer.retry',
  (r) => `${s(r, 'producer')}: ${s(r, 'error')} for ${n(r, 'records')} record(s) of ${s(r, 'partition')} (${s(r, 'message')}); retry ${n(r, 'attempt') - 1} in ${n(r, 'backoffMs')}ms`,
);
defineNarration(
  'producer.retry-again',
  (r) => `${s(r, 'producer')}: ${s(r, 'error')} again for ${s(r, 'partition')}; retry ${n(r, 'attempt') - 1} in ${n(r, 'backoffMs')}ms`,
  { verbose: true },
);
defineNarration(
  'producer.error',
  (r) => `${s(r, 'producer')}: ${n(r, 'records')} record(s) of ${s(r, 'partition')} FAILED after ${n(r, 'attempts')} attempt(s): ${s(r, 'exception')}: ${s(r, 'message')}`,
);

// ---- checkers and the network ------------------------------------------------------------------

defineNarration('checker.violation', (r) => `CHECKER ${s(r, 'checker')} violated: ${s(r, 'message')}`);
defineNarration('net.partition', (r) => `network: ${group(r['between'])} ${r['oneWay'] === true ? '→' : '⇹'} ${group(r['and'])} cut${r['oneWay'] === true ? ' one way' : ''}`);
defineNarration('net.heal', (r) => (r['between'] === undefined ? 'network: every fault healed' : `network: ${group(r['between'])} ⇹ ${group(r['and'])} healed`));
defineNarration('net.loss', (r) => `network: ${group(r['from'])} → ${group(r['to'])} loses each message with probability ${n(r, 'probability')}`);
defineNarration('net.delay', (r) => `network: ${group(r['from'])} → ${group(r['to'])} latency ${n(r, 'latencyMs')}ms ± ${n(r, 'jitterMs')}ms`);
defineNarration('net.drop', (r) => `network: ${s(r, 'from')} → ${s(r, 'to')} lost ${s(r, 'message')} (${s(r, 'reason')})`, { verbose: true });
