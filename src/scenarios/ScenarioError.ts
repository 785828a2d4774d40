/**
 * Errors in a scenario itself (bad input): an unknown step, a wrong argument,
 * a step that refers to something that does not exist. The CLI prints them
 * with their location (file:line) and exits with code 2; nothing is run, or
 * the run stops at that step.
 */
export class ScenarioError extends Error {
  override readonly name: string = 'ScenarioError';
  constructor(
    message: string,
    /** `file.yaml:12:5` or `scenario-name, step 3`. */
    readonly location: string | null = null,
  ) {
    super(message);
  }

  /** "file.yaml:12:5: message" */
  format(): string {
    return this.location === null ? this.message : `${this.location}: ${this.message}`;
  }
}

/** Several problems found while validating a scenario, reported together. */
export class ScenarioErrors extends Error {
  override readonly name = 'ScenarioErrors';
  constructor(readonly errors: readonly ScenarioError[]) {
    super(errors.map((e) => e.format()).join('\n'));
  }
}
