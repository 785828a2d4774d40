/**
 * Seeded randomness, after TigerBeetle's VOPR: one root seed, and every
 * subsystem draws from its own stream forked by name. A fork is derived from
 * the parent's seed and the name only, never from the parent's draws, so a new
 * draw in one subsystem cannot shift the stream of another.
 *
 * The algorithm is seedrandom's Alea: fast, and the same on every platform.
 */
import seedrandom from 'seedrandom';
import { assert } from './assert';

export class Rng {
  /**
   * Made at the first draw: seeding Alea hashes the whole seed string, and
   * many forks (a link's loss stream, a broker incarnation's backoff) never
   * draw at all. The stream depends on the seed only, so this changes nothing.
   */
  private stream: seedrandom.PRNG | undefined;

  constructor(readonly seed: string) {}

  private get prng(): seedrandom.PRNG {
    return (this.stream ??= seedrandom.alea(this.seed));
  }

  /** An independent stream for a subsystem, e.g. `rng.fork('network')`. */
  fork(name: string): Rng {
    assert(name.length > 0, 'Rng.fork needs a name');
    return new Rng(`${this.seed}/${name}`);
  }

  /** Uniform in [0, 1). */
  double(): number {
    return this.prng.double();
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    assert(Number.isInteger(min) && Number.isInteger(max) && min <= max, () => `Rng.int: bad range [${min}, ${max}]`);
    return min + Math.floor(this.prng.double() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.prng.double() < p;
  }

  pick<T>(items: readonly T[]): T {
    assert(items.length > 0, 'Rng.pick: no items');
    return items[this.int(0, items.length - 1)]!;
  }
}
