import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/sim/Rng';

describe('seeded randomness', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = new Rng('7');
    const b = new Rng('7');
    const c = new Rng('8');
    const draw = (r: Rng) => Array.from({ length: 5 }, () => r.double());
    const fromA = draw(a);
    expect(draw(b)).toEqual(fromA);
    expect(draw(c)).not.toEqual(fromA);
  });

  it('forks streams that do not shift when another stream draws more', () => {
    const quiet = new Rng('root');
    const busy = new Rng('root');
    for (let i = 0; i < 1000; i++) busy.fork('network').double();
    busy.double();
    expect(busy.fork('disk').double()).toBe(quiet.fork('disk').double());
  });

  it('draws integers within inclusive bounds', () => {
    const rng = new Rng('bounds');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(rng.int(3, 6));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });
});
