/**
 * Kafka's `ExponentialBackoff` (org.apache.kafka.common.utils): the wait
 * before attempt `attempts + 1` is `initialMs * multiplier^attempts` with a
 * uniform jitter of ±`jitter`, capped at `maxMs`; the exponent stops growing
 * once the cap is reached. The jitter comes from the caller's seeded stream.
 */
import { assert } from '../sim/assert';
import type { Rng } from '../sim/Rng';

export interface ExponentialBackoffOptions {
  readonly initialMs: number;
  readonly multiplier: number;
  readonly maxMs: number;
  /** 0.02 for ±2%. */
  readonly jitter: number;
}

export function exponentialBackoffMs(options: ExponentialBackoffOptions, attempts: number, rng: Rng): number {
  assert(Number.isInteger(attempts) && attempts >= 0, () => `exponentialBackoffMs: attempts must be an integer >= 0, got ${attempts}`);
  const { initialMs, multiplier, maxMs, jitter } = options;
  const expMax = maxMs > initialMs ? Math.log(maxMs / Math.max(initialMs, 1)) / Math.log(multiplier) : 0;
  if (expMax === 0) return initialMs;
  const term = initialMs * Math.pow(multiplier, Math.min(attempts, expMax));
  const randomFactor = jitter > 0 ? 1 - jitter + 2 * jitter * rng.double() : 1;
  return Math.min(Math.trunc(randomFactor * term), maxMs);
}
