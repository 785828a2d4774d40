import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS } from '../../src/scenarios/builtin/index';
import { runScenario } from '../../src/scenarios/runScenario';
import { validateScenario } from '../../src/scenarios/validate';

describe('built-in scenarios', () => {
  for (const spec of BUILTIN_SCENARIOS) {
    it(`${spec.name}: every expectation holds with the default seed`, () => {
      const result = runScenario(validateScenario(spec));
      expect(result.failure).toBeNull();
      expect(result.expectations.length).toBeGreaterThan(0);
      expect(result.expectations.filter((e) => !e.passed)).toEqual([]);
    });

    it(`${spec.name}: reads as a story (a paragraph, then steps)`, () => {
      expect(spec.teaches.split(/\s+/).length).toBeGreaterThan(40);
      expect(spec.title.length).toBeLessThan(90);
    });
  }

  it('names are unique', () => {
    const names = BUILTIN_SCENARIOS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
