/**
 * Steps that belong to no one system: prose for the reader, the passing of
 * time, and expectations.
 */
import type { TraceValue } from '../../sim/Trace';
import { formatDuration, formatInstant } from '../duration';
import { parseProbe, readProbe, type ProbeRef } from '../probes';
import { ScenarioError } from '../ScenarioError';
import { defineStep } from '../Step';

export const noteStep = defineStep<{ text: string }>({
  kind: 'note',
  summary: 'a sentence for the reader, printed in the timeline',
  shorthand: 'text',
  fields: { text: { type: 'string', required: true, description: 'what to tell the reader' } },
  describe: (a) => a.text,
  run: () => {},
});

export const waitStep = defineStep<{ for?: number; until?: number }>({
  kind: 'wait',
  summary: "let simulated time pass ('10m', '7d'); scheduled work (retention checks, flushes) runs meanwhile",
  shorthand: 'for',
  fields: {
    for: { type: 'duration', description: 'how long' },
    until: { type: 'instant', description: 'until this instant' },
  },
  check: (a) => ((a.for === undefined) === (a.until === undefined) ? ["give exactly one of 'for' or 'until'"] : []),
  describe: (a) => (a.for !== undefined ? `Wait ${formatDuration(a.for)}` : `Wait until ${formatInstant(a.until!)}`),
  run: (world, a) => {
    const target = a.for !== undefined ? world.nowMs + a.for : a.until!;
    if (target < world.nowMs) throw new ScenarioError(`cannot wait until ${formatInstant(target)}: it is already ${formatInstant(world.nowMs)}`);
    world.sim.runUntil(target);
  },
});

interface ExpectArgs {
  that: string;
  equals?: TraceValue;
  'at-least'?: number;
  'at-most'?: number;
  because?: string;
}

export const expectStep = defineStep<ExpectArgs>({
  kind: 'expect',
  summary: "check a probe or a saved result: 'logStartOffset events-0', 'restart.error', ...; compare with equals, at-least, at-most",
  fields: {
    that: { type: 'string', required: true, description: 'what to check: a probe phrase or result.path' },
    equals: { type: 'scalar', description: 'the expected value (null for none)' },
    'at-least': { type: 'number', description: 'the value is at least this' },
    'at-most': { type: 'number', description: 'the value is at most this' },
    because: { type: 'string', description: 'why this should hold, for the reader' },
  },
  reads: (a) => {
    const ref = parseProbe(a.that);
    return 'kind' in ref && ref.kind === 'result' ? [ref.name] : [];
  },
  check: (a) => {
    const problems: string[] = [];
    const ref = parseProbe(a.that);
    if ('error' in ref) problems.push(ref.error);
    if (!('equals' in a) && a['at-least'] === undefined && a['at-most'] === undefined) problems.push("give 'equals', 'at-least' or 'at-most'");
    return problems;
  },
  describe: (a) => `Expect ${a.that} ${comparison(a)}`,
  run: (world, a) => {
    const ref = parseProbe(a.that) as ProbeRef;
    const { value, error } = readProbe(world, ref);
    let passed = error === undefined && value !== undefined;
    if (passed && 'equals' in a) passed = sameValue(value!, a.equals ?? null);
    if (passed && a['at-least'] !== undefined) passed = typeof value === 'number' && value >= a['at-least'];
    if (passed && a['at-most'] !== undefined) passed = typeof value === 'number' && value <= a['at-most'];
    const actual = error ?? (value === undefined ? 'nothing (no such partition or value)' : JSON.stringify(value));
    world.expectations.push({
      step: world.currentStep,
      description: `${a.that} ${comparison(a)}`,
      passed,
      expected: comparison(a),
      actual,
      because: a.because ?? null,
      location: null,
    });
    world.sim.trace.emit('expect', { that: a.that, expected: comparison(a), actual, passed });
    world.say('expect', `${passed ? 'ok  ' : 'FAIL'} ${a.that} ${comparison(a)}${passed ? '' : `, but it is ${actual}`}${a.because ? ` (${a.because})` : ''}`);
  },
});

function comparison(a: ExpectArgs): string {
  const parts: string[] = [];
  if ('equals' in a) parts.push(`equals ${JSON.stringify(a.equals ?? null)}`);
  if (a['at-least'] !== undefined) parts.push(`is at least ${a['at-least']}`);
  if (a['at-most'] !== undefined) parts.push(`is at most ${a['at-most']}`);
  return parts.join(' and ');
}

/** Equality for scalars; numbers written as strings in YAML compare as numbers. */
function sameValue(actual: TraceValue, expected: TraceValue): boolean {
  if (actual === expected) return true;
  if (typeof actual === 'number' && typeof expected === 'string') return String(actual) === expected;
  if (typeof actual === 'string' && typeof expected === 'number') return actual === String(expected);
  return false;
}
