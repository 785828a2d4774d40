/** The built-in scenarios, in the order `faultline list` and `npm start` show them. */
import type { ScenarioSpec } from '../Scenario';
import partitionsAddedWhileOffsetsStored from './partitionsAddedWhileOffsetsStored';
import retentionDeletesUnderStoredOffset from './retentionDeletesUnderStoredOffset';
import sparseIndexLookup from './sparseIndexLookup';
import startFromTime from './startFromTime';
import aofAndRdbBothOnAofWins from './aofAndRdbBothOnAofWins';
import aofRewriteCrashKeepsOldFiles from './aofRewriteCrashKeepsOldFiles';
import alwaysLosesNothing from './alwaysLosesNothing';
import appendfsyncNoLoses30s from './appendfsyncNoLoses30s';
import bgsaveCowMemoryUnderWrites from './bgsaveCowMemoryUnderWrites';
import bgsaveFailureStopsWrites from './bgsaveFailureStopsWrites';
import everysecPowerLossWindow from './everysecPowerLossWindow';
import flushallRecoveredByEditingAof from './flushallRecoveredByEditingAof';
import processCrashVsPowerLoss from './processCrashVsPowerLoss';
import rdbOnlyLosesSinceLastSave from './rdbOnlyLosesSinceLastSave';
import slowDiskPostponesFsync from './slowDiskPostponesFsync';
import truncatedAofLoadTruncatedYesVsNo from './truncatedAofLoadTruncatedYesVsNo';
import acks1LeaderFailoverLosesAckedWrite from './acks1LeaderFailoverLosesAckedWrite';
import acksAllMinIsrSurvivesLeaderFailover from './acksAllMinIsrSurvivesLeaderFailover';
import kip101HwTruncationDataLoss from './kip101HwTruncationDataLoss';
import kip101LogDivergence from './kip101LogDivergence';
import uncleanElectionLosesCommittedData from './uncleanElectionLosesCommittedData';
import minIsrRejectsWrites from './minIsrRejectsWrites';
import isrShrinkOnSlowFollower from './isrShrinkOnSlowFollower';
import retriesDuplicateWithoutIdempotence from './retriesDuplicateWithoutIdempotence';
import idempotenceDedupesRetries from './idempotenceDedupesRetries';
import reorderingWithMaxInFlight from './reorderingWithMaxInFlight';
import allReplicasPowerLossUnflushed from './allReplicasPowerLossUnflushed';
import keyedPartitioningChangesWhenPartitionsAdded from './keyedPartitioningChangesWhenPartitionsAdded';
import commitBeforeProcessLoses from './commitBeforeProcessLoses';
import offsetStoreInRedis from './offsetStoreInRedis';
import processThenCommitDuplicates from './processThenCommitDuplicates';
import exactlyOnceWithMultiExec from './exactlyOnceWithMultiExec';
import redisEverysecPowerLossReplaysOffsets from './redisEverysecPowerLossReplaysOffsets';
import tornAofSplitsMultiExec from './tornAofSplitsMultiExec';
import autoCommitLosesOnCrash from './autoCommitLosesOnCrash';
import rebalanceOnPartitionAdd from './rebalanceOnPartitionAdd';
import latestResetMissesNewPartitionData from './latestResetMissesNewPartitionData';
import zombieConsumerDuplicatesDespiteMultiExec from './zombieConsumerDuplicatesDespiteMultiExec';
import cooperativeRebalanceKeepsPartitions from './cooperativeRebalanceKeepsPartitions';
import committedOffsetsExpireWhileGroupIsDown from './committedOffsetsExpireWhileGroupIsDown';

export const BUILTIN_SCENARIOS: readonly ScenarioSpec[] = [
  // Offsets kept in Redis: the stream job and its delivery semantics.
  offsetStoreInRedis,
  commitBeforeProcessLoses,
  processThenCommitDuplicates,
  exactlyOnceWithMultiExec,
  redisEverysecPowerLossReplaysOffsets,
  tornAofSplitsMultiExec,
  // Consumer groups: commits, rebalances and resets.
  autoCommitLosesOnCrash,
  rebalanceOnPartitionAdd,
  latestResetMissesNewPartitionData,
  zombieConsumerDuplicatesDespiteMultiExec,
  cooperativeRebalanceKeepsPartitions,
  committedOffsetsExpireWhileGroupIsDown,
  // Kafka storage: segments, indexes, retention, offsets.
  retentionDeletesUnderStoredOffset,
  partitionsAddedWhileOffsetsStored,
  startFromTime,
  sparseIndexLookup,
  // Kafka replication and producers.
  acks1LeaderFailoverLosesAckedWrite,
  acksAllMinIsrSurvivesLeaderFailover,
  kip101HwTruncationDataLoss,
  kip101LogDivergence,
  uncleanElectionLosesCommittedData,
  minIsrRejectsWrites,
  isrShrinkOnSlowFollower,
  retriesDuplicateWithoutIdempotence,
  idempotenceDedupesRetries,
  reorderingWithMaxInFlight,
  allReplicasPowerLossUnflushed,
  keyedPartitioningChangesWhenPartitionsAdded,
  // Redis persistence.
  everysecPowerLossWindow,
  alwaysLosesNothing,
  appendfsyncNoLoses30s,
  processCrashVsPowerLoss,
  rdbOnlyLosesSinceLastSave,
  bgsaveCowMemoryUnderWrites,
  bgsaveFailureStopsWrites,
  aofRewriteCrashKeepsOldFiles,
  truncatedAofLoadTruncatedYesVsNo,
  flushallRecoveredByEditingAof,
  aofAndRdbBothOnAofWins,
  slowDiskPostponesFsync,
];

export function builtinScenario(name: string): ScenarioSpec | undefined {
  return BUILTIN_SCENARIOS.find((s) => s.name === name);
}
