/** Every step a scenario can use, by kind. */
import type { AnyStepDefinition } from '../Step';
import { expectStep, noteStep, waitStep } from './basicSteps';
import {
  addPartitionsStep,
  consumeStep,
  createTopicStep,
  deleteTopicStep,
  describeTopicStep,
  fetchStep,
  kafkaClusterStep,
  listOffsetsStep,
  lookupOffsetStep,
  produceStep,
} from './kafkaSteps';
import { correctOffsetsStep, storeOffsetStep } from './offsetSteps';
import {
  brokerCrashStep,
  brokerFlushStep,
  brokerPowerLossStep,
  brokerRestartStep,
  brokerShutdownStep,
  checkStep,
  inspectLogStep,
  networkStep,
  waitUntilStep,
} from './clusterSteps';
import { awaitSendsStep, producerStep, sendStep } from './producerSteps';
import {
  redisCheckAofStep,
  redisCommandStep,
  redisCrashStep,
  redisEditAofStep,
  redisFaultStep,
  redisInfoStep,
  redisKeysStep,
  redisLogStep,
  redisPopulateStep,
  redisPowerLossStep,
  redisRestartStep,
  redisServerStep,
} from './redisSteps';
import { checkDeliveryStep, streamJobCrashStep, streamJobRestartStep, streamJobStep, streamJobStopStep } from './streamJobSteps';
import {
  commitAsyncStep,
  commitSyncStep,
  consumerAppStep,
  consumerCloseStep,
  consumerCrashStep,
  consumerRestartStep,
  consumerStep,
  describeGroupStep,
  pollStep,
  seekStep,
} from './consumerSteps';

const ALL: readonly AnyStepDefinition[] = [
  noteStep,
  waitStep,
  expectStep,
  kafkaClusterStep,
  createTopicStep,
  addPartitionsStep,
  deleteTopicStep,
  describeTopicStep,
  produceStep,
  fetchStep,
  consumeStep,
  listOffsetsStep,
  lookupOffsetStep,
  storeOffsetStep,
  correctOffsetsStep,
  redisServerStep,
  redisCommandStep,
  redisPopulateStep,
  redisCrashStep,
  redisPowerLossStep,
  redisRestartStep,
  redisFaultStep,
  redisCheckAofStep,
  redisEditAofStep,
  redisLogStep,
  redisInfoStep,
  redisKeysStep,
  brokerCrashStep,
  brokerPowerLossStep,
  brokerRestartStep,
  brokerShutdownStep,
  brokerFlushStep,
  networkStep,
  waitUntilStep,
  inspectLogStep,
  checkStep,
  producerStep,
  sendStep,
  awaitSendsStep,
  streamJobStep,
  streamJobCrashStep,
  streamJobRestartStep,
  streamJobStopStep,
  checkDeliveryStep,
  consumerAppStep,
  consumerStep,
  pollStep,
  commitSyncStep,
  commitAsyncStep,
  seekStep,
  consumerCrashStep,
  consumerRestartStep,
  consumerCloseStep,
  describeGroupStep,
];

export const STEPS: ReadonlyMap<string, AnyStepDefinition> = new Map(ALL.map((s) => [s.kind, s]));

export function stepKinds(): string[] {
  return [...STEPS.keys()].sort();
}
