/**
 * Builds RDB byte images opcode by opcode, for corrupt, truncated and
 * old-format files that no encoder would write. `finish()` appends EOF and a
 * correct CRC-64 unless told otherwise.
 */
import { Crc64 } from '../../../src/redis/format/crc64';

export class RdbBuilder {
  private readonly parts: number[] = [];

  constructor(version = '0010') {
    this.raw(Buffer.from(`REDIS${version}`, 'latin1'));
  }

  raw(bytes: Iterable<number>): this {
    for (const b of bytes) this.parts.push(b);
    return this;
  }

  byte(b: number): this {
    this.parts.push(b);
    return this;
  }

  len(n: number): this {
    if (n < 64) return this.byte(n);
    if (n < 16384) return this.byte(0x40 | (n >> 8)).byte(n & 0xff);
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return this.byte(0x80).raw(b);
  }

  str(s: string): this {
    return this.len(s.length).raw(Buffer.from(s, 'latin1'));
  }

  blob(b: Uint8Array): this {
    return this.len(b.length).raw(b);
  }

  aux(k: string, v: string): this {
    return this.byte(250).str(k).str(v);
  }

  selectDb(n: number): this {
    return this.byte(254).len(n);
  }

  expireMs(at: number): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(at));
    return this.byte(252).raw(b);
  }

  expireSeconds(at: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32LE(at);
    return this.byte(253).raw(b);
  }

  stringKey(key: string, value: string): this {
    return this.byte(0).str(key).str(value);
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }

  /** EOF opcode and the CRC-64 trailer (`crc: 'zero'` as rdbchecksum no writes). */
  finish(options: { crc?: 'good' | 'zero' | 'none' } = {}): Uint8Array {
    this.byte(255);
    const body = Uint8Array.from(this.parts);
    const crc = options.crc ?? 'good';
    if (crc === 'none') return body;
    const trailer = new Uint8Array(8);
    if (crc === 'good') new Crc64().update(body).writeLE(trailer, 0);
    const out = new Uint8Array(body.length + 8);
    out.set(body);
    out.set(trailer, body.length);
    return out;
  }
}
