/**
 * A broker host: its disk, the partition logs on that disk, and the broker
 * process that may or may not be running on it, with the lifecycle of
 * brokerLifecycle.ts.
 *
 *   - A crash kills the process (its memory: leadership, followers' states,
 *     waiting requests, the high watermarks) and keeps the page cache, so the
 *     logs keep every record; peers see their connections reset.
 *   - A power loss kills the process and drops what the disk had not made
 *     durable (`SimDisk.powerLoss`); peers hear nothing.
 *   - A start recovers the logs (LogLoader): after an unclean stop every log
 *     is checked against what its files still hold and its high watermark
 *     comes from the `replication-offset-checkpoint` file; after a clean
 *     shutdown (`.kafka_cleanshutdown` present) recovery is skipped. Then the
 *     process registers with the controller.
 *   - A controlled shutdown asks the controller to move leadership away, then
 *     flushes every log, checkpoints the high watermarks and writes the clean
 *     shutdown marker.
 *
 * The logs themselves are the files: they outlive processes.
 */
import { assert } from '../sim/assert';
import type { Simulation } from '../sim/Simulation';
import { SimDisk } from '../sim/SimDisk';
import type { BrokerSettings, ResolvedBrokerConfig } from './BrokerConfig';
import { BrokerLifecycle, type BrokerLifecycleAction, type BrokerLifecycleEvent, type BrokerState } from './brokerLifecycle';
import { BrokerServer } from './BrokerServer';
import type { ClusterNetwork, NetworkEndpoint } from './ClusterNetwork';
import { readHighWatermarkCheckpoint, writeHighWatermarkCheckpoint } from './HighWatermarkCheckpoint';
import { brokerDefaultLogConfig, type LogConfig } from './LogConfig';
import type { KafkaMessage, MetadataRecord } from './protocol';
import { topicPartitionName, UnifiedLog, type DeletedSegment, type TopicPartition } from './UnifiedLog';

export const LOG_DIR = 'kafka-logs';
/** CleanShutdownFileHandler's marker. */
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';

export interface BrokerOptions {
  readonly id: number;
  readonly sim: Simulation;
  readonly settings?: BrokerSettings;
  readonly config: ResolvedBrokerConfig;
  readonly network: ClusterNetwork;
  readonly allocateProducerId: () => number;
  /** Passed to each process: how FindCoordinator creates __consumer_offsets. */
  readonly autoCreateTopic?: (name: string) => void;
}

export class Broker implements NetworkEndpoint {
  readonly id: number;
  readonly host: string;
  readonly disk: SimDisk;
  readonly settings: BrokerSettings;
  readonly defaultLogConfig: LogConfig;
  readonly logDir = LOG_DIR;
  readonly config: ResolvedBrokerConfig;
  private readonly sim: Simulation;
  private readonly network: ClusterNetwork;
  private readonly allocateProducerId: () => number;
  private readonly autoCreateTopic: ((name: string) => void) | undefined;
  private readonly logs = new Map<string, UnifiedLog>();
  /** The same logs by topic and partition index (lookups without building a name). */
  private readonly logsByTopic = new Map<string, UnifiedLog[]>();
  /** `logs` in name order, rebuilt only when a log is created or deleted. */
  private sortedLogs: UnifiedLog[] | null = null;
  private readonly lifecycle = new BrokerLifecycle();
  private process: BrokerServer | null = null;
  private incarnations = 0;
  /** Why the last stop happened, for the power-loss action. */
  private killedBy: 'crash' | 'power-loss' | 'shutdown' = 'crash';

  constructor(options: BrokerOptions) {
    this.id = options.id;
    this.host = `broker-${options.id}`;
    this.sim = options.sim;
    this.settings = options.settings ?? {};
    this.config = options.config;
    this.network = options.network;
    this.allocateProducerId = options.allocateProducerId;
    this.autoCreateTopic = options.autoCreateTopic;
    this.defaultLogConfig = brokerDefaultLogConfig(this.settings);
    this.disk = new SimDisk({ host: this.host, sim: options.sim, rng: options.sim.rng.fork(`disk/${this.host}`) });
    this.disk.mkdir(LOG_DIR);
    this.network.register(this.host, this);
  }

  get state(): BrokerState {
    return this.lifecycle.state;
  }

  /** The running process, or null when the broker is down. */
  get server(): BrokerServer | null {
    return this.process;
  }

  /** Which run of the process is up (1, 2, ...), or -1 while it is down. */
  get processIncarnation(): number {
    return this.process === null ? -1 : this.incarnations;
  }

  get isRunning(): boolean {
    return this.process !== null && (this.lifecycle.state === 'running' || this.lifecycle.state === 'controlled-shutdown');
  }

  // ---- lifecycle --------------------------------------------------------------------

  /** Start the process: log recovery, then registration with the controller. */
  start(): boolean {
    return this.fire({ type: 'START' }) && this.fire({ type: 'RECOVERED' });
  }

  crash(): boolean {
    this.killedBy = 'crash';
    return this.fire({ type: 'CRASH' });
  }

  powerLoss(): boolean {
    this.killedBy = 'power-loss';
    return this.fire({ type: 'POWER_LOSS' });
  }

  /** Controlled shutdown: completes when the controller approves. */
  shutdown(): boolean {
    return this.fire({ type: 'SHUTDOWN' });
  }

  /** The cluster is halted: the process stops without a trace or a lifecycle event. */
  halt(): void {
    this.process?.kill();
    this.process = null;
  }

  accepts(event: BrokerLifecycleEvent): boolean {
    return this.lifecycle.accepts(event);
  }

  /** Start at cluster creation: registered and unfenced at once. */
  bootstrap(register: (brokerId: number, incarnationId: number) => number, records: () => readonly MetadataRecord[]): void {
    const actions = this.lifecycle.send({ type: 'START' });
    assert(actions.length === 1 && actions[0] === 'startProcess', 'bootstrap of a broker that is not stopped');
    this.startProcess();
    const epoch = register(this.id, this.incarnations);
    this.lifecycle.send({ type: 'RECOVERED' });
    this.process!.bootstrap(epoch, records());
  }

  private fire(event: BrokerLifecycleEvent): boolean {
    const from = this.lifecycle.state;
    const actions = this.lifecycle.send(event);
    if (actions.length === 0 && from === this.lifecycle.state) return false;
    if (this.sim.trace.active) this.sim.trace.emit('broker.state', { broker: this.id, from, to: this.lifecycle.state, event: event.type });
    for (const action of actions) this.perform(action);
    return true;
  }

  private perform(action: BrokerLifecycleAction): void {
    switch (action) {
      case 'startProcess':
        return this.startProcess();
      case 'register':
        return this.process!.register();
      case 'beginControlledShutdown':
        return this.beginControlledShutdown();
      case 'completeCleanShutdown':
        return this.completeCleanShutdown();
      case 'killProcess':
        return this.killProcess();
      case 'dropPageCache':
        return this.dropPageCache();
    }
  }

  private startProcess(): void {
    assert(this.process === null, () => `${this.host}: a process is already running`);
    this.recoverLogs();
    this.incarnations++;
    this.process = new BrokerServer({
      broker: this,
      sim: this.sim,
      network: this.network,
      config: this.config,
      incarnationId: this.incarnations,
      allocateProducerId: this.allocateProducerId,
      autoCreateTopic: this.autoCreateTopic,
      onShutdownApproved: () => this.fire({ type: 'SHUTDOWN_COMPLETE' }),
    });
    this.network.processStarted(this.host);
    this.process.startup();
  }

  /** LogLoader.load for every log: recovery unless the marker says the last stop was clean. */
  private recoverLogs(): void {
    const marker = `${LOG_DIR}/${CLEAN_SHUTDOWN_FILE}`;
    const clean = this.disk.exists(marker);
    const checkpoint = readHighWatermarkCheckpoint(this.disk, LOG_DIR);
    for (const log of this.allLogs()) {
      const hw = checkpoint.get(log.name) ?? 0;
      if (clean) log.updateHighWatermark(hw);
      else log.recover(hw);
    }
    if (clean) {
      this.disk.unlink(marker);
    }
    if (this.sim.trace.active && this.incarnations > 0) this.sim.trace.emit('broker.recovered', { broker: this.id, clean, logs: this.allLogs().length });
  }

  private beginControlledShutdown(): void {
    this.process!.beginControlledShutdown();
    // BrokerServer.shutdown waits at most 5 minutes for the controller's approval.
    const process = this.process!;
    process.schedule(300_000, `controlled shutdown timeout broker-${this.id}`, () => {
      if (this.lifecycle.state === 'controlled-shutdown' && this.process === process) {
        if (this.sim.trace.active) this.sim.trace.emit('broker.shutdown-timeout', { broker: this.id });
        this.fire({ type: 'SHUTDOWN_COMPLETE' });
      }
    });
  }

  private completeCleanShutdown(): void {
    const process = this.process!;
    for (const log of this.allLogs()) log.flush();
    writeHighWatermarkCheckpoint(this.disk, LOG_DIR, process.replicaManager.highWatermarks());
    const marker = this.disk.open(`${LOG_DIR}/${CLEAN_SHUTDOWN_FILE}`, { create: true, truncate: true });
    this.disk.fsync(marker);
    this.killedBy = 'shutdown';
    this.killProcess();
  }

  private killProcess(): void {
    const process = this.process;
    assert(process !== null, () => `${this.host}: no process to kill`);
    process.kill();
    this.process = null;
    this.network.processStopped(this.host, { hostUp: this.killedBy !== 'power-loss' });
  }

  private dropPageCache(): void {
    const { tornFiles } = this.disk.powerLoss();
    this.network.hostDown(this.host);
    if (this.sim.trace.active) this.sim.trace.emit('broker.power-loss', { broker: this.id, tornFiles });
  }

  // ---- the network endpoint ------------------------------------------------------------

  receive(from: string, message: KafkaMessage): void {
    this.process?.receive(from, message);
  }

  disconnected(peer: string, sinceMs: number): void {
    this.process?.disconnected(peer, sinceMs);
  }

  // ---- logs ----------------------------------------------------------------------------

  log(tp: TopicPartition): UnifiedLog | undefined {
    return this.logsByTopic.get(tp.topic)?.[tp.partition];
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
    let list = this.logsByTopic.get(tp.topic);
    if (list === undefined) this.logsByTopic.set(tp.topic, (list = []));
    list[tp.partition] = log;
    this.sortedLogs = null;
    return log;
  }

  deleteLog(tp: TopicPartition): void {
    const name = topicPartitionName(tp);
    const log = this.logs.get(name);
    if (log === undefined) return;
    // A running process may still hold the log (cut off from the controller, it
    // has not heard of the deletion): leave it an empty one. A stopped broker's
    // log is in no one's hands, and after a power loss its directory may be
    // gone (its creation was not durable yet): only remove what files remain.
    if (this.process !== null) log.truncateFullyAndStartAt(0);
    for (const segment of log.logSegments) segment.deleteFiles();
    this.logs.delete(name);
    const list = this.logsByTopic.get(tp.topic);
    if (list !== undefined) delete list[tp.partition];
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
