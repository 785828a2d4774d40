/**
 * What the producer's and the consumer's configs share about their keys: the
 * error for a key faultline does not know (with the key probably meant), and
 * how a line of a producer.properties or consumer.properties file is taken.
 */
import { nearestName } from '../sim/didYouMean';
import { KafkaConfigError } from './kafkaConfigError';

export interface ClientConfigKeys {
  /** 'producer' or 'consumer', as the error names the configuration. */
  readonly client: string;
  readonly modelled: readonly string[];
  /** Real keys of the client that faultline accepts and ignores. */
  readonly unmodelled: ReadonlySet<string>;
  readonly unmodelledPrefixes: readonly string[];
}

export function unknownClientConfigKey(keys: ClientConfigKeys, key: string): KafkaConfigError {
  const modelled = keys.modelled;
  const nearest = nearestName(key, [...modelled, ...keys.unmodelled]);
  const hint = nearest !== undefined ? ` Did you mean '${nearest}'?` : '';
  return new KafkaConfigError(
    `Unknown ${keys.client} configuration '${key}'.${hint} Kafka would only log that it was supplied but not used; faultline refuses it. ` +
      `Modelled keys: ${modelled.join(', ')}.`,
    key,
  );
}

/**
 * How a line of a client's .properties file is taken (see
 * scenarios/configFiles.ts): a modelled key whose value `parse` accepts, a
 * real key faultline ignores, or the config's error for an unknown key or a
 * bad value.
 */
export function clientConfigFileKey(keys: ClientConfigKeys, key: string, parse: () => void): 'modelled' | 'ignored' | { readonly error: string } {
  // A scenario names a client by its step's name (its client.id and network endpoint): a file's client.id is set aside.
  if (key === 'client.id') return 'ignored';
  if (keys.unmodelled.has(key) || keys.unmodelledPrefixes.some((p) => key.startsWith(p))) return 'ignored';
  try {
    parse();
    return 'modelled';
  } catch (error) {
    if (error instanceof KafkaConfigError) return { error: error.message };
    throw error;
  }
}
