import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvariantError, assert } from '../../src/sim/assert';
import { QUIESCENT, Simulation } from '../../src/sim/Simulation';

describe('simulation loop', () => {
  it('jumps straight to the next event: seven idle days with a 5-minute task cost 2016 events', () => {
    const sim = new Simulation({ seed: 1 });
    let runs = 0;
    sim.every(300_000, 'retention check', () => runs++);
    sim.advance(7 * 86_400_000);
    expect(runs).toBe(2016);
    expect(sim.eventsProcessed).toBe(2016);
    expect(sim.elapsedMs).toBe(7 * 86_400_000);
  });

  it('adds the seed to a broken invariant so the run can be replayed', () => {
    const sim = new Simulation({ seed: 'abc' });
    sim.schedule(10, 'boom', () => assert(false, 'replicas diverged'));
    expect(() => sim.advance(20)).toThrowError(/replicas diverged \(at t=10ms; reproduce with seed=abc\)/);
  });

  it('bounds the events a run may process', () => {
    const sim = new Simulation({ seed: 1, eventLimit: 100 });
    sim.every(1, 'spin', () => {});
    expect(() => sim.advance(1000)).toThrow(InvariantError);
  });

  it('never lets time go backwards', () => {
    const sim = new Simulation({ seed: 1 });
    sim.advance(50);
    expect(() => sim.at(sim.nowMs - 1, 'past', () => {})).toThrow(InvariantError);
  });
});

describe('simulation loop: quiescent periodic tasks', () => {
  it('a quiescent task stops firing: seven idle days cost its one run', () => {
    const sim = new Simulation({ seed: 1 });
    let runs = 0;
    const task = sim.every(300_000, 'retention check', () => {
      runs++;
      return QUIESCENT;
    });
    sim.advance(7 * 86_400_000);
    expect(runs).toBe(1);
    expect(sim.eventsProcessed).toBe(1);
    expect(task.quiescent).toBe(true);
  });

  it('a woken task fires at the next time on its grid, as if it had kept firing', () => {
    const sim = new Simulation({ seed: 1 });
    const firedAt: number[] = [];
    const task = sim.every(1_000, 'checkpoint', () => {
      firedAt.push(sim.elapsedMs);
      return QUIESCENT;
    }, 500);
    sim.advance(10_250);
    task.wake();
    task.wake(); // a second wake changes nothing
    sim.advance(3_000);
    expect(firedAt).toEqual([500, 10_500]);
    // Woken between runs at a grid time: the firing due now has already happened (and did nothing).
    expect(sim.elapsedMs).toBe(13_250);
    sim.advance(250);
    task.wake();
    sim.advance(2_000);
    expect(firedAt).toEqual([500, 10_500, 14_500]);
  });

  it('periodic firings come first in their millisecond, in the order the tasks were created, whenever they were queued', () => {
    const sim = new Simulation({ seed: 1 });
    const log: string[] = [];
    sim.schedule(3_000, 'one-shot', () => log.push(`one-shot ${sim.elapsedMs}`));
    sim.every(1_500, 'b', () => log.push(`b ${sim.elapsedMs}`));
    sim.every(1_000, 'a', () => log.push(`a ${sim.elapsedMs}`), 0);
    sim.advance(3_000);
    expect(log).toEqual(['a 0', 'a 1000', 'b 1500', 'a 2000', 'b 3000', 'a 3000', 'one-shot 3000']);
  });

  it('woken in a millisecond it is due, it fires then only if its firing has not passed: a lower-ranked task woke it', () => {
    const sim = new Simulation({ seed: 1 });
    const log: string[] = [];
    let late: ReturnType<Simulation['every']> | undefined;
    // Created first: ranked first, so at 3000 it runs before the late task's firing.
    const early = sim.every(1_000, 'early', () => {
      log.push(`early ${sim.elapsedMs}`);
      if (sim.elapsedMs === 3_000) late!.wake();
    });
    late = sim.every(1_000, 'late', () => {
      log.push(`late ${sim.elapsedMs}`);
      if (sim.elapsedMs === 3_000) early.wake();
      return QUIESCENT;
    });
    sim.schedule(4_000, 'mutation', () => {
      log.push(`mutation ${sim.elapsedMs}`);
      late!.wake();
    });
    sim.advance(5_500);
    expect(log).toEqual(['early 1000', 'late 1000', 'early 2000', 'early 3000', 'late 3000', 'early 4000', 'mutation 4000', 'early 5000', 'late 5000']);
  });

  it('stopping a quiescent task keeps it stopped when woken', () => {
    const sim = new Simulation({ seed: 1 });
    let runs = 0;
    const task = sim.every(10, 'task', () => {
      runs++;
      return QUIESCENT;
    });
    sim.advance(100);
    task.stop();
    task.wake();
    sim.advance(100);
    expect(runs).toBe(1);
    expect(sim.pendingEvents).toBe(0);
  });

  it('fastForward: false keeps every firing (the reference the equivalence tests compare against)', () => {
    const sim = new Simulation({ seed: 1, fastForward: false });
    let runs = 0;
    sim.every(300_000, 'retention check', () => {
      runs++;
      return QUIESCENT;
    });
    sim.advance(86_400_000);
    expect(runs).toBe(288);
    expect(sim.fastForward).toEqual({ quiescentTasks: false, leases: false });
  });

  /**
   * The kernel's promise: a task that returns QUIESCENT only when its next
   * runs would do nothing, and is woken whenever what it reads changes, does
   * the same work at the same moments, in the same order among events due at
   * the same millisecond, as one that fires every period.
   */
  it('parked tasks do the same work at the same moments, in the same order, as tasks that fire every period', () => {
    const schedule = fc.record({
      tasks: fc.array(
        fc.record({
          periodMs: fc.constantFrom(5, 7, 10, 20),
          initialDelayMs: fc.integer({ min: 0, max: 25 }),
          // Work in one task can give others work (as a checkpoint reads what a fetch wrote).
          dirties: fc.array(fc.nat(3), { maxLength: 2 }),
          parks: fc.boolean(),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      mutations: fc.array(
        fc.record({ atMs: fc.integer({ min: 0, max: 300 }), dirty: fc.array(fc.nat(3), { maxLength: 3 }), follow: fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 2 }) }),
        { maxLength: 30 },
      ),
    });
    fc.assert(
      fc.property(schedule, ({ tasks, mutations }) => {
        const run = (quiescentTasks: boolean): { log: string[]; events: number } => {
          const sim = new Simulation({ seed: 1, fastForward: { quiescentTasks } });
          const log: string[] = [];
          const dirty = tasks.map(() => false);
          const handles: ReturnType<Simulation['every']>[] = [];
          const makeDirty = (i: number): void => {
            if (i >= tasks.length) return;
            dirty[i] = true;
            handles[i]!.wake();
          };
          tasks.forEach((t, i) => {
            handles.push(
              sim.every(t.periodMs, `task ${i}`, () => {
                if (dirty[i]) {
                  log.push(`${sim.elapsedMs} task ${i} works`);
                  dirty[i] = false;
                  // Only work counts: the others are not woken by a run that did nothing.
                  for (const j of t.dirties) if (j !== i) makeDirty(j);
                }
                return t.parks ? QUIESCENT : undefined;
              }, t.initialDelayMs),
            );
          });
          const mutate = (m: number, generation: number): void => {
            const mutation = mutations[m]!;
            log.push(`${sim.elapsedMs} mutation ${m}.${generation}`);
            for (const i of mutation.dirty) makeDirty(i);
            if (generation < 3) for (const delayMs of mutation.follow) sim.schedule(delayMs, `mutation ${m}`, () => mutate(m, generation + 1));
          };
          mutations.forEach((mutation, m) => sim.schedule(mutation.atMs, `mutation ${m}`, () => mutate(m, 0)));
          sim.advance(400);
          return { log, events: sim.eventsProcessed };
        };
        const parked = run(true);
        const reference = run(false);
        expect(parked.log).toEqual(reference.log);
        expect(parked.events).toBeLessThanOrEqual(reference.events);
      }),
      { seed: 20_250_301, numRuns: 1_000 },
    );
  });
});
