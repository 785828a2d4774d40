/**
 * What the parts of a consumer (Fetcher, OffsetFetcher, ConsumerCoordinator)
 * share: the simulation, the configuration, the network client, what it
 * knows of the cluster and what it is assigned, and a way to say that
 * something arrived that a waiting call may want (Java's consumer threads
 * wake each other with the network client's wakeup; here the consumer runs
 * its pending operations again).
 */
import type { Rng } from '../../sim/Rng';
import type { Simulation } from '../../sim/Simulation';
import type { TraceValue } from '../../sim/Trace';
import type { NetworkClient } from '../NetworkClient';
import type { ConsumerConfig } from './ConsumerConfig';
import type { ConsumerMetadata } from './ConsumerMetadata';
import type { SubscriptionState } from './SubscriptionState';

export interface ConsumerClientHost {
  readonly sim: Simulation;
  readonly config: ConsumerConfig;
  readonly clientId: string;
  /** The host the coordinator shows in describe output (`/10.0.0.1`). */
  readonly clientHost: string;
  readonly client: NetworkClient;
  readonly metadata: ConsumerMetadata;
  readonly subscriptions: SubscriptionState;
  /** Jitter of retry backoffs. */
  readonly rng: Rng;
  /** Run pending operations again soon (coalesced). */
  wakeup(): void;
  isClosed(): boolean;
  /** NetworkClient.leastLoadedNode: the endpoint of a broker to ask about the cluster. */
  leastLoadedNode(): string;
  /** A trace record stamped with this consumer's client id. */
  trace(type: string, fields: { readonly [key: string]: TraceValue }): void;
}

/** A broker's endpoint on the cluster network. */
export function brokerEndpoint(id: number): string {
  return `broker-${id}`;
}
