/**
 * The server's configuration: the persistence and encoding settings of Redis
 * 7.0 with config.c's built-in defaults (what `redis-server` uses without a
 * redis.conf; Debian's packaged redis.conf changes a few, e.g.
 * hash-max-listpack-entries 128) and config.c's parsing, bounds and error
 * texts, so CONFIG SET answers exactly as 7.0 does.
 *
 * Names are spelled as Redis spells them, aliases included
 * (hash-max-ziplist-entries). Numeric values are kept as LongLong so a
 * 64-bit setting reads back exactly.
 *
 * Applying a change (the `apply` functions of config.c: updateHZ,
 * updateAppendonly; `dir`'s chdir) is delegated to appliers the server
 * registers, so the config does not know about persistence.
 */
import { assert } from '../sim/assert';
import { asciiLower, LLONG_MAX, normalise, string2ll, toNumber, type LongLong } from './numbers';
import { stringMatch } from './stringmatch';

export interface SavePoint {
  readonly seconds: number;
  readonly changes: number;
}

export type Appendfsync = 'always' | 'everysec' | 'no';

/** Typed values of every setting this server models. */
export interface RedisConfigValues {
  save: readonly SavePoint[];
  appendonly: boolean;
  appendfsync: Appendfsync;
  appenddirname: string;
  appendfilename: string;
  dbfilename: string;
  dir: string;
  rdbcompression: boolean;
  rdbchecksum: boolean;
  'stop-writes-on-bgsave-error': boolean;
  'aof-load-truncated': boolean;
  'aof-use-rdb-preamble': boolean;
  'aof-timestamp-enabled': boolean;
  'auto-aof-rewrite-percentage': number;
  'auto-aof-rewrite-min-size': number;
  'no-appendfsync-on-rewrite': boolean;
  'aof-rewrite-incremental-fsync': boolean;
  'rdb-save-incremental-fsync': boolean;
  'hash-max-listpack-entries': number;
  'hash-max-listpack-value': number;
  'set-max-intset-entries': number;
  'list-max-listpack-size': number;
  hz: number;
  'active-expire-effort': number;
  'lazyfree-lazy-expire': boolean;
  'lazyfree-lazy-user-del': boolean;
  'lazyfree-lazy-user-flush': boolean;
  databases: number;
  'enable-protected-configs': 'no' | 'yes' | 'local';
}

export type ConfigName = keyof RedisConfigValues;

/** The start-up configuration: any subset, as redis.conf directives would give. */
export type RedisConfigInput = { readonly [K in ConfigName]?: string };

type Kind =
  | { readonly kind: 'bool' }
  | { readonly kind: 'enum'; readonly names: readonly string[] }
  | { readonly kind: 'numeric'; readonly lower: bigint; readonly upper: bigint; readonly unsigned: boolean; readonly memory: boolean }
  | { readonly kind: 'string'; readonly validate?: (value: string) => string | null }
  | { readonly kind: 'save' }
  | { readonly kind: 'dir' };

interface ConfigDef {
  readonly name: ConfigName;
  readonly alias?: string;
  readonly immutable?: boolean;
  /** PROTECTED_CONFIG: settable only with enable-protected-configs. */
  readonly protected?: boolean;
  /** Has an apply step (config.c's apply function). */
  readonly apply?: boolean;
  readonly type: Kind;
  /** As CONFIG GET prints the built-in default. */
  readonly defaultValue: string;
}

const INT = { lower: -2147483648n, upper: 2147483647n };
const bool = (name: ConfigName, defaultValue: 'yes' | 'no', extra: Partial<ConfigDef> = {}): ConfigDef => ({
  name,
  type: { kind: 'bool' },
  defaultValue,
  ...extra,
});
const int = (name: ConfigName, lower: bigint, upper: bigint, defaultValue: string, extra: Partial<ConfigDef> = {}): ConfigDef => ({
  name,
  type: { kind: 'numeric', lower, upper, unsigned: false, memory: false },
  defaultValue,
  ...extra,
});
const sizeT = (name: ConfigName, memory: boolean, defaultValue: string, extra: Partial<ConfigDef> = {}): ConfigDef => ({
  name,
  type: { kind: 'numeric', lower: 0n, upper: LLONG_MAX, unsigned: true, memory },
  defaultValue,
  ...extra,
});

/** isValidDBfilename / isValidAOFfilename / isValidAOFdirname: `kind` is how the message names what is wanted. */
function baseName(what: string, emptyAllowed: boolean, kind: 'filename' | 'dirname' = 'filename') {
  return (value: string): string | null => {
    if (!emptyAllowed && value === '') return `${what} can't be empty`;
    if (value.includes('/') || value.includes('\\')) return `${what} can't be a path, just a ${kind}`;
    return null;
  };
}

/** config.c static_configs, the modelled subset, in its order. */
const DEFS: readonly ConfigDef[] = [
  bool('rdbchecksum', 'yes', { immutable: true }),
  bool('rdbcompression', 'yes'),
  bool('stop-writes-on-bgsave-error', 'yes'),
  bool('lazyfree-lazy-expire', 'no'),
  bool('lazyfree-lazy-user-del', 'no'),
  bool('lazyfree-lazy-user-flush', 'no'),
  bool('aof-rewrite-incremental-fsync', 'yes'),
  bool('no-appendfsync-on-rewrite', 'no'),
  bool('rdb-save-incremental-fsync', 'yes'),
  bool('aof-load-truncated', 'yes'),
  bool('aof-use-rdb-preamble', 'yes'),
  bool('aof-timestamp-enabled', 'no'),
  bool('appendonly', 'no', { apply: true }),
  { name: 'dbfilename', protected: true, type: { kind: 'string', validate: baseName('dbfilename', true) }, defaultValue: 'dump.rdb' },
  { name: 'appendfilename', immutable: true, type: { kind: 'string', validate: baseName('appendfilename', false) }, defaultValue: 'appendonly.aof' },
  { name: 'appenddirname', immutable: true, type: { kind: 'string', validate: baseName('appenddirname', false, 'dirname') }, defaultValue: 'appendonlydir' },
  { name: 'appendfsync', type: { kind: 'enum', names: ['everysec', 'always', 'no'] }, defaultValue: 'everysec' },
  { name: 'enable-protected-configs', immutable: true, type: { kind: 'enum', names: ['no', 'yes', 'local'] }, defaultValue: 'no' },
  int('databases', 1n, INT.upper, '16', { immutable: true }),
  int('auto-aof-rewrite-percentage', 0n, INT.upper, '100'),
  int('list-max-listpack-size', INT.lower, INT.upper, '-2', { alias: 'list-max-ziplist-size' }),
  int('active-expire-effort', 1n, 10n, '1'),
  int('hz', 0n, INT.upper, '10', { apply: true }),
  sizeT('hash-max-listpack-entries', false, '512', { alias: 'hash-max-ziplist-entries' }),
  sizeT('set-max-intset-entries', false, '512'),
  sizeT('hash-max-listpack-value', true, '64', { alias: 'hash-max-ziplist-value' }),
  {
    name: 'auto-aof-rewrite-min-size',
    type: { kind: 'numeric', lower: 0n, upper: LLONG_MAX, unsigned: false, memory: true },
    defaultValue: '67108864',
  },
  { name: 'dir', protected: true, type: { kind: 'dir' }, defaultValue: '/var/lib/redis' },
  { name: 'save', type: { kind: 'save' }, defaultValue: '3600 1 300 100 60 10000' },
];

/** Lower-cased name or alias ⇒ definition; CONFIG names are case-insensitive. */
const BY_NAME = new Map<string, ConfigDef>();
for (const def of DEFS) {
  BY_NAME.set(def.name, def);
  if (def.alias !== undefined) BY_NAME.set(def.alias, def);
}

/** CONFIG_MIN_HZ and CONFIG_MAX_HZ in server.h. */
const HZ_MIN = 1;
const HZ_MAX = 500;

/** Runs a config's apply step; returns an error text or null. */
export type ConfigApplier = (name: ConfigName) => string | null;

export class RedisConfig {
  private readonly raw = new Map<ConfigName, bigint | boolean | string | readonly SavePoint[]>();
  /** Typed values as `get` returns them; commands read limits on every call. */
  private readonly typed = new Map<ConfigName, unknown>();
  /** Applied after a CONFIG SET changed a setting that has an apply step, and for `dir`. */
  applier: ConfigApplier = () => null;

  constructor(input: RedisConfigInput = {}) {
    for (const def of DEFS) {
      const error = this.setOne(def, def.defaultValue);
      assert(error === null, () => `config default ${def.name}: ${error}`);
    }
    for (const [name, value] of Object.entries(input) as [ConfigName, string][]) {
      const def = BY_NAME.get(name);
      assert(def !== undefined, () => `unknown config ${name}`);
      const error = this.setOne(def, value);
      assert(error === null, () => `config ${name} ${JSON.stringify(value)}: ${error}`);
      if (name === 'hz') this.capHz();
    }
  }

  // ---- typed access -----------------------------------------------------------

  get<K extends ConfigName>(name: K): RedisConfigValues[K] {
    const cached = this.typed.get(name);
    if (cached !== undefined) return cached as RedisConfigValues[K];
    const value = this.raw.get(name);
    assert(value !== undefined, () => `config ${name} has no value`);
    const typed = typeof value === 'bigint' ? Number(value) : value;
    this.typed.set(name, typed);
    return typed as RedisConfigValues[K];
  }

  private put(name: ConfigName, value: bigint | boolean | string | readonly SavePoint[]): void {
    this.raw.set(name, value);
    this.typed.delete(name);
  }

  /** The value as CONFIG GET prints it. */
  getString(name: ConfigName): string {
    return formatValue(BY_NAME.get(name)!, this.raw.get(name)!);
  }

  /** Every modelled name, primary names first in config.c order. */
  static names(): readonly ConfigName[] {
    return DEFS.map((d) => d.name);
  }

  static isKnown(name: string): boolean {
    return BY_NAME.has(asciiLower(name));
  }

  /**
   * What config.c answers when redis.conf sets a modelled `name` to `value`
   * (the error text after "Reading the configuration file"), or null when the
   * value is valid.
   */
  static problem(name: string, value: string): string | null {
    const def = BY_NAME.get(asciiLower(name));
    assert(def !== undefined, () => `unknown config ${name}`);
    return new RedisConfig().setOne(def, value);
  }

  // ---- CONFIG GET -------------------------------------------------------------

  /**
   * configGetCommand: exact names (case-insensitive, the reply repeats the
   * name as given) or glob patterns over names and aliases. Returns name,
   * value pairs; Redis's order is its dict's, so callers must not rely on it.
   */
  getMatching(patterns: readonly string[]): [string, string][] {
    const matches = new Map<string, ConfigDef>();
    const seen = new Set<string>();
    for (const pattern of patterns) {
      if (!/[[*?]/.test(pattern)) {
        if (seen.has(asciiLower(pattern))) continue;
        const def = BY_NAME.get(asciiLower(pattern));
        if (def !== undefined) {
          matches.set(pattern, def);
          seen.add(asciiLower(pattern));
        }
        continue;
      }
      for (const [name, def] of BY_NAME) {
        if (seen.has(name)) continue;
        if (stringMatch(pattern, name, true)) {
          matches.set(name, def);
          seen.add(name);
        }
      }
    }
    return [...matches].map(([name, def]) => [name, formatValue(def, this.raw.get(def.name)!)]);
  }

  // ---- CONFIG SET -------------------------------------------------------------

  /**
   * configSetCommand's body for name, value pairs: validate all names, set
   * all values (restoring on the first failure), then run each distinct
   * apply step once (restoring everything if one fails). Returns the error
   * text (without "ERR ") or null.
   */
  setMany(pairs: readonly (readonly [string, string])[], options: { readonly fromLocalClient: boolean }): string | null {
    let invalidArgName: string | null = null;
    let errArgName: string | null = null;
    let errstr: string | null = null;
    const defs: ConfigDef[] = [];
    for (const [name] of pairs) {
      const def = BY_NAME.get(asciiLower(name));
      if (def === undefined) {
        if (invalidArgName === null && errArgName === null) invalidArgName = name;
        continue;
      }
      if (invalidArgName !== null || errArgName !== null) continue;
      if (def.immutable || (def.protected && !this.protectedAllowed(options.fromLocalClient))) {
        errstr = def.immutable ? "can't set immutable config" : "can't set protected config";
        errArgName = name;
        continue;
      }
      if (defs.includes(def)) {
        errstr = 'duplicate parameter';
        errArgName = name;
        continue;
      }
      defs.push(def);
    }
    if (invalidArgName !== null) return `Unknown option or number of arguments for CONFIG SET - '${invalidArgName}'`;
    if (errArgName !== null) return setFailed(errArgName, errstr);

    const backups = defs.map((def) => this.raw.get(def.name)!);
    const toApply: ConfigDef[] = [];
    for (let i = 0; i < defs.length; i++) {
      const def = defs[i]!;
      const before = this.raw.get(def.name)!;
      const error = this.setOne(def, pairs[i]![1]);
      if (error !== null) {
        this.restore(defs.slice(0, i + 1), backups);
        return setFailed(def.name, error);
      }
      const changed = def.type.kind === 'save' || def.type.kind === 'dir' || !sameValue(before, this.raw.get(def.name)!);
      if (changed && def.apply) toApply.push(def);
    }
    for (const def of toApply) {
      const error = def.name === 'hz' ? this.capHz() : this.applier(def.name);
      if (error !== null) {
        this.restore(defs, backups);
        for (const d of toApply) if (d.name !== 'hz') this.applier(d.name);
        return setFailed(def.name, error);
      }
    }
    return null;
  }

  /** restoreBackupConfig: put the old values back (re-entering the old `dir`). */
  private restore(defs: readonly ConfigDef[], backups: readonly (bigint | boolean | string | readonly SavePoint[])[]): void {
    for (let j = 0; j < defs.length; j++) {
      this.put(defs[j]!.name, backups[j]!);
      if (defs[j]!.name === 'dir') this.applier('dir');
    }
  }

  /** Set one value from its text; an error text (config.c's) or null. */
  private setOne(def: ConfigDef, value: string): string | null {
    const parsed = parseValue(def, value);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) return parsed.error;
    if (def.type.kind === 'dir') {
      const previous = this.raw.get('dir');
      this.put('dir', parsed as string);
      const error = previous === undefined ? null : this.applier('dir');
      if (error !== null) this.put('dir', previous!);
      return error;
    }
    this.put(def.name, parsed as bigint | boolean | string | readonly SavePoint[]);
    return null;
  }

  /** updateHZ: hz is a hint; out-of-range values are capped, not refused. */
  private capHz(): null {
    const hz = this.raw.get('hz') as bigint;
    if (hz < HZ_MIN) this.put('hz', BigInt(HZ_MIN));
    if (hz > HZ_MAX) this.put('hz', BigInt(HZ_MAX));
    return null;
  }

  private protectedAllowed(fromLocalClient: boolean): boolean {
    const setting = this.raw.get('enable-protected-configs');
    return setting === 'yes' || (setting === 'local' && fromLocalClient);
  }
}

function setFailed(name: string, errstr: string | null): string {
  return errstr === null
    ? `CONFIG SET failed (possibly related to argument '${name}')`
    : `CONFIG SET failed (possibly related to argument '${name}') - ${errstr}`;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b;
}

type Parsed = bigint | boolean | string | readonly SavePoint[] | { readonly error: string };

function parseValue(def: ConfigDef, value: string): Parsed {
  const type = def.type;
  switch (type.kind) {
    case 'bool': {
      const v = asciiLower(value);
      if (v === 'yes') return true;
      if (v === 'no') return false;
      return { error: "argument must be 'yes' or 'no'" };
    }
    case 'enum': {
      const v = asciiLower(value);
      if (type.names.includes(v)) return v;
      return { error: `argument(s) must be one of the following: ${type.names.join(', ')}` };
    }
    case 'numeric':
      return parseNumeric(type, value);
    case 'string': {
      const error = type.validate?.(value) ?? null;
      return error === null ? value : { error };
    }
    case 'save':
      return parseSave(value);
    case 'dir':
      return value;
  }
}

function parseNumeric(type: Extract<Kind, { kind: 'numeric' }>, value: string): Parsed {
  let ll: bigint | null = null;
  if (type.memory) {
    const mem = memtoull(value);
    // memtoull yields an unsigned 64-bit value; numericConfigSet reads it as long long.
    if (mem !== null) ll = mem > LLONG_MAX ? mem - (1n << 64n) : mem;
  } else {
    const parsed = string2ll(value);
    if (parsed !== null) ll = BigInt(parsed);
  }
  if (ll === null) return { error: type.memory ? 'argument must be a memory value' : "argument couldn't be parsed into an integer" };
  if (type.unsigned) {
    const ull = ll < 0n ? ll + (1n << 64n) : ll;
    if (ull > type.upper || ull < type.lower) return { error: `argument must be between ${type.lower} and ${type.upper} inclusive` };
  } else if (ll > type.upper || ll < type.lower) {
    return { error: `argument must be between ${type.lower} and ${type.upper} inclusive` };
  }
  return ll;
}

/**
 * util.c memtoull: digits then an optional unit (b, k, kb, m, mb, g, gb,
 * case-insensitive); no sign. strtoull saturates at 2^64 - 1 and the unit
 * multiplication wraps, as in C.
 */
export function memtoull(value: string): bigint | null {
  if (value.startsWith('-')) return null;
  let i = 0;
  while (i < value.length && value.charCodeAt(i) >= 48 && value.charCodeAt(i) <= 57) i++;
  const unit = asciiLower(value.slice(i));
  const multipliers: Record<string, bigint> = { '': 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000000n, mb: 1048576n, g: 1000000000n, gb: 1073741824n };
  const mul = multipliers[unit];
  if (mul === undefined) return null;
  if (i >= 128) return null;
  const digits = value.slice(0, i);
  let v = digits === '' ? 0n : BigInt(digits);
  const ULLONG_MAX = (1n << 64n) - 1n;
  if (v > ULLONG_MAX) v = ULLONG_MAX;
  return (v * mul) & ULLONG_MAX;
}

/** setConfigSaveOption: "" clears; otherwise pairs of seconds >= 1, changes >= 0. */
function parseSave(value: string): Parsed {
  let args = value.split(' ');
  if (args.length === 1 && args[0] === '') args = [];
  if (args.length % 2 === 1) return { error: 'Invalid save parameters' };
  const points: SavePoint[] = [];
  for (let j = 0; j < args.length; j++) {
    const v = strtoll(args[j]!);
    if (v === null || (j % 2 === 0 && v < 1) || (j % 2 === 1 && v < 0)) return { error: 'Invalid save parameters' };
  }
  for (let j = 0; j < args.length; j += 2) {
    // time_t seconds and int changes, as appendServerSaveParams stores them.
    points.push({ seconds: toNumber(strtoll(args[j]!)!), changes: Number(BigInt.asIntN(32, BigInt(strtoll(args[j + 1]!)!))) });
  }
  return points;
}

/** strtoll(s, &end, 10) requiring the whole string: leading spaces and a sign allowed, saturating. */
function strtoll(s: string): LongLong | null {
  const m = /^[\t\n\v\f\r ]*([+-]?)(\d+)$/.exec(s);
  if (m === null) return s === '' ? 0 : null;
  let v = BigInt(m[2]!);
  if (m[1] === '-') v = -v;
  if (v > LLONG_MAX) v = LLONG_MAX;
  if (v < -LLONG_MAX - 1n) v = -LLONG_MAX - 1n;
  return normalise(v);
}

function formatValue(def: ConfigDef, value: bigint | boolean | string | readonly SavePoint[]): string {
  switch (def.type.kind) {
    case 'bool':
      return value ? 'yes' : 'no';
    case 'numeric':
      // Memory settings print as unsigned (ull2string), others as signed.
      return def.type.memory && (value as bigint) < 0n ? String((value as bigint) + (1n << 64n)) : String(value);
    case 'save':
      return (value as readonly SavePoint[]).map((p) => `${p.seconds} ${p.changes}`).join(' ');
    default:
      return value as string;
  }
}
