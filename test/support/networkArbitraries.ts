/**
 * fast-check arbitraries for network faults, for property tests that compose
 * a workload with fault injectors. Every generated value is a plain
 * `NetworkFault` that `Network.apply` accepts for the given endpoints, and
 * shrinks towards fewer endpoints per side, two-way partitions, and round
 * numbers.
 */
import fc from 'fast-check';
import type { DelayFault, DropFault, HealFault, NetworkFault, PartitionFault } from '../../src/sim/Network';

/** Two disjoint non-empty groups drawn from `endpoints` (needs at least two). */
export function disjointGroupsArb(endpoints: readonly string[]): fc.Arbitrary<[string[], string[]]> {
  if (endpoints.length < 2) throw new Error('disjointGroupsArb needs at least two endpoints');
  // Each endpoint is on side 1, side 2, or neither (0); both sides must be non-empty.
  return fc
    .array(fc.constantFrom(1, 2, 0), { minLength: endpoints.length, maxLength: endpoints.length })
    .filter((sides) => sides.includes(1) && sides.includes(2))
    .map((sides) => [endpoints.filter((_, i) => sides[i] === 1), endpoints.filter((_, i) => sides[i] === 2)]);
}

/** A directed pair of distinct endpoints. */
export function linkArb(endpoints: readonly string[]): fc.Arbitrary<[string, string]> {
  if (endpoints.length < 2) throw new Error('linkArb needs at least two endpoints');
  return fc
    .tuple(fc.nat({ max: endpoints.length - 1 }), fc.nat({ max: endpoints.length - 2 }))
    .map(([i, j]) => [endpoints[i]!, endpoints[j >= i ? j + 1 : j]!]);
}

export function partitionFaultArb(endpoints: readonly string[]): fc.Arbitrary<PartitionFault> {
  return fc.tuple(disjointGroupsArb(endpoints), fc.boolean()).map(([[between, and], oneWay]): PartitionFault =>
    oneWay ? { kind: 'partition', between, and, oneWay } : { kind: 'partition', between, and },
  );
}

export function healFaultArb(endpoints: readonly string[]): fc.Arbitrary<HealFault> {
  return fc.oneof(
    fc.constant<HealFault>({ kind: 'heal' }),
    disjointGroupsArb(endpoints).map(([between, and]): HealFault => ({ kind: 'heal', between, and })),
  );
}

export function dropFaultArb(endpoints: readonly string[]): fc.Arbitrary<DropFault> {
  const probability = fc.oneof(fc.constantFrom(0, 0.1, 0.5, 1), fc.double({ min: 0, max: 1, noNaN: true }));
  return fc.tuple(linkArb(endpoints), probability).map(([[from, to], p]): DropFault => ({ kind: 'drop', from, to, probability: p }));
}

export function delayFaultArb(endpoints: readonly string[], latencyMsMax = 1_000): fc.Arbitrary<DelayFault> {
  return fc
    .tuple(linkArb(endpoints), fc.integer({ min: 0, max: latencyMsMax }), fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }))
    .map(([[from, to], latencyMs, jitterMs]): DelayFault =>
      jitterMs === undefined ? { kind: 'delay', from, to, latencyMs } : { kind: 'delay', from, to, latencyMs, jitterMs },
    );
}

/** Any network fault over `endpoints`, partitions and heals weighted up. */
export function networkFaultArb(endpoints: readonly string[], options: { latencyMsMax?: number } = {}): fc.Arbitrary<NetworkFault> {
  return fc.oneof(
    { arbitrary: partitionFaultArb(endpoints), weight: 3 },
    { arbitrary: healFaultArb(endpoints), weight: 3 },
    { arbitrary: dropFaultArb(endpoints), weight: 1 },
    { arbitrary: delayFaultArb(endpoints, options.latencyMsMax), weight: 1 },
  );
}

export interface TimedNetworkFault {
  /** Milliseconds after the previous step (or the start). */
  readonly afterMs: number;
  readonly fault: NetworkFault;
}

/** A schedule of faults, for a safety phase; a liveness phase should end with `{ kind: 'heal' }`. */
export function networkFaultScheduleArb(
  endpoints: readonly string[],
  options: { maxSteps?: number; gapMsMax?: number; latencyMsMax?: number } = {},
): fc.Arbitrary<TimedNetworkFault[]> {
  const step = fc.record({
    afterMs: fc.integer({ min: 0, max: options.gapMsMax ?? 5_000 }),
    fault: networkFaultArb(endpoints, options),
  });
  return fc.array(step, { maxLength: options.maxSteps ?? 20 });
}
