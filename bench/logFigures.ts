/** Figures of the Kafka partition log (issue: the first vertical slice). */
import { KafkaCluster } from '../src/broker/KafkaCluster';
import { brokerDefaultLogConfig, topicLogConfig } from '../src/broker/LogConfig';
import { UnifiedLog } from '../src/broker/UnifiedLog';
import { SimDisk } from '../src/sim/SimDisk';
import { Simulation } from '../src/sim/Simulation';
import { heapUsedBytes, round, timeMs, type Figure } from './harness';

const BATCH_RECORDS = 100;
const VALUE_BYTES = 100;

function newLog(): { log: UnifiedLog; sim: Simulation } {
  const sim = new Simulation({ seed: 'bench', recordTrace: false });
  const disk = new SimDisk({ host: 'bench', sim, rng: sim.rng.fork('disk') });
  const log = new UnifiedLog({
    topicPartition: { topic: 'bench', partition: 0 },
    config: topicLogConfig(brokerDefaultLogConfig()),
    sim,
    disk,
    dir: 'kafka-logs/bench-0',
  });
  return { log, sim };
}

/** Append `records` records in batches of 100 × 100-byte values, no payloads kept. */
function fill(log: UnifiedLog, sim: Simulation, records: number): void {
  const batches = records / BATCH_RECORDS;
  for (let i = 0; i < batches; i++) {
    const result = log.appendUniformAsLeader({ count: BATCH_RECORDS, keySizeBytes: -1, valueSizeBytes: VALUE_BYTES, timestampMs: sim.nowMs + i });
    if ('error' in result) throw new Error(result.message);
  }
  log.updateHighWatermark(log.logEndOffset);
}

export const logFigures: readonly Figure[] = [
  {
    key: 'log_append_records_per_s',
    name: 'log append (1 partition, batches of 100 x 100-byte values, indexes on)',
    unit: 'records/s',
    target: '>= 3,000,000',
    measure: () => {
      const warm = newLog();
      fill(warm.log, warm.sim, 1_000_000);
      const { log, sim } = newLog();
      const records = 10_000_000;
      const ms = timeMs(() => fill(log, sim, records));
      return round(records / (ms / 1000));
    },
  },
  {
    key: 'log_offset_lookups_per_s',
    name: 'offset lookups on a 10M-record log',
    unit: 'lookups/s',
    target: '>= 1,000,000',
    measure: () => {
      const { log, sim } = newLog();
      fill(log, sim, 10_000_000);
      const rng = sim.rng.fork('lookups');
      const targets = Array.from({ length: 2_000_000 }, () => rng.int(0, 9_999_999));
      let found = 0;
      const ms = timeMs(() => {
        for (const offset of targets) if (log.batchContaining(offset) !== undefined) found++;
      });
      if (found !== targets.length) throw new Error(`lookups found ${found} of ${targets.length}`);
      return round(targets.length / (ms / 1000));
    },
  },
  {
    key: 'log_heap_bytes_per_record',
    name: 'heap per record held (no payloads)',
    unit: 'bytes',
    target: '<= 40',
    measure: () => {
      const before = heapUsedBytes();
      const { log, sim } = newLog();
      fill(log, sim, 10_000_000);
      const after = heapUsedBytes();
      if (log.logEndOffset !== 10_000_000) throw new Error('log not filled');
      return round((after - before) / 10_000_000, 2);
    },
  },
  {
    key: 'idle_7d_wall_ms',
    name: 'simulate 7 idle days with retention checks (3 brokers, 30 partitions; warm, median of 5)',
    unit: 'ms',
    target: '<= 50',
    measure: () => {
      const idleWeek = (): number => {
        const sim = new Simulation({ seed: 'bench', recordTrace: false });
        const cluster = new KafkaCluster({ sim, brokerIds: [1, 2, 3] });
        cluster.createTopic('idle', { partitions: 30, config: { 'retention.ms': 86_400_000 } });
        for (let p = 0; p < 30; p++) cluster.produce({ topic: 'idle', partition: p }, [{ keySizeBytes: -1, valueSizeBytes: 100, timestampMs: sim.nowMs }]);
        const ms = timeMs(() => sim.advance(7 * 86_400_000));
        if (cluster.partition({ topic: 'idle', partition: 0 })!.leaderLog().logStartOffset !== 1) throw new Error('retention did not run');
        return ms;
      };
      // Property tests run thousands of these: report the warm cost, the
      // median of 5 runs after one warm-up run.
      idleWeek();
      const runs = Array.from({ length: 5 }, idleWeek).sort((a, b) => a - b);
      return round(runs[2]!, 1);
    },
  },
];
