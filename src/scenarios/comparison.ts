/**
 * The comparison an `expect` or a `wait-until` makes between a value and
 * what the scenario says it should be: `equals` (null for none), `at-least`,
 * `at-most`, any combination, all of which must hold.
 */
import type { TraceValue } from '../sim/Trace';

export interface Comparison {
  equals?: TraceValue;
  'at-least'?: number;
  'at-most'?: number;
}

/** `equals 4 and is at most 6` */
export function describeComparison(c: Comparison): string {
  const parts: string[] = [];
  if ('equals' in c) parts.push(`equals ${JSON.stringify(c.equals ?? null)}`);
  if (c['at-least'] !== undefined) parts.push(`is at least ${c['at-least']}`);
  if (c['at-most'] !== undefined) parts.push(`is at most ${c['at-most']}`);
  return parts.join(' and ');
}

export function comparisonProblems(c: Comparison): string[] {
  return !('equals' in c) && c['at-least'] === undefined && c['at-most'] === undefined ? ["give 'equals', 'at-least' or 'at-most'"] : [];
}

/** Whether `value` satisfies every part of the comparison. */
export function satisfies(value: TraceValue, c: Comparison): boolean {
  if ('equals' in c && !sameValue(value, c.equals ?? null)) return false;
  if (c['at-least'] !== undefined && !(typeof value === 'number' && value >= c['at-least'])) return false;
  if (c['at-most'] !== undefined && !(typeof value === 'number' && value <= c['at-most'])) return false;
  return true;
}

/** Equality for scalars; numbers written as strings in YAML compare as numbers. */
function sameValue(actual: TraceValue, expected: TraceValue): boolean {
  if (actual === expected) return true;
  if (typeof actual === 'number' && typeof expected === 'string') return String(actual) === expected;
  if (typeof actual === 'string' && typeof expected === 'number') return actual === String(expected);
  return false;
}
