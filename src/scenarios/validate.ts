/**
 * Validation of a whole scenario before anything runs: every step is known,
 * every argument has the right type, cross-field rules hold, and every saved
 * result an expectation reads was saved by an earlier step. All problems are
 * reported at once, each with its location.
 */
import { didYouMean } from '../sim/didYouMean';
import { validateFields } from './fields';
import { ScenarioError, ScenarioErrors } from './ScenarioError';
import type { ScenarioSpec } from './Scenario';
import type { AnyStepDefinition } from './Step';
import { STEPS, stepKinds } from './steps/index';
import { parseInstant } from './duration';

export interface ValidatedStep {
  readonly definition: AnyStepDefinition;
  readonly args: Record<string, unknown>;
  readonly location: string | null;
}

export interface ValidatedScenario {
  readonly spec: ScenarioSpec;
  readonly steps: readonly ValidatedStep[];
  readonly startMs: number | undefined;
}

/** Locations of individual fields, when the source knows them (YAML does). */
export type FieldLocator = (stepIndex: number, field: string | null) => string | null;

const NAME = /^[a-z0-9][a-z0-9-]*$/;

export function validateScenario(spec: ScenarioSpec, locate: FieldLocator = () => null): ValidatedScenario {
  const errors: ScenarioError[] = [];
  if (!NAME.test(spec.name)) errors.push(new ScenarioError(`scenario name '${spec.name}' must be lowercase words joined by dashes`, locate(-1, 'name')));
  let startMs: number | undefined;
  if (spec.start !== undefined) {
    const parsed = parseInstant(spec.start);
    if (parsed === null) errors.push(new ScenarioError(`'start' must be an ISO-8601 instant with a zone, got '${spec.start}'`, locate(-1, 'start')));
    else startMs = parsed;
  }
  const saved = new Set<string>();
  const steps: ValidatedStep[] = [];
  spec.steps.forEach((step, index) => {
    const where = (field: string | null): string | null => locate(index, field) ?? step.location ?? null;
    const definition = STEPS.get(step.kind);
    if (definition === undefined) {
      errors.push(new ScenarioError(`unknown step '${step.kind}'${didYouMean(step.kind, stepKinds())}; valid steps: ${stepKinds().join(', ')}`, where(null)));
      return;
    }
    const { value, errors: fieldErrors } = validateFields(step.kind, definition.fields, step.args);
    for (const e of fieldErrors) errors.push(new ScenarioError(e.message, where(e.field)));
    if (fieldErrors.length > 0) return;
    for (const message of definition.check?.(value) ?? []) errors.push(new ScenarioError(message, where(null)));
    for (const name of definition.reads?.(value) ?? []) {
      if (!saved.has(name)) {
        errors.push(
          new ScenarioError(
            `no earlier step saves a result named '${name}' (add 'as: ${name}' to the step that produces it)` +
              (saved.size > 0 ? `; saved so far: ${[...saved].join(', ')}` : ''),
            where('that'),
          ),
        );
      }
    }
    if (typeof value.as === 'string') saved.add(value.as);
    steps.push({ definition, args: value, location: where(null) });
  });
  if (errors.length > 0) throw new ScenarioErrors(errors);
  return { spec, steps, startMs };
}
