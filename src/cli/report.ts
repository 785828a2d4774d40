/**
 * How a run reads on a terminal: the scenario's paragraph, the narrated
 * timeline with simulated time, the expectations, and the summary table of
 * `npm start`.
 */
import { formatElapsed } from '../scenarios/duration';
import type { RunResult } from '../scenarios/runScenario';
import type { ValidatedScenario } from '../scenarios/validate';
import type { NarrationLine } from '../scenarios/World';

type Write = (line: string) => void;

export function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line.length > 0 && indent.length + line.length + 1 + word.length > width) {
        lines.push(indent + line);
        line = word;
      } else {
        line = line.length === 0 ? word : `${line} ${word}`;
      }
    }
    if (line.length > 0) lines.push(indent + line);
    lines.push('');
  }
  lines.pop();
  return lines;
}

const MARK: Record<NarrationLine['kind'], string> = { step: '▸ ', note: '» ', detail: '    ', event: '  · ', expect: '  ' };

export function formatNarrationLine(line: NarrationLine): string {
  return `  ${formatElapsed(line.atMs).padEnd(14)} ${MARK[line.kind]}${line.text}`;
}

export function printRun(scenario: ValidatedScenario, result: RunResult, options: { quiet: boolean; write: Write }): void {
  const { write } = options;
  const spec = scenario.spec;
  write(`${spec.name}: ${spec.title}`);
  write(`seed ${result.seed}${spec.source === 'built-in' ? '' : ` · ${spec.source}`}`);
  if (!options.quiet) {
    write('');
    for (const line of wrap(spec.teaches, 100, '  ')) write(line);
    write('');
    for (const line of result.narration) write(formatNarrationLine(line));
  }
  write('');
  const failed = result.expectations.filter((e) => !e.passed);
  write(`expectations: ${result.expectations.length - failed.length} passed, ${failed.length} failed`);
  for (const e of failed) {
    write(`  FAILED ${e.description}${e.location ? ` (${e.location})` : ''}`);
    write(`    expected: ${e.expected}`);
    write(`    actual:   ${e.actual}`);
    if (e.because) write(`    because:  ${e.because}`);
  }
  if (spec.fix !== undefined && !options.quiet) {
    write('');
    for (const line of wrap(`What prevents it: ${spec.fix}`, 100, '')) write(line);
  }
}

export function printSummaryTable(results: readonly RunResult[], write: Write): void {
  const rows = results.map((r) => ({
    scenario: r.name,
    shows: r.title,
    lost: String(r.world.counters.get('lost') ?? 0),
    duplicated: String(r.world.counters.get('duplicated') ?? 0),
    expectations: `${r.expectations.filter((e) => e.passed).length}/${r.expectations.length}${r.passed ? ' ok' : ' FAILED'}`,
  }));
  const headers = { scenario: 'scenario', shows: 'what it shows', lost: 'lost', duplicated: 'duplicated', expectations: 'expectations' };
  const keys = Object.keys(headers) as (keyof typeof headers)[];
  const width = (k: keyof typeof headers): number => Math.max(headers[k].length, ...rows.map((r) => r[k].length));
  const line = (cells: Record<keyof typeof headers, string>): string =>
    keys.map((k) => (k === 'lost' || k === 'duplicated' ? cells[k].padStart(width(k)) : cells[k].padEnd(width(k)))).join('  ').trimEnd();
  write(line(headers));
  write(keys.map((k) => '-'.repeat(width(k))).join('  '));
  for (const row of rows) write(line(row));
  const passed = results.filter((r) => r.passed).length;
  write('');
  write(`${passed} of ${results.length} scenarios met every expectation.`);
}
