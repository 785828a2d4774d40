/**
 * Glob matching as util.c `stringmatchlen` (Redis 7.0): `*`, `?`, `[...]` with
 * ranges, `^` negation and `\` escapes, byte by byte, with the same quirks:
 * an unterminated `[` matches against the rest of the pattern, a trailing `\`
 * is a literal, range ends compare as signed chars (bytes >= 0x80 are
 * negative in C on x86), and case folding (CONFIG GET) is ASCII only.
 *
 * A port of the C with indexes for pointers. Reading past the end of the
 * pattern yields 0, as the NUL terminator does in C. `skipLongerMatches` is
 * 7.0's guard against exponential backtracking on patterns like `a*a*a*b`.
 */
export function stringMatch(pattern: string, subject: string, nocase = false): boolean {
  const state = { skipLongerMatches: false };
  return matchImpl(pattern, 0, pattern.length, subject, 0, subject.length, nocase, state);
}

function signedByte(code: number): number {
  return code >= 128 ? code - 256 : code;
}

function lower(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

function matchImpl(
  pattern: string,
  p: number,
  patternLen: number,
  subject: string,
  s: number,
  stringLen: number,
  nocase: boolean,
  state: { skipLongerMatches: boolean },
): boolean {
  const pat = (i: number): number => (i < pattern.length ? pattern.charCodeAt(i) : 0);
  const str = (i: number): number => (i < subject.length ? subject.charCodeAt(i) : 0);
  while (patternLen > 0 && stringLen > 0) {
    switch (pat(p)) {
      case 42: {
        // '*'
        while (patternLen > 0 && pat(p + 1) === 42) {
          p++;
          patternLen--;
        }
        if (patternLen === 1) return true;
        while (stringLen > 0) {
          if (matchImpl(pattern, p + 1, patternLen - 1, subject, s, stringLen, nocase, state)) return true;
          if (state.skipLongerMatches) return false;
          s++;
          stringLen--;
        }
        state.skipLongerMatches = true;
        return false;
      }
      case 63: // '?'
        s++;
        stringLen--;
        break;
      case 91: {
        // '['
        p++;
        patternLen--;
        const not = pat(p) === 94;
        if (not) {
          p++;
          patternLen--;
        }
        let match = false;
        for (;;) {
          if (pat(p) === 92 && patternLen >= 2) {
            p++;
            patternLen--;
            if (pat(p) === str(s)) match = true;
          } else if (pat(p) === 93) {
            break;
          } else if (patternLen === 0) {
            p--;
            patternLen++;
            break;
          } else if (patternLen >= 3 && pat(p + 1) === 45) {
            let start = signedByte(pat(p));
            let end = signedByte(pat(p + 2));
            let c = signedByte(str(s));
            if (start > end) [start, end] = [end, start];
            if (nocase) {
              start = lower(start);
              end = lower(end);
              c = lower(c);
            }
            p += 2;
            patternLen -= 2;
            if (c >= start && c <= end) match = true;
          } else if (!nocase) {
            if (pat(p) === str(s)) match = true;
          } else if (lower(pat(p)) === lower(str(s))) {
            match = true;
          }
          p++;
          patternLen--;
        }
        if (not) match = !match;
        if (!match) return false;
        s++;
        stringLen--;
        break;
      }
      default:
        // A backslash escapes the next pattern byte, unless it is the last.
        if (pat(p) === 92 && patternLen >= 2) {
          p++;
          patternLen--;
        }
        if (!nocase) {
          if (pat(p) !== str(s)) return false;
        } else if (lower(pat(p)) !== lower(str(s))) {
          return false;
        }
        s++;
        stringLen--;
        break;
    }
    p++;
    patternLen--;
    if (stringLen === 0) {
      while (pat(p) === 42) {
        p++;
        patternLen--;
      }
      break;
    }
  }
  return patternLen === 0 && stringLen === 0;
}
