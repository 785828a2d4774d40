/**
 * Probes for replicated Kafka: who leads, the ISR, each replica's log, the
 * brokers' states, what producers got back, and what the invariant checkers
 * found. `expect` and `wait-until` read them:
 *
 *   leader events-0                  the broker acting as leader (-1: none, or not yet taken over)
 *   leaderEpoch events-0
 *   isr events-0                     '1,2,3' (the controller's, in its order)
 *   isrSize events-0
 *   replicaLogEndOffset events-0 2   broker 2's log end offset
 *   replicaHighWatermark events-0 2
 *   replicaValue events-0 2 1        the value at offset 1 in broker 2's log (null if none)
 *   committedValues events-0         the leader's records below its high watermark, 'm1,m2,...'
 *   duplicates events-0              records whose value appears more than once in the leader's log
 *   lost events-0                    acknowledged records the partition no longer holds
 *   brokerState 2                    running, crashed, powered-off, stopped, recovering, controlled-shutdown
 *   fenced 2                         true when the controller fenced broker 2
 *   acked app / failed app / pending app   a producer's send results so far
 *   checker no-acked-write-lost      'ok' or 'violated'
 */
import type { ClusterPartition } from '../broker/ClusterPartition';
import { CHECKER_NAMES, type CheckerName } from '../broker/ReplicationCheckers';
import type { UnifiedLog } from '../broker/UnifiedLog';
import type { TraceValue } from '../sim/Trace';
import { defineProbe, parseTopicPartition } from './probes';
import type { World } from './World';

function view(world: World, tpText: string): ClusterPartition | undefined {
  const tp = parseTopicPartition(tpText);
  if (tp === null || !world.hasKafka) return undefined;
  return world.kafka.partition(tp);
}

function replicaLog(world: World, tpText: string, brokerText: string): UnifiedLog | undefined {
  const v = view(world, tpText);
  const id = Number(brokerText);
  if (v === undefined || !v.replicas.includes(id)) return undefined;
  return v.replicaLog(id);
}

/** The log clients are served from: the current leader's, or the last leader's while offline. */
function servingLog(world: World, tpText: string): UnifiedLog | undefined {
  const v = view(world, tpText);
  if (v === undefined) return undefined;
  const leader = world.kafka.leaderPartition(v.topicPartition);
  return 'error' in leader ? undefined : leader.log;
}

function valuesOf(log: UnifiedLog, end: number): (string | null)[] {
  const records = log.readRecords(log.logStartOffset, end);
  return 'error' in records ? [] : records.map((r) => r.value);
}

function producer(world: World, name: string) {
  return world.hasKafka ? world.kafka.producer(name) : undefined;
}

/** The broker serving as leader: elected by the controller and already acting on it; -1 otherwise. */
defineProbe({
  name: 'leader',
  usage: 'leader <topic>-<partition>',
  arity: 1,
  read: (w, [tp]) => {
    const v = view(w, tp!);
    if (v === undefined) return undefined;
    return 'error' in w.kafka.leaderPartition(v.topicPartition) ? -1 : v.leaderId;
  },
});
defineProbe({ name: 'leaderEpoch', usage: 'leaderEpoch <topic>-<partition>', arity: 1, read: (w, [tp]) => view(w, tp!)?.leaderEpoch });
defineProbe({ name: 'isr', usage: 'isr <topic>-<partition>', arity: 1, read: (w, [tp]) => view(w, tp!)?.isr.join(',') });
defineProbe({ name: 'isrSize', usage: 'isrSize <topic>-<partition>', arity: 1, read: (w, [tp]) => view(w, tp!)?.isr.length });
defineProbe({
  name: 'replicaLogEndOffset',
  usage: 'replicaLogEndOffset <topic>-<partition> <broker>',
  arity: 2,
  read: (w, [tp, b]) => replicaLog(w, tp!, b!)?.logEndOffset,
});
defineProbe({
  name: 'replicaHighWatermark',
  usage: 'replicaHighWatermark <topic>-<partition> <broker>',
  arity: 2,
  read: (w, [tp, b]) => replicaLog(w, tp!, b!)?.highWatermark,
});
defineProbe({
  name: 'replicaValue',
  usage: 'replicaValue <topic>-<partition> <broker> <offset>',
  arity: 3,
  read: (w, [tp, b, offsetText]) => {
    const log = replicaLog(w, tp!, b!);
    const offset = Number(offsetText);
    if (log === undefined || !Number.isInteger(offset)) return undefined;
    if (offset < log.logStartOffset || offset >= log.logEndOffset) return null;
    const batch = log.batchContaining(offset);
    return batch?.records?.values?.[offset - batch.baseOffset] ?? null;
  },
});
defineProbe({
  name: 'committedValues',
  usage: 'committedValues <topic>-<partition>',
  arity: 1,
  read: (w, [tp]) => {
    const log = servingLog(w, tp!);
    return log === undefined ? undefined : valuesOf(log, log.highWatermark).join(',');
  },
});
defineProbe({
  name: 'duplicates',
  usage: 'duplicates <topic>-<partition>',
  arity: 1,
  read: (w, [tp]) => {
    const log = servingLog(w, tp!);
    if (log === undefined) return undefined;
    const seen = new Set<string>();
    let duplicates = 0;
    for (const value of valuesOf(log, log.logEndOffset)) {
      if (value === null) continue;
      if (seen.has(value)) duplicates++;
      else seen.add(value);
    }
    return duplicates;
  },
});
defineProbe({
  name: 'lost',
  usage: 'lost <topic>-<partition>',
  arity: 1,
  read: (w, [tp]) => (w.hasKafka && view(w, tp!) !== undefined ? w.kafka.checkers.lostRecords().filter((a) => a.partition === tp).length : undefined),
});
defineProbe({
  name: 'brokerState',
  usage: 'brokerState <broker>',
  arity: 1,
  read: (w, [b]) => (w.hasKafka ? w.kafka.brokers.get(Number(b))?.state : undefined),
});
defineProbe({
  name: 'fenced',
  usage: 'fenced <broker>',
  arity: 1,
  read: (w, [b]) => (w.hasKafka ? w.kafka.controller.brokers.get(Number(b))?.fenced : undefined),
});
defineProbe({
  name: 'acked',
  usage: 'acked <producer>',
  arity: 1,
  read: (w, [name]) => producer(w, name!)?.handles.filter((h) => h.result?.ok === true).length,
});
defineProbe({
  name: 'failed',
  usage: 'failed <producer>',
  arity: 1,
  read: (w, [name]) => producer(w, name!)?.handles.filter((h) => h.result?.ok === false).length,
});
defineProbe({ name: 'pending', usage: 'pending <producer>', arity: 1, read: (w, [name]) => producer(w, name!)?.pending });
defineProbe({
  name: 'checker',
  usage: `checker <${CHECKER_NAMES.join('|')}>`,
  arity: 1,
  read: (w, [name]): TraceValue | undefined => {
    if (!w.hasKafka || !(CHECKER_NAMES as readonly string[]).includes(name!)) return undefined;
    const checkers = w.kafka.checkers;
    checkers.check();
    return checkers.violations.has(name as CheckerName) ? 'violated' : 'ok';
  },
});
