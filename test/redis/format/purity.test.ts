/**
 * src/redis/format is pure: no clock, no randomness, no timers, no Node I/O.
 * Callers pass nowMs and bytes; this test keeps it that way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(import.meta.dirname, '..', '..', '..', 'src', 'redis', 'format');
const FORBIDDEN = [/Date\.now\s*\(/, /performance\.now\s*\(/, /Math\.random\s*\(/, /setTimeout\s*\(/, /setInterval\s*\(/, /new Date\(\s*\)/, /from 'node:(fs|net|child_process|os|path)'/, /require\(/];

describe('redis format modules are pure functions over bytes', () => {
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.ts'))) {
    it(`${file} uses no clock, randomness, timers or Node I/O`, () => {
      const code = readFileSync(join(DIR, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const pattern of FORBIDDEN) expect(code, `${file} matches ${pattern}`).not.toMatch(pattern);
    });
  }
});
