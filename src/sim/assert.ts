/**
 * Assertions are always on. A broken invariant is a bug in the simulator (or
 * in the model under test), never an operating error: it stops the run, and
 * the simulation loop adds the seed so the failure can be replayed.
 *
 * Operating errors that real systems return to clients (NOT_ENOUGH_REPLICAS,
 * -MISCONF, ENOSPC) are values, not exceptions, and do not go through here.
 */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

export function assert(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) {
    throw new InvariantError(typeof message === 'function' ? message() : message);
  }
}

export function unreachable(value: never, what = 'value'): never {
  throw new InvariantError(`unreachable: unexpected ${what} ${JSON.stringify(value)}`);
}
