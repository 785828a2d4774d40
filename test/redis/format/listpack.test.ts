import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeListpack, encodeListpack, listpackBytes } from '../../../src/redis/format/listpack';
import { decodeIntset, encodeIntset, intsetMembers } from '../../../src/redis/format/intset';
import { decodeZiplist } from '../../../src/redis/format/ziplist';
import { redisString } from './arbitraries';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('listpack: encode and decode as listpack.c', () => {
  it('round-trips any elements, integers coming back in canonical decimal', () => {
    fc.assert(
      fc.property(fc.array(redisString, { maxLength: 50 }), (elements) => {
        const lp = encodeListpack(elements);
        expect(lp.length).toBe(listpackBytes(elements));
        expect(decodeListpack(lp)).toEqual(elements);
      }),
    );
  });

  it('stores integers in the narrowest of the 7/13/16/24/32/64-bit forms', () => {
    const entry = (s: string) => hex(encodeListpack([s]).subarray(6, -1));
    expect(entry('0')).toBe('0001');
    expect(entry('127')).toBe('7f01');
    expect(entry('128')).toBe('c08002');
    expect(entry('-1')).toBe('dfff02');
    expect(entry('-4096')).toBe('d00002');
    expect(entry('4096')).toBe('f1001003');
    expect(entry('-32768')).toBe('f1008003');
    expect(entry('32768')).toBe('f200800004');
    expect(entry('-2147483648')).toBe('f30000008005');
    expect(entry('2147483648')).toBe('f4000000800000000009');
    expect(entry('-9223372036854775808')).toBe('f4000000000000008009');
    // Not canonical: stored as strings.
    expect(entry('007')).toBe('83303037' + '04');
    expect(entry('-0')).toBe('822d30' + '03');
  });

  it('switches string length forms at 64 and 4096 bytes and backlen forms at 128 bytes', () => {
    const sizes = (s: string) => [encodeListpack([s]).length - 7];
    expect(sizes('a'.repeat(63))).toEqual([1 + 63 + 1]);
    expect(sizes('a'.repeat(64))).toEqual([2 + 64 + 1]);
    expect(sizes('a'.repeat(125))).toEqual([2 + 125 + 1]); // entry of 127 bytes: 1-byte backlen
    expect(sizes('a'.repeat(126))).toEqual([2 + 126 + 2]); // 128 bytes: 2-byte backlen
    expect(sizes('a'.repeat(4096))).toEqual([5 + 4096 + 2]);
    for (const n of [63, 64, 125, 126, 4095, 4096, 16380, 16381, 20000]) {
      expect(decodeListpack(encodeListpack(['x'.repeat(n), 'y']))).toEqual(['x'.repeat(n), 'y']);
    }
  });

  it('saturates the element count at 65535 and still decodes', () => {
    const elements = Array.from({ length: 70000 }, (_, i) => String(i % 100));
    const lp = encodeListpack(elements);
    expect(lp[4]).toBe(0xff);
    expect(lp[5]).toBe(0xff);
    expect(decodeListpack(lp)).toEqual(elements);
  });

  it('rejects every truncation and a wrong header, count or backlen (lpValidateIntegrity)', () => {
    const lp = encodeListpack(['hello', '12345', 'x'.repeat(100)]);
    for (let cut = 0; cut < lp.length; cut++) expect(decodeListpack(lp.subarray(0, cut))).toBeNull();
    const badCount = lp.slice();
    badCount[4] = 2;
    expect(decodeListpack(badCount)).toBeNull();
    const badBacklen = lp.slice();
    badBacklen[6 + 6] ^= 1; // backlen of "hello"
    expect(decodeListpack(badBacklen)).toBeNull();
    const badTotal = lp.slice();
    badTotal[0] += 1;
    expect(decodeListpack(badTotal)).toBeNull();
  });
});

describe('intset: encode and decode as intset.c', () => {
  it('round-trips distinct int64 members, sorted, in the narrowest encoding', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), { minLength: 1, maxLength: 40 }), (values) => {
        const members = values.map(String);
        const blob = encodeIntset(intsetMembers(members)!);
        const sorted = [...values].sort((a, b) => (a < b ? -1 : 1)).map(String);
        expect(decodeIntset(blob)).toEqual(sorted);
        const wide = values.some((v) => v < -(1n << 31n) || v >= 1n << 31n);
        const mid = values.some((v) => v < -32768n || v > 32767n);
        expect(blob[0]).toBe(wide ? 8 : mid ? 4 : 2);
      }),
    );
  });

  it('lays out header and members little-endian', () => {
    expect(hex(encodeIntset([5, -3, 1]))).toBe('02000000' + '03000000' + 'fdff' + '0100' + '0500');
  });

  it('knows which sets can be intsets', () => {
    expect(intsetMembers(['1', '-2', '9223372036854775807'])).not.toBeNull();
    expect(intsetMembers(['1', '01'])).toBeNull();
    expect(intsetMembers(['9223372036854775808'])).toBeNull();
  });

  it('rejects unsorted, duplicate, empty or mis-sized intsets', () => {
    expect(decodeIntset(Buffer.from('02000000' + '02000000' + '0500' + '0100', 'hex'))).toBeNull();
    expect(decodeIntset(Buffer.from('02000000' + '02000000' + '0100' + '0100', 'hex'))).toBeNull();
    expect(decodeIntset(Buffer.from('02000000' + '00000000', 'hex'))).toBeNull();
    expect(decodeIntset(Buffer.from('03000000' + '01000000' + '010000', 'hex'))).toBeNull();
    expect(decodeIntset(Buffer.from('02000000' + '02000000' + '0100', 'hex'))).toBeNull();
  });
});

describe('ziplist: read-only decoding of pre-7.0 blobs', () => {
  /** A ziplist built by hand from (encoding, data) entries, as ziplist.c lays them out. */
  function ziplist(entries: Uint8Array[]): Uint8Array {
    const parts: number[] = [];
    let prev = 0;
    let tail = 10;
    for (const e of entries) {
      tail = 10 + parts.length;
      const prevlen = prev < 254 ? [prev] : [0xfe, prev & 0xff, (prev >> 8) & 0xff, (prev >> 16) & 0xff, prev >>> 24];
      parts.push(...prevlen, ...e);
      prev = prevlen.length + e.length;
    }
    const total = 10 + parts.length + 1;
    const out = Buffer.alloc(total);
    out.writeUInt32LE(total, 0);
    out.writeUInt32LE(tail, 4);
    out.writeUInt16LE(entries.length, 8);
    Buffer.from(parts).copy(out, 10);
    out[total - 1] = 0xff;
    return out;
  }

  it('decodes every string and integer encoding', () => {
    const str = (s: string) => Uint8Array.from([s.length, ...Buffer.from(s)]);
    const long = 'z'.repeat(300);
    const zl = ziplist([
      str('abc'),
      Uint8Array.from([0x40 | (300 >> 8), 300 & 0xff, ...Buffer.from(long)]),
      Uint8Array.of(0xf1), // immediate 0
      Uint8Array.of(0xfd), // immediate 12
      Uint8Array.of(0xfe, 0x80), // int8 -128
      Uint8Array.of(0xc0, 0x00, 0x80), // int16 -32768
      Uint8Array.of(0xf0, 0xff, 0xff, 0x7f), // int24 8388607
      Uint8Array.of(0xd0, 0x00, 0x00, 0x00, 0x80), // int32
      Uint8Array.of(0xe0, 1, 0, 0, 0, 0, 0, 0, 0x80), // int64
    ]);
    expect(decodeZiplist(zl)).toEqual(['abc', long, '0', '12', '-128', '-32768', '8388607', '-2147483648', '-9223372036854775807']);
  });

  it('rejects a broken prevlen chain or truncation', () => {
    const zl = ziplist([Uint8Array.from([1, 0x61]), Uint8Array.from([1, 0x62])]);
    expect(decodeZiplist(zl)).toEqual(['a', 'b']);
    const bad = zl.slice();
    bad[13] = 5; // prevlen of the second entry
    expect(decodeZiplist(bad)).toBeNull();
    for (let cut = 0; cut < zl.length; cut++) expect(decodeZiplist(zl.subarray(0, cut))).toBeNull();
  });
});

