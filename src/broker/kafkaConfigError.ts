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

/**
 * A bound faultline sets where Kafka validates nothing, with what Kafka does
 * instead, said in the error.
 */
export interface FaultlineMinimum {
  readonly min: number;
  readonly kafka: string;
}

/** Throws when `n` is below a faultline bound: "faultline needs at least 1 (Kafka ...)". */
export function checkFaultlineMinimum(key: string, n: number, bound: FaultlineMinimum | undefined): void {
  if (bound !== undefined && n < bound.min) throw KafkaConfigError.invalidValue(key, n, `faultline needs at least ${bound.min} (${bound.kafka})`);
}

/** How Java's string concatenation would print a config value. */
function javaString(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}
