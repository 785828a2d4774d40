/**
 * What a scenario step is: a kind with an argument schema, a sentence that
 * says what it does, and the code that does it to the world.
 *
 * Steps are data (`{ kind, args }`), so the same step reads the same whether
 * it came from a YAML file or from the TypeScript builder, and is validated
 * the same way before anything runs.
 */
import type { FieldSpecs } from './fields';
import type { World } from './World';

export interface StepDefinition<A = Record<string, unknown>> {
  readonly kind: string;
  /** One line for `faultline steps` and the README. */
  readonly summary: string;
  readonly fields: FieldSpecs;
  /** In YAML, `- kind: value` with a scalar value sets this field. */
  readonly shorthand?: string;
  /** Results this step reads (names defined by earlier steps' `as`), for load-time checks. */
  readonly reads?: (args: A) => readonly string[];
  /** Cross-field checks the schema cannot express; returns messages. */
  readonly check?: (args: A) => readonly string[];
  /** The sentence narrated before the step runs. */
  readonly describe: (args: A) => string;
  readonly run: (world: World, args: A) => void;
}

/** A step as written: its kind, its raw arguments, and where it was written. */
export interface StepSpec {
  readonly kind: string;
  readonly args: Readonly<Record<string, unknown>>;
  /** `file.yaml:12` or `scenario-name step 3`. */
  readonly location?: string;
}

// Steps are registered once with their own argument type; the registry only
// needs to call them with validated arguments.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStepDefinition = StepDefinition<any>;

export function defineStep<A>(definition: StepDefinition<A>): StepDefinition<A> {
  return definition;
}
