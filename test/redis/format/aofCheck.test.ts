/**
 * checkAof against goldens recorded from the real redis-check-aof 7.0.15 on
 * the inputs of checkAofScenarios.ts (see the fixtures/check-aof/*.txt).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAof } from '../../../src/redis/format/aofCheck';
import { scenarios } from './checkAofScenarios';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const DIR = '/fixture/appendonlydir';
/** serverLog prefixes carry a pid and the time: not comparable. */
const withoutLogPrefix = (s: string) => s.replace(/^\d+:C \d+ \w+ \d+ [\d:.]+ # /gm, '<log># ');

describe('aof check: redis-check-aof 7.0.15 output, byte for byte', () => {
  for (const sc of scenarios) {
    it(`${sc.name}${sc.fix ? ' (--fix)' : ''}`, () => {
      const original = (name: string) => readFileSync(join(FIXTURES, 'aof-preamble-no', name));
      const replaced = sc.mutate(original);
      const read = (path: string): Uint8Array | null => {
        if (!path.startsWith(`${DIR}/`)) return null;
        const name = path.slice(DIR.length + 1);
        if (name in replaced) return replaced[name]!;
        try {
          return original(name);
        } catch {
          return null;
        }
      };
      const golden = readFileSync(join(FIXTURES, 'check-aof', `${sc.name}.txt`), 'latin1');
      const [exitLine, ...rest] = golden.split('\n');
      const result = checkAof(`${DIR}/${sc.target}`, read, { fix: sc.fix, nowMs: 1_795_000_000_000 });
      expect(withoutLogPrefix(result.output)).toBe(withoutLogPrefix(rest.join('\n')));
      expect(`exit ${result.exitCode}`).toBe(exitLine);
    });
  }

  it('reports the truncation --fix makes, and only then', () => {
    const incr = readFileSync(join(FIXTURES, 'aof-preamble-no', 'appendonly.aof.2.incr.aof'));
    const read = (path: string) => (path.endsWith('incr.aof') ? incr.subarray(0, 100) : readFileSync(join(FIXTURES, 'aof-preamble-no', path.slice(DIR.length + 1))));
    expect(checkAof(`${DIR}/appendonly.aof.manifest`, read, { fix: true, nowMs: 0 }).truncation).toEqual({
      path: `${DIR}/appendonly.aof.2.incr.aof`,
      toBytes: 82,
    });
    expect(checkAof(`${DIR}/appendonly.aof.manifest`, read, { fix: false, nowMs: 0 }).truncation).toBeNull();
    const refused = checkAof(`${DIR}/appendonly.aof.manifest`, read, { fix: true, answer: 'n', nowMs: 0 });
    expect(refused.truncation).toBeNull();
    expect(refused.exitCode).toBe(1);
    expect(refused.output.endsWith('Continue? [y/N]: Aborting...\n')).toBe(true);
  });

  it('checks an RDB preamble with redis-check-rdb lines before the AOF tail', () => {
    const dir = join(FIXTURES, 'aof-preamble-yes');
    const read = (path: string) => readFileSync(join(dir, path.slice(DIR.length + 1)));
    const result = checkAof(`${DIR}/appendonly.aof.manifest`, read, { fix: false, nowMs: 1_795_000_000_000 });
    expect(result.exitCode).toBe(0);
    expect(result.lines.slice(0, 4)).toEqual([
      'Start checking Multi Part AOF',
      'Start to check BASE AOF (RDB format).',
      '[offset 0] Checking RDB file appendonly.aof.2.base.rdb',
      "[offset 27] AUX FIELD redis-ver = '7.0.15'",
    ]);
    expect(result.lines).toContain('RDB preamble is OK, proceeding with AOF tail...');
    expect(result.lines.at(-1)).toBe('All AOF files and manifest are valid');
  });
});
