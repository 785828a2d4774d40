import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringMatch } from '../../src/redis/stringmatch';
import { findRedisBinaries, startRealRedis, type RealRedis } from '../support/realRedis';
import { harness } from './support/harness';
import { RespConnection } from './support/respConnection';

describe('redis glob: stringmatchlen semantics', () => {
  it('matches ?, *, classes, ranges (either way round), negation and escapes', () => {
    expect(stringMatch('h?llo', 'hello')).toBe(true);
    expect(stringMatch('h*llo', 'heeeello')).toBe(true);
    expect(stringMatch('h[ae]llo', 'hallo')).toBe(true);
    expect(stringMatch('h[^e]llo', 'hello')).toBe(false);
    expect(stringMatch('h[a-b]llo', 'hbllo')).toBe(true);
    expect(stringMatch('h[b-a]llo', 'hallo')).toBe(true);
    expect(stringMatch('h\\*llo', 'h*llo')).toBe(true);
    expect(stringMatch('h\\*llo', 'hello')).toBe(false);
  });

  it('keeps the C quirks: an unterminated class, a trailing backslash, a trailing star on an empty rest', () => {
    expect(stringMatch('a[b', 'ab')).toBe(true);
    expect(stringMatch('a\\', 'a\\')).toBe(true);
    expect(stringMatch('a**', 'a')).toBe(true);
    expect(stringMatch('', '')).toBe(true);
    expect(stringMatch('*', '')).toBe(false);
  });

  it('folds only ASCII case when asked (CONFIG GET), never Latin-1', () => {
    expect(stringMatch('HZ', 'hz', true)).toBe(true);
    expect(stringMatch('\xc9', '\xe9', true)).toBe(false);
  });

  it('a pathological pattern returns quickly (7.0 skipLongerMatches)', () => {
    expect(stringMatch('a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(60))).toBe(false);
  });
});

const binaries = findRedisBinaries();

describe.runIf(binaries !== null)('redis glob: KEYS agrees with redis-server 7.0 on generated keys and patterns', () => {
  let real: RealRedis;
  let conn: RespConnection;

  beforeAll(async () => {
    real = await startRealRedis(binaries!);
    conn = await RespConnection.open(real.socket);
  });

  afterAll(async () => {
    conn?.close();
    await real?.dispose();
  });

  it('the same keys match for every pattern', async () => {
    const char = fc.constantFrom('a', 'b', 'c', '-', '^', '\\', '\x00', '\xe9', '\xff');
    const patternChar = fc.constantFrom('a', 'b', '*', '?', '[', ']', '^', '-', '\\', '\xe9', '\xff');
    const key = fc.array(char, { minLength: 1, maxLength: 5 }).map((c) => c.join(''));
    const pattern = fc.array(patternChar, { minLength: 1, maxLength: 7 }).map((c) => c.join(''));
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(key, { minLength: 1, maxLength: 12 }), fc.array(pattern, { minLength: 1, maxLength: 5 }), async (keys, patterns) => {
        const { client } = harness();
        const mset = ['MSET', ...keys.flatMap((k) => [k, 'x'])];
        const commands = [['FLUSHALL'], mset, ...patterns.map((p) => ['KEYS', p])];
        const ours = client.pipeline(commands);
        const theirs = await conn.pipeline(commands);
        const sorted = (r: (typeof ours)[number]) => (r.kind === 'array' ? r.items.map((i) => (i.kind === 'bulk' ? i.value : '?')).sort() : r);
        expect(ours.map(sorted)).toEqual(theirs.map(sorted));
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
