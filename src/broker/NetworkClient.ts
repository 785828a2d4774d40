/**
 * The requesting side of a connection (Kafka's `NetworkClient`): sends
 * requests with correlation ids, matches responses, and fails what cannot be
 * answered, with the errors Kafka's clients produce:
 *
 *   - a request unanswered after its timeout fails with REQUEST_TIMED_OUT
 *     ("Disconnected from node N due to timeout"), and, as Kafka closes the
 *     connection, so does every other request in flight to that node
 *     (NetworkClient.handleTimedOutRequests);
 *   - a reset connection fails what was in flight there with
 *     NETWORK_EXCEPTION ("Disconnected from node N").
 * A response that arrives after its request failed is dropped, as Kafka
 * drops a response on a closed connection.
 *
 * Connections: a request to a node without an established connection first
 * connects. A connection that meets silence (a powered-off host, a cut link)
 * fails after `socket.connection.setup.timeout.ms` (10 s) with
 * NETWORK_EXCEPTION, without the request ever leaving; one that meets a reset
 * fails at once. An established connection stays established until a
 * request on it times out or it is reset, so a request to a host that lost
 * power after connecting waits for its timeout.
 *
 * Timeouts use one timer for the whole client: requests are kept in deadline
 * order and the timer is armed for the earliest, so a busy client does not
 * fill the event queue with cancelled timers.
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
  readonly sentAtMs: number;
  readonly deadlineMs: number;
  readonly handler: ResponseHandler;
  done: boolean;
  /** Still waiting for the connection (the request has not left). */
  readonly connecting: boolean;
}

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
  /** Nodes with an established connection. */
  private readonly connected = new Set<string>();
  private readonly nodeName: (endpoint: string) => string;
  private nextCorrelationId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly inFlightByNode = new Map<string, number>();
  /** Pending requests in deadline order; completed ones are skipped lazily. */
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
    return this.connected.has(to);
  }

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
    const now = this.sim.nowMs;
    let silent = false;
    if (!this.connected.has(to)) {
      const attempt = this.network.connectionAttempt(this.self, to);
      if (attempt === 'accepted') this.connected.add(to);
      silent = attempt === 'silent';
    }
    const deadlineMs = now + (silent ? Math.min(this.connectionSetupTimeoutMs, timeoutMs) : timeoutMs);
    const entry: Pending = { correlationId, to, sentAtMs: now, deadlineMs, handler, done: false, connecting: silent };
    this.pending.set(correlationId, entry);
    this.inFlightByNode.set(to, (this.inFlightByNode.get(to) ?? 0) + 1);
    this.insertDeadline(entry);
    // A refused connection is answered by the network with a reset; a silent one never carries the request.
    if (!silent) this.network.send(this.self, to, build(correlationId));
    return correlationId;
  }

  /** Send a request that gets no response (acks=0). */
  sendOneWay(to: string, build: (correlationId: number) => KafkaRequest): void {
    assert(!this.closed, () => `${this.self}: send on a closed client`);
    this.network.send(this.self, to, build(this.nextCorrelationId++));
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
    this.connected.delete(peer);
    const failed: Pending[] = [];
    for (const entry of this.pending.values()) if (entry.to === peer && entry.sentAtMs <= sinceMs) failed.push(entry);
    const failure: RequestFailure = { error: 'NETWORK_EXCEPTION', message: `Disconnected from node ${this.nodeName(peer)}` };
    for (const entry of failed) this.complete(entry);
    for (const entry of failed) entry.handler(null, failure);
  }

  /** The process died: forget everything, answer nothing. */
  close(): void {
    this.closed = true;
    this.pending.clear();
    this.inFlightByNode.clear();
    this.connected.clear();
    this.deadlines = [];
    this.deadlineHead = 0;
    this.sim.cancel(this.timer);
    this.timer = undefined;
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
    if (head === undefined) {
      this.sim.cancel(this.timer);
      this.timer = undefined;
      return;
    }
    if (this.timer !== undefined && this.timer.atMs === head.deadlineMs && !this.timer.cancelled) return;
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
      this.connected.delete(node);
      const failed = [...this.pending.values()].filter((e) => e.to === node);
      const failure: RequestFailure = head.connecting
        ? { error: 'NETWORK_EXCEPTION', message: `Connection to node ${this.nodeName(node)} could not be established. Node may not be available.` }
        : { error: 'REQUEST_TIMED_OUT', message: `Disconnected from node ${this.nodeName(node)} due to timeout` };
      for (const entry of failed) this.complete(entry);
      for (const entry of failed) {
        if (this.closed) return;
        entry.handler(null, failure);
      }
    }
    if (!this.closed) this.arm();
  }
}
