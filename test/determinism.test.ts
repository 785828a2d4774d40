/**
 * The two rules every run depends on: nothing under src/ reads wall-clock
 * time, real randomness or real timers; and the same scenario with the same
 * seed gives a byte-identical trace (while another seed can differ).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS } from '../src/scenarios/builtin/index';
import { runScenario } from '../src/scenarios/runScenario';
import { validateScenario } from '../src/scenarios/validate';

const FORBIDDEN: readonly [RegExp, string][] = [
  [/\bDate\.now\s*\(/, 'Date.now()'],
  [/\bnew\s+Date\s*\(\s*\)/, 'new Date() without an argument'],
  [/\bperformance\.now\s*\(/, 'performance.now()'],
  [/\bprocess\.hrtime\b/, 'process.hrtime'],
  [/\bMath\.random\s*\(/, 'Math.random()'],
  [/\b(?:setTimeout|setInterval|setImmediate)\s*\(/, 'real timers'],
  [/\bqueueMicrotask\s*\(/, 'queueMicrotask'],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.[cm]?[jt]s$/.test(name) ? [path] : [];
  });
}

/** Drop comments so that a sentence about Date.now() is not a use of it. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('determinism', () => {
  it('nothing under src/ reads wall-clock time, Math.random or real timers', () => {
    const offences: string[] = [];
    for (const file of sourceFiles('src')) {
      const lines = code(readFileSync(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        for (const [pattern, what] of FORBIDDEN) if (pattern.test(line)) offences.push(`${file}:${i + 1}: ${what}`);
      });
    }
    expect(offences).toEqual([]);
  });

  it('the forbidden-API scan catches what it should (it can fail)', () => {
    const sample = code('const t = Date.now();\n// Date.now() in a comment is fine\nsetTimeout(f, 1);');
    const hits = sample.split('\n').filter((line) => FORBIDDEN.some(([p]) => p.test(line)));
    expect(hits).toEqual(['const t = Date.now();', 'setTimeout(f, 1);']);
  });

  for (const spec of BUILTIN_SCENARIOS) {
    it(`scenario ${spec.name}: the same seed gives a byte-identical trace`, () => {
      const scenario = validateScenario(spec);
      const first = runScenario(scenario, { seed: 42 }).trace.toJsonl();
      const second = runScenario(scenario, { seed: 42 }).trace.toJsonl();
      expect(first.length).toBeGreaterThan(0);
      expect(second).toBe(first);
    });
  }

  it('a different seed can give a different trace', () => {
    const differs = BUILTIN_SCENARIOS.some((spec) => {
      const scenario = validateScenario(spec);
      return runScenario(scenario, { seed: 1 }).trace.toJsonl() !== runScenario(scenario, { seed: 2 }).trace.toJsonl();
    });
    expect(differs).toBe(true);
  });
});
