/**
 * The simulated network: messages between named endpoints (brokers, clients),
 * delivered through the simulation's one event queue.
 *
 * What it guarantees:
 *   - Determinism. Every link (an ordered pair `from -> to`) draws its delays
 *     and its losses from its own streams, forked from the network's Rng by the
 *     link's name, so traffic on one link never shifts the draws of another.
 *   - Per-link FIFO, as over one TCP connection: a message is never delivered
 *     before an earlier message on the same link. A drawn delay that would
 *     overtake is stretched to the previous message's delivery time (head-of-line
 *     blocking); equal times keep send order because the queue orders equal
 *     deadlines by sequence number. Only a lost message leaves a gap.
 *   - Integral time. Delays are drawn from a continuous distribution (base
 *     `latencyMs` plus a uniform jitter of +-`jitterMs`) and rounded to whole
 *     milliseconds, so the clock stays on whole milliseconds as Kafka's clocks do
 *     (record timestamps, `lastCaughtUpTimeMs`). The defaults, 1 ms +- 1 ms, give
 *     0, 1 or 2 ms with probabilities 1/4, 1/2, 1/4: a LAN round trip is well
 *     under a millisecond, and the spread still interleaves links differently
 *     from one seed to the next. A jitter below 0.5 ms rounds away entirely.
 *
 * Faults are plain values (`NetworkFault`), so a scenario step can name one
 * and a fast-check arbitrary can generate one:
 *   - `partition` cuts every link between two groups, both ways or one way
 *     (`oneWay`: only messages from `between` to `and` are lost);
 *   - `drop` makes a link lose each message with a probability;
 *   - `delay` changes a link's latency;
 *   - `heal` lifts every fault on the links between two groups, or, without
 *     groups, every fault in the network (the liveness phase of a run).
 * A cut link loses messages at send time and also at delivery time, so a
 * message in flight when a partition starts is lost, as packets on a cut wire
 * are. Nothing is buffered and replayed after a heal: a lost message is gone,
 * and the protocol above (request timeouts, fetch retries) must notice, which
 * is how a TCP connection reset looks to Kafka's NetworkClient.
 *
 * Endpoints go down and come up with their host. A down endpoint receives
 * nothing: messages sent to it are lost, and messages already in flight to it
 * are lost at delivery time, even if it is up again by then (each `up` starts
 * a new incarnation, as a restarted process has new connections). A down
 * endpoint cannot send: that is a bug in the caller, and an assertion.
 *
 * Hot path: `send` allocates nothing of its own beyond the kernel's queue
 * entry. The payloads in flight on a link live in the link's own FIFO arrays,
 * and each link has one delivery callback, created once, which pops the
 * head of that FIFO: queue entries of a link fire in FIFO order, so the head
 * is always the message whose entry is firing.
 *
 * Traces: `net.partition`, `net.heal`, `net.loss` (a drop fault), `net.delay`
 * (a delay fault) and `net.drop` (a lost message, with its reason). Deliveries
 * are traced as `net.deliver` only with `traceDeliveries`, since they would
 * dominate every trace.
 */
import { assert, unreachable } from './assert';
import type { Rng } from './Rng';
import type { Simulation } from './Simulation';
import type { TraceValue } from './Trace';

// ---- faults ------------------------------------------------------------------

/** One endpoint name or a group of them. */
export type Endpoints = string | readonly string[];

export interface PartitionFault {
  readonly kind: 'partition';
  readonly between: Endpoints;
  /** The other side; every other registered endpoint when omitted. */
  readonly and?: Endpoints;
  /** Cut only the direction `between -> and`. */
  readonly oneWay?: boolean;
}

export interface HealFault {
  readonly kind: 'heal';
  /** Without groups: heal the whole network. */
  readonly between?: Endpoints;
  readonly and?: Endpoints;
}

export interface DropFault {
  readonly kind: 'drop';
  readonly from: Endpoints;
  readonly to: Endpoints;
  /** Chance in [0, 1] that each message on these links is lost; 0 restores. */
  readonly probability: number;
}

export interface DelayFault {
  readonly kind: 'delay';
  readonly from: Endpoints;
  readonly to: Endpoints;
  readonly latencyMs: number;
  /** Defaults to the network's `jitterMs`. */
  readonly jitterMs?: number;
}

export type NetworkFault = PartitionFault | HealFault | DropFault | DelayFault;

export type DropReason = 'loss' | 'partition' | 'down';

/** A readable one-liner, for scenario narration and fast-check counterexamples. */
export function describeFault(fault: NetworkFault): string {
  switch (fault.kind) {
    case 'partition': {
      const and = fault.and === undefined ? 'the rest' : names(fault.and).join(',');
      return `partition ${names(fault.between).join(',')} ${fault.oneWay ? '->' : '|'} ${and}`;
    }
    case 'heal':
      if (fault.between === undefined) return 'heal all';
      return `heal ${names(fault.between).join(',')} | ${fault.and === undefined ? 'the rest' : names(fault.and).join(',')}`;
    case 'drop':
      return `drop ${names(fault.from).join(',')} -> ${names(fault.to).join(',')} p=${fault.probability}`;
    case 'delay':
      return `delay ${names(fault.from).join(',')} -> ${names(fault.to).join(',')} ${fault.latencyMs}ms${
        fault.jitterMs === undefined ? '' : `+-${fault.jitterMs}ms`
      }`;
    default:
      return unreachable(fault, 'network fault');
  }
}

/**
 * Check an untrusted value (a scenario file, a CLI flag) and return it as a
 * fault, or throw an Error that says what is wrong. Endpoint names are checked
 * against the network only when the fault is applied.
 */
export function parseNetworkFault(value: unknown): NetworkFault {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`a network fault must be an object with a kind, got ${JSON.stringify(value)}`);
  }
  const v = value as Record<string, unknown>;
  const allowed: Record<string, readonly string[]> = {
    partition: ['kind', 'between', 'and', 'oneWay'],
    heal: ['kind', 'between', 'and'],
    drop: ['kind', 'from', 'to', 'probability'],
    delay: ['kind', 'from', 'to', 'latencyMs', 'jitterMs'],
  };
  const kind = v['kind'];
  if (typeof kind !== 'string' || !(kind in allowed)) {
    throw new Error(`unknown network fault kind ${JSON.stringify(kind)}; valid kinds: ${Object.keys(allowed).join(', ')}`);
  }
  for (const key of Object.keys(v)) {
    if (!allowed[kind]!.includes(key)) {
      throw new Error(`network fault '${kind}' has no field '${key}'; valid fields: ${allowed[kind]!.join(', ')}`);
    }
  }
  const group = (key: string, optional: boolean): Endpoints | undefined => {
    const g = v[key];
    if (g === undefined && optional) return undefined;
    const ok = typeof g === 'string' || (Array.isArray(g) && g.length > 0 && g.every((n) => typeof n === 'string'));
    if (!ok) throw new Error(`network fault '${kind}': '${key}' must be an endpoint name or a non-empty list of names`);
    return g as Endpoints;
  };
  const num = (key: string, min: number, max: number, optional: boolean): number | undefined => {
    const n = v[key];
    if (n === undefined && optional) return undefined;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) {
      throw new Error(`network fault '${kind}': '${key}' must be a number in [${min}, ${max}], got ${JSON.stringify(n)}`);
    }
    return n;
  };
  switch (kind) {
    case 'partition': {
      const oneWay = v['oneWay'];
      if (oneWay !== undefined && typeof oneWay !== 'boolean') throw new Error(`network fault 'partition': 'oneWay' must be true or false`);
      const between = group('between', false)!;
      const and = group('and', true);
      disjoint(kind, between, and);
      return withoutUndefined({ kind, between, and, oneWay });
    }
    case 'heal': {
      const between = group('between', true);
      const and = group('and', true);
      if (between === undefined && and !== undefined) throw new Error(`network fault 'heal': 'and' needs 'between'`);
      if (between !== undefined) disjoint(kind, between, and);
      return withoutUndefined({ kind, between, and });
    }
    case 'drop':
      return { kind, from: group('from', false)!, to: group('to', false)!, probability: num('probability', 0, 1, false)! };
    case 'delay':
      return withoutUndefined({
        kind,
        from: group('from', false)!,
        to: group('to', false)!,
        latencyMs: num('latencyMs', 0, Number.MAX_SAFE_INTEGER, false)!,
        jitterMs: num('jitterMs', 0, Number.MAX_SAFE_INTEGER, true),
      });
    default:
      throw new Error(`unknown network fault kind ${kind}`);
  }
}

/** A partition or heal is between two sides: an endpoint cannot be on both (Network.sides asserts it). */
function disjoint(kind: string, between: Endpoints, and: Endpoints | undefined): void {
  if (and === undefined) return;
  const a = typeof between === 'string' ? [between] : between;
  const b = typeof and === 'string' ? [and] : and;
  const both = a.filter((n) => b.includes(n));
  if (both.length > 0) throw new Error(`network fault '${kind}': ${both.join(', ')} on both sides ('between' and 'and')`);
}

// ---- the network ---------------------------------------------------------------

export type MessageHandler<M> = (from: string, message: M) => void;

export interface NetworkOptions<M> {
  readonly sim: Simulation;
  /** The network's stream, e.g. `sim.rng.fork('network')`; links fork from it. */
  readonly rng: Rng;
  /** Default one-way base latency of every link (default 1). */
  readonly latencyMs?: number;
  /** Default half-width of the uniform jitter around the base (default 1). */
  readonly jitterMs?: number;
  /** Emit `net.deliver` for every delivered message (default false). */
  readonly traceDeliveries?: boolean;
  /** Emit `net.drop` for every lost message (default true). */
  readonly traceDrops?: boolean;
  /** How a message appears in `net.drop` / `net.deliver` records. */
  readonly describe?: (message: M) => TraceValue;
}

export interface NetworkStats {
  readonly sent: number;
  readonly delivered: number;
  readonly dropped: { readonly [reason in DropReason]: number };
  readonly inFlight: number;
}

interface Endpoint<M> {
  readonly name: string;
  handler: MessageHandler<M>;
  up: boolean;
  /** Bumped by every `up`; messages to an older incarnation are lost. */
  incarnation: number;
  readonly out: Map<string, Link<M>>;
}

interface Link<M> {
  readonly from: Endpoint<M>;
  readonly to: Endpoint<M>;
  /** Queue-entry label, built once. */
  readonly label: string;
  cut: boolean;
  lossProbability: number;
  latencyMs: number;
  jitterMs: number;
  /** Delivery time of the latest message sent on the link (the FIFO floor). */
  lastDeliverAtMs: number;
  readonly delayRng: Rng;
  readonly lossRng: Rng;
  // The FIFO of messages in flight, as parallel arrays read from `head`.
  readonly payloads: M[];
  readonly incarnations: number[];
  readonly sentAtMs: number[];
  readonly deliverAtMs: number[];
  head: number;
  /** The one delivery callback of this link. */
  readonly deliverNext: () => void;
}

const DEFAULT_LATENCY_MS = 1;
const DEFAULT_JITTER_MS = 1;
/** Compact a link's FIFO arrays once this many delivered slots sit before the head. */
const COMPACT_AT = 4096;

export class Network<M> {
  private readonly sim: Simulation;
  private readonly rng: Rng;
  private readonly defaultLatencyMs: number;
  private readonly defaultJitterMs: number;
  private readonly traceDeliveries: boolean;
  private readonly traceDrops: boolean;
  private readonly describe: ((message: M) => TraceValue) | undefined;
  private readonly endpoints = new Map<string, Endpoint<M>>();
  private sentCount = 0;
  private deliveredCount = 0;
  private inFlightCount = 0;
  private readonly droppedCount: Record<DropReason, number> = { loss: 0, partition: 0, down: 0 };

  constructor(options: NetworkOptions<M>) {
    this.sim = options.sim;
    this.rng = options.rng;
    this.defaultLatencyMs = options.latencyMs ?? DEFAULT_LATENCY_MS;
    this.defaultJitterMs = options.jitterMs ?? DEFAULT_JITTER_MS;
    assertLatency(this.defaultLatencyMs, this.defaultJitterMs);
    this.traceDeliveries = options.traceDeliveries ?? false;
    this.traceDrops = options.traceDrops ?? true;
    this.describe = options.describe;
  }

  // ---- endpoints ----------------------------------------------------------------

  /** Add an endpoint, up, or replace the handler of an existing one. */
  register(name: string, handler: MessageHandler<M>): void {
    assert(name.length > 0, 'Network.register: empty endpoint name');
    const existing = this.endpoints.get(name);
    if (existing !== undefined) {
      existing.handler = handler;
      return;
    }
    this.endpoints.set(name, { name, handler, up: true, incarnation: 0, out: new Map() });
  }

  /** Registered endpoint names, sorted. */
  endpointNames(): string[] {
    return [...this.endpoints.keys()].sort();
  }

  /** The host is gone: nothing reaches it, including what is already in flight. */
  down(name: string): void {
    this.endpoint(name).up = false;
  }

  /** The host is back, as a new incarnation: what was in flight to the old one stays lost. */
  up(name: string): void {
    const endpoint = this.endpoint(name);
    if (endpoint.up) return;
    endpoint.up = true;
    endpoint.incarnation++;
  }

  isUp(name: string): boolean {
    return this.endpoint(name).up;
  }

  // ---- messages -----------------------------------------------------------------

  /** Send one message; it arrives later, or is lost. The sender cannot tell which. */
  send(from: string, to: string, message: M): void {
    const source = this.endpoints.get(from);
    assert(source !== undefined, () => `Network.send: unknown endpoint '${from}'`);
    assert(source.up, () => `Network.send: '${from}' is down and cannot send (to '${to}')`);
    const link = source.out.get(to) ?? this.link(source, this.endpoint(to));
    this.sentCount++;
    if (!link.to.up) return this.drop(link, message, 'down');
    if (link.cut) return this.drop(link, message, 'partition');
    if (link.lossProbability > 0 && link.lossRng.double() < link.lossProbability) return this.drop(link, message, 'loss');

    let delayMs = link.latencyMs;
    if (link.jitterMs > 0) delayMs += link.jitterMs * (2 * link.delayRng.double() - 1);
    const nowMs = this.sim.nowMs;
    let atMs = nowMs + (delayMs <= 0 ? 0 : Math.round(delayMs));
    if (atMs < link.lastDeliverAtMs) atMs = link.lastDeliverAtMs;
    link.lastDeliverAtMs = atMs;
    link.payloads.push(message);
    link.incarnations.push(link.to.incarnation);
    link.sentAtMs.push(nowMs);
    link.deliverAtMs.push(atMs);
    this.inFlightCount++;
    this.sim.at(atMs, link.label, link.deliverNext);
  }

  /** Messages sent on `from -> to` and not yet delivered or lost. */
  inFlight(from: string, to: string): number {
    const link = this.endpoint(from).out.get(to);
    return link === undefined ? 0 : link.payloads.length - link.head;
  }

  stats(): NetworkStats {
    return { sent: this.sentCount, delivered: this.deliveredCount, dropped: { ...this.droppedCount }, inFlight: this.inFlightCount };
  }

  // ---- faults -------------------------------------------------------------------

  /** Apply a fault (see the module comment); throws an InvariantError on an invalid one. */
  apply(fault: NetworkFault): void {
    switch (fault.kind) {
      case 'partition':
        return this.partition(fault);
      case 'heal':
        return this.heal(fault);
      case 'drop':
        return this.setLoss(fault);
      case 'delay':
        return this.setDelay(fault);
      default:
        return unreachable(fault, 'network fault');
    }
  }

  /**
   * True when the link `from -> to` is as the network made it: not cut, not
   * lossy, with the default latency and jitter (no fault in force on it).
   */
  isPristine(from: string, to: string): boolean {
    this.endpoint(to);
    const link = this.endpoint(from).out.get(to);
    if (link === undefined) return true;
    return !link.cut && link.lossProbability === 0 && link.latencyMs === this.defaultLatencyMs && link.jitterMs === this.defaultJitterMs;
  }

  /**
   * The one-way delay of a pristine link: exactly its delay without jitter;
   * with a jitter no wider than the latency (the default 1 ± 1 ms), the mean
   * delay, as the jitter is symmetric and rounding keeps it so.
   */
  get typicalDelayMs(): number {
    return this.defaultLatencyMs <= 0 ? 0 : Math.round(this.defaultLatencyMs);
  }

  /** True when messages from `from` to `to` are currently cut by a partition. */
  isCut(from: string, to: string): boolean {
    this.endpoint(to);
    return this.endpoint(from).out.get(to)?.cut ?? false;
  }

  private partition(fault: PartitionFault): void {
    const [between, and] = this.sides(fault.between, fault.and, 'partition');
    for (const a of between) {
      for (const b of and) {
        this.linkByName(a, b).cut = true;
        if (!fault.oneWay) this.linkByName(b, a).cut = true;
      }
    }
    this.sim.trace.emit('net.partition', { between, and, oneWay: fault.oneWay ?? false });
  }

  private heal(fault: HealFault): void {
    if (fault.between === undefined) {
      assert(fault.and === undefined, "heal: 'and' needs 'between'");
      for (const endpoint of this.endpoints.values()) for (const link of endpoint.out.values()) this.resetLink(link);
      this.sim.trace.emit('net.heal', {});
      return;
    }
    const [between, and] = this.sides(fault.between, fault.and, 'heal');
    for (const a of between) {
      for (const b of and) {
        this.resetLink(this.linkByName(a, b));
        this.resetLink(this.linkByName(b, a));
      }
    }
    this.sim.trace.emit('net.heal', { between, and });
  }

  private setLoss(fault: DropFault): void {
    const p = fault.probability;
    assert(Number.isFinite(p) && p >= 0 && p <= 1, () => `drop: probability must be in [0, 1], got ${p}`);
    const [from, to] = this.directedGroups(fault.from, fault.to, 'drop');
    for (const a of from) for (const b of to) this.linkByName(a, b).lossProbability = p;
    this.sim.trace.emit('net.loss', { from, to, probability: p });
  }

  private setDelay(fault: DelayFault): void {
    const jitterMs = fault.jitterMs ?? this.defaultJitterMs;
    assertLatency(fault.latencyMs, jitterMs);
    const [from, to] = this.directedGroups(fault.from, fault.to, 'delay');
    for (const a of from) {
      for (const b of to) {
        const link = this.linkByName(a, b);
        link.latencyMs = fault.latencyMs;
        link.jitterMs = jitterMs;
      }
    }
    this.sim.trace.emit('net.delay', { from, to, latencyMs: fault.latencyMs, jitterMs });
  }

  // ---- internals ------------------------------------------------------------------

  private endpoint(name: string): Endpoint<M> {
    const endpoint = this.endpoints.get(name);
    assert(endpoint !== undefined, () => `Network: unknown endpoint '${name}' (registered: ${this.endpointNames().join(', ') || 'none'})`);
    return endpoint;
  }

  private linkByName(from: string, to: string): Link<M> {
    const source = this.endpoint(from);
    return source.out.get(to) ?? this.link(source, this.endpoint(to));
  }

  /** Create the link `from -> to`; its streams depend on the names only. */
  private link(from: Endpoint<M>, to: Endpoint<M>): Link<M> {
    const name = `${from.name}->${to.name}`;
    const link: Link<M> = {
      from,
      to,
      label: `net ${name}`,
      cut: false,
      lossProbability: 0,
      latencyMs: this.defaultLatencyMs,
      jitterMs: this.defaultJitterMs,
      lastDeliverAtMs: this.sim.nowMs,
      delayRng: this.rng.fork(`${name}/delay`),
      lossRng: this.rng.fork(`${name}/loss`),
      payloads: [],
      incarnations: [],
      sentAtMs: [],
      deliverAtMs: [],
      head: 0,
      deliverNext: () => this.deliverHead(link),
    };
    from.out.set(to.name, link);
    return link;
  }

  private deliverHead(link: Link<M>): void {
    const i = link.head;
    assert(i < link.payloads.length, () => `${link.label}: a delivery fired with nothing in flight`);
    // The FIFO pairs each queue entry with the head message; a mismatch means the order broke.
    assert(link.deliverAtMs[i] === this.sim.nowMs, () => `${link.label}: head message due at ${link.deliverAtMs[i]}, delivered at ${this.sim.nowMs}`);
    const message = link.payloads[i]!;
    const incarnation = link.incarnations[i]!;
    const sentAtMs = link.sentAtMs[i]!;
    link.payloads[i] = undefined as M; // let the payload be collected
    link.head = i + 1;
    this.compact(link);
    this.inFlightCount--;
    const to = link.to;
    if (!to.up || to.incarnation !== incarnation) return this.drop(link, message, 'down');
    if (link.cut) return this.drop(link, message, 'partition');
    this.deliveredCount++;
    if (this.traceDeliveries) {
      const fields: Record<string, TraceValue> = { from: link.from.name, to: to.name, sentAtMs };
      if (this.describe !== undefined) fields['message'] = this.describe(message);
      this.sim.trace.emit('net.deliver', fields);
    }
    to.handler(link.from.name, message);
  }

  private compact(link: Link<M>): void {
    const n = link.payloads.length;
    if (link.head === n) {
      link.payloads.length = 0;
      link.incarnations.length = 0;
      link.sentAtMs.length = 0;
      link.deliverAtMs.length = 0;
      link.head = 0;
    } else if (link.head >= COMPACT_AT && link.head * 2 >= n) {
      link.payloads.splice(0, link.head);
      link.incarnations.splice(0, link.head);
      link.sentAtMs.splice(0, link.head);
      link.deliverAtMs.splice(0, link.head);
      link.head = 0;
    }
  }

  private drop(link: Link<M>, message: M, reason: DropReason): void {
    this.droppedCount[reason]++;
    if (!this.traceDrops) return;
    const fields: Record<string, TraceValue> = { from: link.from.name, to: link.to.name, reason };
    if (this.describe !== undefined) fields['message'] = this.describe(message);
    this.sim.trace.emit('net.drop', fields);
  }

  private resetLink(link: Link<M>): void {
    link.cut = false;
    link.lossProbability = 0;
    link.latencyMs = this.defaultLatencyMs;
    link.jitterMs = this.defaultJitterMs;
  }

  /** Two disjoint, non-empty, registered groups, sorted; `and` defaults to everyone else. */
  private sides(between: Endpoints, and: Endpoints | undefined, what: string): [string[], string[]] {
    const a = this.group(between, what, 'between');
    const b = and === undefined ? this.endpointNames().filter((n) => !a.includes(n)) : this.group(and, what, 'and');
    assert(b.length > 0, () => `${what}: the other side is empty`);
    const overlap = a.filter((n) => b.includes(n));
    assert(overlap.length === 0, () => `${what}: ${overlap.join(', ')} on both sides`);
    return [a, b];
  }

  /** Two registered groups for per-link settings (they may overlap: a self-link is a link too). */
  private directedGroups(from: Endpoints, to: Endpoints, what: string): [string[], string[]] {
    return [this.group(from, what, 'from'), this.group(to, what, 'to')];
  }

  private group(endpoints: Endpoints, what: string, field: string): string[] {
    const list = names(endpoints);
    assert(list.length > 0, () => `${what}: '${field}' is empty`);
    for (const name of list) this.endpoint(name);
    return [...new Set(list)].sort();
  }
}

function names(endpoints: Endpoints): readonly string[] {
  return typeof endpoints === 'string' ? [endpoints] : endpoints;
}

function assertLatency(latencyMs: number, jitterMs: number): void {
  assert(Number.isFinite(latencyMs) && latencyMs >= 0, () => `latencyMs must be a finite number >= 0, got ${latencyMs}`);
  assert(Number.isFinite(jitterMs) && jitterMs >= 0, () => `jitterMs must be a finite number >= 0, got ${jitterMs}`);
}

function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
