/**
 * Steps that take production config files (`config-file`): the loader reads
 * them through the reader it is given (here an in-memory map), the step uses
 * the modelled settings under its inline `config`, narrates the real keys it
 * ignores, and every problem is reported with file:line before anything runs.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/scenarios/runScenario';
import { loadScenarioFile } from '../../src/scenarios/scenarioFile';
import { validateScenario } from '../../src/scenarios/validate';
import { scenarioFileErrors } from '../support/scenarioFileErrors';

const REDIS_CONF = `# production redis.conf
bind 127.0.0.1 -::1
port 6379
daemonize no
appendonly yes
appendfsync always
save 900 1
save 300 10
maxmemory 2gb
`;

function scenario(steps: string): string {
  return `name: config-files\ntitle: t\nteaches: p\nsteps:\n${steps}`;
}

function reader(files: Record<string, string>) {
  return (path: string): string => {
    const text = files[path];
    if (text === undefined) throw new Error('no such file');
    return text;
  };
}

const errorsOf = (text: string, files: Record<string, string>): string[] => scenarioFileErrors(text, reader(files));

describe('config files: redis.conf', () => {
  it('redis-server takes the modelled settings of a redis.conf and narrates the ignored ones once', () => {
    const loaded = loadScenarioFile('s.yaml', scenario('  - redis-server: { host: cache, config-file: prod/redis.conf }\n'), reader({ 'prod/redis.conf': REDIS_CONF }));
    const result = runScenario(loaded);
    expect(result.failure).toBeNull();
    const config = result.world.redisHosts.get('cache')!.server!.config;
    expect(config.get('appendonly')).toBe(true);
    expect(config.get('appendfsync')).toBe('always');
    expect(config.get('save')).toEqual([
      { seconds: 900, changes: 1 },
      { seconds: 300, changes: 10 },
    ]);
    const notices = result.narration.filter((l) => l.text.includes('not modelled'));
    expect(notices.map((l) => l.text)).toEqual(['prod/redis.conf: not modelled, ignored: bind, port, daemonize, maxmemory']);
    expect(result.narration.some((l) => l.kind === 'step' && l.text.includes('with prod/redis.conf'))).toBe(true);
  });

  it('redis-restart takes a fixed redis.conf: this and later starts run with its settings', () => {
    const loaded = loadScenarioFile(
      's.yaml',
      scenario("  - redis-server: { host: cache, config: { appendonly: 'yes', appendfsync: 'no' } }\n  - redis-crash: cache\n  - redis-restart: { host: cache, config-file: fixed/redis.conf }\n"),
      reader({ 'fixed/redis.conf': 'appendonly yes\nappendfsync always\nport 6380\n' }),
    );
    const result = runScenario(loaded);
    expect(result.failure).toBeNull();
    expect(result.world.redisHosts.get('cache')!.server!.config.get('appendfsync')).toBe('always');
    expect(result.narration.map((l) => l.text)).toContain('fixed/redis.conf: not modelled, ignored: port');
  });

  it('inline config entries override the file', () => {
    const loaded = loadScenarioFile(
      's.yaml',
      scenario("  - redis-server: { config-file: redis.conf, config: { appendfsync: everysec, save: '' } }\n"),
      reader({ 'redis.conf': REDIS_CONF }),
    );
    const config = runScenario(loaded).world.redisHosts.get('redis')!.server!.config;
    expect(config.get('appendonly')).toBe(true);
    expect(config.get('appendfsync')).toBe('everysec');
    expect(config.get('save')).toEqual([]);
  });

  it('an error inside the file names the file and its line, in Redis words', () => {
    expect(errorsOf(scenario('  - redis-server: { config-file: prod/redis.conf }\n'), { 'prod/redis.conf': REDIS_CONF.replace('maxmemory 2gb', 'maxmemroy 2gb') })).toEqual([
      "prod/redis.conf:9: Bad directive or wrong number of arguments (did you mean 'maxmemory'?)",
    ]);
    expect(errorsOf(scenario('  - redis-server: { config-file: r.conf }\n'), { 'r.conf': 'appendfsync sometimes\n' })).toEqual([
      'r.conf:1: argument(s) must be one of the following: everysec, always, no',
    ]);
  });

  it('a file that cannot be read is bad input at the config-file field', () => {
    expect(errorsOf(scenario('  - redis-server: { host: cache, config-file: missing.conf }\n'), {})).toEqual([
      "s.yaml:5:34: cannot read config file 'missing.conf': no such file",
    ]);
  });

  it('a config-file the loader did not read (a spec from the TypeScript builder) is refused', () => {
    const spec = { name: 'built', title: 't', teaches: 'p', source: 'builder', steps: [{ kind: 'redis-server', args: { 'config-file': 'redis.conf' } }] };
    expect(() => validateScenario(spec)).toThrow(/'config-file' names a file, which only a scenario file run by 'faultline run' can read; 'redis.conf' was not read/);
  });
});

describe('config files: producer.properties and consumer.properties', () => {
  const PRODUCER = 'bootstrap.servers=kafka-1:9092,\\\n  kafka-2:9092\nacks=1\nlinger.ms = 20\ncompression.type: lz4\nkey.serializer=org.apache.kafka.common.serialization.StringSerializer\n';

  it('producer takes acks and linger.ms from the file, inline config over them, and narrates the rest as ignored', () => {
    const loaded = loadScenarioFile(
      's.yaml',
      scenario('  - kafka-cluster: { brokers: 1 }\n  - producer: { name: app, config-file: producer.properties, config: { linger.ms: 0 } }\n'),
      reader({ 'producer.properties': PRODUCER }),
    );
    const result = runScenario(loaded);
    expect(result.failure).toBeNull();
    const producer = result.world.kafka.producer('app')!;
    expect(producer.config.acks).toBe(1);
    expect(producer.config.lingerMs).toBe(0);
    expect(result.narration.map((l) => l.text)).toContain('producer.properties: not modelled, ignored: bootstrap.servers, compression.type, key.serializer');
  });

  it("a file's client.id is set aside: the step's name is the client's id", () => {
    const loaded = loadScenarioFile(
      's.yaml',
      scenario('  - kafka-cluster: { brokers: 1 }\n  - producer: { name: app, config-file: producer.properties }\n'),
      reader({ 'producer.properties': 'client.id=orders-service-7\nacks=all\n' }),
    );
    const result = runScenario(loaded);
    expect(result.failure).toBeNull();
    expect(result.world.kafka.producer('app')).toBeDefined();
    expect(result.narration.map((l) => l.text)).toContain("producer.properties: its client.id is set aside (the step's name is the client's id)");
  });

  it('an unknown producer key is an error at its line, with the suggestion', () => {
    const errors = errorsOf(scenario('  - producer: { name: app, config-file: p.properties }\n'), { 'p.properties': '# c\nacks=all\nlinger.msec=5\n' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^p\.properties:3: Unknown producer configuration 'linger\.msec'\. Did you mean 'linger\.ms'\?/);
  });

  it('a bad value is an error at its line', () => {
    const errors = errorsOf(scenario('  - consumer: { name: c1, config-file: c.properties }\n'), { 'c.properties': 'group.id=orders\nmax.poll.records=many\n' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^c\.properties:2: .*max\.poll\.records/);
  });

  it('consumer-app takes consumer.properties; its group field wins over the file', () => {
    const loaded = loadScenarioFile(
      's.yaml',
      scenario(
        '  - kafka-cluster: { brokers: 1 }\n  - create-topic: events\n  - consumer-app: { name: app, group: g1, topics: [events], config-file: consumer.properties }\n  - wait: 5s\n',
      ),
      reader({ 'consumer.properties': 'group.id=other\nmax.poll.records=7\nclient.rack=eu-1a\n' }),
    );
    const result = runScenario(loaded);
    expect(result.failure).toBeNull();
    expect(result.narration.map((l) => l.text)).toContain('consumer.properties: not modelled, ignored: client.rack');
    expect(result.narration.some((l) => l.text.includes('max.poll.records=7'))).toBe(true);
  });
});

describe('config files: server.properties', () => {
  const SERVER = `# KRaft broker
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://:9092,CONTROLLER://:9093
log.dirs=/var/lib/kafka/data
num.partitions=3
log.retention.hours=1
log.retention.check.interval.ms=300000
min.insync.replicas = 2
listener.name.internal.ssl.keystore.location=/etc/kafka/ks.jks
`;

  it('kafka-cluster takes the modelled broker settings as numbers, inline config over them, and narrates the rest as ignored', () => {
    const loaded = loadScenarioFile(
      's.yaml',
      scenario('  - kafka-cluster: { brokers: 3, config-file: server.properties, config: { log.retention.check.interval.ms: 1000 } }\n'),
      reader({ 'server.properties': SERVER }),
    );
    const result = runScenario(loaded);
    expect(result.failure).toBeNull();
    expect(result.world.kafka.settings).toMatchObject({ 'log.retention.hours': 1, 'log.retention.check.interval.ms': 1000, 'min.insync.replicas': 2 });
    expect(result.narration.map((l) => l.text)).toContain(
      'server.properties: not modelled, ignored: process.roles, node.id, listeners, log.dirs, num.partitions, listener.name.internal.ssl.keystore.location',
    );
  });

  it('a key Kafka does not know is an error at its line with the suggestion; so is a bad value', () => {
    const misspelt = SERVER.replace('log.retention.hours=1', 'log.retention.hour=1');
    expect(errorsOf(scenario('  - kafka-cluster: { config-file: server.properties }\n'), { 'server.properties': misspelt })).toEqual([
      "server.properties:7: Unknown broker config 'log.retention.hour'. Did you mean 'log.retention.hours'?",
    ]);
    const errors = errorsOf(scenario('  - kafka-cluster: { config-file: server.properties }\n'), { 'server.properties': SERVER.replace('min.insync.replicas = 2', 'min.insync.replicas = two') });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^server\.properties:9: Invalid value two for configuration min\.insync\.replicas/);
  });
});
