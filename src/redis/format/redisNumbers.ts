/**
 * Redis's conversions between numbers and strings (util.c), on binary strings.
 *
 * `string2ll` accepts only the canonical decimal form of a signed 64-bit
 * integer ("0", "-12", never "+1", "007", "-0", " 1"), which is what decides
 * whether Redis stores a string as an integer in RDB, listpack and intset.
 * Results that fit a JS number exactly are numbers; larger magnitudes are
 * BigInts, so no precision is ever lost.
 */

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN_ABS = 1n << 63n;
/** LONG_STR_SIZE in util.h: 20 digits and a sign, plus one. */
const LONG_STR_SIZE = 21;

/** util.c string2ll: the integer when `s` is canonical, else null. */
export function string2ll(s: string): number | bigint | null {
  const len = s.length;
  if (len === 0 || len >= LONG_STR_SIZE) return null;
  let i = 0;
  const first = s.charCodeAt(0);
  if (len === 1 && first === 0x30) return 0;
  let negative = false;
  if (first === 0x2d) {
    negative = true;
    i = 1;
    if (len === 1) return null;
  }
  const lead = s.charCodeAt(i);
  if (lead < 0x31 || lead > 0x39) return null;
  if (len - i <= 15) {
    // Fits a double exactly: no overflow possible.
    let v = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(i) - 0x30;
      if (c < 0 || c > 9) return null;
      v = v * 10 + c;
    }
    return negative ? -v : v;
  }
  for (let j = i; j < len; j++) {
    const c = s.charCodeAt(j);
    if (c < 0x30 || c > 0x39) return null;
  }
  const big = BigInt(s.slice(i));
  if (negative ? big > INT64_MIN_ABS : big > INT64_MAX) return null;
  const value = negative ? -big : big;
  return Number.isSafeInteger(Number(value)) ? Number(value) : value;
}

/** util.c double2ll: the integer when `d` converts to long long without loss. */
export function double2ll(d: number): number | bigint | null {
  // The range test of util.c: |d| <= LLONG_MAX/2 (4611686018427387903 as a double).
  if (!(d >= -4611686018427387903 && d <= 4611686018427387903)) return null;
  if (!Number.isInteger(d)) return null;
  if (Number.isSafeInteger(d)) return d === 0 ? 0 : d; // -0 casts to 0
  return BigInt(d);
}

/**
 * C's printf("%.17g", d) as glibc prints it: 17 significant digits, trailing
 * zeros removed, exponent form when the exponent is < -4 or >= 17, and
 * "inf" / "-inf" / "nan" / "-nan" for the specials.
 */
export function formatDouble17g(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const exp = d.toExponential(16); // d.dddddddddddddddde±x, correctly rounded
  const ePos = exp.indexOf('e');
  const negative = exp.charCodeAt(0) === 0x2d;
  const mantissa = exp.slice(negative ? 1 : 0, ePos).replace('.', '');
  const exponent = Number(exp.slice(ePos + 1));
  const digits = mantissa.replace(/0+$/, '');
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= 17) {
    const frac = digits.length > 1 ? '.' + digits.slice(1) : '';
    const e = Math.abs(exponent);
    return `${sign}${digits[0]}${frac}e${exponent < 0 ? '-' : '+'}${e < 10 ? '0' + e : e}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return sign + digits + '0'.repeat(exponent + 1 - digits.length);
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

/** util.c d2string: how a zset listpack stores a score that is not an integer. */
export function d2string(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const asInt = double2ll(d);
  if (asInt !== null) return String(asInt);
  return formatDouble17g(d);
}

/**
 * strtod as Redis uses it to read a score back from a listpack or an old
 * RDB (zzlStrtod, rdbLoadDoubleValue): accepts "inf", "-inf", "nan" and
 * ordinary decimal / exponent forms. Returns NaN when unparsable.
 */
export function strtod(s: string): number {
  const t = s.trim().toLowerCase();
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  if (t === 'nan' || t === '-nan' || t === '+nan') return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return NaN;
  return Number(t);
}
