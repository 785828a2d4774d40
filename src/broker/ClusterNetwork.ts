/**
 * The cluster's network: the simulated `Network` (seeded delays, losses,
 * partitions as plain fault values) plus what TCP connections add on top of
 * it, which Kafka's clients depend on to notice failures:
 *
 *   - A process that dies on a host that stays up (a crash, a stopped broker)
 *     resets its connections: every peer learns of it one millisecond later
 *     (RESET_DELAY_MS) and fails what it had in flight there with
 *     NETWORK_EXCEPTION, as Kafka's NetworkClient does on a disconnect. A new
 *     request to that host is refused the same way.
 *   - A host that loses power says nothing: requests to it vanish and the
 *     sender only learns of it when its request times out
 *     (`request.timeout.ms`, `replica.socket.timeout.ms`).
 *   - A cut link carries no reset either: a partition looks like silence.
 *
 * Endpoints are named `broker-<id>`, `controller` and by client id.
 */
import { Network, type NetworkFault } from '../sim/Network';
import type { Simulation } from '../sim/Simulation';
import { describeMessage, type KafkaMessage } from './protocol';

/** How long a TCP reset takes to reach the peer. */
export const RESET_DELAY_MS = 1;

export interface NetworkEndpoint {
  receive(from: string, message: KafkaMessage): void;
  /** The connection to `peer` was reset; requests sent at or before `sinceMs` are gone. */
  disconnected(peer: string, sinceMs: number): void;
}

export class ClusterNetwork {
  readonly network: Network<KafkaMessage>;
  private readonly sim: Simulation;
  private readonly endpoints = new Map<string, NetworkEndpoint>();
  /** Hosts that are up with no process listening: connections are refused. */
  private readonly refusing = new Set<string>();

  constructor(options: { sim: Simulation; latencyMs?: number; jitterMs?: number }) {
    this.sim = options.sim;
    this.network = new Network<KafkaMessage>({
      sim: options.sim,
      rng: options.sim.rng.fork('kafka/network'),
      latencyMs: options.latencyMs,
      jitterMs: options.jitterMs,
      describe: describeMessage,
    });
  }

  register(name: string, endpoint: NetworkEndpoint): void {
    this.endpoints.set(name, endpoint);
    this.network.register(name, (from, message) => endpoint.receive(from, message));
  }

  endpointNames(): string[] {
    return this.network.endpointNames();
  }

  /** True when `name` would receive a message now (its process is up). */
  isListening(name: string): boolean {
    return this.network.isUp(name);
  }

  /**
   * What a TCP connection attempt from `from` to `to` would meet: a listening
   * process, a reset (host up, no process), or nothing at all (no power, or a
   * cut link: the attempt times out).
   */
  connectionAttempt(from: string, to: string): 'accepted' | 'refused' | 'silent' {
    if (this.network.isCut(from, to) || this.network.isCut(to, from)) return 'silent';
    if (this.refusing.has(to)) return 'refused';
    return this.network.isUp(to) ? 'accepted' : 'silent';
  }

  send(from: string, to: string, message: KafkaMessage): void {
    if (this.refusing.has(to)) {
      // The host answers the connection attempt with a reset.
      if (!this.network.isCut(to, from)) {
        const sentAtMs = this.sim.nowMs;
        this.sim.schedule(RESET_DELAY_MS, `tcp reset ${to}->${from}`, () => this.notifyReset(from, to, sentAtMs));
      }
      return;
    }
    this.network.send(from, to, message);
  }

  /**
   * The process behind `name` stopped. With `hostUp` (a crash or a clean stop)
   * peers get a reset; without (a power loss) they get silence.
   */
  processStopped(name: string, options: { hostUp: boolean }): void {
    this.network.down(name);
    if (!options.hostUp) {
      this.refusing.delete(name);
      return;
    }
    this.refusing.add(name);
    const sinceMs = this.sim.nowMs;
    for (const peer of this.network.endpointNames()) {
      if (peer === name || !this.network.isUp(peer) || this.network.isCut(name, peer)) continue;
      this.sim.schedule(RESET_DELAY_MS, `tcp reset ${name}->${peer}`, () => this.notifyReset(peer, name, sinceMs));
    }
  }

  /** The host lost power after its process had already stopped: no more resets. */
  hostDown(name: string): void {
    this.refusing.delete(name);
    this.network.down(name);
  }

  processStarted(name: string): void {
    this.refusing.delete(name);
    this.network.up(name);
  }

  apply(fault: NetworkFault): void {
    this.network.apply(fault);
  }

  private notifyReset(peer: string, resetBy: string, sinceMs: number): void {
    if (!this.network.isUp(peer)) return;
    this.endpoints.get(peer)?.disconnected(resetBy, sinceMs);
  }
}
