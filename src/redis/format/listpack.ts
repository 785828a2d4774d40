/**
 * Listpack (listpack.c, Redis 7.0): the compact sequence behind small hashes
 * (RDB type 16), small sorted sets (17) and every quicklist node (18).
 *
 *   <total-bytes u32le> <num-elements u16le> <entry>* <0xFF>
 *   entry = <encoding+data> <backlen: 1..5 bytes, big-endian 7-bit groups>
 *
 * An element that is the canonical text of an int64 (string2ll) is stored as
 * an integer in the smallest of 7/13/16/24/32/64-bit forms; anything else as
 * a string with a 6-, 12- or 32-bit length. num-elements saturates at 65535
 * ("unknown"). Decoding returns every element as a binary string, integers
 * in decimal, as lpGet does.
 */
import { string2ll } from './redisNumbers';

export const LP_HDR_SIZE = 6;
export const LP_EOF = 0xff;
const LP_HDR_NUMELE_UNKNOWN = 0xffff;

/** Bytes of an integer entry's encoding (without backlen); listpack.c lpEncodeIntegerGetType. */
function intEncodedSize(v: number | bigint): number {
  if (typeof v === 'bigint') return 9;
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

/** lpEncodeBacklen's size, with its odd-looking but real bounds. */
export function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** Encoded bytes of one element including its backlen. */
export function listpackEntrySize(s: string): number {
  const v = string2ll(s);
  const enc = v !== null ? intEncodedSize(v) : s.length < 64 ? 1 + s.length : s.length < 4096 ? 2 + s.length : 5 + s.length;
  return enc + backlenSize(enc);
}

/** Total bytes of a listpack holding `elements`. */
export function listpackBytes(elements: readonly string[]): number {
  let total = LP_HDR_SIZE + 1;
  for (const s of elements) total += listpackEntrySize(s);
  return total;
}

function writeInt(out: Uint8Array, p: number, v: number | bigint): number {
  if (typeof v === 'bigint') {
    const u = BigInt.asUintN(64, v);
    out[p] = 0xf4;
    const lo = Number(u & 0xffffffffn);
    const hi = Number(u >> 32n);
    out[p + 1] = lo & 0xff;
    out[p + 2] = (lo >>> 8) & 0xff;
    out[p + 3] = (lo >>> 16) & 0xff;
    out[p + 4] = lo >>> 24;
    out[p + 5] = hi & 0xff;
    out[p + 6] = (hi >>> 8) & 0xff;
    out[p + 7] = (hi >>> 16) & 0xff;
    out[p + 8] = hi >>> 24;
    return 9;
  }
  if (v >= 0 && v <= 127) {
    out[p] = v;
    return 1;
  }
  if (v >= -4096 && v <= 4095) {
    const u = v < 0 ? (1 << 13) + v : v;
    out[p] = (u >> 8) | 0xc0;
    out[p + 1] = u & 0xff;
    return 2;
  }
  if (v >= -32768 && v <= 32767) {
    const u = v < 0 ? (1 << 16) + v : v;
    out[p] = 0xf1;
    out[p + 1] = u & 0xff;
    out[p + 2] = u >> 8;
    return 3;
  }
  if (v >= -8388608 && v <= 8388607) {
    const u = v < 0 ? (1 << 24) + v : v;
    out[p] = 0xf2;
    out[p + 1] = u & 0xff;
    out[p + 2] = (u >> 8) & 0xff;
    out[p + 3] = u >> 16;
    return 4;
  }
  if (v >= -2147483648 && v <= 2147483647) {
    const u = v >>> 0;
    out[p] = 0xf3;
    out[p + 1] = u & 0xff;
    out[p + 2] = (u >>> 8) & 0xff;
    out[p + 3] = (u >>> 16) & 0xff;
    out[p + 4] = u >>> 24;
    return 5;
  }
  return writeInt(out, p, BigInt(v));
}

function writeBacklen(out: Uint8Array, p: number, l: number): number {
  const n = backlenSize(l);
  // Big-endian groups of 7 bits; every byte but the first has the high bit set.
  for (let i = n - 1, v = l; i >= 0; i--, v = Math.floor(v / 128)) {
    out[p + i] = (v & 127) | (i === 0 ? 0 : 128);
  }
  return n;
}

/** Encodes `elements` (binary strings) as lpAppend would, one after another. */
export function encodeListpack(elements: readonly string[]): Uint8Array {
  const total = listpackBytes(elements);
  const out = new Uint8Array(total);
  out[0] = total & 0xff;
  out[1] = (total >>> 8) & 0xff;
  out[2] = (total >>> 16) & 0xff;
  out[3] = total >>> 24;
  const count = elements.length < LP_HDR_NUMELE_UNKNOWN ? elements.length : LP_HDR_NUMELE_UNKNOWN;
  out[4] = count & 0xff;
  out[5] = count >>> 8;
  let p = LP_HDR_SIZE;
  for (const s of elements) {
    const v = string2ll(s);
    let enc: number;
    if (v !== null) {
      enc = writeInt(out, p, v);
    } else {
      const len = s.length;
      let h: number;
      if (len < 64) {
        out[p] = len | 0x80;
        h = 1;
      } else if (len < 4096) {
        out[p] = (len >> 8) | 0xe0;
        out[p + 1] = len & 0xff;
        h = 2;
      } else {
        out[p] = 0xf0;
        out[p + 1] = len & 0xff;
        out[p + 2] = (len >>> 8) & 0xff;
        out[p + 3] = (len >>> 16) & 0xff;
        out[p + 4] = len >>> 24;
        h = 5;
      }
      for (let i = 0; i < len; i++) out[p + h + i] = s.charCodeAt(i);
      enc = h + len;
    }
    p += enc;
    p += writeBacklen(out, p, enc);
  }
  out[p] = LP_EOF;
  return out;
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  if (end - start < 24) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
    return s;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

function decodeBacklen(bytes: Uint8Array, last: number, first: number): number {
  let val = 0;
  let shift = 0;
  let p = last;
  for (;;) {
    if (p < first) return -1;
    val += (bytes[p]! & 127) * 2 ** shift;
    if (!(bytes[p]! & 128)) break;
    shift += 7;
    p--;
    if (shift > 28) return -1;
  }
  return val;
}

/**
 * Decodes and fully validates a listpack (lpValidateIntegrity with deep = 1):
 * header length equals the blob, every entry stays inside it, each backlen
 * matches, the terminator is last, and the count agrees unless saturated.
 * Returns null on any violation.
 */
export function decodeListpack(bytes: Uint8Array, start = 0, end = bytes.length): string[] | null {
  const size = end - start;
  if (size < LP_HDR_SIZE + 1) return null;
  const total = (bytes[start]! | (bytes[start + 1]! << 8) | (bytes[start + 2]! << 16) | (bytes[start + 3]! << 24)) >>> 0;
  if (total !== size) return null;
  if (bytes[end - 1] !== LP_EOF) return null;
  const numele = bytes[start + 4]! | (bytes[start + 5]! << 8);
  const out: string[] = [];
  let p = start + LP_HDR_SIZE;
  const last = end - 1;
  while (p < last) {
    const b = bytes[p]!;
    let encLen: number;
    let value: string;
    if (b < 0x80) {
      encLen = 1;
      value = String(b);
    } else if ((b & 0xc0) === 0x80) {
      const len = b & 0x3f;
      encLen = 1 + len;
      if (p + encLen > last) return null;
      value = latin1(bytes, p + 1, p + 1 + len);
    } else if ((b & 0xe0) === 0xc0) {
      encLen = 2;
      if (p + 2 > last) return null;
      let v = ((b & 0x1f) << 8) | bytes[p + 1]!;
      if (v >= 1 << 12) v -= 1 << 13;
      value = String(v);
    } else if ((b & 0xf0) === 0xe0) {
      if (p + 2 > last) return null;
      const len = ((b & 0x0f) << 8) | bytes[p + 1]!;
      encLen = 2 + len;
      if (p + encLen > last) return null;
      value = latin1(bytes, p + 2, p + 2 + len);
    } else if (b === 0xf1) {
      encLen = 3;
      if (p + 3 > last) return null;
      const v = bytes[p + 1]! | (bytes[p + 2]! << 8);
      value = String(v >= 1 << 15 ? v - (1 << 16) : v);
    } else if (b === 0xf2) {
      encLen = 4;
      if (p + 4 > last) return null;
      const v = bytes[p + 1]! | (bytes[p + 2]! << 8) | (bytes[p + 3]! << 16);
      value = String(v >= 1 << 23 ? v - (1 << 24) : v);
    } else if (b === 0xf3) {
      encLen = 5;
      if (p + 5 > last) return null;
      value = String(bytes[p + 1]! | (bytes[p + 2]! << 8) | (bytes[p + 3]! << 16) | (bytes[p + 4]! << 24));
    } else if (b === 0xf4) {
      encLen = 9;
      if (p + 9 > last) return null;
      const lo = (bytes[p + 1]! | (bytes[p + 2]! << 8) | (bytes[p + 3]! << 16) | (bytes[p + 4]! << 24)) >>> 0;
      const hi = bytes[p + 5]! | (bytes[p + 6]! << 8) | (bytes[p + 7]! << 16) | (bytes[p + 8]! << 24);
      value = ((BigInt(hi) << 32n) | BigInt(lo)).toString();
    } else if (b === 0xf0) {
      if (p + 5 > last) return null;
      const len = (bytes[p + 1]! | (bytes[p + 2]! << 8) | (bytes[p + 3]! << 16) | (bytes[p + 4]! << 24)) >>> 0;
      encLen = 5 + len;
      if (p + encLen > last) return null;
      value = latin1(bytes, p + 5, p + 5 + len);
    } else {
      return null; // 0xf5..0xfe are not encodings; 0xff only terminates
    }
    const bl = backlenSize(encLen);
    if (p + encLen + bl > last) return null;
    if (decodeBacklen(bytes, p + encLen + bl - 1, p + encLen) !== encLen) return null;
    out.push(value);
    p += encLen + bl;
  }
  if (p !== last) return null;
  if (numele !== LP_HDR_NUMELE_UNKNOWN && numele !== out.length) return null;
  return out;
}
