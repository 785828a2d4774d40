/**
 * faultline's public API: the pieces a property test of your own offset and
 * durability logic builds on. Everything runs on one `Simulation` (virtual
 * clock, event queue, seeded randomness, trace); nothing reads real time.
 *
 *   const sim = new Simulation({ seed: 42 });
 *   const kafka = new KafkaCluster({ sim, brokerIds: [1, 2, 3] });
 *   const redis = new RedisHost({ sim, name: 'redis', config: { appendonly: 'yes' } });
 */

// The kernel.
export { Simulation, DEFAULT_START_MS } from './sim/Simulation';
export { Rng } from './sim/Rng';
export { Trace, serialiseRecord, type TraceRecord } from './sim/Trace';
export { SimDisk, DiskError } from './sim/SimDisk';
export { Network, type NetworkFault } from './sim/Network';
export { assert, InvariantError } from './sim/assert';

// Kafka.
export { KafkaCluster } from './broker/KafkaCluster';
export { UnifiedLog, EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type TopicPartition } from './broker/UnifiedLog';
export { KafkaProducer } from './broker/producer/KafkaProducer';
export { KafkaConsumer } from './broker/consumer/KafkaConsumer';
export { ReplicationCheckers, type Violation } from './broker/ReplicationCheckers';
export { applyFault, applyStep, describeStep, runChecked, settle, type ClusterStep, type FaultStep } from './broker/faultRunner';
export { murmur2, partitionForKey } from './broker/partitioner';
export type { KafkaError, KafkaErrorCode } from './broker/errors';

// Redis.
export { RedisServer } from './redis/RedisServer';
export { RedisHost } from './redis/persistence/RedisHost';
export type { RedisClient } from './redis/RedisClient';
export type { Reply } from './redis/reply';
export { encodeRdb } from './redis/format/rdbEncode';
export { decodeRdb } from './redis/format/rdbDecode';

// Applications: offsets kept in Redis, corrected at start-up.
export { RedisOffsetStore, offsetsKey } from './app/RedisOffsetStore';
export { correctOffsets, type PartitionDecision } from './app/offsetCorrection';
export { StreamJob, measureDelivery, type DeliverySemantics } from './app/StreamJob';
export { kafkaRecordSource } from './app/kafkaRecordSource';

// Scenarios.
export { scenario } from './scenarios/Scenario';
export { runScenario } from './scenarios/runScenario';
export { validateScenario } from './scenarios/validate';
export { loadScenarioFile } from './scenarios/scenarioFile';
export { BUILTIN_SCENARIOS } from './scenarios/builtin/index';
