/**
 * A broker process's periodic tasks fall quiescent when idle (the high
 * watermark checkpoint, the ISR check): an idle week costs a few thousand
 * events, and under faults and traffic everything a run does, down to the
 * checkpoint files on disk, is what it was with every firing run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOG_DIR } from '../../src/broker/Broker';
import { applyStep, describeStep, runChecked, type ClusterStep, type Workload } from '../../src/broker/faultRunner';
import { readHighWatermarkCheckpoint } from '../../src/broker/HighWatermarkCheckpoint';
import { KafkaCluster } from '../../src/broker/KafkaCluster';
import { Simulation, type FastForward } from '../../src/sim/Simulation';

const stepArb: fc.Arbitrary<ClusterStep> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 20 }).map((count): ClusterStep => ({ kind: 'send', count })) },
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 40_000 }).map((ms): ClusterStep => ({ kind: 'wait', ms })) },
  fc.integer({ min: 1, max: 3 }).map((broker): ClusterStep => ({ kind: 'crash', broker })),
  fc.integer({ min: 1, max: 3 }).map((broker): ClusterStep => ({ kind: 'power-loss', broker })),
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }).map((broker): ClusterStep => ({ kind: 'start', broker })) },
  fc.integer({ min: 1, max: 3 }).map((broker): ClusterStep => ({ kind: 'shutdown', broker })),
  fc.integer({ min: 1, max: 3 }).map((broker): ClusterStep => ({ kind: 'network', fault: { kind: 'partition', between: `broker-${broker}` } })),
  // Cut between two brokers only: the follower stays in touch with the controller, so only its leader's ISR check removes it.
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 })).map(([a, d]): ClusterStep => ({ kind: 'network', fault: { kind: 'partition', between: `broker-${a}`, and: `broker-${((a + d - 1) % 3) + 1}` } })) },
  fc.constant<ClusterStep>({ kind: 'network', fault: { kind: 'heal' } }),
);

/** The trace of a run and every broker's checkpoint file after every step. */
function observe(steps: readonly ClusterStep[], fastForward: Partial<FastForward>): string[] {
  const sim = new Simulation({ seed: 'quiescent', fastForward });
  const cluster = new KafkaCluster({ sim, brokerIds: [1, 2, 3] });
  cluster.createTopic('t', { partitions: 2, replicationFactor: 3, config: { 'min.insync.replicas': 2 } });
  cluster.createTopic('single', { partitions: 3, replicationFactor: 1 });
  const workload: Workload = { cluster, producer: cluster.createProducer({ acks: 'all' }), topic: 't', sent: 0 };
  const seen: string[] = [];
  for (const step of [...steps, { kind: 'network', fault: { kind: 'heal' } } as const, { kind: 'wait', ms: 40_000 } as const]) {
    applyStep(workload, step);
    runChecked(cluster, step.kind === 'wait' ? step.ms : 0);
    for (const id of cluster.brokerIds) {
      const checkpoint = readHighWatermarkCheckpoint(cluster.broker(id).disk, LOG_DIR);
      seen.push(`${sim.elapsedMs} ${describeStep(step)}: broker ${id} checkpoint ${JSON.stringify([...checkpoint])}`);
    }
  }
  return [...seen, ...sim.trace.toJsonl().split('\n')];
}

describe('broker process: quiescent periodic tasks', () => {
  it('an idle week costs its periodic work, not its days (3 brokers, 30 partitions)', () => {
    const sim = new Simulation({ seed: 'idle-week', recordTrace: false });
    const cluster = new KafkaCluster({ sim, brokerIds: [1, 2, 3] });
    cluster.createTopic('idle', { partitions: 30, config: { 'retention.ms': 86_400_000 } });
    for (let p = 0; p < 30; p++) cluster.produce({ topic: 'idle', partition: p }, [{ keySizeBytes: -1, valueSizeBytes: 100, timestampMs: sim.nowMs }]);
    sim.advance(7 * 86_400_000);
    // Retention every 5 minutes (6,048), group offsets and producer-id expiry every 10 (6,048), two
    // controller tasks every 5 minutes (4,032), a few dozen more. With every task and heartbeat real: 3.6 million.
    expect(sim.eventsProcessed).toBeLessThan(17_000);
    expect(cluster.partition({ topic: 'idle', partition: 0 })!.leaderLog().logStartOffset).toBe(1);
  });

  it('the checkpoint wakes when a high watermark moves: the file on disk follows within a checkpoint interval', () => {
    const sim = new Simulation({ seed: 'checkpoint' });
    const cluster = new KafkaCluster({ sim, brokerIds: [1] });
    cluster.createTopic('t', { partitions: 1 });
    sim.advance(3_600_000);
    cluster.produce({ topic: 't', partition: 0 }, [{ key: null, value: 'a', timestampMs: sim.nowMs }]);
    const checkpoint = () => readHighWatermarkCheckpoint(cluster.broker(1).disk, LOG_DIR).get('t-0');
    expect(checkpoint()).toBe(0);
    sim.advance(5_000);
    expect(checkpoint()).toBe(1);
  });

  it('a broker whose ISR check fell quiet (it led only single-replica partitions) checks again once it leads a replicated one', () => {
    const steps: ClusterStep[] = [
      { kind: 'wait', ms: 20_000 },
      // Broker 2 leads t-1 (replicas 2, 3, 1); once it is fenced, broker 3 takes over.
      { kind: 'crash', broker: 2 },
      { kind: 'wait', ms: 12_000 },
      // Broker 1 stops fetching from broker 3 but keeps its session: only broker 3's ISR check can remove it.
      { kind: 'network', fault: { kind: 'partition', between: 'broker-3', and: 'broker-1' } },
      // Records broker 1 cannot fetch: it falls behind, and out of sync 30 s later.
      { kind: 'send', count: 20 },
      { kind: 'wait', ms: 60_000 },
    ];
    const quiescent = observe(steps, { quiescentTasks: true });
    expect(quiescent.filter((line) => line.includes('"type":"isr.shrink"') && line.includes('"broker":3'))).toHaveLength(1);
    expect(quiescent).toEqual(observe(steps, { quiescentTasks: false }));
  });

  it('under traffic and faults, quiescent tasks change nothing: the same trace and the same checkpoint files as with every firing run', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 20 }), (steps) => {
        expect(observe(steps, { quiescentTasks: true })).toEqual(observe(steps, { quiescentTasks: false }));
      }),
      { seed: 20_250_305, numRuns: 60 },
    );
  });
});
