/**
 * Production config files named by a step's `config-file` field: a Kafka
 * server.properties, producer.properties or consumer.properties, or a
 * redis.conf. The scenario file loader reads the text (through a reader the
 * CLI passes in, so this stays pure) and this module parses it as the real
 * system would, checks every key and value, and keeps:
 *
 *   - the settings faultline models, which the step uses under its inline
 *     `config` (inline entries win);
 *   - the names of real keys it does not model (listeners, log.dirs, bind,
 *     maxmemory, ...), which the step narrates as ignored.
 *
 * A key the real system does not know is an error at `file:line`, as is a
 * bad value of a modelled one.
 */
import { brokerConfigFileKey } from '../broker/brokerConfigNames';
import { consumerConfigFileKey } from '../broker/consumer/ConsumerConfig';
import { parseJavaProperties, PropertiesSyntaxError, type PropertiesEntry } from '../broker/javaProperties';
import { producerConfigFileKey } from '../broker/ProducerConfig';
import { parseRedisConf } from '../redis/redisConfFile';
import type { ConfigValue } from './fields';
import { ScenarioError } from './ScenarioError';

export type ConfigFileFormat = 'server.properties' | 'producer.properties' | 'consumer.properties' | 'redis.conf';


/** A config file as the loader hands it to a step. */
export interface LoadedConfigFile {
  readonly kind: 'loaded-config-file';
  /** As the scenario wrote it (relative to the scenario file). */
  readonly path: string;
  readonly config: Readonly<Record<string, ConfigValue>>;
  /** Real keys faultline does not model, in file order. */
  readonly ignored: readonly string[];
}

/**
 * Reads a config file named in a scenario (a path relative to the scenario
 * file); throws an Error whose message says why it cannot.
 */
export type ConfigFileReader = (path: string) => string;

export function isLoadedConfigFile(value: unknown): value is LoadedConfigFile {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'loaded-config-file';
}

/**
 * How a key of a .properties file is taken: 'modelled' (its value is checked
 * and used), 'ignored' (a real key faultline does not model), or an error
 * message (not a real key, or a bad value) in the client's or broker's words.
 */
export type PropertiesKeyCheck = (key: string, value: string) => 'modelled' | 'ignored' | { readonly error: string };

const PROPERTIES_CHECKS: Readonly<Record<Exclude<ConfigFileFormat, 'redis.conf'>, PropertiesKeyCheck>> = {
  'server.properties': brokerConfigFileKey,
  'producer.properties': producerConfigFileKey,
  'consumer.properties': consumerConfigFileKey,
};

/** Parse and check a config file's text; the first problem is returned with `path:line`. */
export function loadConfigFile(format: ConfigFileFormat, path: string, text: string): LoadedConfigFile | ScenarioError {
  if (format === 'redis.conf') {
    const parsed = parseRedisConf(text);
    if (!parsed.ok) return new ScenarioError(parsed.message, `${path}:${parsed.line}`);
    const config: Record<string, ConfigValue> = {};
    for (const [name, setting] of parsed.settings) config[name] = setting.value;
    return { kind: 'loaded-config-file', path, config, ignored: parsed.ignored };
  }
  let parsed: PropertiesEntry[];
  try {
    parsed = parseJavaProperties(text);
  } catch (error) {
    if (error instanceof PropertiesSyntaxError) return new ScenarioError(error.message, `${path}:${error.line}`);
    throw error;
  }
  const check = PROPERTIES_CHECKS[format];
  const config: Record<string, ConfigValue> = {};
  const ignored: string[] = [];
  for (const entry of parsed) {
    const verdict = check(entry.key, entry.value);
    if (verdict === 'ignored') {
      if (!ignored.includes(entry.key)) ignored.push(entry.key);
    } else if (verdict === 'modelled') {
      config[entry.key] = entry.value;
    } else {
      return new ScenarioError(verdict.error, `${path}:${entry.line}`);
    }
  }
  return { kind: 'loaded-config-file', path, config, ignored };
}

/** The file's modelled settings with the inline `config` over them; undefined when neither is given. */
export function mergedConfig(
  file: LoadedConfigFile | undefined,
  inline: Readonly<Record<string, ConfigValue>> | undefined,
): Record<string, ConfigValue> | undefined {
  if (file === undefined) return inline === undefined ? undefined : { ...inline };
  return { ...file.config, ...(inline ?? {}) };
}

/** The line a step narrates about the file's keys it ignores, or null when there are none. */
export function ignoredNotice(file: LoadedConfigFile | undefined): string | null {
  if (file === undefined || file.ignored.length === 0) return null;
  const unmodelled = file.ignored.filter((key) => key !== 'client.id');
  const parts: string[] = [];
  if (unmodelled.length > 0) parts.push(`not modelled, ignored: ${unmodelled.join(', ')}`);
  if (unmodelled.length < file.ignored.length) parts.push("its client.id is set aside (the step's name is the client's id)");
  return `${file.path}: ${parts.join('; ')}`;
}

/** A step's arguments with the file's settings under its inline `config` (what check and run use). */
export function withConfigFile<A extends { readonly config?: Record<string, ConfigValue>; readonly 'config-file'?: LoadedConfigFile }>(a: A): A {
  const file = a['config-file'];
  return file === undefined ? a : { ...a, config: mergedConfig(file, a.config) };
}

/** " from prod/producer.properties" for a step's sentence, or nothing. */
export function fromFile(file: LoadedConfigFile | undefined): string {
  return file === undefined ? '' : ` from ${file.path}`;
}
