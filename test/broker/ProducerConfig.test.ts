import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { KafkaConfigError } from '../../src/broker/kafkaConfigError';
import { parseProducerConfig, retryBackoffMs, type ProducerConfig } from '../../src/broker/ProducerConfig';
import { Rng } from '../../src/sim/Rng';

function configError(f: () => unknown): KafkaConfigError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(KafkaConfigError);
    return error as KafkaConfigError;
  }
  throw new Error('expected a ConfigException');
}

describe('producer config: defaults', () => {
  it('an empty config gets Kafka 4.0 defaults, idempotent, acks=all', () => {
    const config = parseProducerConfig({});
    expect(config).toMatchObject<Partial<ProducerConfig>>({
      clientVersion: '4.0',
      clientId: 'producer-1',
      acks: -1,
      retries: 2147483647,
      retryBackoffMs: 100,
      retryBackoffMaxMs: 1000,
      deliveryTimeoutMs: 120_000,
      requestTimeoutMs: 30_000,
      lingerMs: 5,
      batchSizeBytes: 16384,
      maxInFlightRequestsPerConnection: 5,
      enableIdempotence: true,
      transactionalId: null,
      partitioner: 'built-in',
      partitionerIgnoreKeys: false,
      partitionerAdaptivePartitioningEnable: true,
      partitionerAvailabilityTimeoutMs: 0,
    });
    expect(config.explicitKeys).toEqual([]);
    expect(config.notes).toEqual([]);
  });

  it('linger.ms defaults to 0 for a 3.9 client (before KIP-1030)', () => {
    expect(parseProducerConfig({}, { clientVersion: '3.9' }).lingerMs).toBe(0);
  });

  it('client.id defaults to producer-<sequence>, or producer-<transactional.id>', () => {
    expect(parseProducerConfig({}, { clientIdSequence: 3 }).clientId).toBe('producer-3');
    expect(parseProducerConfig({ 'transactional.id': 'tx-a' }).clientId).toBe('producer-tx-a');
    expect(parseProducerConfig({ 'client.id': 'billing' }).clientId).toBe('billing');
  });
});

describe('producer config: values and types', () => {
  it.each([
    [0, 0],
    [1, 1],
    [-1, -1],
    ['all', -1],
    ['0', 0],
    ['1', 1],
    ['-1', -1],
    [' all ', -1],
  ] as const)('acks %j means %d', (acks, expected) => {
    expect(parseProducerConfig({ acks, 'enable.idempotence': false }).acks).toBe(expected);
  });

  it('acks outside all, -1, 0, 1 is rejected with the ValidString message', () => {
    expect(configError(() => parseProducerConfig({ acks: 2 })).message).toBe('Invalid value 2 for configuration acks: Expected value to be a string, but it was a number');
    expect(configError(() => parseProducerConfig({ acks: 'ALL' })).message).toBe('Invalid value ALL for configuration acks: String must be one of: all, -1, 0, 1');
    expect(configError(() => parseProducerConfig({ acks: 'leader' })).key).toBe('acks');
  });

  it('integers may be given as numbers or decimal strings, as ConfigDef.parseType allows', () => {
    const config = parseProducerConfig({ 'linger.ms': '20', 'batch.size': 32768, retries: ' 3 ' });
    expect([config.lingerMs, config.batchSizeBytes, config.retries]).toEqual([20, 32768, 3]);
  });

  it('wrong types and ranges name the key, the value and the rule, in Kafka words', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ 'linger.ms': 'soon' }, 'Invalid value soon for configuration linger.ms: Not a number of type LONG'],
      [{ 'linger.ms': 1.5 }, 'Invalid value 1.5 for configuration linger.ms: Not a number of type LONG'],
      [{ 'batch.size': true }, 'Invalid value true for configuration batch.size: Expected value to be a 32-bit integer, but it was a boolean'],
      [{ 'batch.size': 2 ** 31 }, 'Invalid value 2147483648 for configuration batch.size: Not a number of type INT'],
      [{ retries: -1 }, 'Invalid value -1 for configuration retries: Value must be at least 0'],
      [{ 'max.in.flight.requests.per.connection': 0 }, 'Invalid value 0 for configuration max.in.flight.requests.per.connection: Value must be at least 1'],
      [{ 'enable.idempotence': 'yes' }, 'Invalid value yes for configuration enable.idempotence: Expected value to be either true or false'],
      [{ 'client.id': 7 }, 'Invalid value 7 for configuration client.id: Expected value to be a string, but it was a number'],
      [{ 'request.timeout.ms': null }, 'Invalid value null for configuration request.timeout.ms: Value must be non-null'],
      [{ 'transactional.id': '' }, 'Invalid value  for configuration transactional.id: String must be non-empty'],
    ];
    for (const [input, message] of cases) expect(configError(() => parseProducerConfig(input)).message).toBe(message);
  });

  it('booleans accept true/false in any case, as strings too', () => {
    expect(parseProducerConfig({ 'partitioner.ignore.keys': 'TRUE' }).partitionerIgnoreKeys).toBe(true);
    expect(parseProducerConfig({ 'enable.idempotence': ' false ' }).enableIdempotence).toBe(false);
  });

  it('an unknown key is refused with the nearest known key and the modelled ones (Kafka would only warn)', () => {
    const error = configError(() => parseProducerConfig({ 'linger.msec': 5 }));
    expect(error.key).toBe('linger.msec');
    expect(error.message).toContain("Unknown producer configuration 'linger.msec'. Did you mean 'linger.ms'?");
    expect(error.message).toContain('Modelled keys: retries, acks, batch.size');
    expect(configError(() => parseProducerConfig({ 'enable.idempotency': true })).message).toContain("Did you mean 'enable.idempotence'?");
    expect(configError(() => parseProducerConfig({ colour: 'blue' })).message).not.toContain('Did you mean');
  });

  it('real producer keys without a role in the simulation are accepted and listed', () => {
    const config = parseProducerConfig({
      'bootstrap.servers': 'b1:9092',
      'key.serializer': 'org.apache.kafka.common.serialization.StringSerializer',
      'ssl.truststore.location': '/x',
      acks: 'all',
    });
    expect(config.unmodelled).toEqual(['bootstrap.servers', 'key.serializer', 'ssl.truststore.location']);
    expect(config.explicitKeys).toEqual(['bootstrap.servers', 'key.serializer', 'ssl.truststore.location', 'acks']);
  });

  it('undefined values count as unset', () => {
    expect(parseProducerConfig({ acks: undefined, 'enable.idempotence': undefined }).explicitKeys).toEqual([]);
  });
});

describe('producer config: partitioner choice', () => {
  it('partitioner.class selects the round-robin or pre-2.4 partitioner; unset is built-in', () => {
    expect(parseProducerConfig({ 'partitioner.class': 'org.apache.kafka.clients.producer.RoundRobinPartitioner' }).partitioner).toBe('round-robin');
    expect(parseProducerConfig({ 'partitioner.class': 'legacy-default' }).partitioner).toBe('legacy-default');
    expect(parseProducerConfig({ 'partitioner.class': null }).partitioner).toBe('built-in');
  });

  it('an unknown partitioner class lists the modelled ones', () => {
    const message = configError(() => parseProducerConfig({ 'partitioner.class': 'com.acme.Partitioner' })).message;
    expect(message).toMatch(/^Invalid value com\.acme\.Partitioner for configuration partitioner\.class: Class com\.acme\.Partitioner could not be found\./);
    expect(message).toContain('org.apache.kafka.clients.producer.RoundRobinPartitioner');
  });
});

describe('producer config: idempotence (ProducerConfig.postProcessAndValidateIdempotenceConfigs)', () => {
  it.each([
    [{ acks: 1 }, "Idempotence will be disabled because acks is set to 1, not set to 'all'."],
    [{ acks: '0' }, "Idempotence will be disabled because acks is set to 0, not set to 'all'."],
    [{ retries: 0 }, 'Idempotence will be disabled because retries is set to 0.'],
  ])('a conflicting %j without enable.idempotence silently turns idempotence off', (input, note) => {
    const config = parseProducerConfig(input);
    expect(config.enableIdempotence).toBe(false);
    expect(config.notes).toEqual([note]);
  });

  it.each([
    [{ acks: 1 }, 'Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.', 'acks'],
    [{ retries: 0 }, 'Must set retries to non-zero when using the idempotent producer.', 'retries'],
  ])('the same conflict %j with enable.idempotence=true explicitly is a ConfigException', (input, message, key) => {
    const error = configError(() => parseProducerConfig({ ...input, 'enable.idempotence': true }));
    expect(error.message).toBe(message);
    expect(error.key).toBe(key);
    expect(error.name).toBe('ConfigException');
  });

  it('with several conflicts the first in Kafka order (retries, acks, in-flight) is reported', () => {
    expect(configError(() => parseProducerConfig({ acks: 1, retries: 0, 'enable.idempotence': true })).key).toBe('retries');
  });

  it('4.0: more than 5 in flight fails even when idempotence is only the default (KAFKA-17927)', () => {
    expect(configError(() => parseProducerConfig({ 'max.in.flight.requests.per.connection': 6 })).message).toBe(
      'To use the idempotent producer, max.in.flight.requests.per.connection must be set to at most 5. Current value is 6.',
    );
    expect(parseProducerConfig({ 'max.in.flight.requests.per.connection': 6, 'enable.idempotence': false }).maxInFlightRequestsPerConnection).toBe(6);
  });

  it('3.9: more than 5 in flight turns default idempotence off with a warning, and fails when explicit', () => {
    const config = parseProducerConfig({ 'max.in.flight.requests.per.connection': 6 }, { clientVersion: '3.9' });
    expect(config.enableIdempotence).toBe(false);
    expect(config.notes).toEqual([
      'Idempotence will be disabled because max.in.flight.requests.per.connection is set to 6, which is greater than 5. Please note that in v4.0.0 and onward, this will become an error.',
    ]);
    expect(
      configError(() => parseProducerConfig({ 'max.in.flight.requests.per.connection': 6, 'enable.idempotence': 'true' }, { clientVersion: '3.9' })).message,
    ).toBe('Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.');
  });

  it('a conflict with acks=1 and 6 in flight still fails on 4.0 (the in-flight check does not look at explicitness)', () => {
    expect(configError(() => parseProducerConfig({ acks: 1, 'max.in.flight.requests.per.connection': 6 })).key).toBe('max.in.flight.requests.per.connection');
  });

  it('transactional.id needs idempotence', () => {
    expect(configError(() => parseProducerConfig({ 'transactional.id': 'tx', acks: 1 })).message).toBe(
      'Cannot set a transactional.id without also enabling idempotence.',
    );
  });

  it('enable.idempotence=false explicitly never throws for conflicts', () => {
    const config = parseProducerConfig({ 'enable.idempotence': false, acks: 0, retries: 0 });
    expect(config.enableIdempotence).toBe(false);
    expect(config.notes).toEqual([]);
  });

  test.prop(
    [
      fc.record(
        {
          acks: fc.constantFrom(0, 1, -1, 'all', '0', '1', '-1'),
          retries: fc.constantFrom(0, 1, 2147483647),
          'max.in.flight.requests.per.connection': fc.integer({ min: 1, max: 5 }),
          'enable.idempotence': fc.boolean(),
        },
        { requiredKeys: [] },
      ),
    ],
    { seed: 424242 },
  )('producer config (seed 424242): idempotence is on exactly when acks=all, retries > 0 and not turned off', (input) => {
    const acksAll = input.acks === undefined || input.acks === -1 || input.acks === 'all' || input.acks === '-1';
    const retries = input.retries ?? 2147483647;
    const wanted = input['enable.idempotence'] ?? true;
    const conflict = !acksAll || retries === 0;
    if (wanted && conflict && input['enable.idempotence'] === true) {
      expect(() => parseProducerConfig(input)).toThrow(KafkaConfigError);
    } else {
      expect(parseProducerConfig(input).enableIdempotence).toBe(wanted && !conflict);
    }
  });
});

describe('producer config: delivery.timeout.ms (KafkaProducer.configureDeliveryTimeout)', () => {
  it('an explicit delivery.timeout.ms below linger.ms + request.timeout.ms is a ConfigException', () => {
    const error = configError(() => parseProducerConfig({ 'delivery.timeout.ms': 30_000, 'linger.ms': 10 }));
    expect(error.message).toBe('delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms');
    expect(error.key).toBe('delivery.timeout.ms');
  });

  it('the default delivery.timeout.ms is raised to linger.ms + request.timeout.ms with a warning', () => {
    const config = parseProducerConfig({ 'request.timeout.ms': 200_000 });
    expect(config.deliveryTimeoutMs).toBe(200_005);
    expect(config.notes).toEqual(['delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms. Setting it to 200005.']);
  });

  it('exactly linger.ms + request.timeout.ms is accepted', () => {
    expect(parseProducerConfig({ 'delivery.timeout.ms': 30_005 }).deliveryTimeoutMs).toBe(30_005);
    expect(() => parseProducerConfig({ 'delivery.timeout.ms': 30_004 })).toThrow(KafkaConfigError);
  });
});

describe('producer config: retry backoff (KIP-580 ExponentialBackoff)', () => {
  const rng = new Rng('backoff');

  it('doubles from retry.backoff.ms within +-20% and caps at retry.backoff.max.ms', () => {
    const config = parseProducerConfig({});
    for (let attempts = 0; attempts < 8; attempts++) {
      const expected = Math.min(100 * 2 ** attempts, 1000);
      for (let i = 0; i < 50; i++) {
        const ms = retryBackoffMs(config, attempts, rng);
        expect(ms).toBeGreaterThanOrEqual(Math.floor(expected * 0.8));
        expect(ms).toBeLessThanOrEqual(Math.min(expected * 1.2, 1000));
      }
    }
  });

  it('is a constant retry.backoff.max.ms when retry.backoff.ms is larger, and says so', () => {
    const config = parseProducerConfig({ 'retry.backoff.ms': 5000 });
    expect([0, 1, 5].map((a) => retryBackoffMs(config, a, rng))).toEqual([1000, 1000, 1000]);
    expect(config.notes).toEqual([
      "Configuration 'retry.backoff.ms' with value '5000' is greater than configuration 'retry.backoff.max.ms' with value '1000'. A static backoff with value '1000' will be applied.",
    ]);
  });
});
