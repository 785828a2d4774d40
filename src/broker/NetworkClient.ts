/**
 * The requesting side of connections (Kafka's `NetworkClient`): one
 * connection per node, requests sent on it in order with correlation ids,
 * responses matched to them, and failures reported with the errors Kafka's
 * clients produce:
 *
 *   - a request unanswered after its timeout fails with REQUEST_TIMED_OUT
 *     ("Disconnected from node N due to timeout"), and, as Kafka closes the
 *     connection, so does every other request in flight to that node
 *     (NetworkClient.handleTimedOutRequests);
 *   - a reset connection fails what was in flight there with
 *     NETWORK_EXCEPTION ("Disconnected from node N").
 * Failed requests are reported oldest first, in the order they were sent, as
 * InFlightRequests.clearAll has handed them back since Kafka 1.1 ("Complete
 * inflight requests in order on disconnect"). A response that arrives after its request failed is
 * dropped, as Kafka drops a response on a closed connection.
 *
 * Connecting: a request to a node without a connection opens one. A node
 * that is listening accepts at once; a host that is up with no process
 * resets the attempt (the request fails at once with NETWORK_EXCEPTION); a
 * host without power or behind a cut link is silent, and the attempt is
 * retried as TCP retransmits its SYN (after 1, 3 and 7 s) until
 * `socket.connection.setup.timeout.ms` (10 s) fails it with
 * NETWORK_EXCEPTION ("Connection to node N could not be established. Node may
 * not be available."). Requests made while connecting wait, in order, and go
 * out together once connected; their timeouts start then.
 *
 * Timeouts use one timer for the whole client: requests are kept in deadline
 * order and the timer is armed for the earliest, so a busy client does not
 * fill the event queue with cancelled timers; a timer that fires before the
 * earliest deadline finds nothing due and re-arms.
 */
import { assert } from '../sim/assert';
import type { Simulation, Timer } from '../sim/Simulation';
import type { ClusterNetwork } from './ClusterNetwork';
import type { KafkaErrorCode } from './errors';
import type { KafkaRequest, KafkaResponse, ResponseBody } from './protocol';

export interface RequestFailure {
  readonly error: Extract<KafkaErrorCode, 'REQUEST_TIMED_OUT' | 'NETWORK_EXCEPTION'>;
  readonly message: string;
}

export type ResponseHandler = (body: ResponseBody | null, failure: RequestFailure | null) => void;

interface Pending {
  readonly correlationId: number;
  readonly to: string;
  sentAtMs: number;
  deadlineMs: number;
  readonly timeoutMs: number;
  readonly handler: ResponseHandler;
  /** Built when the connection is up. */
  build: ((correlationId: number) => KafkaRequest) | null;
  done: boolean;
}

interface Connection {
  state: 'connecting' | 'connected';
  /** Requests waiting for the connection, in order. */
  readonly held: Pending[];
  readonly timers: Timer[];
}

/** TCP's SYN retransmissions, after the first attempt (ms since it). */
const SYN_RETRIES_MS = [1_000, 3_000, 7_000] as const;

export interface NetworkClientOptions {
  readonly sim: Simulation;
  readonly network: ClusterNetwork;
  /** This endpoint's name. */
  readonly self: string;
  readonly requestTimeoutMs: number;
  /** socket.connection.setup.timeout.ms (default 10000). */
  readonly connectionSetupTimeoutMs?: number;
  /** How a node is named in error messages (Kafka prints the broker id). */
  readonly nodeName?: (endpoint: string) => string;
}

export class NetworkClient {
  readonly self: string;
  private readonly sim: Simulation;
  private readonly network: ClusterNetwork;
  private readonly requestTimeoutMs: number;
  private readonly connectionSetupTimeoutMs: number;
  private readonly nodeName: (endpoint: string) => string;
  private nextCorrelationId = 0;
  private readonly connections = new Map<string, Connection>();
  private readonly pending = new Map<number, Pending>();
  private readonly inFlightByNode = new Map<string, number>();
  /** Sent requests in deadline order; completed ones are skipped lazily. */
  private deadlines: Pending[] = [];
  private deadlineHead = 0;
  private timer: Timer | undefined;
  private closed = false;

  constructor(options: NetworkClientOptions) {
    this.sim = options.sim;
    this.network = options.network;
    this.self = options.self;
    this.requestTimeoutMs = options.requestTimeoutMs;
    this.connectionSetupTimeoutMs = options.connectionSetupTimeoutMs ?? 10_000;
    this.nodeName = options.nodeName ?? ((e) => e.replace(/^broker-/, ''));
  }

  isConnected(to: string): boolean {
    return this.connections.get(to)?.state === 'connected';
  }

  /** Requests to `to` not yet answered (sent or waiting for the connection). */
  inFlight(to: string): number {
    return this.inFlightByNode.get(to) ?? 0;
  }

  get totalInFlight(): number {
    return this.pending.size;
  }

  /** Send a request; `handler` gets the response body or the failure, exactly once. */
  send(to: string, build: (correlationId: number) => KafkaRequest, handler: ResponseHandler, timeoutMs = this.requestTimeoutMs): number {
    assert(!this.closed, () => `${this.self}: send on a closed client`);
    const correlationId = this.nextCorrelationId++;
    const entry: Pending = { correlationId, to, sentAtMs: -1, deadlineMs: Infinity, timeoutMs, handler, build, done: false };
    this.pending.set(correlationId, entry);
    this.inFlightByNode.set(to, (this.inFlightByNode.get(to) ?? 0) + 1);
    const connection = this.connections.get(to) ?? this.connect(to);
    if (connection.state === 'connected') this.transmit(entry);
    else connection.held.push(entry);
    return correlationId;
  }

  /** Send a request that gets no response (acks=0). */
  sendOneWay(to: string, build: (correlationId: number) => KafkaRequest): void {
    assert(!this.closed, () => `${this.self}: send on a closed client`);
    const connection = this.connections.get(to) ?? this.connect(to);
    const correlationId = this.nextCorrelationId++;
    // Without a connection yet, a one-way request is simply lost, as a producer with acks=0 never learns.
    if (connection.state === 'connected') this.network.send(this.self, to, build(correlationId));
  }

  receive(response: KafkaResponse): void {
    if (this.closed) return;
    const entry = this.pending.get(response.correlationId);
    if (entry === undefined || entry.done) return;
    this.complete(entry);
    entry.handler(response.body, null);
  }

  disconnected(peer: string, sinceMs: number): void {
    if (this.closed) return;
    const connection = this.connections.get(peer);
    this.dropConnection(peer);
    const failed: Pending[] = [];
    for (const entry of this.pending.values()) {
      if (entry.to !== peer) continue;
      if (entry.sentAtMs >= 0 ? entry.sentAtMs <= sinceMs : connection?.held.includes(entry)) failed.push(entry);
    }
    this.fail(failed, { error: 'NETWORK_EXCEPTION', message: `Disconnected from node ${this.nodeName(peer)}` });
  }

  /**
   * Give up on a request without calling its handler (a caller's own deadline
   * passed): one still waiting for its connection is never sent, a response
   * to one already sent is dropped.
   */
  abandon(correlationId: number): void {
    const entry = this.pending.get(correlationId);
    if (entry === undefined || entry.done) return;
    this.complete(entry);
    const held = this.connections.get(entry.to)?.held;
    if (held === undefined) return;
    const i = held.indexOf(entry);
    if (i >= 0) held.splice(i, 1);
  }

  /** The process died: forget everything, answer nothing. */
  close(): void {
    this.closed = true;
    for (const peer of [...this.connections.keys()]) this.dropConnection(peer);
    this.pending.clear();
    this.inFlightByNode.clear();
    this.deadlines = [];
    this.deadlineHead = 0;
    this.sim.cancel(this.timer);
    this.timer = undefined;
  }

  // ---- connections ------------------------------------------------------------------

  private connect(to: string): Connection {
    const connection: Connection = { state: 'connecting', held: [], timers: [] };
    this.connections.set(to, connection);
    const attempt = this.network.connectionAttempt(this.self, to);
    // A refused attempt behaves like a connection reset at once: ClusterNetwork answers the first request with one.
    if (attempt !== 'silent') {
      connection.state = 'connected';
      return connection;
    }
    for (const afterMs of SYN_RETRIES_MS) {
      if (afterMs >= this.connectionSetupTimeoutMs) break;
      connection.timers.push(this.sim.schedule(afterMs, `connect ${this.self}->${to}`, () => this.retryConnect(to, connection)));
    }
    connection.timers.push(
      this.sim.schedule(this.connectionSetupTimeoutMs, `connection setup timeout ${this.self}->${to}`, () => {
        if (this.closed || this.connections.get(to) !== connection || connection.state !== 'connecting') return;
        this.dropConnection(to);
        this.fail([...connection.held], {
          error: 'NETWORK_EXCEPTION',
          message: `Connection to node ${this.nodeName(to)} could not be established. Node may not be available.`,
        });
      }),
    );
    return connection;
  }

  private retryConnect(to: string, connection: Connection): void {
    if (this.closed || this.connections.get(to) !== connection || connection.state !== 'connecting') return;
    if (this.network.connectionAttempt(this.self, to) === 'silent') return;
    connection.state = 'connected';
    for (const timer of connection.timers) this.sim.cancel(timer);
    connection.timers.length = 0;
    const held = connection.held.splice(0);
    for (const entry of held) if (!entry.done) this.transmit(entry);
  }

  private dropConnection(to: string): void {
    const connection = this.connections.get(to);
    if (connection === undefined) return;
    for (const timer of connection.timers) this.sim.cancel(timer);
    this.connections.delete(to);
  }

  private transmit(entry: Pending): void {
    const now = this.sim.nowMs;
    entry.sentAtMs = now;
    entry.deadlineMs = now + entry.timeoutMs;
    this.insertDeadline(entry);
    const build = entry.build!;
    entry.build = null;
    this.network.send(this.self, entry.to, build(entry.correlationId));
  }

  // ---- completion and timeouts ---------------------------------------------------------------

  private fail(entries: readonly Pending[], failure: RequestFailure): void {
    const live = entries.filter((e) => !e.done);
    for (const entry of live) this.complete(entry);
    for (const entry of live) {
      if (this.closed) return;
      entry.handler(null, failure);
    }
  }

  private complete(entry: Pending): void {
    entry.done = true;
    this.pending.delete(entry.correlationId);
    const n = (this.inFlightByNode.get(entry.to) ?? 1) - 1;
    if (n === 0) this.inFlightByNode.delete(entry.to);
    else this.inFlightByNode.set(entry.to, n);
  }

  private insertDeadline(entry: Pending): void {
    const list = this.deadlines;
    let i = list.length;
    while (i > this.deadlineHead && list[i - 1]!.deadlineMs > entry.deadlineMs) i--;
    if (i === list.length) list.push(entry);
    else list.splice(i, 0, entry);
    if (i === this.deadlineHead) this.arm();
  }

  private arm(): void {
    this.skipDone();
    const head = this.deadlines[this.deadlineHead];
    // A timer already armed at or before the earliest deadline stays: when it fires early it finds
    // nothing due and re-arms, so a client sending a request every few seconds (heartbeats,
    // fetches) arms about one timer per timeout instead of one per request.
    if (head === undefined) return;
    if (this.timer !== undefined && !this.timer.cancelled && this.timer.atMs <= head.deadlineMs) return;
    this.sim.cancel(this.timer);
    this.timer = this.sim.at(Math.max(head.deadlineMs, this.sim.nowMs), `request timeouts ${this.self}`, () => this.expire());
  }

  private skipDone(): void {
    const list = this.deadlines;
    while (this.deadlineHead < list.length && list[this.deadlineHead]!.done) this.deadlineHead++;
    if (this.deadlineHead > 1024 && this.deadlineHead * 2 > list.length) {
      this.deadlines = list.slice(this.deadlineHead);
      this.deadlineHead = 0;
    }
  }

  private expire(): void {
    this.timer = undefined;
    if (this.closed) return;
    const now = this.sim.nowMs;
    for (;;) {
      this.skipDone();
      const head = this.deadlines[this.deadlineHead];
      if (head === undefined || head.deadlineMs > now) break;
      // Kafka closes the connection: everything in flight to that node fails as timed out.
      const node = head.to;
      this.dropConnection(node);
      const failed = [...this.pending.values()].filter((e) => e.to === node && e.sentAtMs >= 0);
      this.fail(failed, { error: 'REQUEST_TIMED_OUT', message: `Disconnected from node ${this.nodeName(node)} due to timeout` });
      if (this.closed) return;
    }
    this.arm();
  }
}
