/**
 * Intset (intset.c): a sorted array of distinct integers, the encoding of a
 * set whose members are all canonical int64 texts (RDB type 11).
 *
 *   <encoding u32le: 2 | 4 | 8> <length u32le> <contents: length × encoding bytes, LE, ascending>
 *
 * The encoding is the narrowest that holds every member (Redis only ever
 * widens it, so a set that once held a wide member keeps the wide encoding;
 * a fresh encode of the same members picks the narrowest, as loading does).
 */
import { string2ll } from './redisNumbers';

const INT16_MIN = -32768;
const INT16_MAX = 32767;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The members as integers, or null when some member is not canonical int64 text. */
export function intsetMembers(members: Iterable<string>): (number | bigint)[] | null {
  const out: (number | bigint)[] = [];
  for (const m of members) {
    const v = string2ll(m);
    if (v === null) return null;
    out.push(v);
  }
  return out;
}

function compareInts(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Encodes distinct integers (any order) as an intset blob. */
export function encodeIntset(values: readonly (number | bigint)[]): Uint8Array {
  const sorted = [...values].sort(compareInts);
  let width = 2;
  for (const v of sorted) {
    if (typeof v === 'bigint' || v < INT32_MIN || v > INT32_MAX) {
      width = 8;
      break;
    }
    if (v < INT16_MIN || v > INT16_MAX) width = 4;
  }
  const out = new Uint8Array(8 + width * sorted.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, width, true);
  view.setUint32(4, sorted.length, true);
  let p = 8;
  for (const v of sorted) {
    if (width === 2) view.setInt16(p, v as number, true);
    else if (width === 4) view.setInt32(p, v as number, true);
    else view.setBigInt64(p, BigInt(v), true);
    p += width;
  }
  return out;
}

/**
 * Decodes an intset with intsetValidateIntegrity's deep checks (known
 * encoding, exact size, not empty, strictly ascending). Members come back as
 * decimal strings. Returns null when invalid.
 */
export function decodeIntset(bytes: Uint8Array, start = 0, end = bytes.length): string[] | null {
  const size = end - start;
  if (size < 8) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, size);
  const width = view.getUint32(0, true);
  if (width !== 2 && width !== 4 && width !== 8) return null;
  const count = view.getUint32(4, true);
  if (8 + count * width !== size) return null;
  if (count === 0) return null;
  const out: string[] = [];
  let prev: number | bigint | null = null;
  for (let i = 0; i < count; i++) {
    const p = 8 + i * width;
    let v: number | bigint = width === 2 ? view.getInt16(p, true) : width === 4 ? view.getInt32(p, true) : view.getBigInt64(p, true);
    if (typeof v === 'bigint' && Number.isSafeInteger(Number(v))) v = Number(v);
    if (prev !== null && !(v > prev)) return null;
    prev = v;
    out.push(String(v));
  }
  return out;
}
