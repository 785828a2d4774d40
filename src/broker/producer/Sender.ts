/**
 * The producer's I/O loop (Kafka's `Sender`): it turns ready batches into
 * Produce requests, one batch per partition per request, at most
 * `max.in.flight.requests.per.connection` requests per broker, and turns
 * responses into acknowledgements, retries or failures.
 *
 *   - A partition's first batch is ready when it is full, when more batches
 *     wait behind it, when it has waited `linger.ms`, or when its retry
 *     backoff (`retry.backoff.ms`, exponential up to `retry.backoff.max.ms`,
 *     KIP-580) has passed; and only when its leader is known.
 *   - A retriable error (NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS,
 *     REQUEST_TIMED_OUT, NETWORK_EXCEPTION, ...) re-queues the batch while it
 *     has retries left and `delivery.timeout.ms` has not passed since it was
 *     created (Sender.canRetry); errors that say the metadata is stale ask for
 *     a refresh. A request that goes unanswered for `request.timeout.ms` fails
 *     with every other request in flight to that broker.
 *   - `delivery.timeout.ms` after creation a batch fails with "Expiring N
 *     record(s) for tp:X ms has passed since batch creation", queued or in
 *     flight; a late response for it is ignored. Its records may or may not be
 *     in the log.
 *   - Without idempotence a retried batch goes back to the front of its queue
 *     and may land after batches sent later (reordering, when more than one
 *     request is in flight); with max.in.flight.requests.per.connection=1 a
 *     partition is muted while its batch is in flight. With idempotence the
 *     rules of IdempotenceState keep order and make retries safe.
 *   - acks=0: the batch is done when sent, with offset -1; nothing comes back.
 */
import type { Rng } from '../../sim/Rng';
import type { Simulation, Timer } from '../../sim/Simulation';
import { isInvalidMetadata, isRetriable, KAFKA_ERROR_EXCEPTIONS, type KafkaErrorCode } from '../errors';
import type { NetworkClient } from '../NetworkClient';
import { NO_LEADER } from '../partitionElection';
import { retryBackoffMs, type ProducerConfig } from '../ProducerConfig';
import type { InitProducerIdResponseBody, MetadataResponseBody, ProduceBatch, ProduceResponseBody, ResponseBody } from '../protocol';
import type { IdempotenceState } from './IdempotenceState';
import type { ProducerBatch, SendResult } from './ProducerBatch';
import type { ProducerMetadata } from './ProducerMetadata';
import type { RecordAccumulator } from './RecordAccumulator';

export interface SenderHost {
  readonly sim: Simulation;
  readonly config: ProducerConfig;
  readonly clientId: string;
  readonly client: NetworkClient;
  readonly metadata: ProducerMetadata;
  readonly accumulator: RecordAccumulator;
  readonly idempotence: IdempotenceState | null;
  readonly rng: Rng;
  /** Deliver a batch's outcome to its records' handles. */
  complete(batch: ProducerBatch, results: readonly SendResult[]): void;
  /** Metadata arrived: records waiting for it can be partitioned. */
  onMetadata(): void;
  isClosed(): boolean;
}

interface Failure {
  readonly error: KafkaErrorCode;
  readonly message: string;
}

export class Sender {
  private readonly host: SenderHost;
  private wakeTimer: Timer | undefined;
  private metadataInFlight = false;
  private initInFlight = false;
  private nextNode = 0;
  private readonly inFlightBatches = new Set<ProducerBatch>();
  /** Partitions with a batch in flight when ordering must be guaranteed (max.in.flight=1). */
  private readonly muted = new Set<string>();
  private flushing = false;

  constructor(host: SenderHost) {
    this.host = host;
  }

  get inFlightCount(): number {
    return this.inFlightBatches.size;
  }

  /** Make every queued batch ready now (KafkaProducer.flush). */
  flush(): void {
    this.flushing = true;
    this.wakeup();
  }

  /** Run the loop as soon as possible (coalesced). */
  wakeup(): void {
    this.armAt(this.host.sim.nowMs);
  }

  private armAt(atMs: number): void {
    const timer = this.wakeTimer;
    if (timer !== undefined && !timer.cancelled && timer.atMs <= atMs) return;
    this.host.sim.cancel(timer);
    this.wakeTimer = this.host.sim.at(Math.max(atMs, this.host.sim.nowMs), `sender ${this.host.clientId}`, () => {
      this.wakeTimer = undefined;
      this.run();
    });
  }

  /** Sender.runOnce / sendProducerData. */
  run(): void {
    if (this.host.isClosed()) return;
    const host = this.host;
    const now = host.sim.nowMs;
    const config = host.config;
    let nextWakeMs = Infinity;
    nextWakeMs = Math.min(nextWakeMs, this.expireBatches(now));
    const idempotence = host.idempotence;
    if (idempotence !== null) {
      idempotence.maybeResolveSequences();
      idempotence.maybeBumpEpoch();
      if (!idempotence.hasProducerId) {
        this.maybeInitProducerId();
        return;
      }
    }
    nextWakeMs = Math.min(nextWakeMs, this.maybeUpdateMetadata(now));

    // RecordAccumulator.ready: which partitions have a sendable first batch, by leader.
    const readyByNode = new Map<number, string[]>();
    for (const [name, queue] of host.accumulator.queues) {
      const first = queue[0];
      if (first === undefined || this.muted.has(name)) continue;
      const leader = host.metadata.leader(first.topic, first.partition);
      if (leader === NO_LEADER) {
        host.metadata.requestUpdate();
        continue;
      }
      const readyAt = this.readyAtMs(first, queue.length);
      if (readyAt > now) {
        nextWakeMs = Math.min(nextWakeMs, readyAt);
        continue;
      }
      let names = readyByNode.get(leader);
      if (names === undefined) readyByNode.set(leader, (names = []));
      names.push(name);
    }
    nextWakeMs = Math.min(nextWakeMs, this.maybeUpdateMetadata(now));
    for (const node of [...readyByNode.keys()].sort((a, b) => a - b)) {
      const endpoint = `broker-${node}`;
      const names = readyByNode.get(node)!;
      while (config.acks === 0 || host.client.inFlight(endpoint) < config.maxInFlightRequestsPerConnection) {
        const batches = this.drain(names, now);
        if (batches.length === 0) break;
        this.sendProduce(node, batches);
      }
    }
    if (host.accumulator.queuedBatches === 0) this.flushing = false;
    if (nextWakeMs !== Infinity) this.armAt(nextWakeMs);
  }

  /** When a partition's first batch may be sent (linger.ms, retry backoff, full batches). */
  private readyAtMs(batch: ProducerBatch, queueLength: number): number {
    if (batch.attempts > 0) return batch.retryAtMs;
    if (queueLength > 1 || this.flushing || this.host.accumulator.isFull(batch)) return batch.createdMs;
    return batch.createdMs + this.host.config.lingerMs;
  }

  /** RecordAccumulator.drain for one broker: at most one batch per partition. */
  private drain(names: string[], now: number): ProducerBatch[] {
    const host = this.host;
    const idempotence = host.idempotence;
    const out: ProducerBatch[] = [];
    for (const name of names) {
      const queue = host.accumulator.queues.get(name);
      const first = queue?.[0];
      if (first === undefined || this.muted.has(name) || this.readyAtMs(first, queue!.length) > now) continue;
      if (idempotence !== null) {
        if (first.hasSequence) {
          if (!idempotence.canDrainRetry(first)) continue;
        } else {
          if (!idempotence.canDrainNewBatch(name)) continue;
          idempotence.assignSequence(first);
        }
      }
      out.push(host.accumulator.removeFirst(name));
    }
    return out;
  }

  private sendProduce(node: number, batches: ProducerBatch[]): void {
    const host = this.host;
    const idempotence = host.idempotence;
    const config = host.config;
    const endpoint = `broker-${node}`;
    const payload: ProduceBatch[] = batches.map((b) => ({
      topic: b.topic,
      partition: b.partition,
      records: b.records,
      uniform: null,
      producer: idempotence !== null ? { producerId: b.producerId, producerEpoch: b.producerEpoch, baseSequence: b.baseSequence } : null,
    }));
    for (const b of batches) {
      b.sent = true;
      b.inFlight = true;
      if (idempotence !== null) idempotence.addInFlight(b);
    }
    if (host.sim.trace.active) {
      host.sim.trace.emit('producer.request', {
        producer: host.clientId,
        broker: node,
        batches: batches.map((b) => ({ partition: b.name, records: b.recordCount, attempt: b.attempts + 1, baseSequence: b.baseSequence })),
      });
    }
    if (config.acks === 0) {
      host.client.sendOneWay(endpoint, (correlationId) => ({ kind: 'produce', correlationId, acks: 0, timeoutMs: config.requestTimeoutMs, batches: payload }));
      for (const b of batches) this.succeed(b, -1);
      return;
    }
    for (const b of batches) {
      this.inFlightBatches.add(b);
      if (config.maxInFlightRequestsPerConnection === 1) this.muted.add(b.name);
    }
    host.client.send(
      endpoint,
      (correlationId) => ({ kind: 'produce', correlationId, acks: config.acks, timeoutMs: config.requestTimeoutMs, batches: payload }),
      (body, failure) => this.onProduceResponse(batches, body, failure),
    );
  }

  private onProduceResponse(batches: ProducerBatch[], body: ResponseBody | null, failure: Failure | null): void {
    for (const b of batches) {
      this.inFlightBatches.delete(b);
      this.muted.delete(b.name);
    }
    if (failure !== null) {
      // NetworkClient: "The disconnect may be the result of stale metadata, so request an update".
      this.host.metadata.requestUpdate();
      for (const b of batches) this.completeBatch(b, failure, -1);
    } else {
      const response = body as ProduceResponseBody;
      response.partitions.forEach((p, i) => {
        const b = batches[i]!;
        this.completeBatch(b, p.error === null ? null : { error: p.error, message: p.message ?? '' }, p.baseOffset);
      });
    }
    this.wakeup();
  }

  /** Sender.completeBatch. */
  private completeBatch(batch: ProducerBatch, failure: Failure | null, baseOffset: number): void {
    batch.inFlight = false;
    if (batch.done) return;
    if (failure === null) return this.succeed(batch, baseOffset);
    const host = this.host;
    if (this.canRetry(batch, failure.error)) {
      batch.attempts++;
      const backoffMs = retryBackoffMs(host.config, batch.attempts - 1, host.rng);
      batch.retryAtMs = host.sim.nowMs + backoffMs;
      host.accumulator.reenqueue(batch, host.idempotence !== null);
      if (host.sim.trace.active) {
        // The first retry, or one for a new reason, is news; the same error again is detail.
        host.sim.trace.emit(batch.lastError === failure.error ? 'producer.retry-again' : 'producer.retry', {
          producer: host.clientId,
          partition: batch.name,
          error: failure.error,
          message: failure.message,
          attempt: batch.attempts + 1,
          backoffMs,
          records: batch.recordCount,
        });
      }
      batch.lastError = failure.error;
    } else if (failure.error === 'DUPLICATE_SEQUENCE_NUMBER') {
      // The broker wrote it earlier but no longer knows the offsets: success without them.
      this.succeed(batch, -1);
    } else {
      this.fail(batch, failure);
    }
    if (isInvalidMetadata(failure.error)) host.metadata.requestUpdate();
  }

  /** Sender.canRetry with TransactionManager.canRetry for the idempotent producer. */
  private canRetry(batch: ProducerBatch, error: KafkaErrorCode): boolean {
    const host = this.host;
    const config = host.config;
    if (host.sim.nowMs - batch.createdMs >= config.deliveryTimeoutMs || batch.attempts >= config.retries) return false;
    const idempotence = host.idempotence;
    if (idempotence === null) return isRetriable(error);
    if (error === 'OUT_OF_ORDER_SEQUENCE_NUMBER') {
      // Not the next batch: an earlier one must land first. The next batch (or the
      // one after an expired batch): a real gap, so the epoch bumps.
      const unresolved = idempotence.hasUnresolvedSequence(batch.name);
      if (!unresolved && !idempotence.isNextSequence(batch)) return true;
      if (!unresolved || idempotence.isNextSequenceForUnresolvedPartition(batch)) idempotence.requestEpochBump(batch.name);
      return true;
    }
    return isRetriable(error);
  }

  private succeed(batch: ProducerBatch, baseOffset: number): void {
    batch.done = true;
    this.host.idempotence?.acknowledged(batch);
    const results: SendResult[] = batch.handles.map((_h, i) => ({
      ok: true,
      topic: batch.topic,
      partition: batch.partition,
      offset: baseOffset < 0 ? -1 : baseOffset + i,
      timestampMs: batch.records[i]!.timestampMs,
    }));
    this.host.complete(batch, results);
  }

  /**
   * Sender.failBatch. `adjustSequences`: a batch that fails for good with
   * retries left leaves a gap, and the epoch bumps (handleFailedBatch); an
   * expired batch does not bump at once (its partition becomes unresolved).
   */
  private fail(batch: ProducerBatch, failure: Failure, adjustSequences = batch.attempts < this.host.config.retries): void {
    batch.done = true;
    const idempotence = this.host.idempotence;
    if (idempotence !== null && batch.sent) {
      idempotence.removeInFlight(batch);
      if (adjustSequences) idempotence.requestEpochBump(batch.name);
    }
    const exception = KAFKA_ERROR_EXCEPTIONS[failure.error];
    const results: SendResult[] = batch.handles.map(() => ({ ok: false, topic: batch.topic, partition: batch.partition, error: failure.error, exception, message: failure.message }));
    this.host.complete(batch, results);
  }

  /** Batches past delivery.timeout.ms, queued or in flight. Returns when the next one expires. */
  private expireBatches(now: number): number {
    const timeoutMs = this.host.config.deliveryTimeoutMs;
    let next = Infinity;
    const expired: ProducerBatch[] = [];
    for (const queue of this.host.accumulator.queues.values()) {
      for (const batch of queue) {
        if (now - batch.createdMs >= timeoutMs) expired.push(batch);
        else next = Math.min(next, batch.createdMs + timeoutMs);
      }
    }
    for (const batch of this.inFlightBatches) {
      if (now - batch.createdMs >= timeoutMs) expired.push(batch);
      else next = Math.min(next, batch.createdMs + timeoutMs);
    }
    for (const batch of expired) {
      this.host.accumulator.remove(batch);
      this.inFlightBatches.delete(batch);
      this.muted.delete(batch.name);
      this.fail(
        batch,
        { error: 'REQUEST_TIMED_OUT', message: `Expiring ${batch.recordCount} record(s) for ${batch.name}:${now - batch.createdMs} ms has passed since batch creation` },
        false,
      );
      // No new batches until the ones in flight resolve (Sender.sendProducerData).
      if (batch.attempts > 0) this.host.idempotence?.markSequenceUnresolved(batch);
    }
    return next;
  }

  // ---- metadata and producer id ---------------------------------------------------------

  /**
   * NetworkClient.leastLoadedNode: a connected broker with nothing in flight,
   * else the connected one with the fewest requests in flight, else the next
   * broker in turn (moving on after a failure).
   */
  private pickNode(): string {
    const brokers = this.host.metadata.brokers;
    let best: string | undefined;
    let bestInFlight = Infinity;
    for (let i = 0; i < brokers.length; i++) {
      const endpoint = `broker-${brokers[(this.nextNode + i) % brokers.length]!}`;
      if (!this.host.client.isConnected(endpoint)) continue;
      const inFlight = this.host.client.inFlight(endpoint);
      if (inFlight === 0) return endpoint;
      if (inFlight < bestInFlight) {
        best = endpoint;
        bestInFlight = inFlight;
      }
    }
    return best ?? `broker-${brokers[this.nextNode % brokers.length]!}`;
  }

  /**
   * Send a Metadata request when one is due (an update was asked for, or the
   * metadata is older than metadata.max.age.ms) and the refresh backoff after
   * the last attempt has passed: retry.backoff.ms, growing exponentially while
   * updates keep coming back incomplete (a partition without a leader).
   * Returns when to look again.
   */
  private maybeUpdateMetadata(now: number): number {
    if (this.metadataInFlight) return Infinity;
    const host = this.host;
    const metadata = host.metadata;
    const backoffMs = metadata.unsatisfiedUpdates === 0 ? host.config.retryBackoffMs : retryBackoffMs(host.config, metadata.unsatisfiedUpdates - 1, host.rng);
    const dueAt = metadata.nextUpdateAtMs(backoffMs, host.config.metadataMaxAgeMs);
    if (dueAt > now) return dueAt;
    this.metadataInFlight = true;
    metadata.attempted(now);
    const topics = metadata.topicsWanted();
    host.client.send(
      this.pickNode(),
      (correlationId) => ({ kind: 'metadata', correlationId, topics }),
      (body, failure) => {
        this.metadataInFlight = false;
        if (failure !== null) {
          this.nextNode++;
        } else {
          metadata.update(body as MetadataResponseBody, host.sim.nowMs);
          host.onMetadata();
        }
        this.wakeup();
      },
    );
    return Infinity;
  }

  private maybeInitProducerId(): void {
    if (this.initInFlight) return;
    const host = this.host;
    this.initInFlight = true;
    host.client.send(
      this.pickNode(),
      (correlationId) => ({ kind: 'init-producer-id', correlationId, producerId: -1, producerEpoch: -1 }),
      (body, failure) => {
        this.initInFlight = false;
        const response = body as InitProducerIdResponseBody | null;
        if (failure !== null || response === null || response.error !== null) {
          this.nextNode++;
          this.armAt(host.sim.nowMs + host.config.retryBackoffMs);
          return;
        }
        host.idempotence!.setProducerIdAndEpoch(response.producerId, response.producerEpoch);
        if (host.sim.trace.active) host.sim.trace.emit('producer.init', { producer: host.clientId, producerId: response.producerId, producerEpoch: response.producerEpoch });
        this.wakeup();
      },
    );
  }
}
