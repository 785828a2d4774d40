/**
 * Bad input never crashes faultline: random scenarios built from the step
 * registry (test/support/stepArbitraries.ts: every step kind, arguments of
 * the right type drawn from small pools of plausible names, sometimes naming
 * what does not exist, sometimes a bad config key or value) are either
 * refused when checked (ScenarioErrors) or run to the end or to a step that
 * could not run (a ScenarioError in `result.failure`). Anything else thrown
 * is a faultline bug: input that should have been refused with a sentence,
 * or a model that broke.
 *
 * Steps refused by validation are dropped and the rest is run; a step that
 * fails while running is dropped and the run repeated (a few times), so one
 * bad step does not hide the others. Counterexamples found this way are kept
 * as named regression tests in stepRobustness.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/scenarios/runScenario';
import { ScenarioError, ScenarioErrors } from '../../src/scenarios/ScenarioError';
import { validateScenario } from '../../src/scenarios/validate';
import { scenarioSteps, specOf, validPart } from '../support/stepArbitraries';

/** Scenarios per run of the suite; `FUZZ_RUNS=20000 FC_SEED=random` searches longer. */
const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 500);

describe('scenario steps: bad input stops a run with a ScenarioError, never a crash', () => {
  it('random scenarios from the step registry run or stop with a ScenarioError', () => {
    // What the runs did, so a generator that stops reaching the steps shows.
    const outcomes = { runs: 0, completed: 0, stepsRun: 0 };
    fc.assert(
      fc.property(scenarioSteps, (steps) => {
        // The whole scenario, bad steps included: refused as ScenarioErrors or accepted.
        try {
          validateScenario(specOf(steps));
        } catch (error) {
          if (!(error instanceof ScenarioErrors)) throw error;
        }
        // A step that cannot run stops the run; run again without it (a few
        // times) so the steps after it run too.
        let remaining = steps;
        for (let attempt = 0; attempt < 4; attempt++) {
          const scenario = validPart(remaining);
          if (scenario === null) return;
          const result = runScenario(scenario, { recordTrace: false });
          outcomes.runs++;
          if (result.failure === null) {
            outcomes.completed++;
            outcomes.stepsRun += scenario.steps.length;
            return;
          }
          expect(result.failure).toBeInstanceOf(ScenarioError);
          // The failure names the step that could not run.
          const failedAt = scenario.steps.findIndex((s) => s.location === result.failure!.location);
          expect(failedAt).toBeGreaterThanOrEqual(0);
          outcomes.stepsRun += failedAt;
          remaining = remaining.filter((s) => s.location !== result.failure!.location);
        }
      }),
      { numRuns: NUM_RUNS },
    );
    // Most scenarios run, many to their end, about six steps each.
    expect(outcomes.runs).toBeGreaterThan(NUM_RUNS);
    expect(outcomes.completed).toBeGreaterThan(NUM_RUNS / 5);
    expect(outcomes.stepsRun).toBeGreaterThan(NUM_RUNS * 4);
  });
});
