/**
 * Probes for consumer groups and consumer applications:
 *
 *   groupState orders                Empty, PreparingRebalance, CompletingRebalance, Stable, Dead
 *   groupMembers orders              members in the group now
 *   groupGeneration orders
 *   groupCoordinator orders          the broker coordinating it (-1: none)
 *   committed orders events-0        the group's committed offset (null: none)
 *   lag orders events-0              high watermark minus committed offset (null: nothing committed)
 *   assignment worker-1              'events-0,events-1' (an application's or a consumer client's)
 *   position worker-1 events-0       the consumer's position (null: not known yet)
 *   appProcessed worker-1            records its results were written for, over every run
 *   appState worker-1                running, crashed, failed, closed
 *   appCommitFailures worker-1       commits refused (CommitFailedException, ...)
 *   partitionsGivenUp worker-1       partitions its consumer revoked or lost in rebalances (this run)
 */
import type { TraceValue } from '../sim/Trace';
import { consumerApps, consumerNamed } from './consumerApps';
import { defineProbe, parseTopicPartition } from './probes';
import type { World } from './World';

function described(world: World, group: string) {
  return world.hasKafka ? world.kafka.describeGroup(group) : undefined;
}

function committedOffset(world: World, group: string, tpText: string): number | null | undefined {
  const tp = parseTopicPartition(tpText);
  if (tp === null || !world.hasKafka) return undefined;
  const found = world.kafka.groupCoordinatorFor(group);
  if (found === null) return undefined;
  return found.groups.coordinator.fetchOffsets(group).get(`${tp.topic}-${tp.partition}`)?.offset ?? null;
}

defineProbe({ name: 'groupState', usage: 'groupState <group>', arity: 1, read: (w, [g]) => described(w, g!)?.state });
defineProbe({
  name: 'groupMembers',
  usage: 'groupMembers <group>',
  arity: 1,
  read: (w, [g]) => (w.hasKafka ? (w.kafka.groupCoordinatorFor(g!)?.groups.coordinator.describe(g!).members.length ?? 0) : undefined),
});
defineProbe({
  name: 'groupGeneration',
  usage: 'groupGeneration <group>',
  arity: 1,
  read: (w, [g]) => (w.hasKafka ? (w.kafka.groupCoordinatorFor(g!)?.groups.coordinator.describe(g!).generationId ?? -1) : undefined),
});
defineProbe({
  name: 'groupCoordinator',
  usage: 'groupCoordinator <group>',
  arity: 1,
  read: (w, [g]) => (w.hasKafka ? (w.kafka.groupCoordinatorFor(g!)?.brokerId ?? -1) : undefined),
});
defineProbe({ name: 'committed', usage: 'committed <group> <topic>-<partition>', arity: 2, read: (w, [g, tp]) => committedOffset(w, g!, tp!) });
defineProbe({
  name: 'lag',
  usage: 'lag <group> <topic>-<partition>',
  arity: 2,
  read: (w, [g, tpText]): TraceValue | undefined => {
    const committed = committedOffset(w, g!, tpText!);
    const tp = parseTopicPartition(tpText!);
    if (committed === undefined || tp === null) return undefined;
    if (committed === null) return null;
    const view = w.kafka.partition(tp);
    return view?.hasLeader ? view.leaderLog().highWatermark - committed : undefined;
  },
});
defineProbe({ name: 'assignment', usage: 'assignment <app-or-consumer>', arity: 1, read: (w, [name]) => consumerNamed(w, name!)?.assignment().join(',') });
defineProbe({
  name: 'position',
  usage: 'position <app-or-consumer> <topic>-<partition>',
  arity: 2,
  read: (w, [name, tpText]) => {
    const tp = parseTopicPartition(tpText!);
    const consumer = consumerNamed(w, name!);
    return tp === null || consumer === undefined ? undefined : consumer.currentPosition(tp);
  },
});
defineProbe({ name: 'appProcessed', usage: 'appProcessed <app>', arity: 1, read: (w, [name]) => consumerApps(w).get(name!)?.processed });
defineProbe({ name: 'appState', usage: 'appState <app>', arity: 1, read: (w, [name]) => consumerApps(w).get(name!)?.state });
defineProbe({ name: 'appCommitFailures', usage: 'appCommitFailures <app>', arity: 1, read: (w, [name]) => consumerApps(w).get(name!)?.commitFailures });
defineProbe({
  name: 'partitionsGivenUp',
  usage: 'partitionsGivenUp <app-or-consumer>',
  arity: 1,
  read: (w, [name]) => consumerNamed(w, name!)?.coordinator?.partitionsGivenUp,
});
