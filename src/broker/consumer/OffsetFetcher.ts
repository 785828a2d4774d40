/**
 * ListOffsets from a consumer (Kafka's OffsetFetcher): resetting positions by
 * `auto.offset.reset` (EARLIEST ⇒ the log start offset, LATEST ⇒ the high
 * watermark), and offsetsForTimes / beginningOffsets / endOffsets for the
 * application. Requests go to each partition's leader; retriable errors
 * (NOT_LEADER_OR_FOLLOWER, a disconnect, OFFSET_NOT_AVAILABLE while a new
 * leader's high watermark catches up, ...) ask for a metadata update and
 * are retried after `retry.backoff.ms`.
 *
 * Not modelled: validating a position against a new leader's epochs after a
 * leader change (KIP-320's OffsetsForLeaderEpoch from the consumer). A
 * position past the new leader's log end is caught by the next fetch's
 * OFFSET_OUT_OF_RANGE instead, and reset by `auto.offset.reset`.
 */
import { isRetriable } from '../errors';
import { NO_LEADER } from '../partitionElection';
import { CONSUMER_REPLICA_ID, type ListOffsetsPartition, type ListOffsetsResponseBody } from '../protocol';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '../UnifiedLog';
import { brokerEndpoint, type ConsumerClientHost } from './ConsumerClientHost';
import { offsetsForTimesTimeout, type ConsumerException } from './consumerExceptions';

export interface OffsetAndTimestamp {
  readonly offset: number;
  readonly timestampMs: number;
}

export type ListOffsetsResult = Map<string, OffsetAndTimestamp | null>;

export class OffsetFetcher {
  private readonly resetsInFlight = new Set<string>();

  constructor(private readonly host: ConsumerClientHost) {}

  /** OffsetFetcher.resetPositionsIfNeeded: ListOffsets for every partition awaiting a reset. */
  resetPositionsIfNeeded(): void {
    const host = this.host;
    const now = host.sim.nowMs;
    const byNode = new Map<number, { name: string; strategy: 'earliest' | 'latest'; request: ListOffsetsPartition }[]>();
    for (const s of host.subscriptions.assignedPartitions()) {
      if (s.resetStrategy === null || s.resetBackoffUntilMs > now || this.resetsInFlight.has(s.name)) continue;
      const leader = host.metadata.leader(s.topic, s.partition);
      if (leader === NO_LEADER) {
        host.metadata.requestUpdate();
        continue;
      }
      let list = byNode.get(leader);
      if (list === undefined) byNode.set(leader, (list = []));
      const timestampMs = s.resetStrategy === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP;
      list.push({ name: s.name, strategy: s.resetStrategy, request: { topic: s.topic, partition: s.partition, timestampMs, currentLeaderEpoch: host.metadata.leaderEpoch(s.topic, s.partition) } });
    }
    for (const node of [...byNode.keys()].sort((a, b) => a - b)) {
      const entries = byNode.get(node)!;
      for (const e of entries) this.resetsInFlight.add(e.name);
      host.client.send(
        brokerEndpoint(node),
        (correlationId) => ({ kind: 'list-offsets', correlationId, replicaId: CONSUMER_REPLICA_ID, partitions: entries.map((e) => e.request) }),
        (body, failure) => {
          for (const e of entries) this.resetsInFlight.delete(e.name);
          if (host.isClosed()) return;
          const answered = body === null ? [] : (body as ListOffsetsResponseBody).partitions;
          for (const e of entries) {
            const s = host.subscriptions.state(e.name);
            // The reset may have been overtaken by a seek or a new assignment.
            if (s === undefined || s.resetStrategy !== e.strategy) continue;
            const r = answered.find((p) => p.topic === e.request.topic && p.partition === e.request.partition);
            if (failure !== null || r === undefined || r.error !== null) {
              s.resetBackoffUntilMs = host.sim.nowMs + host.config.retryBackoffMs;
              host.metadata.requestUpdate();
              continue;
            }
            host.subscriptions.seek(e.name, r.offset, r.leaderEpoch);
            host.trace('consumer.reset', { partition: e.name, strategy: e.strategy, offset: r.offset });
          }
          host.wakeup();
        },
      );
    }
  }

  /** When the next reset may be retried (Infinity when none waits on a backoff). */
  nextResetRetryAtMs(): number {
    const now = this.host.sim.nowMs;
    let next = Infinity;
    for (const s of this.host.subscriptions.assignedPartitions()) {
      if (s.resetStrategy !== null && !this.resetsInFlight.has(s.name) && s.resetBackoffUntilMs > now) next = Math.min(next, s.resetBackoffUntilMs);
    }
    return next;
  }

  /**
   * offsetsForTimes (a timestamp per partition), beginningOffsets (-2) or
   * endOffsets (-1): retried until `timeoutMs`, then TimeoutException.
   * A partition with no record at or after the time maps to null.
   */
  listOffsets(timestamps: ReadonlyMap<string, number>, timeoutMs: number, done: (result: ListOffsetsResult | ConsumerException) => void): void {
    const host = this.host;
    const startMs = host.sim.nowMs;
    const result: ListOffsetsResult = new Map();
    const remaining = new Map(timestamps);
    let finished = false;
    const finish = (value: ListOffsetsResult | ConsumerException): void => {
      if (finished) return;
      finished = true;
      done(value);
    };
    const attempt = (): void => {
      if (finished || host.isClosed()) return;
      if (remaining.size === 0) return finish(new Map([...timestamps.keys()].map((k) => [k, result.get(k) ?? null])));
      if (host.sim.nowMs - startMs >= timeoutMs) return finish(offsetsForTimesTimeout(host.sim.nowMs - startMs));
      const byNode = new Map<number, ListOffsetsPartition[]>();
      for (const [name, timestampMs] of remaining) {
        const cut = name.lastIndexOf('-');
        const topic = name.slice(0, cut);
        const partition = Number(name.slice(cut + 1));
        const leader = host.metadata.leader(topic, partition);
        if (leader === NO_LEADER) {
          host.metadata.requestUpdate();
          continue;
        }
        let list = byNode.get(leader);
        if (list === undefined) byNode.set(leader, (list = []));
        list.push({ topic, partition, timestampMs, currentLeaderEpoch: host.metadata.leaderEpoch(topic, partition) });
      }
      let outstanding = byNode.size;
      const retryLater = (): void => {
        host.sim.schedule(host.config.retryBackoffMs, `list offsets retry ${host.clientId}`, attempt);
      };
      if (outstanding === 0) return retryLater();
      for (const node of [...byNode.keys()].sort((a, b) => a - b)) {
        host.client.send(
          brokerEndpoint(node),
          (correlationId) => ({ kind: 'list-offsets', correlationId, replicaId: CONSUMER_REPLICA_ID, partitions: byNode.get(node)! }),
          (body, failure) => {
            if (failure !== null) host.metadata.requestUpdate();
            for (const r of body === null ? [] : (body as ListOffsetsResponseBody).partitions) {
              const name = `${r.topic}-${r.partition}`;
              if (r.error === null) {
                result.set(name, r.offset < 0 ? null : { offset: r.offset, timestampMs: r.timestampMs });
                remaining.delete(name);
              } else if (!isRetriable(r.error)) {
                return finish({ exception: 'KafkaException', message: `${r.error}: ${r.message ?? ''}`, retriable: false });
              } else {
                host.metadata.requestUpdate();
              }
            }
            if (--outstanding === 0) {
              if (remaining.size === 0) attempt();
              else retryLater();
            }
          },
        );
      }
    };
    attempt();
  }
}
