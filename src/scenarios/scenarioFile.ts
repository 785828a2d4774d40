/**
 * Scenario files in YAML. The format (documented in the README):
 *
 *   name: retention-under-offset       # lowercase words joined by dashes
 *   title: One line
 *   teaches: |
 *     A paragraph on what the scenario shows.
 *   fix: the setting that prevents it   # optional
 *   seed: 7                             # optional, default 1
 *   start: 2024-01-01T00:00:00Z         # optional
 *   steps:
 *     - create-topic: { name: events, config: { retention.ms: 180000 } }
 *     - produce: { topic: events, count: 16, interval: 1s }
 *     - wait: 10m                       # a scalar sets the step's main field
 *     - expect: { that: logStartOffset events-0, equals: 20 }
 *
 * Every problem is reported with file:line:column and, for choices, the valid
 * ones; a file with any problem runs nothing.
 *
 * A step's `config-file` (server.properties, redis.conf, ...) is read here,
 * through the reader the caller passes, and handed to the step parsed
 * (configFiles.ts); a file that cannot be read or has an error is reported
 * like any other problem.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { didYouMean } from '../sim/didYouMean';
import { loadConfigFile, type ConfigFileReader } from './configFiles';
import { ScenarioError, ScenarioErrors } from './ScenarioError';
import type { ScenarioSpec } from './Scenario';
import type { StepSpec } from './Step';
import { STEPS, stepKinds } from './steps/index';
import { validateScenario, type ValidatedScenario } from './validate';

const TOP_LEVEL = ['name', 'title', 'teaches', 'fix', 'seed', 'start', 'steps'] as const;

/** A reader for scenarios that name no config file: every read fails. */
const NO_FILES: ConfigFileReader = () => {
  throw new Error('this scenario was loaded without access to files');
};

/**
 * `readConfigFile` reads the files steps name in `config-file` (paths
 * relative to the scenario file); the CLI passes one that reads the disk,
 * tests an in-memory map.
 */
export function loadScenarioFile(path: string, text: string, readConfigFile: ConfigFileReader = NO_FILES): ValidatedScenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined): string => {
    if (offset === undefined) return path;
    const { line, col } = lineCounter.linePos(offset);
    return `${path}:${line}:${col}`;
  };
  const errors: ScenarioError[] = [];
  for (const e of doc.errors) errors.push(new ScenarioError(`YAML syntax: ${e.message.split('\n')[0]}`, at(e.pos[0])));
  if (errors.length > 0) throw new ScenarioErrors(errors);

  const root = doc.contents;
  if (!isMap(root)) throw new ScenarioErrors([new ScenarioError(`a scenario file is a map with ${TOP_LEVEL.join(', ')}`, at(root?.range?.[0]))]);
  const top = new Map<string, Pair<Node, Node>>();
  for (const pair of (root as YAMLMap<Node, Node>).items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!(TOP_LEVEL as readonly string[]).includes(key)) {
      errors.push(new ScenarioError(`unknown top-level key '${key}'; valid keys: ${TOP_LEVEL.join(', ')}`, at(pair.key?.range?.[0])));
      continue;
    }
    top.set(key, pair);
  }
  const text_ = (key: string, required: boolean): string | undefined => {
    const pair = top.get(key);
    if (pair === undefined) {
      if (required) errors.push(new ScenarioError(`missing '${key}'`, at(root.range?.[0])));
      return undefined;
    }
    const value = pair.value;
    if (!isScalar(value) || (typeof value.value !== 'string' && typeof value.value !== 'number')) {
      errors.push(new ScenarioError(`'${key}' must be text`, at(pair.key?.range?.[0])));
      return undefined;
    }
    return String(value.value);
  };
  const name = text_('name', true);
  const title = text_('title', true);
  const teaches = text_('teaches', true);
  const fix = text_('fix', false);
  const seed = text_('seed', false);
  const start = top.get('start') === undefined ? undefined : startText(top.get('start')!);

  const stepLocations: { step: string; fields: Map<string, string> }[] = [];
  const steps: StepSpec[] = [];
  const stepsPair = top.get('steps');
  if (stepsPair === undefined) errors.push(new ScenarioError("missing 'steps'", at(root.range?.[0])));
  else if (!isSeq(stepsPair.value)) errors.push(new ScenarioError("'steps' must be a list of steps", at(stepsPair.key?.range?.[0])));
  else {
    for (const item of stepsPair.value.items as Node[]) {
      const step = readStep(item);
      if (step !== null) steps.push(step);
    }
  }
  if (errors.length > 0) throw new ScenarioErrors(errors);

  const spec: ScenarioSpec = { name: name!, title: title!, teaches: teaches!, fix, seed, start, steps, source: path };
  return validateScenario(spec, (index, field) => {
    if (index < 0) return top.get(field ?? '')?.key ? at((top.get(field!)!.key as Node).range?.[0]) : path;
    const loc = stepLocations[index];
    if (loc === undefined) return null;
    return (field !== null ? loc.fields.get(field) : undefined) ?? loc.step;
  });

  function startText(pair: Pair<Node, Node>): string | undefined {
    // YAML may read an unquoted timestamp as a string already; keep the text.
    const value = pair.value;
    if (isScalar(value)) return String(value.source ?? value.value);
    errors.push(new ScenarioError("'start' must be an ISO-8601 instant", at(pair.key?.range?.[0])));
    return undefined;
  }

  function readStep(item: Node): StepSpec | null {
    const where = at(item.range?.[0]);
    if (!isMap(item) || item.items.length !== 1) {
      errors.push(new ScenarioError(`a step is a map with exactly one key, the step's kind (one of ${stepKinds().join(', ')})`, where));
      return null;
    }
    const pair = item.items[0] as Pair<Node, Node>;
    const kind = isScalar(pair.key) ? String(pair.key.value) : '';
    const kindWhere = at(pair.key?.range?.[0]);
    const definition = STEPS.get(kind);
    if (definition === undefined) {
      errors.push(new ScenarioError(`unknown step '${kind}'${didYouMean(kind, stepKinds())}; valid steps: ${stepKinds().join(', ')}`, kindWhere));
      return null;
    }
    const fields = new Map<string, string>();
    let args: Record<string, unknown>;
    const value = pair.value;
    if (value === null || (isScalar(value) && value.value === null)) {
      args = {};
    } else if (isMap(value)) {
      args = {};
      for (const field of value.items as Pair<Node, Node>[]) {
        const key = isScalar(field.key) ? String(field.key.value) : '';
        fields.set(key, at(field.key?.range?.[0]));
        args[key] = field.value === null ? null : (field.value as Node).toJSON();
      }
    } else if (isScalar(value) && definition.shorthand !== undefined) {
      args = { [definition.shorthand]: value.value };
      fields.set(definition.shorthand, at(value.range?.[0]));
    } else if (isSeq(value) && definition.shorthand !== undefined && takesList(definition.fields[definition.shorthand]?.type)) {
      // `- redis: [SET, k, v]`: a list for a field that takes one.
      args = { [definition.shorthand]: value.toJSON() };
      fields.set(definition.shorthand, at(value.range?.[0]));
    } else {
      errors.push(
        new ScenarioError(
          definition.shorthand !== undefined
            ? `step '${kind}' takes a map of fields or a single value for '${definition.shorthand}'`
            : `step '${kind}' takes a map of fields: ${Object.keys(definition.fields).join(', ')}`,
          kindWhere,
        ),
      );
      return null;
    }
    stepLocations.push({ step: kindWhere, fields });
    const format = definition.fields['config-file']?.format;
    if (format !== undefined && typeof args['config-file'] === 'string') {
      const file = args['config-file'];
      const fileWhere = fields.get('config-file') ?? kindWhere;
      let content: string;
      try {
        content = readConfigFile(file);
      } catch (error) {
        errors.push(new ScenarioError(`cannot read config file '${file}': ${(error as Error).message}`, fileWhere));
        return null;
      }
      const loaded = loadConfigFile(format, file, content);
      if (loaded instanceof ScenarioError) {
        errors.push(loaded);
        return null;
      }
      args['config-file'] = loaded;
    }
    return { kind, args, location: kindWhere };
  }
}

function takesList(type: string | undefined): boolean {
  return type === 'any' || (type !== undefined && type.endsWith('-list'));
}
