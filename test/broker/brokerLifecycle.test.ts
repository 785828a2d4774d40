import { describe, expect, it } from 'vitest';
import { BrokerLifecycle, type BrokerLifecycleEvent } from '../../src/broker/brokerLifecycle';
import { decodeHighWatermarks, encodeHighWatermarks, readHighWatermarkCheckpoint, writeHighWatermarkCheckpoint } from '../../src/broker/HighWatermarkCheckpoint';
import { clusterFixture } from '../support/clusterFixture';

const send = (lifecycle: BrokerLifecycle, ...types: BrokerLifecycleEvent['type'][]) => types.map((type) => [lifecycle.send({ type }), lifecycle.state]);

describe('broker lifecycle (xstate machine through pure transition())', () => {
  it('start, recover, run, controlled shutdown, stop', () => {
    const lifecycle = new BrokerLifecycle();
    expect(lifecycle.state).toBe('stopped');
    expect(send(lifecycle, 'START', 'RECOVERED', 'SHUTDOWN', 'SHUTDOWN_COMPLETE')).toEqual([
      [['startProcess'], 'recovering'],
      [['register'], 'running'],
      [['beginControlledShutdown'], 'controlled-shutdown'],
      [['completeCleanShutdown'], 'stopped'],
    ]);
  });

  it('a crash kills the process; a power loss also drops the page cache, even of a crashed host', () => {
    const lifecycle = new BrokerLifecycle();
    send(lifecycle, 'START', 'RECOVERED');
    expect(send(lifecycle, 'CRASH', 'POWER_LOSS', 'START')).toEqual([
      [['killProcess'], 'crashed'],
      [['dropPageCache'], 'powered-off'],
      [['startProcess'], 'recovering'],
    ]);
    expect(send(lifecycle, 'POWER_LOSS')).toEqual([[['killProcess', 'dropPageCache'], 'powered-off']]);
  });

  it('events that do not apply change nothing and ask for nothing', () => {
    const lifecycle = new BrokerLifecycle();
    expect(lifecycle.accepts({ type: 'CRASH' })).toBe(false);
    expect(send(lifecycle, 'CRASH', 'SHUTDOWN', 'RECOVERED')).toEqual([
      [[], 'stopped'],
      [[], 'stopped'],
      [[], 'stopped'],
    ]);
    send(lifecycle, 'POWER_LOSS');
    expect(send(lifecycle, 'CRASH', 'POWER_LOSS')).toEqual([
      [[], 'powered-off'],
      [[], 'powered-off'],
    ]);
  });

  it('drives a cluster broker: crash, restart with recovery, controlled shutdown, power loss', () => {
    const { sim, cluster } = clusterFixture();
    const broker = cluster.broker(2);
    expect(broker.state).toBe('running');
    cluster.crash(2);
    expect(broker.state).toBe('crashed');
    cluster.start(2);
    expect(broker.state).toBe('running');
    sim.advance(12_000);
    cluster.shutdown(2);
    expect(broker.state).toBe('controlled-shutdown');
    sim.advance(5_000);
    expect(broker.state).toBe('stopped');
    cluster.powerLoss(2);
    expect(broker.state).toBe('powered-off');
    expect(sim.trace.records.filter((r) => r.type === 'broker.state' && r.broker === 2).map((r) => r.to)).toEqual([
      'crashed',
      'recovering',
      'running',
      'controlled-shutdown',
      'stopped',
      'powered-off',
    ]);
  });
});

describe('broker sessions with the controller', () => {
  it('a broker cut off from the controller is fenced when its session expires, and unfenced within seconds of the heal', () => {
    const { sim, cluster } = clusterFixture();
    sim.advance(10_000);
    cluster.applyNetworkFault({ kind: 'partition', between: 'broker-2', and: ['controller'] });
    sim.advance(20_000);
    cluster.applyNetworkFault({ kind: 'heal' });
    sim.advance(10_000);
    const events = sim.trace.records.filter((r) => (r.type === 'controller.fence' || r.type === 'controller.unfence') && r.broker === 2);
    expect(events.map((r) => r.type)).toEqual(['controller.fence', 'controller.unfence']);
    const fencedAfterCutMs = events[0]!.t - sim.startMs - 10_000;
    const unfencedAfterHealMs = events[1]!.t - sim.startMs - 30_000;
    // The last heartbeat got through just before the cut; broker.session.timeout.ms is 9 s.
    expect(fencedAfterCutMs).toBeGreaterThan(5_000);
    expect(fencedAfterCutMs).toBeLessThanOrEqual(9_100);
    // Retries every 4.5 s plus a backoff that has grown to ~1.6 s: through within a few seconds.
    expect(unfencedAfterHealMs).toBeLessThan(5_000);
  });
});

describe('replication-offset-checkpoint', () => {
  it("Kafka's text format: version 0, a count, then 'topic partition offset' lines (topics may contain dashes)", () => {
    const text = encodeHighWatermarks(new Map([['orders-eu-1', 17], ['orders-eu-0', 42]]));
    expect(text).toBe('0\n2\norders-eu 0 42\norders-eu 1 17\n');
    expect(decodeHighWatermarks(text)).toEqual(new Map([['orders-eu-0', 42], ['orders-eu-1', 17]]));
    expect(() => decodeHighWatermarks('1\n0\n')).toThrow(/unknown version/);
    expect(() => decodeHighWatermarks('0\n2\nt 0 1\n')).toThrow('replication-offset-checkpoint: expected 2 entries, found 1');
  });

  it('is replaced atomically: a power loss right after a write leaves the new file', () => {
    const { cluster } = clusterFixture();
    const disk = cluster.broker(1).disk;
    disk.mkdir('/ckpt');
    disk.fsyncDir('/');
    writeHighWatermarkCheckpoint(disk, '/ckpt', new Map([['t-0', 5]]));
    disk.powerLoss();
    expect(readHighWatermarkCheckpoint(disk, '/ckpt')).toEqual(new Map([['t-0', 5]]));
  });
});
