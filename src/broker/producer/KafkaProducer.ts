/**
 * A Kafka producer client on the simulated network (Kafka's `KafkaProducer`):
 * `send` partitions a record (partitioner.ts), adds it to a batch
 * (RecordAccumulator) and returns a handle whose result arrives when the
 * broker acknowledges it or it fails; the Sender does the rest.
 *
 *   - A topic the producer has not seen yet waits for metadata, up to
 *     `max.block.ms`, and so do the records sent after it (send() blocks in
 *     Java); past it they fail with "Topic X not present in metadata after N ms."
 *   - Results carry topic, partition, offset and timestamp (CreateTime: the
 *     send time), or the error with Kafka's code, exception and message. For
 *     the records of one partition they arrive in the order the broker
 *     acknowledged their batches: the send order, except when a retried batch
 *     lands after a later one (idempotence off, more than one request in
 *     flight).
 *   - With idempotence (the default) the producer gets a producer id first and
 *     numbers its batches per partition (IdempotenceState).
 */
import { assert, InvariantError } from '../../sim/assert';
import type { Rng } from '../../sim/Rng';
import type { Simulation, Timer } from '../../sim/Simulation';
import type { ClusterNetwork, NetworkEndpoint } from '../ClusterNetwork';
import { KAFKA_ERROR_EXCEPTIONS } from '../errors';
import { NetworkClient } from '../NetworkClient';
import { Partitioner, UNKNOWN_PARTITION } from '../partitioner';
import type { ProducerConfig } from '../ProducerConfig';
import type { KafkaMessage } from '../protocol';
import type { RecordInput } from '../recordBatch';
import { IdempotenceState } from './IdempotenceState';
import type { ProducerBatch, ProducerRecord, SendHandle, SendResult } from './ProducerBatch';
import { ProducerMetadata } from './ProducerMetadata';
import { RecordAccumulator } from './RecordAccumulator';
import { Sender, type SenderHost } from './Sender';

export type { ProducerRecord, SendHandle, SendResult };

/** Default value size of a record sent without a value text. */
export const DEFAULT_VALUE_BYTES = 100;

export interface KafkaProducerOptions {
  readonly sim: Simulation;
  readonly network: ClusterNetwork;
  readonly config: ProducerConfig;
  /** bootstrap.servers: broker ids to ask for metadata first. */
  readonly bootstrapBrokers: readonly number[];
}

/** What a completed send tells listeners (the checkers listen). */
export interface Completion {
  readonly producer: string;
  readonly handle: SendHandle;
  readonly result: SendResult;
  /** The record as it was written (key and value as sent). */
  readonly record: RecordInput;
  readonly idempotent: boolean;
}

export type SendCallback = (result: SendResult, handle: SendHandle) => void;

interface Waiting {
  readonly handle: SendHandle;
  readonly callback: SendCallback | undefined;
  readonly deadlineMs: number;
}

export class KafkaProducer implements NetworkEndpoint, SenderHost {
  readonly sim: Simulation;
  readonly config: ProducerConfig;
  readonly clientId: string;
  readonly client: NetworkClient;
  readonly metadata: ProducerMetadata;
  readonly accumulator: RecordAccumulator;
  readonly idempotence: IdempotenceState | null;
  readonly rng: Rng;
  readonly sender: Sender;
  /** Every handle, in send order. */
  readonly handles: SendHandle[] = [];
  private readonly partitioner: Partitioner;
  private readonly callbacks = new Map<SendHandle, SendCallback>();
  private readonly waiting: Waiting[] = [];
  private waitTimer: Timer | undefined;
  private readonly listeners: ((completion: Completion) => void)[] = [];
  private closed = false;
  private completedCount = 0;

  constructor(options: KafkaProducerOptions) {
    this.sim = options.sim;
    this.config = options.config;
    this.clientId = options.config.clientId;
    this.client = new NetworkClient({ sim: this.sim, network: options.network, self: this.clientId, requestTimeoutMs: this.config.requestTimeoutMs });
    this.metadata = new ProducerMetadata(options.bootstrapBrokers);
    this.accumulator = new RecordAccumulator({ batchSizeBytes: this.config.batchSizeBytes });
    this.idempotence = this.config.enableIdempotence ? new IdempotenceState() : null;
    this.rng = this.sim.rng.fork(`producer/${this.clientId}/retry-backoff`);
    this.partitioner = new Partitioner({
      kind: this.config.partitioner,
      rng: this.sim.rng.fork(`producer/${this.clientId}/partitioner`),
      batchSizeBytes: this.config.batchSizeBytes,
      ignoreKeys: this.config.partitionerIgnoreKeys,
    });
    this.sender = new Sender(this);
    options.network.register(this.clientId, this);
    if (this.idempotence !== null) this.sender.wakeup();
  }

  /** Records sent and not yet acknowledged or failed. */
  get pending(): number {
    return this.handles.length - this.completedCount;
  }

  /** KafkaProducer.send: partition, batch, and return the handle its result will reach. */
  send(record: ProducerRecord, callback?: SendCallback): SendHandle {
    if (this.closed) throw new InvariantError(`producer ${this.clientId} is closed`);
    const handle: SendHandle = { index: this.handles.length, record, sentAtMs: this.sim.nowMs, result: null };
    this.handles.push(handle);
    if (callback !== undefined) this.callbacks.set(handle, callback);
    if (this.sim.trace.active) {
      this.sim.trace.emit('producer.send', {
        producer: this.clientId,
        topic: record.topic,
        partition: record.partition ?? null,
        key: record.key ?? null,
        value: record.value ?? null,
      });
    }
    this.metadata.want(record.topic);
    if (this.waiting.length > 0 || !this.canPlace(record)) {
      this.waiting.push({ handle, callback, deadlineMs: this.sim.nowMs + this.config.maxBlockMs });
      // The timer follows the head of the queue: only the first waiting record arms it.
      if (this.waiting.length === 1) this.armWaitTimer();
      this.sender.wakeup();
      return handle;
    }
    this.place(handle);
    return handle;
  }

  /** KafkaProducer.flush: every batch is ready now (linger.ms no longer waits). */
  flush(): void {
    this.sender.flush();
  }

  /** Stop sending; what is pending stays pending. */
  close(): void {
    this.closed = true;
    this.client.close();
  }

  isClosed(): boolean {
    return this.closed;
  }

  onCompletion(listener: (completion: Completion) => void): void {
    this.listeners.push(listener);
  }

  // ---- partitioning ---------------------------------------------------------------------

  private canPlace(record: ProducerRecord): boolean {
    if (!this.metadata.knows(record.topic)) return false;
    const n = this.metadata.numPartitions(record.topic);
    return n > 0 && (record.partition === undefined || record.partition === null || record.partition < n);
  }

  private place(handle: SendHandle): void {
    const record = handle.record;
    const topicMeta = this.metadata.forPartitioner(record.topic);
    const key = record.key ?? null;
    let partition = this.partitioner.partition({ topic: record.topic, partition: record.partition ?? null, key }, topicMeta);
    const sticky = partition === UNKNOWN_PARTITION;
    if (sticky) partition = this.partitioner.stickyPartition(record.topic, topicMeta);
    const input: RecordInput =
      record.value !== undefined || key !== null
        ? { key, value: record.value ?? 'x'.repeat(record.valueSizeBytes ?? DEFAULT_VALUE_BYTES), timestampMs: handle.sentAtMs }
        : { keySizeBytes: -1, valueSizeBytes: record.valueSizeBytes ?? DEFAULT_VALUE_BYTES, timestampMs: handle.sentAtMs };
    const appended = this.accumulator.append(record.topic, partition, input, handle, this.sim.nowMs);
    if (sticky) this.partitioner.updateSticky(record.topic, topicMeta, appended.appendedBytes, appended.enableSwitch);
    this.sender.wakeup();
  }

  /** Metadata arrived: place the records that waited for it, in send order. */
  onMetadata(): void {
    while (this.waiting.length > 0 && this.canPlace(this.waiting[0]!.handle.record)) this.place(this.waiting.shift()!.handle);
    this.armWaitTimer();
  }

  private armWaitTimer(): void {
    this.sim.cancel(this.waitTimer);
    this.waitTimer = undefined;
    const head = this.waiting[0];
    if (head === undefined) return;
    this.waitTimer = this.sim.at(Math.max(head.deadlineMs, this.sim.nowMs), `max.block.ms ${this.clientId}`, () => {
      this.waitTimer = undefined;
      const now = this.sim.nowMs;
      while (this.waiting.length > 0 && this.waiting[0]!.deadlineMs <= now) {
        const { handle } = this.waiting.shift()!;
        const record = handle.record;
        const n = this.metadata.numPartitions(record.topic);
        const message =
          n > 0 && record.partition !== undefined && record.partition !== null
            ? `Partition ${record.partition} of topic ${record.topic} with partition count ${n} is not present in metadata after ${this.config.maxBlockMs} ms.`
            : `Topic ${record.topic} not present in metadata after ${this.config.maxBlockMs} ms.`;
        this.finish(handle, { ok: false, topic: record.topic, partition: record.partition ?? -1, error: 'REQUEST_TIMED_OUT', exception: KAFKA_ERROR_EXCEPTIONS.REQUEST_TIMED_OUT, message }, null);
      }
      this.onMetadata();
    });
  }

  // ---- completion -------------------------------------------------------------------------

  complete(batch: ProducerBatch, results: readonly SendResult[]): void {
    if (this.sim.trace.active) {
      const first = results[0]!;
      if (first.ok) {
        this.sim.trace.emit('producer.ack', {
          producer: this.clientId,
          partition: batch.name,
          baseOffset: first.offset,
          records: batch.recordCount,
          values: batch.records.length <= 10 ? batch.records.map((r) => r.value ?? null) : [],
          acks: this.config.acks,
          attempts: batch.attempts + 1,
        });
      } else {
        this.sim.trace.emit('producer.error', {
          producer: this.clientId,
          partition: batch.name,
          error: first.error,
          exception: first.exception,
          message: first.message,
          records: batch.recordCount,
          attempts: batch.attempts + 1,
        });
      }
    }
    for (let i = 0; i < results.length; i++) this.finish(batch.handles[i]!, results[i]!, batch.records[i]!);
  }

  private finish(handle: SendHandle, result: SendResult, record: RecordInput | null): void {
    assert(handle.result === null, () => `record #${handle.index} of ${this.clientId} completed twice`);
    handle.result = result;
    this.completedCount++;
    const callback = this.callbacks.get(handle);
    if (callback !== undefined) {
      this.callbacks.delete(handle);
      callback(result, handle);
    }
    const written: RecordInput = record ?? { key: handle.record.key ?? null, value: handle.record.value ?? null, timestampMs: handle.sentAtMs };
    for (const listener of this.listeners) listener({ producer: this.clientId, handle, result, record: written, idempotent: this.idempotence !== null });
  }

  // ---- the network endpoint ------------------------------------------------------------

  receive(_from: string, message: KafkaMessage): void {
    if (message.kind === 'response') this.client.receive(message);
  }

  disconnected(peer: string, sinceMs: number): void {
    this.client.disconnected(peer, sinceMs);
    // DefaultMetadataUpdater.handleServerDisconnect: "The disconnect may be the result of stale metadata".
    this.metadata.requestUpdate();
    this.sender.wakeup();
  }
}
