/** A standalone partition log on a fresh simulation and disk, for tests. */
import { brokerDefaultLogConfig, topicLogConfig, type TopicConfigOverrides } from '../../src/broker/LogConfig';
import { UnifiedLog } from '../../src/broker/UnifiedLog';
import { SimDisk } from '../../src/sim/SimDisk';
import { Simulation } from '../../src/sim/Simulation';

export interface LogFixture {
  readonly sim: Simulation;
  readonly disk: SimDisk;
  readonly log: UnifiedLog;
}

export function logFixture(overrides: TopicConfigOverrides = {}, options: { seed?: string; recordTrace?: boolean } = {}): LogFixture {
  const sim = new Simulation({ seed: options.seed ?? 'test', recordTrace: options.recordTrace ?? true });
  const disk = new SimDisk({ host: 'broker-1', sim, rng: sim.rng.fork('disk') });
  const log = new UnifiedLog({
    topicPartition: { topic: 't', partition: 0 },
    config: topicLogConfig(brokerDefaultLogConfig(), overrides),
    sim,
    disk,
    dir: 'kafka-logs/t-0',
    brokerId: 1,
  });
  return { sim, disk, log };
}

/** Append as leader and move the high watermark to the log end, as a single replica does. */
export function appendCommitted(log: UnifiedLog, records: Parameters<UnifiedLog['appendAsLeader']>[0]): void {
  const info = log.appendAsLeader(records);
  if ('error' in info) throw new Error(info.message);
  log.updateHighWatermark(log.logEndOffset);
}
