/**
 * Steps that belong to no one system: prose for the reader, the passing of
 * time, and expectations.
 */
import type { TraceValue } from '../../sim/Trace';
import { formatDuration, formatInstant } from '../duration';
import { comparisonProblems, describeComparison, satisfies } from '../comparison';
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
    problems.push(...comparisonProblems(a));
    return problems;
  },
  describe: (a) => `Expect ${a.that} ${describeComparison(a)}`,
  run: (world, a) => {
    const ref = parseProbe(a.that) as ProbeRef;
    const { value, error } = readProbe(world, ref);
    const passed = error === undefined && value !== undefined && satisfies(value, a);
    const actual = error ?? (value === undefined ? 'nothing (no such partition or value)' : JSON.stringify(value));
    world.expectations.push({
      step: world.currentStep,
      description: `${a.that} ${describeComparison(a)}`,
      passed,
      expected: describeComparison(a),
      actual,
      because: a.because ?? null,
      location: null,
    });
    world.sim.trace.emit('expect', { that: a.that, expected: describeComparison(a), actual, passed });
    world.say('expect', `${passed ? 'ok  ' : 'FAIL'} ${a.that} ${describeComparison(a)}${passed ? '' : `, but it is ${actual}`}${a.because ? ` (${a.because})` : ''}`);
  },
});
