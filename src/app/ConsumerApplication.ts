/**
 * A consumer application as teams write one: a loop that polls a
 * KafkaConsumer in a group, processes what it got at its own pace, writes a
 * result per record, and commits in one of the usual ways. It is a process
 * in the simulation: it can crash at any moment (its consumer then says
 * nothing more, and the group notices when the session expires), be
 * restarted (a new consumer with the same client.id joins), or close.
 *
 * How it commits decides what a crash costs:
 *   - `auto`: enable.auto.commit; the consumer commits every position inside
 *     poll() every auto.commit.interval.ms, before a rebalance and on close.
 *     Processing in the poll loop, a crash repeats what was processed since
 *     the last commit; handing records off to a worker (`processing:
 *     hand-off`), a crash loses what was polled and committed but not yet
 *     processed.
 *   - `sync` / `async`: commitSync / commitAsync of the batch's next offsets
 *     after processing it (at-least-once). A commit refused after a
 *     rebalance (CommitFailedException) leaves the batch to its next owner,
 *     which processes it again. A commit refused with
 *     RebalanceInProgressException is tried again after the next poll() for
 *     the partitions the member kept through the rebalance (what commitSync's
 *     documentation advises; under cooperative-sticky a member keeps most of
 *     them, and would otherwise leave their committed offsets behind).
 *   - `external`: results and offsets in one Redis MULTI/EXEC, no Kafka
 *     commits; a rebalance listener seeks every newly assigned partition to
 *     the offset Redis holds (the "external offset store" of the Kafka
 *     documentation). Neither loss nor duplicate, as long as Redis keeps what
 *     it acknowledged.
 * Results go to a DeliverySink, counted per record id (its value, or
 * `topic-partition@offset`), so losses and duplicates are measured.
 */
import type { KafkaCluster } from '../broker/KafkaCluster';
import type { ConsumerException } from '../broker/consumer/consumerExceptions';
import type { ConsumerRecords } from '../broker/consumer/ConsumerRecords';
import { ConsumerError, type KafkaConsumer, type PollResult } from '../broker/consumer/KafkaConsumer';
import type { Simulation, Timer } from '../sim/Simulation';
import type { TraceValue } from '../sim/Trace';
import type { DeliverySink } from './DeliverySink';

export type CommitMode = 'auto' | 'sync' | 'async' | 'external';
export const COMMIT_MODES: readonly CommitMode[] = ['auto', 'sync', 'async', 'external'];

export type ProcessingMode = 'in-loop' | 'hand-off';
export const PROCESSING_MODES: readonly ProcessingMode[] = ['in-loop', 'hand-off'];

/** How long a write to a sink that refused is retried after. */
export const SINK_RETRY_MS = 1_000;

/** Handing records off to a worker only makes sense with auto-commit (the consumer is not thread-safe); transactions need the loop. */
export function checkApplicationModes(commit: CommitMode, processing: ProcessingMode): string | null {
  return processing === 'hand-off' && commit !== 'auto' ? `processing 'hand-off' goes with commit 'auto' (a worker cannot commit through the consumer); got commit '${commit}'` : null;
}

export interface ConsumerApplicationOptions {
  readonly name: string;
  readonly cluster: KafkaCluster;
  /** Kafka consumer configs; group.id is required. */
  readonly consumerConfig: Readonly<Record<string, unknown>>;
  readonly topics: readonly string[];
  readonly commit: CommitMode;
  readonly processing: ProcessingMode;
  /** Time to process one record (0: instant). */
  readonly processingMsPerRecord: number;
  /** poll(Duration) timeout. */
  readonly pollTimeoutMs: number;
  readonly sink: DeliverySink;
  /** The host its consumer reports (default: the cluster's choice). */
  readonly clientHost?: string;
}

export type AppState = 'running' | 'crashed' | 'failed' | 'closed';

export class ConsumerApplication {
  readonly name: string;
  readonly options: ConsumerApplicationOptions;
  consumer: KafkaConsumer;
  state: AppState = 'running';
  /** Records whose processing finished (result written), over all runs. */
  processed = 0;
  restarts = 0;
  commitFailures = 0;
  lastError: ConsumerException | null = null;
  private readonly sim: Simulation;
  /** Bumped on every crash/restart: callbacks of an older run do nothing. */
  private run = 0;
  private readonly queue: { records: ConsumerRecords; next: Map<string, number> }[] = [];
  private workerBusy = false;
  /** Records of the batch the worker is on that it has finished. */
  private workerDone = 0;
  /** The application thread is blocked until then (a slow call, a long GC pause of that thread). */
  private stalledUntilMs = 0;
  private timers: Timer[] = [];
  /** `sync`: offsets whose commit a rebalance refused, tried again after the next poll() for partitions still owned. */
  private commitRetry = new Map<string, number>();

  constructor(options: ConsumerApplicationOptions) {
    this.name = options.name;
    this.options = options;
    this.sim = options.cluster.sim;
    const problem = checkApplicationModes(options.commit, options.processing);
    if (problem !== null) throw new Error(problem);
    this.consumer = this.start();
  }

  get groupId(): string {
    return String(this.options.consumerConfig['group.id']);
  }

  /** Records handed off to the worker and not processed yet. */
  get queuedRecords(): number {
    return this.queue.reduce((n, q) => n + q.records.count, 0) - this.workerDone;
  }

  private config(): Record<string, unknown> {
    const config: Record<string, unknown> = { ...this.options.consumerConfig };
    if (this.options.commit === 'sync' || this.options.commit === 'async' || this.options.commit === 'external') config['enable.auto.commit'] ??= false;
    if (this.options.commit === 'auto') config['enable.auto.commit'] ??= true;
    return config;
  }

  private start(): KafkaConsumer {
    const consumer = this.options.cluster.createConsumer(this.config(), { clientHost: this.options.clientHost });
    const run = this.run;
    const listener =
      this.options.commit === 'external'
        ? {
            onPartitionsAssigned: (partitions: readonly string[]) => {
              if (run === this.run) this.seekToStoredOffsets(consumer, partitions);
            },
          }
        : this.options.commit === 'sync'
          ? {
              // A partition that leaves the member is no longer its to commit: its next owner starts from the committed offset.
              onPartitionsRevoked: (partitions: readonly string[]) => run === this.run && this.forgetCommitRetry(partitions),
              onPartitionsLost: (partitions: readonly string[]) => run === this.run && this.forgetCommitRetry(partitions),
            }
          : undefined;
    consumer.subscribe(this.options.topics, listener);
    this.trace('app.start', { consumer: consumer.clientId, commit: this.options.commit, processing: this.options.processing });
    this.sim.schedule(0, `app ${this.name} poll`, () => this.pollLoop(run));
    return consumer;
  }

  /** The external offset store: assigned partitions start where Redis says. */
  private seekToStoredOffsets(consumer: KafkaConsumer, partitions: readonly string[]): void {
    const byTopic = new Map<string, number[]>();
    for (const name of partitions) {
      const cut = name.lastIndexOf('-');
      const topic = name.slice(0, cut);
      let list = byTopic.get(topic);
      if (list === undefined) byTopic.set(topic, (list = []));
      list.push(Number(name.slice(cut + 1)));
    }
    for (const [topic, list] of byTopic) {
      const stored = this.options.sink.loadOffsets(this.groupId, topic);
      if (typeof stored === 'string') {
        // The listener cannot proceed without its offsets: the application dies, as an exception from poll() would kill it.
        this.fail({ exception: 'OffsetStoreError', message: stored, retriable: false });
        return;
      }
      for (const partition of list) {
        const offset = stored.get(partition);
        if (offset === undefined) continue;
        consumer.seek({ topic, partition }, offset);
        this.trace('app.seek-stored', { partition: `${topic}-${partition}`, offset });
      }
    }
  }

  private pollLoop(run: number): void {
    if (run !== this.run || this.state !== 'running') return;
    if (this.sim.nowMs < this.stalledUntilMs) return this.after(run, this.stalledUntilMs - this.sim.nowMs, () => this.pollLoop(run));
    this.consumer.poll(this.options.pollTimeoutMs, (result) => this.onPoll(run, result));
  }

  private onPoll(run: number, result: PollResult): void {
    if (run !== this.run || this.state !== 'running') return;
    if (result.error !== null) return this.fail(result.error);
    if (this.commitRetry.size > 0) {
      const offsets = this.commitRetry;
      this.commitRetry = new Map();
      this.trace('app.commit-retry', { offsets: Object.fromEntries(offsets) });
      this.consumer.commitSync(
        (outcome) => {
          if (run !== this.run || this.state !== 'running') return;
          if (!outcome.ok) this.noteCommitFailure(outcome.error, offsets);
          this.onRecords(run, result.records);
        },
        { offsets },
      );
      return;
    }
    this.onRecords(run, result.records);
  }

  private onRecords(run: number, records: ConsumerRecords): void {
    if (records.isEmpty) return this.pollLoop(run);
    const next = records.nextOffsets();
    if (this.options.processing === 'hand-off') {
      this.queue.push({ records, next });
      this.trace('app.hand-off', { records: records.count, queued: this.queuedRecords });
      this.pumpWorker(run);
      return this.pollLoop(run);
    }
    this.process(run, records, (ids) => this.afterBatch(run, next, ids));
  }

  /**
   * Process records one by one, each result written as it finishes, then
   * `done`. In a transaction (`external`), results are written with the
   * offsets, at the end.
   */
  private process(run: number, records: ConsumerRecords, done: (ids: readonly string[]) => void): void {
    const ids: string[] = [];
    for (const r of records) ids.push(r.value ?? `${r.topic}-${r.partition}@${r.offset}`);
    const perRecordMs = this.options.processingMsPerRecord;
    if (this.options.commit === 'external') {
      this.after(run, perRecordMs * ids.length, () => done(ids));
      return;
    }
    let i = 0;
    const step = (): void => {
      if (run !== this.run || this.state !== 'running') return;
      const chunk = perRecordMs === 0 ? ids.slice(i) : [ids[i]!];
      const error = this.options.sink.recordProcessed(chunk);
      if (error !== null) {
        this.sinkRefused(error);
        this.after(run, SINK_RETRY_MS, step);
        return;
      }
      i += chunk.length;
      this.processed += chunk.length;
      if (this.workerBusy) this.workerDone += chunk.length;
      if (i >= ids.length) return done(ids);
      this.after(run, perRecordMs, step);
    };
    this.after(run, perRecordMs, step);
  }

  private afterBatch(run: number, next: ReadonlyMap<string, number>, ids: readonly string[]): void {
    if (run !== this.run || this.state !== 'running') return;
    switch (this.options.commit) {
      case 'auto':
        return this.pollLoop(run);
      case 'async':
        this.consumer.commitAsync((_offsets, error) => {
          if (error !== null) this.noteCommitFailure(error);
        }, { offsets: next });
        return this.pollLoop(run);
      case 'sync':
        this.consumer.commitSync(
          (outcome) => {
            if (run !== this.run || this.state !== 'running') return;
            if (!outcome.ok) this.noteCommitFailure(outcome.error, next);
            this.pollLoop(run);
          },
          { offsets: next },
        );
        return;
      case 'external': {
        const byTopic = new Map<string, Map<number, number>>();
        for (const [name, offset] of next) {
          const cut = name.lastIndexOf('-');
          const topic = name.slice(0, cut);
          let m = byTopic.get(topic);
          if (m === undefined) byTopic.set(topic, (m = new Map()));
          m.set(Number(name.slice(cut + 1)), offset);
        }
        const write = (): void => {
          if (run !== this.run || this.state !== 'running') return;
          const error = this.options.sink.commitTransaction(ids, this.groupId, byTopic);
          if (error !== null) {
            this.sinkRefused(error);
            this.after(run, SINK_RETRY_MS, write);
            return;
          }
          this.processed += ids.length;
          this.trace('app.transaction', { records: ids.length, offsets: Object.fromEntries(next) });
          this.pollLoop(run);
        };
        return write();
      }
    }
  }

  /** The worker of `hand-off`: one batch at a time, in order. */
  private pumpWorker(run: number): void {
    if (this.workerBusy || this.queue.length === 0) return;
    const item = this.queue[0]!;
    this.workerBusy = true;
    this.workerDone = 0;
    this.process(run, item.records, () => {
      this.queue.shift();
      this.workerBusy = false;
      this.workerDone = 0;
      this.pumpWorker(run);
    });
  }

  /** `refused`: the offsets of a commitSync, kept for a retry when a rebalance refused them. */
  private noteCommitFailure(error: ConsumerException, refused?: ReadonlyMap<string, number>): void {
    this.commitFailures++;
    this.lastError = error;
    this.trace('app.commit-failed', { exception: error.exception, message: error.message });
    if (refused === undefined || error.exception !== 'RebalanceInProgressException') return;
    const owned = new Set(this.consumer.assignment());
    for (const [partition, offset] of refused) if (owned.has(partition)) this.commitRetry.set(partition, offset);
  }

  /** Callbacks of the run before do nothing from now on, and its refused commits are not retried. */
  private newRun(): void {
    this.run++;
    this.commitRetry = new Map();
  }

  private forgetCommitRetry(partitions: readonly string[]): void {
    for (const partition of partitions) this.commitRetry.delete(partition);
  }

  private sinkRefused(error: string): void {
    this.trace('app.sink-refused', { sink: this.options.sink.name, error, retryMs: SINK_RETRY_MS });
  }

  private after(run: number, delayMs: number, fn: () => void): void {
    const timer = this.sim.schedule(delayMs, `app ${this.name}`, () => {
      if (run !== this.run || this.state !== 'running') return;
      // A stalled thread finishes what it was doing only when it runs again.
      if (this.sim.nowMs < this.stalledUntilMs) return this.after(run, this.stalledUntilMs - this.sim.nowMs, fn);
      fn();
    });
    this.timers.push(timer);
    if (this.timers.length > 64) this.timers = this.timers.filter((t) => !t.cancelled);
  }

  /** An exception escaped the poll loop: the application stops and its consumer closes (the finally block). */
  private fail(error: ConsumerException): void {
    this.state = 'failed';
    this.lastError = error;
    this.trace('app.failed', { exception: error.exception, message: error.message });
    this.stopTimers();
    try {
      this.consumer.close();
    } catch (e) {
      if (!(e instanceof ConsumerError)) throw e;
    }
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  /**
   * The application's thread stops for `ms` (a slow downstream call, a
   * thread stuck on a lock): no processing and no poll() meanwhile, while the
   * consumer's heartbeat thread goes on. Past max.poll.interval.ms the member
   * leaves the group, and finds out at its next commit.
   */
  stall(ms: number): void {
    if (this.state !== 'running') return;
    this.stalledUntilMs = Math.max(this.stalledUntilMs, this.sim.nowMs + ms);
    this.trace('app.stall', { ms });
  }

  /** kill -9: everything in memory is gone; no commit, no LeaveGroup. */
  crash(): void {
    if (this.state !== 'running') return;
    this.state = 'crashed';
    this.newRun();
    this.stopTimers();
    const lostInQueue = this.queuedRecords;
    this.queue.length = 0;
    this.workerBusy = false;
    this.workerDone = 0;
    this.consumer.crash();
    this.trace('app.crash', { queued: lostInQueue });
  }

  /** A new process (after a crash, a failure or a close): a new consumer joins the group. */
  restart(): void {
    if (this.state === 'running') this.crash();
    // A consumer still closing (LeaveGroup in flight) goes with its old process.
    if (!this.consumer.isClosed()) this.consumer.crash();
    this.newRun();
    this.restarts++;
    this.state = 'running';
    this.consumer = this.start();
  }

  /** A clean stop: the consumer closes (auto-commit if enabled, then LeaveGroup). */
  close(done?: () => void): void {
    if (this.state !== 'running') return done?.();
    this.state = 'closed';
    this.newRun();
    this.stopTimers();
    this.queue.length = 0;
    this.workerBusy = false;
    this.trace('app.close', {});
    this.consumer.close(done);
  }

  private stopTimers(): void {
    for (const timer of this.timers) this.sim.cancel(timer);
    this.timers = [];
  }

  private trace(type: string, fields: { readonly [key: string]: TraceValue }): void {
    if (this.sim.trace.active) this.sim.trace.emit(type, { app: this.name, ...fields });
  }
}
