/**
 * A bad client or broker setting: what Kafka throws as
 * `org.apache.kafka.common.config.ConfigException`, with Kafka's message.
 *
 * Kafka builds most messages as "Invalid value <value> for configuration
 * <name>: <reason>" (`ConfigException(String name, Object value, String
 * message)`); `invalidValue` reproduces that form. Settings faultline rejects
 * where Kafka would only log (an unknown key) use the same class, and say so.
 */
export class KafkaConfigError extends Error {
  /** The name a Java client would print. */
  override readonly name = 'ConfigException';

  constructor(
    message: string,
    /** The configuration key at fault, when there is one. */
    readonly key?: string,
  ) {
    super(message);
  }

  /** `new ConfigException(name, value, reason)`. */
  static invalidValue(key: string, value: unknown, reason?: string): KafkaConfigError {
    return new KafkaConfigError(`Invalid value ${javaString(value)} for configuration ${key}${reason === undefined ? '' : `: ${reason}`}`, key);
  }
}

/** How Java's string concatenation would print a config value. */
function javaString(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}
