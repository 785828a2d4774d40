/**
 * Scenarios the step-robustness property (stepRobustness.property.test.ts)
 * found crashing faultline with a stack trace, kept as named regressions:
 * each is now refused when the file is checked, stops at its step with a
 * sentence (file:line), or runs.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, type RunResult } from '../../src/scenarios/runScenario';
import { loadScenarioFile } from '../../src/scenarios/scenarioFile';
import { ScenarioErrors } from '../../src/scenarios/ScenarioError';

function file(steps: string): string {
  return `name: regression\ntitle: A regression\nteaches: |\n  A paragraph.\nsteps:\n${steps}`;
}

/** The errors of a file refused when checked. */
function refused(steps: string): string[] {
  try {
    loadScenarioFile('s.yaml', file(steps));
  } catch (error) {
    if (error instanceof ScenarioErrors) return error.errors.map((e) => e.format());
    throw error;
  }
  throw new Error('the file was accepted');
}

function run(steps: string): RunResult {
  return runScenario(loadScenarioFile('s.yaml', file(steps)), { recordTrace: false });
}

/** The sentence a run stopped with, with its location. */
function stoppedWith(steps: string): string {
  const result = run(steps);
  expect(result.failure).not.toBeNull();
  return result.failure!.format();
}

describe('step robustness regressions: bad input gets a sentence, never a stack trace', () => {
  it('delete-topic with a replica on a broker that lost power (its log directory was not durable yet)', () => {
    const result = run(`  - kafka-cluster: { brokers: 1 }
  - create-topic: { name: events }
  - broker-power-loss: 1
  - delete-topic: events
  - broker-restart: 1
  - wait: 30s
  - create-topic: { name: events }
  - produce: { topic: events, count: 2 }
  - wait: 10s
  - expect: { that: logEndOffset events-0, equals: 2 }
`);
    expect(result.failure).toBeNull();
    expect(result.passed).toBe(true);
  });

  it('a producer whose config sets another client.id than its name', () => {
    expect(refused(`  - producer: app
  - producer: { name: nobody, config: { client.id: app } }
`)).toEqual(["s.yaml:7:5: a producer's name is its client.id: leave 'client.id' out of its config, or name the producer 'app'"]);
  });

  it('a consumer whose config sets another client.id than its name', () => {
    expect(refused(`  - consumer: { name: c1, config: { client.id: c2 } }
`)).toEqual(["s.yaml:6:5: a consumer's name is its client.id: leave 'client.id' out of its config, or name the consumer 'c2'"]);
  });

  it('a client named like a broker or the controller', () => {
    expect(refused(`  - producer: broker-1
  - consumer: controller
`)).toEqual([
      "s.yaml:6:5: 'broker-1' is the network name of a broker; a client's client.id must be another",
      "s.yaml:7:5: 'controller' is the network name of the controller; a client's client.id must be another",
    ]);
  });

  it('a consumer application with the client.id of a running consumer', () => {
    expect(
      stoppedWith(`  - create-topic: events
  - consumer: { name: w1, assign: [events-0] }
  - consumer-app: { name: w1, group: g1, topics: [events] }
`),
    ).toBe("s.yaml:8:5: a consumer with client.id 'w1' is already running; crash or close it first");
  });

  it("a consumer with the client.id of a running application's consumer, and the application's restart after a consumer took it", () => {
    expect(
      stoppedWith(`  - create-topic: events
  - consumer-app: { name: w1, group: g1, topics: [events], config: { client.id: c1 } }
  - consumer: { name: c1, assign: [events-0] }
`),
    ).toBe("s.yaml:8:5: a consumer with client.id 'c1' is already running (application w1's); crash or close it first");
    expect(
      stoppedWith(`  - create-topic: events
  - consumer-app: { name: w1, group: g1, topics: [events] }
  - consumer-crash: w1
  - consumer: { name: w1, assign: [events-0] }
  - consumer-restart: w1
`),
    ).toBe("s.yaml:10:5: a consumer with client.id 'w1' is already running; crash or close it first");
  });

  it('a consumer sharing its client.id (its network endpoint) with a producer', () => {
    expect(
      stoppedWith(`  - create-topic: events
  - producer: app
  - consumer-app: { name: c1, group: g2, topics: [events], config: { client.id: app } }
`),
    ).toBe("s.yaml:8:5: client.id 'app' is producer app's network endpoint; give the consumer another");
    expect(
      stoppedWith(`  - create-topic: events
  - consumer: { name: c1, assign: [events-0] }
  - producer: c1
`),
    ).toBe("s.yaml:8:5: client.id 'c1' is consumer c1's network endpoint; give the producer another");
  });

  it("a poll step on a consumer application's consumer, before its poll loop first ran", () => {
    expect(
      stoppedWith(`  - create-topic: orders
  - consumer-app: { name: c1, group: g1, topics: [orders] }
  - poll: { consumer: c1, timeout: 1s }
`),
    ).toBe('s.yaml:8:5: c1 is a consumer application: its poll loop polls, a poll step cannot');
  });

  it('a second kafka-cluster while a consumer application runs on the first', () => {
    const result = run(`  - kafka-cluster: { brokers: 3 }
  - create-topic: { name: events, replication-factor: 2 }
  - consumer-app: { name: c1, group: g1, topics: [events] }
  - kafka-cluster: { brokers: 3 }
  - wait: 30s
  - expect: { that: appState c1, equals: crashed }
`);
    expect(result.failure).toBeNull();
    expect(result.passed).toBe(true);
  });

  it('consumer-restart of an application whose cluster a later kafka-cluster halted', () => {
    expect(
      stoppedWith(`  - kafka-cluster: { brokers: 1 }
  - create-topic: events
  - consumer-app: { name: c1, group: g1, topics: [events] }
  - kafka-cluster: { brokers: 1 }
  - consumer-restart: c1
`),
    ).toBe("s.yaml:10:5: consumer application 'c1' ran on a Kafka cluster that a later kafka-cluster step halted; start a new consumer-app on the current one");
  });

  it('redis-edit-aof on a host that has no AOF', () => {
    expect(
      stoppedWith(`  - redis-server: { config: { appendonly: 'no' } }
  - redis-crash: redis
  - redis-edit-aof: { remove: set }
`),
    ).toBe('s.yaml:8:5: redis: /var/lib/redis/appendonlydir/appendonly.aof.manifest: No such file or directory (no AOF to edit)');
  });

  it('lookup-offset and correct-offsets on a partition with no leader', () => {
    const leaderless = `  - kafka-cluster: { brokers: 1 }
  - create-topic: events
  - produce: { topic: events, count: 3 }
  - broker-crash: 1
  - wait: 1m
`;
    expect(stoppedWith(`${leaderless}  - lookup-offset: { topic: events, offset: 1 }\n`)).toBe(
      "s.yaml:11:5: events-0 has no leader now (replicas: 1): there is no leader's log to find offset 1 in",
    );
    expect(stoppedWith(`${leaderless}  - correct-offsets: { group: g, topic: events }\n`)).toBe('s.yaml:11:5: cannot list the offsets of events-0: it has no available leader');
  });

  it('a network partition or heal with an endpoint on both sides, or no one left on the other side', () => {
    expect(refused(`  - network: { kind: heal, between: [broker-2], and: [broker-2] }
  - network: { kind: partition, between: w1, and: [w1, broker-1] }
`)).toEqual([
      "s.yaml:6:5: network fault 'heal': broker-2 on both sides ('between' and 'and')",
      "s.yaml:7:5: network fault 'partition': w1 on both sides ('between' and 'and')",
    ]);
    expect(
      stoppedWith(`  - kafka-cluster: { brokers: 1 }
  - network: { kind: partition, between: [broker-1, controller] }
`),
    ).toBe('s.yaml:7:5: network: no one is left on the other side of broker-1, controller (endpoints: broker-1, controller)');
  });

  it('intervals of 0 that would make a scheduler spin: log.flush.scheduler.interval.ms and heartbeat.interval.ms', () => {
    expect(refused(`  - kafka-cluster: { brokers: 2, config: { log.flush.scheduler.interval.ms: 0 } }
  - consumer: { name: c1, config: { group.id: g1, heartbeat.interval.ms: 0 } }
`)).toEqual([
      's.yaml:6:5: Invalid value 0 for configuration log.flush.scheduler.interval.ms: faultline needs at least 1 (Kafka accepts 0 and then runs the log flusher only once)',
      's.yaml:7:5: ConfigException: Invalid value 0 for configuration heartbeat.interval.ms: faultline needs at least 1 (Kafka accepts 0, and its heartbeat thread then sends without pause)',
    ]);
  });

  it("redis-server with dbfilename '' (Redis accepts it): no dump to load, the server starts empty", () => {
    const result = run(`  - redis-server: { config: { dbfilename: '' } }
  - redis: SET k v
  - expect: { that: redisRunning redis, equals: true }
  - redis: SAVE
`);
    expect(result.failure).toBeNull();
    expect(result.passed).toBe(true);
    // rdbSave's rename(tmpfile, "") fails with ENOENT; joined to dir it would have named the directory (EISDIR).
    expect(result.narration.map((line) => line.text)).toContainEqual(
      expect.stringMatching(/Error moving temp DB file temp-\d+\.rdb on the final destination {2}\(in server root dir \/var\/lib\/redis\): No such file or directory$/),
    );
  });

  it('redis-server with a save rate of 0 and redis-populate with values beyond what the simulator holds as strings', () => {
    expect(refused(`  - redis-server: { save-rate: 0 }
  - redis-populate: { count: 1, size: 536870912 }
`)).toEqual([
      "s.yaml:6:5: 'save-rate' must be more than 0 bytes per second (a save that writes nothing never ends)",
      "s.yaml:7:33: 'size' must be at most 67108864 (faultline's bound, not Redis's: values are held in memory), got 536870912",
    ]);
  });

  it('partition counts and populated data beyond what the simulator holds', () => {
    expect(refused(`  - create-topic: { name: events, partitions: 1000000 }
  - add-partitions: { topic: events, partitions: 20000 }
  - redis-populate: { count: 10000000, size: 1000 }
`)).toEqual([
      "s.yaml:6:35: 'partitions' must be at most 10000 (faultline's bound, not Kafka's: every partition's replicas are simulated in memory), got 1000000",
      "s.yaml:7:38: 'partitions' must be at most 10000 (faultline's bound, not Kafka's: every partition's replicas are simulated in memory), got 20000",
      "s.yaml:8:5: 'count' times 'size' must be at most 1 GiB (10000000 keys of 1000 bytes): the simulator holds every value in memory",
    ]);
  });
});
