/**
 * The argument schema of scenario steps, and its validator.
 *
 * One small schema language serves both ways of writing a scenario: YAML files
 * (errors carry file:line) and the TypeScript builder (errors carry the
 * scenario and step number). A step's raw arguments go in, typed values come
 * out: durations as milliseconds, instants as epoch milliseconds. Every error
 * says what was expected and, for choices, lists the valid ones.
 */
import { didYouMean } from '../sim/didYouMean';
import { isLoadedConfigFile, type ConfigFileFormat } from './configFiles';
import { parseDuration, parseInstant } from './duration';

export type FieldType =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  /** `3m`, `500ms`, or milliseconds. */
  | 'duration'
  /** ISO-8601 instant with a zone. */
  | 'instant'
  /** A map of config keys to scalars (Kafka or Redis config). */
  | 'config'
  /** A config file's path relative to the scenario file, read and parsed by the loader (configFiles.ts). */
  | 'config-file'
  | 'string-list'
  | 'integer-list'
  /** Any scalar (string, number, boolean or null): compared values. */
  | 'scalar'
  /** Any YAML value, validated by the step itself. */
  | 'any';

export interface FieldSpec {
  readonly type: FieldType;
  readonly required?: boolean;
  /** Valid values for a string field. */
  readonly choices?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** Why `max` is there when it is faultline's bound rather than Kafka's or Redis's (said in the error). */
  readonly maxReason?: string;
  /** A `config-file` field: the file it names (how the loader parses it). */
  readonly format?: ConfigFileFormat;
  readonly description: string;
}

export type FieldSpecs = Readonly<Record<string, FieldSpec>>;

/** A problem with one argument; `field` is null for the step as a whole. */
export interface FieldError {
  readonly field: string | null;
  readonly message: string;
}

export type ConfigValue = string | number | boolean;

/** Validate raw arguments against specs; returns typed values or errors. */
export function validateFields(
  stepKind: string,
  specs: FieldSpecs,
  raw: Readonly<Record<string, unknown>>,
): { value: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const value: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (!(key in specs)) {
      errors.push({ field: key, message: `unknown field '${key}' for step '${stepKind}'${didYouMean(key, Object.keys(specs))}; valid fields: ${Object.keys(specs).join(', ')}` });
    }
  }
  for (const [name, spec] of Object.entries(specs)) {
    const given = raw[name];
    if (given === null && spec.type === 'scalar' && name in raw) {
      value[name] = null;
      continue;
    }
    if (given === undefined || given === null) {
      if (spec.required) errors.push({ field: null, message: `step '${stepKind}' needs '${name}' (${spec.description})` });
      continue;
    }
    const checked = checkField(name, spec, given);
    if (checked instanceof Invalid) errors.push({ field: name, message: checked.message });
    else value[name] = checked;
  }
  return { value, errors };
}

class Invalid {
  constructor(readonly message: string) {}
}

function checkField(name: string, spec: FieldSpec, given: unknown): unknown {
  const fail = (expected: string): Invalid => new Invalid(`'${name}' must be ${expected}, got ${show(given)}`);
  switch (spec.type) {
    case 'string': {
      if (typeof given !== 'string' && typeof given !== 'number') return fail('a string');
      const text = String(given);
      if (spec.choices && !spec.choices.includes(text)) return new Invalid(`'${name}' must be one of ${spec.choices.join(', ')}; got ${show(given)}`);
      return text;
    }
    case 'integer':
    case 'number': {
      if (typeof given !== 'number' || !Number.isFinite(given)) return fail(spec.type === 'integer' ? 'an integer' : 'a number');
      if (spec.type === 'integer' && !Number.isInteger(given)) return fail('an integer');
      if (spec.min !== undefined && given < spec.min) return fail(`at least ${spec.min}`);
      if (spec.max !== undefined && given > spec.max) return fail(`at most ${spec.max}${spec.maxReason !== undefined ? ` (${spec.maxReason})` : ''}`);
      return given;
    }
    case 'boolean':
      return typeof given === 'boolean' ? given : fail('true or false');
    case 'duration': {
      const ms = parseDuration(given);
      if (ms === null) return fail("a duration such as '500ms', '30s', '3m', '2h', '7d' or a number of milliseconds");
      if (spec.min !== undefined && ms < spec.min) return fail(`at least ${spec.min}ms`);
      return ms;
    }
    case 'instant': {
      const ms = parseInstant(given);
      return ms === null ? fail("an ISO-8601 instant with a zone, such as '2024-01-01T00:30:00Z'") : ms;
    }
    case 'config': {
      if (typeof given !== 'object' || Array.isArray(given)) return fail('a map of config keys to values');
      const out: Record<string, ConfigValue> = {};
      for (const [k, v] of Object.entries(given as Record<string, unknown>)) {
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
          return new Invalid(`config '${k}' in '${name}' must be a string, number or boolean, got ${show(v)}`);
        }
        out[k] = v;
      }
      return out;
    }
    case 'config-file': {
      if (isLoadedConfigFile(given)) return given;
      if (typeof given === 'string') return new Invalid(`'${name}' names a file, which only a scenario file run by 'faultline run' can read; ${show(given)} was not read`);
      return fail('the path of a config file, relative to the scenario file');
    }
    case 'string-list': {
      const list = Array.isArray(given) ? given : [given];
      if (!list.every((v) => typeof v === 'string' || typeof v === 'number')) return fail('a list of strings');
      return list.map(String);
    }
    case 'integer-list': {
      const list = Array.isArray(given) ? given : [given];
      if (!list.every((v) => typeof v === 'number' && Number.isInteger(v))) return fail('a list of integers');
      return list;
    }
    case 'scalar':
      if (given !== null && typeof given === 'object') return fail('a string, number, boolean or null');
      return given;
    case 'any':
      return given;
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a map';
  return String(value);
}
