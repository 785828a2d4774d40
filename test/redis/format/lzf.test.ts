import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lzfCompress, lzfDecompress } from '../../../src/redis/format/lzf';

const compressible = fc
  .tuple(fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 400 }), fc.uint8Array({ maxLength: 30 }))
  .map(([unit, times, tail]) => {
    const out = new Uint8Array(unit.length * times + tail.length);
    for (let i = 0; i < times; i++) out.set(unit, i * unit.length);
    out.set(tail, unit.length * times);
    return out;
  });

describe('lzf: liblzf compatible compression', () => {
  it('decompresses what it compresses, for any bytes that fit', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 600 }), compressible), (input) => {
        const out = lzfCompress(input, input.length + 64);
        expect(out).not.toBeNull();
        expect(lzfDecompress(out!, input.length)).toEqual(input);
      }),
    );
  });

  it('with less room either gives the same bytes or gives up (lzf_compress returns 0), never other bytes', () => {
    fc.assert(
      fc.property(compressible, (input) => {
        const full = lzfCompress(input, input.length + 64)!;
        let succeeded = false;
        for (let room = 1; room <= full.length + 4; room++) {
          const out = lzfCompress(input, room);
          if (out === null) {
            expect(succeeded).toBe(false); // success is monotone in the room given
          } else {
            expect(out).toEqual(full);
            succeeded = true;
          }
        }
        expect(succeeded).toBe(true);
      }),
    );
  });

  it('produces the bytes redis-server 7.0.15 wrote for these strings (RDB of SET k ...)', () => {
    // Both vectors were read out of a dump.rdb saved by the real server.
    const a40 = lzfCompress(Buffer.from('a'.repeat(40)), 36)!;
    expect(Buffer.from(a40).toString('hex')).toBe('016161e01b00016161');
    const abc = lzfCompress(Buffer.from('abc'.repeat(12)), 32)!;
    expect(Buffer.from(abc).toString('hex')).toBe('03616263 61e01502 016263'.replace(/ /g, ''));
    expect(Buffer.from(lzfDecompress(a40, 40)!).toString()).toBe('a'.repeat(40));
  });

  it('refuses truncated or inconsistent input (rdb.c: "Invalid LZF compressed string")', () => {
    const input = Buffer.from('abcabcabcabcabcabcabcabcabcabcabcabc');
    const out = lzfCompress(input, 32)!;
    expect(lzfDecompress(out.subarray(0, out.length - 1), input.length)).toBeNull();
    expect(lzfDecompress(out, input.length + 1)).toBeNull();
    expect(lzfDecompress(out, input.length - 1)).toBeNull();
    expect(lzfDecompress(Uint8Array.of(0x20, 0x00), 4)).toBeNull(); // back reference before the start
  });
});
