/**
 * Running a validated scenario: one world, the steps in order, the trace
 * narrated as it happens, and a result with every expectation. Deterministic:
 * the same scenario and seed give the same trace, byte for byte.
 */
import type { Trace } from '../sim/Trace';
import { narrate } from './narrate';
import { ScenarioError } from './ScenarioError';
import type { ValidatedScenario } from './validate';
import { World, type ExpectationResult, type NarrationLine } from './World';

export const DEFAULT_SEED = '1';

export interface RunOptions {
  /** Overrides the scenario's own seed. */
  readonly seed?: string | number;
  readonly recordTrace?: boolean;
  readonly verbose?: boolean;
  readonly onNarration?: (line: NarrationLine) => void;
}

export interface RunResult {
  readonly name: string;
  readonly title: string;
  readonly seed: string;
  /** All expectations passed and no step failed. */
  readonly passed: boolean;
  readonly expectations: readonly ExpectationResult[];
  readonly narration: readonly NarrationLine[];
  readonly trace: Trace;
  readonly world: World;
  /** A step that could not run (bad input discovered while running). */
  readonly failure: ScenarioError | null;
  readonly simulatedMs: number;
}

export function runScenario(scenario: ValidatedScenario, options: RunOptions = {}): RunResult {
  const seed = String(options.seed ?? scenario.spec.seed ?? DEFAULT_SEED);
  const world = new World({ seed, startMs: scenario.startMs, recordTrace: options.recordTrace ?? true });
  if (options.onNarration) world.onNarration(options.onNarration);
  const verbose = options.verbose ?? false;
  world.sim.trace.listen((record) => {
    const text = narrate(record, verbose);
    if (text !== null) world.say('event', text);
  });
  world.sim.trace.emit('scenario.start', { name: scenario.spec.name, seed });
  let failure: ScenarioError | null = null;
  for (let i = 0; i < scenario.steps.length && failure === null; i++) {
    const step = scenario.steps[i]!;
    world.currentStep = i;
    // An expectation narrates its own outcome; every other step says what it does first.
    if (step.definition.kind !== 'expect') world.say(step.definition.kind === 'note' ? 'note' : 'step', step.definition.describe(step.args));
    try {
      step.definition.run(world, step.args);
      const last = world.expectations[world.expectations.length - 1];
      if (last !== undefined && last.step === i && last.location === null) {
        world.expectations[world.expectations.length - 1] = { ...last, location: step.location };
      }
    } catch (error) {
      // Anything but a scenario's own mistake is a bug in faultline: let it through, with the seed.
      if (!(error instanceof ScenarioError)) throw world.sim.withSeed(error);
      failure = error.location !== null ? error : new ScenarioError(error.message, step.location);
      world.sim.trace.emit('scenario.step-failed', { step: i, message: failure.message });
    }
  }
  const passed = failure === null && world.expectations.every((e) => e.passed);
  world.sim.trace.emit('scenario.end', { name: scenario.spec.name, passed });
  return {
    name: scenario.spec.name,
    title: scenario.spec.title,
    seed,
    passed,
    expectations: world.expectations,
    narration: world.narration,
    trace: world.sim.trace,
    world,
    failure,
    simulatedMs: world.sim.elapsedMs,
  };
}
