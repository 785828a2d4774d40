/**
 * Redis's integer grammar and 64-bit arithmetic.
 *
 * Redis parses integers with util.c `string2ll`: no sign but '-', no leading
 * zeros, no spaces, at most 20 bytes, within [-2^63, 2^63 - 1]. Values live in
 * a `LongLong`: a JS number while it is a safe integer (|v| <= 2^53 - 1, the
 * common case, cheap), a bigint beyond. Every function here keeps that
 * invariant so `===` on numbers and bigints never meet.
 */
export type LongLong = number | bigint;

export const LLONG_MAX = 9223372036854775807n;
export const LLONG_MIN = -9223372036854775808n;
export const INT_MAX = 2147483647;
export const INT_MIN = -2147483648;
/** LONG_STR_SIZE in util.h: 21, so a valid integer has at most 20 bytes. */
const LONG_STR_SIZE = 21;

export function normalise(value: bigint): LongLong {
  return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value;
}

export function toBigInt(value: LongLong): bigint {
  return typeof value === 'bigint' ? value : BigInt(value);
}

/** util.c string2ll: the strict parse, or null. */
export function string2ll(s: string): LongLong | null {
  const len = s.length;
  if (len === 0 || len >= LONG_STR_SIZE) return null;
  if (len === 1 && s.charCodeAt(0) === 48) return 0;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    i = 1;
    if (len === 1) return null;
  }
  const first = s.charCodeAt(i);
  if (first < 49 || first > 57) return null;
  for (let j = i + 1; j < len; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  if (len - i <= 15) {
    const v = Number(s);
    return v === 0 ? 0 : v; // never -0
  }
  const big = BigInt(s);
  if (big > LLONG_MAX || big < LLONG_MIN) return null;
  return normalise(big);
}

/** isSdsRepresentableAsLongLong: intset membership and listpack integer test. */
export function isLongLongString(s: string): boolean {
  return string2ll(s) !== null;
}

/** a + b, or null when the sum leaves the 64-bit range (incrDecrCommand's check). */
export function addLongLong(a: LongLong, b: LongLong): LongLong | null {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  const sum = toBigInt(a) + toBigInt(b);
  if (sum > LLONG_MAX || sum < LLONG_MIN) return null;
  return normalise(sum);
}

export function negateLongLong(a: LongLong): LongLong {
  return typeof a === 'number' ? (a === 0 ? 0 : -a) : normalise(-a);
}

/** A LongLong as a JS number, for ranges and indexes (exact up to 2^53). */
export function toNumber(value: LongLong): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Bytes of a C string up to the first NUL: what printf's %s shows of an argument. */
export function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/** ASCII-only case folding, as strcasecmp and toupper in the C locale. */
export function asciiLower(s: string): string {
  // Latin-1 letters above 0x7f must not fold: Redis compares bytes.
  let out = '';
  let changed = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      out += String.fromCharCode(c + 32);
      changed = true;
    } else out += s[i];
  }
  return changed ? out : s;
}

export function asciiUpper(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 97 && c <= 122 ? String.fromCharCode(c - 32) : s[i];
  }
  return out;
}

/** strcasecmp(a, b) == 0 for an ASCII keyword `lowerKeyword`. */
export function equalsIgnoreCase(s: string, lowerKeyword: string): boolean {
  if (s.length !== lowerKeyword.length) return false;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lowerKeyword.charCodeAt(i)) return false;
  }
  return true;
}
