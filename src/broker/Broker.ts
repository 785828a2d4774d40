/**
 * A broker: a host with a disk and the logs of the partition replicas it
 * holds, plus its LogManager duties (retention checks every
 * `log.retention.check.interval.ms` after `log.initial.task.delay.ms`).
 *
 * Replication, the broker lifecycle (crash, power loss, restart with log
 * recovery) and request handling over the network build on this shell.
 */
import type { PeriodicTask, Simulation } from '../sim/Simulation';
import { SimDisk } from '../sim/SimDisk';
import {
  brokerDefaultLogConfig,
  DEFAULT_INITIAL_TASK_DELAY_MS,
  DEFAULT_RETENTION_CHECK_INTERVAL_MS,
  type BrokerLogSettings,
  type LogConfig,
} from './LogConfig';
import { topicPartitionName, UnifiedLog, type DeletedSegment, type TopicPartition } from './UnifiedLog';

export const LOG_DIR = 'kafka-logs';

export interface BrokerOptions {
  readonly id: number;
  readonly sim: Simulation;
  readonly settings?: BrokerLogSettings;
}

export class Broker {
  readonly id: number;
  readonly host: string;
  readonly disk: SimDisk;
  readonly settings: BrokerLogSettings;
  readonly defaultLogConfig: LogConfig;
  private readonly sim: Simulation;
  private readonly logs = new Map<string, UnifiedLog>();
  /** `logs` in name order, rebuilt only when a log is created or deleted. */
  private sortedLogs: UnifiedLog[] | null = null;
  private retentionTask: PeriodicTask | undefined;

  constructor(options: BrokerOptions) {
    this.id = options.id;
    this.host = `broker-${options.id}`;
    this.sim = options.sim;
    this.settings = options.settings ?? {};
    this.defaultLogConfig = brokerDefaultLogConfig(this.settings);
    this.disk = new SimDisk({ host: this.host, sim: options.sim, rng: options.sim.rng.fork(`disk/${this.host}`) });
    this.disk.mkdir(LOG_DIR);
  }

  /** Start the LogManager's scheduled tasks. */
  startup(): void {
    const interval = this.settings['log.retention.check.interval.ms'] ?? DEFAULT_RETENTION_CHECK_INTERVAL_MS;
    const initialDelay = this.settings['log.initial.task.delay.ms'] ?? DEFAULT_INITIAL_TASK_DELAY_MS;
    this.retentionTask = this.sim.every(interval, `kafka-log-retention broker-${this.id}`, () => this.cleanupLogs(), initialDelay);
  }

  shutdown(): void {
    this.retentionTask?.stop();
    this.retentionTask = undefined;
  }

  log(tp: TopicPartition): UnifiedLog | undefined {
    return this.logs.get(topicPartitionName(tp));
  }

  /** All logs, in name order. */
  allLogs(): readonly UnifiedLog[] {
    this.sortedLogs ??= [...this.logs.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return this.sortedLogs;
  }

  createLog(tp: TopicPartition, config: LogConfig): UnifiedLog {
    const name = topicPartitionName(tp);
    const existing = this.logs.get(name);
    if (existing !== undefined) return existing;
    const log = new UnifiedLog({ topicPartition: tp, config, sim: this.sim, disk: this.disk, dir: `${LOG_DIR}/${name}`, brokerId: this.id });
    this.logs.set(name, log);
    this.sortedLogs = null;
    return log;
  }

  deleteLog(tp: TopicPartition): void {
    const name = topicPartitionName(tp);
    const log = this.logs.get(name);
    if (log === undefined) return;
    log.truncateFullyAndStartAt(0);
    for (const segment of log.logSegments) segment.deleteFiles();
    this.logs.delete(name);
    this.sortedLogs = null;
  }

  /** LogManager.cleanupLogs: one retention pass over every log. */
  cleanupLogs(): readonly DeletedSegment[] {
    let deleted: readonly DeletedSegment[] = [];
    for (const log of this.allLogs()) {
      const fromLog = log.deleteOldSegments();
      if (fromLog.length > 0) deleted = deleted.concat(fromLog);
    }
    return deleted;
  }
}
