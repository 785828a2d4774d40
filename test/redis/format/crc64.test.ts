import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Crc64, crc64 } from '../../../src/redis/format/crc64';

/** The bit-at-a-time definition, as a trivially correct model. */
function crc64Model(bytes: Uint8Array): bigint {
  const poly = 0x95ac9329ac4bc9b5n; // 0xad93d23594c935a9 reflected
  let crc = 0n;
  for (const b of bytes) {
    crc ^= BigInt(b);
    for (let i = 0; i < 8; i++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return crc;
}

describe('crc64: Redis Jones CRC-64', () => {
  it('gives the crc64.c test vector for "123456789"', () => {
    expect(crc64(Buffer.from('123456789'))).toBe(0xe9c6d914c4b8d9can);
  });

  it('is 0 for no bytes', () => {
    expect(crc64(new Uint8Array(0))).toBe(0n);
  });

  it('agrees with the bit-at-a-time model, whatever the alignment and chunking', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(200), (bytes, cut) => {
        const at = Math.min(cut, bytes.length);
        const running = new Crc64().update(bytes, 0, at).update(bytes, at);
        expect(running.digest()).toBe(crc64Model(bytes));
      }),
    );
  });

  it('writes and compares itself little-endian', () => {
    const c = new Crc64().update(Buffer.from('123456789'));
    const out = new Uint8Array(8);
    c.writeLE(out, 0);
    expect(Buffer.from(out).toString('hex')).toBe('cad9b8c414d9c6e9');
    expect(c.equalsLE(out, 0)).toBe(true);
    out[7] ^= 1;
    expect(c.equalsLE(out, 0)).toBe(false);
  });
});
