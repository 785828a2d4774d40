import { describe, expect, it } from 'vitest';
import { InvariantError, assert } from '../../src/sim/assert';
import { Simulation } from '../../src/sim/Simulation';

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
