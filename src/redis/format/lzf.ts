/**
 * LZF as liblzf 3.6 in Redis (lzf_c.c, lzf_d.c, lzfP.h with HLOG 16,
 * VERY_FAST 1, ULTRA_FAST 0, CHECK_INPUT 1), byte for byte.
 *
 * Compressed stream grammar (lzf_c.c header comment):
 *   000LLLLL <L+1 bytes>          literal run of 1..32 bytes
 *   LLLooooo oooooooo             back reference, length L+2 (3..8), offset o+1
 *   111ooooo LLLLLLLL oooooooo    back reference, length L+9, offset o+1 (<= 8192)
 *
 * `lzfCompress` returns null exactly when lzf_compress returns 0 (the output
 * would not fit in `outLen` bytes), because Redis then stores the string raw
 * and the bytes on disk depend on that decision. liblzf leaves its hash table
 * uninitialised (INIT_HTAB 0); a stale slot can only become a match if it
 * points inside the current input, which a fresh table never does, so the
 * output here equals Redis's whenever inputs do not alias freed buffers.
 */

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/**
 * The hash table holds `htabBase + (position - start)`, with htabBase growing
 * across calls, so that slots written by earlier calls (and empty ones) read
 * as positions before the current input, which the `ref > in_data` test
 * rejects, exactly as a stale pointer to another buffer is rejected in C.
 * This avoids clearing 256 KiB per call; the table is cleared once per GiB.
 */
const htab = new Int32Array(HSIZE);
let htabBase = 1;
const HTAB_BASE_MAX = 1 << 30;

let scratch = new Uint8Array(4096);

/**
 * Compresses `input[start, end)` into at most `outLen` bytes. Returns the
 * compressed bytes (a fresh copy), or null when they would not fit
 * (lzf_compress's 0).
 */
export function lzfCompress(input: Uint8Array, outLen: number, start = 0, end = input.length): Uint8Array | null {
  if (outLen > scratch.length) scratch = new Uint8Array(Math.max(outLen, scratch.length * 2));
  const n = lzfCompressInto(input, start, end, scratch, outLen);
  return n === 0 ? null : scratch.slice(0, n);
}

/**
 * lzf_compress into `out[0, outLen)`: returns the compressed length, or 0
 * when it would not fit. `out` must hold at least `outLen` bytes.
 */
export function lzfCompressInto(input: Uint8Array, start: number, end: number, out: Uint8Array, outLen: number): number {
  const inLen = end - start;
  if (inLen === 0 || outLen <= 0) return 0;
  if (inLen + 2 > HTAB_BASE_MAX) throw new Error('lzf: input too large');
  if (htabBase + inLen + 1 > HTAB_BASE_MAX) {
    htab.fill(0);
    htabBase = 1;
  }
  const base = htabBase - start; // slot value for position p is base + p, never 0
  htabBase += inLen + 1;

  const inEnd = end;
  const outEnd = outLen;
  let ip = start;
  let op = 0;
  let lit = 0;
  op++; // start run

  let hval = (input[ip]! << 8) | input[ip + 1]!;
  while (ip < inEnd - 2) {
    hval = (hval << 8) | input[ip + 2]!;
    const slot = ((hval >>> 8) - Math.imul(hval, 5)) & (HSIZE - 1);
    const stored = htab[slot]!;
    htab[slot] = base + ip;
    // A position; slots from earlier calls (or empty ones) land before `start`.
    const ref = stored - base;
    const off = ip - ref - 1;
    if (
      off < MAX_OFF &&
      ref > start &&
      input[ref + 2] === input[ip + 2] &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1]
    ) {
      let len = 2;
      let maxlen = inEnd - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;

      if (op + 3 + 1 >= outEnd) {
        if (op - (lit === 0 ? 1 : 0) + 3 + 1 >= outEnd) return 0;
      }

      out[op - lit - 1] = lit - 1; // stop run
      if (lit === 0) op--; // undo run if length is zero

      // lzf_c.c unrolls 16 steps when maxlen > 16 before the careful loop;
      // the unrolled steps do not check maxlen, so mirror them exactly.
      let broke = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          len++;
          if (input[ref + len] !== input[ip + len]) {
            broke = true;
            break;
          }
        }
      }
      if (!broke) {
        do len++;
        while (len < maxlen && input[ref + len] === input[ip + len]);
      }

      len -= 2; // len is now #octets - 1
      ip++;

      if (len < 7) {
        out[op++] = ((off >>> 8) + (len << 5)) & 0xff;
      } else {
        out[op++] = ((off >>> 8) + (7 << 5)) & 0xff;
        out[op++] = (len - 7) & 0xff;
      }
      out[op++] = off & 0xff;

      lit = 0;
      op++; // start run

      ip += len + 1;
      if (ip >= inEnd - 2) break;

      // VERY_FAST: hash the two positions before the new ip.
      ip -= 2;
      hval = (input[ip]! << 8) | input[ip + 1]!;
      hval = (hval << 8) | input[ip + 2]!;
      htab[((hval >>> 8) - Math.imul(hval, 5)) & (HSIZE - 1)] = base + ip;
      ip++;
      hval = (hval << 8) | input[ip + 2]!;
      htab[((hval >>> 8) - Math.imul(hval, 5)) & (HSIZE - 1)] = base + ip;
      ip++;
    } else {
      if (op >= outEnd) return 0;
      lit++;
      out[op++] = input[ip++]!;
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1; // stop run
        lit = 0;
        op++; // start run
      }
    }
  }

  if (op + 3 > outEnd) return 0; // at most 3 bytes can be missing here

  while (ip < inEnd) {
    lit++;
    out[op++] = input[ip++]!;
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }

  out[op - lit - 1] = lit - 1; // end run
  if (lit === 0) op--; // undo run if length is zero

  return op;
}

/**
 * Decompresses `input[start, end)` expecting exactly `outLen` bytes. Returns
 * null where lzf_decompress fails (E2BIG, EINVAL) or produces another length,
 * which rdb.c reports as "Invalid LZF compressed string".
 */
export function lzfDecompress(input: Uint8Array, outLen: number, start = 0, end = input.length): Uint8Array | null {
  const out = new Uint8Array(outLen);
  return lzfDecompressInto(input, start, end, out, outLen) ? out : null;
}

/** lzf_decompress into `out[0, outLen)`; true when exactly `outLen` bytes came out. */
export function lzfDecompressInto(input: Uint8Array, start: number, end: number, out: Uint8Array, outLen: number): boolean {
  let ip = start;
  let op = 0;
  while (ip < end) {
    let ctrl = input[ip++]!;
    if (ctrl < 1 << 5) {
      ctrl++;
      if (op + ctrl > outLen) return false; // E2BIG
      if (ip + ctrl > end) return false; // EINVAL
      for (let k = 0; k < ctrl; k++) out[op + k] = input[ip + k]!;
      op += ctrl;
      ip += ctrl;
    } else {
      let len = ctrl >>> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (ip >= end) return false;
      if (len === 7) {
        len += input[ip++]!;
        if (ip >= end) return false;
      }
      ref -= input[ip++]!;
      if (op + len + 2 > outLen) return false;
      if (ref < 0) return false;
      len += 2;
      // Byte by byte: an overlapping reference repeats the pattern.
      do out[op++] = out[ref++]!;
      while (--len);
    }
  }
  return op === outLen;
}
