import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { InvariantError } from '../../src/sim/assert';
import { describeFault, Network, parseNetworkFault, type NetworkFault, type NetworkOptions } from '../../src/sim/Network';
import { Simulation } from '../../src/sim/Simulation';
import { networkFaultArb, networkFaultScheduleArb } from '../support/networkArbitraries';

interface Delivery {
  readonly atMs: number;
  readonly from: string;
  readonly to: string;
  readonly message: number;
}

const BROKERS = ['b1', 'b2', 'b3'] as const;

/** A network of `names`, each endpoint logging what it receives. */
function setup(seed: string | number, names: readonly string[] = BROKERS, options: Partial<NetworkOptions<number>> = {}) {
  const sim = new Simulation({ seed });
  const net = new Network<number>({ sim, rng: sim.rng.fork('network'), ...options });
  const log: Delivery[] = [];
  for (const name of names) net.register(name, (from, message) => log.push({ atMs: sim.elapsedMs, from, to: name, message }));
  return { sim, net, log };
}

function drain(sim: Simulation): void {
  while (sim.step());
}

function messagesOn(log: readonly Delivery[], from: string, to: string): number[] {
  return log.filter((d) => d.from === from && d.to === to).map((d) => d.message);
}

describe('network: delivery and latency', () => {
  it('delivers to the registered handler with the sender name, after 0 to 2 ms by default', () => {
    const { sim, net, log } = setup('latency');
    for (let i = 0; i < 1_000; i++) net.send('b1', 'b2', i);
    drain(sim);
    expect(log).toHaveLength(1_000);
    expect(log.every((d) => d.from === 'b1' && d.to === 'b2')).toBe(true);
    const delays = new Set(log.map((d) => d.atMs));
    // All sent at t=0, so the delivery time is the delay; FIFO may stretch 0 to a later slot.
    expect([...delays].every((ms) => ms >= 0 && ms <= 2)).toBe(true);
    expect(delays.size).toBeGreaterThan(1);
  });

  it('keeps whole-millisecond time for fractional latencies', () => {
    const { sim, net, log } = setup('fractional', BROKERS, { latencyMs: 3.3, jitterMs: 2.2 });
    for (let i = 0; i < 200; i++) {
      net.send('b1', 'b2', i);
      sim.advance(7);
    }
    drain(sim);
    expect(log).toHaveLength(200);
    expect(log.every((d) => Number.isInteger(d.atMs))).toBe(true);
    expect(Number.isInteger(sim.nowMs)).toBe(true);
  });

  it('with zero jitter every message takes exactly the base latency', () => {
    const { sim, net, log } = setup('exact', BROKERS, { latencyMs: 5, jitterMs: 0 });
    net.send('b1', 'b2', 1);
    sim.advance(3);
    net.send('b2', 'b3', 2);
    drain(sim);
    expect(log.map((d) => [d.message, d.atMs])).toEqual([
      [1, 5],
      [2, 8],
    ]);
  });

  test.prop([fc.array(fc.tuple(fc.constantFrom(...BROKERS), fc.constantFrom(...BROKERS), fc.nat({ max: 30 })), { maxLength: 300 })], {
    seed: 20240101,
  })('network (seed 20240101): per-link FIFO holds under heavy jitter', (sends) => {
    const { sim, net, log } = setup('fifo', BROKERS, { latencyMs: 20, jitterMs: 20 });
    const sent = new Map<string, number[]>();
    sends.forEach(([from, to, gapMs], i) => {
      net.send(from, to, i);
      sent.set(`${from}->${to}`, [...(sent.get(`${from}->${to}`) ?? []), i]);
      sim.advance(gapMs);
    });
    drain(sim);
    for (const [link, messages] of sent) {
      const [from, to] = link.split('->') as [string, string];
      expect(messagesOn(log, from, to)).toEqual(messages);
    }
    expect(log).toHaveLength(sends.length);
  });

  it('jitter can reorder messages across different links (it is not a global FIFO)', () => {
    // With a wide jitter, some later message on one link lands before an
    // earlier one on another link; per-link order is all TCP promises.
    const { sim, net, log } = setup('cross-link', BROKERS, { latencyMs: 20, jitterMs: 20 });
    for (let i = 0; i < 200; i++) net.send(i % 2 === 0 ? 'b1' : 'b3', 'b2', i);
    drain(sim);
    const order = log.map((d) => d.message);
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
  });

  it('a lowered latency never lets a later message overtake an earlier one on the same link', () => {
    const { sim, net, log } = setup('head-of-line', BROKERS, { latencyMs: 1, jitterMs: 0 });
    net.apply({ kind: 'delay', from: 'b1', to: 'b2', latencyMs: 500, jitterMs: 0 });
    net.send('b1', 'b2', 1);
    sim.advance(10);
    net.apply({ kind: 'heal', between: 'b1', and: 'b2' });
    net.send('b1', 'b2', 2);
    drain(sim);
    expect(log.map((d) => [d.message, d.atMs])).toEqual([
      [1, 500],
      [2, 500],
    ]);
  });
});

describe('network: determinism', () => {
  function run(seed: string): Delivery[] {
    const { sim, net, log } = setup(seed, BROKERS, { latencyMs: 5, jitterMs: 5 });
    net.apply({ kind: 'drop', from: 'b1', to: 'b3', probability: 0.3 });
    for (let i = 0; i < 500; i++) {
      net.send(BROKERS[i % 3]!, BROKERS[(i + 1) % 3]!, i);
      if (i % 7 === 0) sim.advance(1);
    }
    drain(sim);
    return log;
  }

  it('the same seed gives the same deliveries at the same times', () => {
    expect(run('seed-a')).toEqual(run('seed-a'));
  });

  it('another seed gives other delivery times', () => {
    expect(run('seed-a')).not.toEqual(run('seed-b'));
  });

  it('traffic on one link does not shift the delays drawn on another', () => {
    const timesOnB1B2 = (extraTraffic: boolean): number[] => {
      const { sim, net, log } = setup('isolation', BROKERS, { latencyMs: 10, jitterMs: 10 });
      for (let i = 0; i < 100; i++) {
        net.send('b1', 'b2', i);
        if (extraTraffic) for (let j = 0; j < 3; j++) net.send('b3', 'b1', j);
        sim.advance(50); // far apart, so the FIFO floor never stretches a delay
      }
      drain(sim);
      return log.filter((d) => d.from === 'b1').map((d) => d.atMs);
    };
    expect(timesOnB1B2(true)).toEqual(timesOnB1B2(false));
  });
});

describe('network: message loss', () => {
  it('a drop fault loses about its probability of messages, and traces each as net.drop', () => {
    const { sim, net, log } = setup('loss');
    net.apply({ kind: 'drop', from: 'b1', to: 'b2', probability: 0.3 });
    const n = 10_000;
    for (let i = 0; i < n; i++) net.send('b1', 'b2', i);
    drain(sim);
    const lost = n - log.length;
    expect(lost / n).toBeGreaterThan(0.28);
    expect(lost / n).toBeLessThan(0.32);
    expect(net.stats().dropped.loss).toBe(lost);
    const drops = sim.trace.records.filter((r) => r.type === 'net.drop');
    expect(drops).toHaveLength(lost);
    expect(drops[0]).toMatchObject({ from: 'b1', to: 'b2', reason: 'loss' });
    // The reverse direction is untouched.
    for (let i = 0; i < 100; i++) net.send('b2', 'b1', i);
    drain(sim);
    expect(messagesOn(log, 'b2', 'b1')).toHaveLength(100);
  });

  it('the surviving messages of a lossy link still arrive in order', () => {
    const { sim, net, log } = setup('lossy-fifo', BROKERS, { latencyMs: 10, jitterMs: 10 });
    net.apply({ kind: 'drop', from: 'b1', to: 'b2', probability: 0.5 });
    for (let i = 0; i < 1_000; i++) net.send('b1', 'b2', i);
    drain(sim);
    const got = messagesOn(log, 'b1', 'b2');
    expect(got.length).toBeGreaterThan(400);
    expect(got).toEqual([...got].sort((a, b) => a - b));
  });

  it('a probability of 0 restores a lossy link', () => {
    const { sim, net, log } = setup('loss-reset');
    net.apply({ kind: 'drop', from: 'b1', to: 'b2', probability: 1 });
    net.send('b1', 'b2', 1);
    net.apply({ kind: 'drop', from: 'b1', to: 'b2', probability: 0 });
    net.send('b1', 'b2', 2);
    drain(sim);
    expect(log.map((d) => d.message)).toEqual([2]);
  });
});

describe('network: partitions and heal', () => {
  it('a two-way partition cuts both directions between the groups and nothing within them', () => {
    const { sim, net, log } = setup('two-way');
    net.apply({ kind: 'partition', between: ['b1'], and: ['b2', 'b3'] });
    for (const from of BROKERS) for (const to of BROKERS) if (from !== to) net.send(from, to, 0);
    drain(sim);
    expect(log.map((d) => `${d.from}->${d.to}`).sort()).toEqual(['b2->b3', 'b3->b2']);
    expect(net.stats().dropped.partition).toBe(4);
    expect(net.isCut('b1', 'b2') && net.isCut('b3', 'b1')).toBe(true);
    expect(net.isCut('b2', 'b3')).toBe(false);
  });

  it('a one-way partition loses only the messages from between to and', () => {
    const { sim, net, log } = setup('one-way');
    net.apply({ kind: 'partition', between: 'b1', and: 'b2', oneWay: true });
    net.send('b1', 'b2', 1);
    net.send('b2', 'b1', 2);
    drain(sim);
    expect(log.map((d) => d.message)).toEqual([2]);
  });

  it('a partition without "and" isolates the group from every other endpoint', () => {
    const { sim, net, log } = setup('isolate', ['b1', 'b2', 'b3', 'client']);
    net.apply({ kind: 'partition', between: ['b1'] });
    for (const to of ['b2', 'b3', 'client']) net.send('b1', to, 1);
    net.send('client', 'b1', 2);
    net.send('client', 'b2', 3);
    drain(sim);
    expect(log.map((d) => d.message)).toEqual([3]);
    expect(sim.trace.records.find((r) => r.type === 'net.partition')).toMatchObject({ between: ['b1'], and: ['b2', 'b3', 'client'], oneWay: false });
  });

  it('a message in flight when a partition starts is lost at delivery time', () => {
    const { sim, net, log } = setup('in-flight', BROKERS, { latencyMs: 10, jitterMs: 0 });
    net.send('b1', 'b2', 1);
    sim.advance(5);
    net.apply({ kind: 'partition', between: 'b1', and: 'b2' });
    drain(sim);
    expect(log).toEqual([]);
    expect(sim.trace.records.filter((r) => r.type === 'net.drop')).toEqual([{ t: sim.startMs + 10, type: 'net.drop', from: 'b1', to: 'b2', reason: 'partition' }]);
  });

  it('a message in flight across a partition that heals before it lands is delivered', () => {
    const { sim, net, log } = setup('healed-in-flight', BROKERS, { latencyMs: 10, jitterMs: 0 });
    net.send('b1', 'b2', 1);
    sim.advance(3);
    net.apply({ kind: 'partition', between: 'b1', and: 'b2' });
    sim.advance(3);
    net.apply({ kind: 'heal' });
    drain(sim);
    expect(log.map((d) => d.message)).toEqual([1]);
  });

  it('heal between two groups lifts only their faults; heal without groups lifts all', () => {
    const { sim, net, log } = setup('heal-one', BROKERS, { latencyMs: 1, jitterMs: 0 });
    net.apply({ kind: 'partition', between: 'b1', and: ['b2', 'b3'] });
    net.apply({ kind: 'delay', from: 'b2', to: 'b3', latencyMs: 100, jitterMs: 0 });
    net.apply({ kind: 'heal', between: 'b1', and: 'b2' });
    expect(net.isCut('b1', 'b2') || net.isCut('b2', 'b1')).toBe(false);
    expect(net.isCut('b1', 'b3') && net.isCut('b3', 'b1')).toBe(true);
    net.send('b2', 'b3', 1);
    drain(sim);
    expect(log.map((d) => [d.message, d.atMs])).toEqual([[1, 100]]);

    net.apply({ kind: 'heal' });
    expect(net.isCut('b1', 'b3')).toBe(false);
    const t = sim.elapsedMs;
    net.send('b2', 'b3', 2);
    net.send('b1', 'b3', 3);
    drain(sim);
    expect(log.slice(1).map((d) => [d.message, d.atMs - t])).toEqual([
      [2, 1],
      [3, 1],
    ]);
    expect(sim.trace.records.filter((r) => r.type === 'net.heal').map(({ t: _t, ...rest }) => rest)).toEqual([
      { type: 'net.heal', between: ['b1'], and: ['b2'] },
      { type: 'net.heal' },
    ]);
  });
});

describe('network: endpoints going down', () => {
  it('a down endpoint receives nothing, and messages in flight to it are lost at delivery', () => {
    const { sim, net, log } = setup('down', BROKERS, { latencyMs: 10, jitterMs: 0 });
    net.send('b1', 'b2', 1);
    sim.advance(5);
    net.down('b2');
    net.send('b3', 'b2', 2);
    drain(sim);
    expect(log).toEqual([]);
    expect(net.stats().dropped.down).toBe(2);
  });

  it('a restarted endpoint does not receive what was in flight to its previous incarnation', () => {
    const { sim, net, log } = setup('restart', BROKERS, { latencyMs: 10, jitterMs: 0 });
    net.send('b1', 'b2', 1);
    sim.advance(2);
    net.down('b2');
    sim.advance(2);
    net.up('b2');
    net.send('b1', 'b2', 2);
    drain(sim);
    expect(log.map((d) => d.message)).toEqual([2]);
  });

  it('messages a host sent before it went down still arrive', () => {
    const { sim, net, log } = setup('sender-down', BROKERS, { latencyMs: 10, jitterMs: 0 });
    net.send('b1', 'b2', 1);
    net.down('b1');
    drain(sim);
    expect(log.map((d) => d.message)).toEqual([1]);
  });

  it('a down endpoint sending is a bug in the caller and stops the run', () => {
    const { net } = setup('down-send');
    net.down('b1');
    expect(() => net.send('b1', 'b2', 1)).toThrow(InvariantError);
    expect(() => net.send('b1', 'b2', 1)).toThrow(/'b1' is down/);
  });
});

describe('network: traces and options', () => {
  it('deliveries are not traced by default, and are with traceDeliveries and describe', () => {
    const quiet = setup('quiet');
    quiet.net.send('b1', 'b2', 7);
    drain(quiet.sim);
    expect(quiet.sim.trace.records).toEqual([]);

    const loud = setup('loud', BROKERS, { traceDeliveries: true, describe: (m) => `m${m}` });
    loud.net.send('b1', 'b2', 7);
    drain(loud.sim);
    expect(loud.sim.trace.records).toEqual([
      { t: loud.sim.nowMs, type: 'net.deliver', from: 'b1', to: 'b2', sentAtMs: loud.sim.startMs, message: 'm7' },
    ]);
  });

  it('traceDrops: false counts losses without tracing them', () => {
    const { sim, net } = setup('no-drop-trace', BROKERS, { traceDrops: false });
    net.apply({ kind: 'drop', from: 'b1', to: 'b2', probability: 1 });
    net.send('b1', 'b2', 1);
    drain(sim);
    expect(net.stats().dropped.loss).toBe(1);
    expect(sim.trace.records.map((r) => r.type)).toEqual(['net.loss']);
  });
});

describe('network: faults are plain values', () => {
  const faults: NetworkFault[] = [
    { kind: 'partition', between: ['b1'], and: ['b2', 'b3'], oneWay: true },
    { kind: 'partition', between: 'b1' },
    { kind: 'heal' },
    { kind: 'heal', between: ['b1'], and: ['b2'] },
    { kind: 'drop', from: 'b1', to: 'b2', probability: 0.25 },
    { kind: 'delay', from: 'b1', to: ['b2', 'b3'], latencyMs: 200, jitterMs: 10 },
  ];

  it('survive a JSON round trip through parseNetworkFault unchanged', () => {
    for (const fault of faults) expect(parseNetworkFault(JSON.parse(JSON.stringify(fault)))).toEqual(fault);
  });

  it('read as a short phrase', () => {
    expect(faults.map(describeFault)).toEqual([
      'partition b1 -> b2,b3',
      'partition b1 | the rest',
      'heal all',
      'heal b1 | b2',
      'drop b1 -> b2 p=0.25',
      'delay b1 -> b2,b3 200ms+-10ms',
    ]);
  });

  it('parseNetworkFault names what is wrong', () => {
    expect(() => parseNetworkFault({ kind: 'split' })).toThrow("unknown network fault kind \"split\"; valid kinds: partition, heal, drop, delay");
    expect(() => parseNetworkFault({ kind: 'drop', from: 'b1', to: 'b2', probability: 2 })).toThrow("'probability' must be a number in [0, 1]");
    expect(() => parseNetworkFault({ kind: 'partition', between: [] })).toThrow("'between' must be an endpoint name or a non-empty list");
    expect(() => parseNetworkFault({ kind: 'heal', and: ['b1'] })).toThrow("'and' needs 'between'");
    expect(() => parseNetworkFault({ kind: 'delay', from: 'b1', to: 'b2', latency: 5 })).toThrow("network fault 'delay' has no field 'latency'");
  });

  it('Network.apply rejects unknown endpoints and overlapping sides', () => {
    const { net } = setup('invalid');
    expect(() => net.apply({ kind: 'partition', between: 'b9', and: 'b1' })).toThrow(/unknown endpoint 'b9'/);
    expect(() => net.apply({ kind: 'partition', between: ['b1', 'b2'], and: ['b2'] })).toThrow(/b2 on both sides/);
    expect(() => net.apply({ kind: 'drop', from: 'b1', to: 'b2', probability: -0.1 })).toThrow(/probability must be in \[0, 1\]/);
  });

  test.prop([networkFaultScheduleArb(BROKERS, { maxSteps: 15, gapMsMax: 50 })], { seed: 7, numRuns: 200 })(
    'network (seed 7): any generated fault schedule applies cleanly, keeps per-link FIFO, and converges after heal',
    (schedule) => {
      const { sim, net, log } = setup('schedule', BROKERS, { latencyMs: 3, jitterMs: 3 });
      let next = 0;
      const sent = new Map<string, number[]>();
      const sendAll = (): void => {
        for (const from of BROKERS) {
          for (const to of BROKERS) {
            if (from === to) continue;
            const m = next++;
            net.send(from, to, m);
            sent.set(`${from}->${to}`, [...(sent.get(`${from}->${to}`) ?? []), m]);
          }
        }
      };
      for (const { afterMs, fault } of schedule) {
        sendAll();
        sim.advance(afterMs);
        net.apply(fault);
        expect(parseNetworkFault(JSON.parse(JSON.stringify(fault)))).toEqual(fault);
      }
      // Liveness: after a full heal everything sent arrives.
      net.apply({ kind: 'heal' });
      const healedFrom = next;
      sendAll();
      drain(sim);
      for (const [link, messages] of sent) {
        const [from, to] = link.split('->') as [string, string];
        const got = messagesOn(log, from, to);
        // A subsequence of what was sent, in order, ending with the post-heal message.
        expect(got).toEqual(messages.filter((m) => got.includes(m)));
        expect(got.at(-1)!).toBeGreaterThanOrEqual(healedFrom);
      }
      const stats = net.stats();
      expect(stats.delivered + stats.dropped.loss + stats.dropped.partition + stats.dropped.down).toBe(stats.sent);
      expect(stats.inFlight).toBe(0);
    },
  );

  test.prop([networkFaultArb(['a', 'b', 'c', 'd'])], { seed: 11 })('network (seed 11): generated faults read as phrases', (fault) => {
    expect(describeFault(fault)).toMatch(/^(partition|heal|drop|delay) /);
  });
});
