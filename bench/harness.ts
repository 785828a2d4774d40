/**
 * A tiny benchmark harness: each figure is measured by a function that
 * returns a number; figures print as `name: value unit`, and with --json the
 * last line is one JSON object of every figure by key, so runs can be
 * compared over time. Wall-clock time is read here, never under src/.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

export interface Figure {
  /** JSON key, e.g. `log_append_records_per_s`. */
  readonly key: string;
  /** Printed name. */
  readonly name: string;
  readonly unit: string;
  /** The target, for the printed line only. */
  readonly target?: string;
  readonly measure: () => number;
}

export function nowMs(): number {
  return performance.now();
}

/** Time `fn` and return milliseconds of wall time. */
export function timeMs(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

let gcFn: (() => void) | undefined;

/** A full garbage collection, so heap figures measure what is live. */
export function collectGarbage(): void {
  if (gcFn === undefined) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
}

export function heapUsedBytes(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function runFigures(figures: readonly Figure[], argv: readonly string[]): void {
  const json = argv.includes('--json');
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const results: Record<string, number> = {};
  for (const figure of figures) {
    if (only !== undefined && !figure.key.includes(only)) continue;
    const value = figure.measure();
    results[figure.key] = value;
    const target = figure.target ? `   (target ${figure.target})` : '';
    process.stdout.write(`${figure.name}: ${value.toLocaleString('en-US')} ${figure.unit}${target}\n`);
  }
  if (json) process.stdout.write(JSON.stringify(results) + '\n');
}
