import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { correctOffsets } from '../../src/app/offsetCorrection';

const partitionArb = fc
  .record({ logStartOffset: fc.integer({ min: 0, max: 1000 }), extra: fc.integer({ min: 0, max: 1000 }) })
  .map(({ logStartOffset, extra }) => ({ logStartOffset, highWatermark: logStartOffset + extra }));

describe('start-up offset correction: properties', () => {
  it('never yields an offset outside [logStartOffset, HW] and never moves a valid stored offset', () => {
    fc.assert(
      fc.property(
        fc.array(partitionArb, { minLength: 1, maxLength: 8 }),
        fc.dictionary(fc.integer({ min: 0, max: 10 }).map(String), fc.integer({ min: 0, max: 2500 })),
        fc.constantFrom('earliest' as const, 'latest' as const),
        fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
        (partitions, storedRaw, outOfRange, startFromMs) => {
          const stored = new Map(Object.entries(storedRaw).map(([p, o]) => [Number(p), o]));
          const withIds = partitions.map((p, partition) => ({ partition, ...p }));
          // offsetsForTimes stand-in: some offset inside the log, or null.
          const offsetForTime = (partition: number, t: number): number | null => {
            const p = withIds[partition]!;
            const span = p.highWatermark - p.logStartOffset;
            return span === 0 || t % 7 === 0 ? null : p.logStartOffset + (t % span);
          };
          const decisions = correctOffsets({ topic: 't', stored, partitions: withIds, outOfRange, startFromMs, offsetForTime });
          for (const d of decisions) {
            const p = withIds[d.partition];
            if (p === undefined) {
              expect(d.action).toBe('partition-gone');
              expect(d.startOffset).toBeNull();
              continue;
            }
            expect(d.startOffset).not.toBeNull();
            expect(d.startOffset!).toBeGreaterThanOrEqual(p.logStartOffset);
            expect(d.startOffset!).toBeLessThanOrEqual(p.highWatermark);
            const s = stored.get(d.partition);
            if (startFromMs === undefined && s !== undefined && s >= p.logStartOffset && s <= p.highWatermark) {
              expect(d.startOffset).toBe(s);
              expect(d.action).toBe('keep');
            }
          }
          // Every existing partition and every stored one gets exactly one decision.
          const expected = new Set([...withIds.map((p) => p.partition), ...stored.keys()]);
          expect(decisions.map((d) => d.partition).sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("the tutorial's correction can leave an offset beyond the end (the case it misses)", () => {
    const [d] = correctOffsets({ topic: 't', stored: new Map([[0, 22]]), partitions: [{ partition: 0, logStartOffset: 0, highWatermark: 3 }], outOfRange: 'earliest', mode: 'tutorial' });
    expect(d).toMatchObject({ action: 'keep-unchecked', startOffset: 22 });
  });
});
