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
 *   - Messages travel on connections, in order and without gaps, as over TCP:
 *     once a message of a connection is lost (a partition, a lossy link, a
 *     process gone), the connection is broken, and nothing more travels on it
 *     until the client connects again (after its request timed out or it was
 *     reset). A request sent on a broken connection to a process that is
 *     listening gets a reset, as a stale TCP connection would. Requests and
 *     their responses share the connection the client opened; metadata
 *     records travel on the broker's connection to the controller.
 *
 * Endpoints are named `broker-<id>`, `controller` and by client id.
 *
 * It also keeps the heartbeat leases (HeartbeatLease.ts): it grants one only
 * on a clean connection, and revokes it before anything touches that
 * connection (a fault on either link, either process stopping).
 */
import { Network, type NetworkFault } from '../sim/Network';
import type { Simulation } from '../sim/Simulation';
import { HeartbeatLease, type HeartbeatLeaseOptions } from './HeartbeatLease';
import { describeMessage, type KafkaMessage } from './protocol';

/** How long a TCP reset takes to reach the peer. */
export const RESET_DELAY_MS = 1;

export interface NetworkEndpoint {
  receive(from: string, message: KafkaMessage): void;
  /** The connection to `peer` was reset; requests sent at or before `sinceMs` are gone. */
  disconnected(peer: string, sinceMs: number): void;
  /** The controller: agree to a heartbeat lease, registering its own revocation handler, or refuse. */
  acceptHeartbeatLease?(lease: HeartbeatLease): boolean;
}

export class ClusterNetwork {
  readonly network: Network<KafkaMessage>;
  private readonly sim: Simulation;
  private readonly endpoints = new Map<string, NetworkEndpoint>();
  /** Hosts that are up with no process listening: connections are refused. */
  private readonly refusing = new Set<string>();
  /** Connections (`client|server`) that lost a message: they carry nothing more. */
  private readonly broken = new Set<string>();
  /** Links (`from->to`) that lose messages at random (a drop fault). */
  private readonly lossy = new Set<string>();
  /** Heartbeat leases in force. */
  private leases: HeartbeatLease[] = [];

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
    if (!this.network.isUp(to)) return 'silent';
    // A new connection: whatever broke the old one is behind it.
    this.broken.delete(connectionKey(from, to));
    return 'accepted';
  }

  send(from: string, to: string, message: KafkaMessage): void {
    if (this.refusing.has(to)) {
      // The host answers with a reset: its process is gone.
      if (!this.network.isCut(to, from)) {
        const sentAtMs = this.sim.nowMs;
        this.sim.schedule(RESET_DELAY_MS, `tcp reset ${to}->${from}`, () => this.notifyReset(from, to, sentAtMs));
      }
      return;
    }
    const isRequest = message.kind !== 'response' && message.kind !== 'metadata-records';
    const key = isRequest ? connectionKey(from, to) : connectionKey(to, from);
    if (this.broken.has(key)) {
      // A request on a stale connection to a live process meets a reset; anything else is lost.
      if (isRequest && this.network.isUp(to) && !this.network.isCut(to, from)) {
        const sentAtMs = this.sim.nowMs;
        this.sim.schedule(RESET_DELAY_MS, `tcp reset ${to}->${from}`, () => this.notifyReset(from, to, sentAtMs));
      }
      return;
    }
    if (this.network.isCut(from, to)) this.broken.add(key);
    if (this.lossy.size > 0 && this.lossy.has(`${from}->${to}`)) {
      const before = this.network.stats().dropped.loss;
      this.network.send(from, to, message);
      if (this.network.stats().dropped.loss !== before) this.broken.add(key);
      return;
    }
    this.network.send(from, to, message);
  }

  /**
   * True when nothing stands between `client` and `server` on their
   * connection: both processes listening, both links free of faults, the
   * connection not broken.
   */
  isConnectionClean(client: string, server: string): boolean {
    const net = this.network;
    return (
      net.isUp(client) &&
      net.isUp(server) &&
      !this.refusing.has(client) &&
      !this.refusing.has(server) &&
      net.isPristine(client, server) &&
      net.isPristine(server, client) &&
      !this.broken.has(connectionKey(client, server)) &&
      !this.lossy.has(`${client}->${server}`) &&
      !this.lossy.has(`${server}->${client}`)
    );
  }

  /**
   * A broker asks for a heartbeat lease (HeartbeatLease.ts). Granted when the
   * simulation fast-forwards, the connection is clean and the controller
   * agrees; null otherwise, and the broker heartbeats for real.
   */
  leaseHeartbeats(options: Omit<HeartbeatLeaseOptions, 'oneWayMs' | 'grantedAtMs'>): HeartbeatLease | null {
    if (!this.sim.fastForward.leases || !this.isConnectionClean(options.broker, options.controller)) return null;
    const server = this.endpoints.get(options.controller);
    if (server?.acceptHeartbeatLease === undefined) return null;
    const lease = new HeartbeatLease({ ...options, oneWayMs: this.network.typicalDelayMs, grantedAtMs: this.sim.nowMs });
    if (!server.acceptHeartbeatLease(lease)) return null;
    this.leases.push(lease);
    lease.onRevoked((revoked) => {
      this.leases = this.leases.filter((l) => l !== revoked);
    });
    return lease;
  }

  /** Leases in force (for tests and assertions). */
  get activeLeases(): readonly HeartbeatLease[] {
    return this.leases;
  }

  /**
   * The process behind `name` stopped. With `hostUp` (a crash or a clean stop)
   * peers get a reset; without (a power loss) they get silence.
   */
  processStopped(name: string, options: { hostUp: boolean }): void {
    this.revokeLeasesOf(name);
    this.network.down(name);
    this.breakConnectionsOf(name);
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
    this.revokeLeasesOf(name);
    this.refusing.delete(name);
    this.network.down(name);
    this.breakConnectionsOf(name);
  }

  processStarted(name: string): void {
    this.refusing.delete(name);
    this.network.up(name);
  }

  apply(fault: NetworkFault): void {
    this.revokeLeasesTouchedBy(fault);
    this.network.apply(fault);
    switch (fault.kind) {
      case 'partition': {
        // Messages on the cut links are lost, so every connection across the cut breaks.
        const a = group(fault.between);
        const b = fault.and === undefined ? this.network.endpointNames().filter((n) => !a.includes(n)) : group(fault.and);
        for (const x of a) {
          for (const y of b) {
            this.broken.add(connectionKey(x, y));
            this.broken.add(connectionKey(y, x));
          }
        }
        return;
      }
      case 'drop':
        for (const x of group(fault.from)) {
          for (const y of group(fault.to)) {
            if (fault.probability > 0) this.lossy.add(`${x}->${y}`);
            else this.lossy.delete(`${x}->${y}`);
          }
        }
        return;
      case 'heal':
        if (fault.between === undefined) this.lossy.clear();
        else for (const x of group(fault.between)) for (const y of fault.and === undefined ? this.network.endpointNames() : group(fault.and)) {
          this.lossy.delete(`${x}->${y}`);
          this.lossy.delete(`${y}->${x}`);
        }
        return;
      case 'delay':
        return;
    }
  }

  /** A stopping process revokes its leases (normally its lifecycle manager did already). */
  private revokeLeasesOf(name: string): void {
    for (const lease of [...this.leases]) {
      if (lease.broker === name) lease.revoke({ cause: 'broker-stopped' });
      else if (lease.controller === name) lease.revoke({ cause: 'controller-halted' });
    }
  }

  /** Revoke the leases whose connection `fault` touches; a heal leaves clean links as they are. */
  private revokeLeasesTouchedBy(fault: NetworkFault): void {
    if (this.leases.length === 0 || fault.kind === 'heal') return;
    for (const lease of [...this.leases]) {
      if (this.faultTouches(fault, lease.broker, lease.controller)) lease.revoke({ cause: 'connection' });
    }
  }

  /** Whether `fault` acts on the link a -> b or b -> a. */
  private faultTouches(fault: Exclude<NetworkFault, { kind: 'heal' }>, a: string, b: string): boolean {
    if (fault.kind === 'partition') {
      const one = group(fault.between);
      const other = fault.and === undefined ? null : group(fault.and);
      const inOther = (n: string): boolean => (other === null ? !one.includes(n) : other.includes(n));
      return (one.includes(a) && inOther(b)) || (one.includes(b) && inOther(a));
    }
    const from = group(fault.from);
    const to = group(fault.to);
    return (from.includes(a) && to.includes(b)) || (from.includes(b) && to.includes(a));
  }

  private breakConnectionsOf(name: string): void {
    for (const peer of this.network.endpointNames()) {
      if (peer === name) continue;
      this.broken.add(connectionKey(name, peer));
      this.broken.add(connectionKey(peer, name));
    }
  }

  private notifyReset(peer: string, resetBy: string, sinceMs: number): void {
    this.broken.add(connectionKey(peer, resetBy));
    if (!this.network.isUp(peer)) return;
    this.endpoints.get(peer)?.disconnected(resetBy, sinceMs);
  }
}

function connectionKey(client: string, server: string): string {
  return `${client}|${server}`;
}

function group(endpoints: string | readonly string[]): readonly string[] {
  return typeof endpoints === 'string' ? [endpoints] : endpoints;
}
