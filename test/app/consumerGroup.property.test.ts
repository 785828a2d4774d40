/**
 * A consumer group under random schedules of member crashes, restarts,
 * joins and departures (rebalances), stalls past max.poll.interval.ms,
 * broker crashes (the group coordinator's too, so coordination moves and
 * offsets are loaded from the log) and Redis crashes and power losses.
 * After the faults heal and the group catches up, the results must show:
 *   - committing after processing (commitSync, at-least-once) never loses a
 *     record below the high watermark;
 *   - results and offsets in one Redis MULTI/EXEC, partitions positioned
 *     from Redis by a rebalance listener (the external offset store), neither
 *     loses nor duplicates, as long as no member outlives its membership;
 * and the search must catch what breaks those rules: auto-commit with work
 * handed to a worker loses records, and a member that stalls past
 * max.poll.interval.ms writes its batch after its partitions moved on (a
 * zombie) and duplicates it even with MULTI/EXEC.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AddApp,
  CloseApp,
  CrashApp,
  CrashBroker,
  measure,
  newGroup,
  Produce,
  RedisDown,
  RedisUp,
  RestartApp,
  RestartBroker,
  settle,

  Wait,
  groupCommands,
  type GroupCommand,
  type GroupMode,
  type GroupModel,
  type GroupReal,
} from '../support/consumerGroupCommands';

const SEED = 20_250_611;
const RUNS = 300;

type Commands = Iterable<fc.Command<GroupModel, GroupReal>>;
type Fsync = 'always' | 'everysec' | 'no';

function runSchedule(mode: GroupMode, appendfsync: Fsync, simSeed: number | string, commands: Commands, assignor?: string) {
  const { model, real } = newGroup({ seed: `group-${simSeed}`, mode, appendfsync, assignor });
  fc.modelRun(() => ({ model, real }), commands);
  const caughtUp = settle(real, model);
  return { caughtUp, report: measure(real), real };
}

function groupProperty(
  mode: GroupMode,
  fsync: fc.Arbitrary<Fsync>,
  faults: { redisPowerLoss: boolean; stalls: boolean },
  check: (r: ReturnType<typeof runSchedule>) => void,
  assignor?: string,
) {
  return fc.property(fc.commands(groupCommands(faults), { maxCommands: 30, size: 'max' }), fsync, fc.nat({ max: 9_999 }), (commands: Commands, appendfsync, simSeed) => {
    check(runSchedule(mode, appendfsync, simSeed, commands, assignor));
  });
}

function script(details: fc.RunDetails<[Commands, Fsync, number]>): string[] {
  const [commands, fsync, simSeed] = details.counterexample!;
  return [...[...commands].map(String), `(appendfsync ${fsync}, simulation seed group-${simSeed})`];
}

describe(`consumer group delivery under faults (seed ${SEED})`, () => {
  it(`commitSync after processing (at-least-once) never loses a record below the high watermark (${RUNS} schedules)`, () => {
    fc.assert(
      groupProperty('at-least-once', fc.constantFrom<Fsync>('always', 'everysec', 'no'), { redisPowerLoss: false, stalls: true }, ({ caughtUp, report }) => {
        expect(caughtUp).toBe(true);
        expect(report.lost).toBe(0);
        expect(report.unexpected).toBe(0);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 300_000);

  it(`results and offsets in one Redis MULTI/EXEC with a seeking rebalance listener neither lose nor duplicate (${RUNS} schedules)`, () => {
    fc.assert(
      groupProperty('external', fc.constantFrom<Fsync>('always', 'everysec'), { redisPowerLoss: true, stalls: false }, ({ caughtUp, report }) => {
        expect(caughtUp).toBe(true);
        expect(report.lost).toBe(0);
        expect(report.duplicated).toBe(0);
        expect(report.unexpected).toBe(0);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 300_000);

  // Cooperative rebalancing (KIP-429): members keep their partitions through a rebalance and revoke only
  // those that move. A commitSync refused with RebalanceInProgressException must be tried again after the
  // next poll(): a member that keeps the partition never re-reads it, and without the retry its committed
  // offset stays behind (the search found that: start a member, wait 5 s, start another, crash the
  // coordinator's broker).
  const COOPERATIVE_RUNS = 100;
  it(`cooperative-sticky: commitSync after processing never loses a record below the high watermark (${COOPERATIVE_RUNS} schedules)`, () => {
    fc.assert(
      groupProperty('at-least-once', fc.constantFrom<Fsync>('always', 'everysec', 'no'), { redisPowerLoss: false, stalls: true }, ({ caughtUp, report }) => {
        expect(caughtUp).toBe(true);
        expect(report.lost).toBe(0);
        expect(report.unexpected).toBe(0);
      }, 'cooperative-sticky'),
      { seed: SEED, numRuns: COOPERATIVE_RUNS },
    );
  }, 300_000);

  it(`cooperative-sticky: results and offsets in one MULTI/EXEC with a seeking listener neither lose nor duplicate (${COOPERATIVE_RUNS} schedules)`, () => {
    fc.assert(
      groupProperty('external', fc.constantFrom<Fsync>('always', 'everysec'), { redisPowerLoss: true, stalls: false }, ({ caughtUp, report }) => {
        expect(caughtUp).toBe(true);
        expect(report.lost).toBe(0);
        expect(report.duplicated).toBe(0);
        expect(report.unexpected).toBe(0);
      }, 'cooperative-sticky'),
      { seed: SEED, numRuns: COOPERATIVE_RUNS },
    );
  }, 300_000);

  it('auto-commit with processing handed off to a worker: the search finds a schedule that loses records', () => {
    const result = fc.check(
      groupProperty('auto-hand-off', fc.constant<Fsync>('always'), { redisPowerLoss: false, stalls: false }, ({ report }) => {
        expect(report.lost).toBe(0);
      }),
      { seed: SEED, numRuns: 300 },
    );
    expect(result.failed).toBe(true);
    const steps = script(result as fc.RunDetails<[Commands, Fsync, number]>);
    expect(steps.length).toBeLessThanOrEqual(6);
    console.log(`auto-commit + hand-off: counterexample after ${result.numRuns} runs, shrunk ${result.numShrinks} times:\n  ${steps.join('\n  ')}\n  ⇒ ${String(result.errorInstance).split('\n')[0]}`);
  }, 300_000);

  it('the external store with members that stall past max.poll.interval.ms: the search finds a zombie duplicating a batch', () => {
    const result = fc.check(
      groupProperty('external', fc.constant<Fsync>('always'), { redisPowerLoss: false, stalls: true }, ({ report }) => {
        expect(report.duplicated).toBe(0);
      }),
      { seed: SEED, numRuns: 1_000 },
    );
    expect(result.failed).toBe(true);
    const steps = script(result as fc.RunDetails<[Commands, Fsync, number]>);
    expect(steps.some((s) => s.startsWith('stall'))).toBe(true);
    console.log(`external store + stalls: counterexample after ${result.numRuns} runs, shrunk ${result.numShrinks} times:\n  ${steps.join('\n  ')}\n  ⇒ ${String(result.errorInstance).split('\n')[0]}`);
  }, 300_000);
});

describe('consumer group regressions (schedules found while this was built)', () => {
  const run = (mode: GroupMode, seed: string, commands: GroupCommand[]) => runSchedule(mode, 'everysec', seed, commands);

  it('a coordinator crashed and restarted before its session expired answers NOT_COORDINATOR until leadership moves; the group then forms on the new coordinator and reads everything', () => {
    const { caughtUp, report } = run('at-least-once', 'g-0', [new Wait(872), new CrashApp(1), new CrashApp(0), new CrashBroker(null), new RedisDown('crash'), new RestartApp(1), new Wait(1_810), new Wait(4_636), new RedisUp()]);
    expect(caughtUp).toBe(true);
    expect(report.lost).toBe(0);
  });

  it('a member restarted while its consumer is still closing (LeaveGroup in flight) replaces it', () => {
    const { caughtUp, report } = run('at-least-once', 'close-restart', [new CloseApp(0), new RestartApp(0), new Produce(20), new Wait(2_000)]);
    expect(caughtUp).toBe(true);
    expect(report.lost).toBe(0);
  });

  it('a member stalled mid-batch past max.poll.interval.ms leaves; its late MULTI/EXEC duplicates the batch and moves the stored offset back (the external store has no fencing)', () => {
    const { real } = newGroup({ seed: 'group-zombie', mode: 'external', appendfsync: 'always' });
    real.sim.advance(2_000);
    for (let i = 0; i < 40; i++) real.producer.send({ topic: 'events', partition: 0, value: `z${i}` });
    real.sim.advance(30);
    const owner = real.apps.find((a) => a.consumer.assignment().includes('events-0'))!;
    owner.stall(15_000);
    real.sim.advance(30_000);
    settle(real, { running: real.apps.map(() => true), brokerDown: null, redisUp: true });
    const report = measure(real);
    expect(report.lost).toBe(0);
    expect(report.duplicated).toBeGreaterThan(0);
  });

  it('cooperative-sticky: a commitSync refused by a rebalance is tried again after the next poll for the partitions the member kept', () => {
    const { caughtUp, report, real } = runSchedule('at-least-once', 'always', 11, [new AddApp(), new Wait(4_541), new Wait(472), new AddApp(), new CrashBroker(null), new Wait(100)], 'cooperative-sticky');
    expect(real.apps.some((a) => a.commitFailures > 0)).toBe(true);
    expect(caughtUp).toBe(true);
    expect(report.lost).toBe(0);
  });

  it('members joining and leaving under load: every rebalance revokes and reassigns without a loss (a short script kept as a smoke test)', () => {
    const { caughtUp, report } = run('external', 'join-leave', [new Produce(30), new AddApp(), new Wait(500), new CloseApp(1), new Produce(30), new Wait(4_000), new RestartApp(1), new CrashBroker(null), new Wait(3_000), new RestartBroker()]);
    expect(caughtUp).toBe(true);
    expect(report).toMatchObject({ lost: 0, duplicated: 0 });
  });
});
