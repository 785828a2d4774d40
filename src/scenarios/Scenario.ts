/**
 * A scenario: a paragraph on what it teaches, steps a learner can follow, and
 * expectations that can fail. Written in TypeScript with the builder below,
 * or in YAML with the same steps (see scenarioFile.ts).
 *
 *   scenario({ name: 'retention-deletes-under-stored-offset', ... })
 *     .createTopic('events', { config: { 'retention.ms': '3m' } })
 *     .produce('events', { count: 16, interval: '1s' })
 *     .wait('10m')
 *     .expect('logStartOffset events-0', { equals: 20, because: '...' })
 *     .build();
 */
import { parseDuration } from './duration';
import type { StepSpec } from './Step';

export interface ScenarioMeta {
  readonly name: string;
  /** A one-line title. */
  readonly title: string;
  /** What it teaches: a paragraph, shown before the timeline. */
  readonly teaches: string;
  /** The setting that prevents the failure, if the scenario shows one. */
  readonly fix?: string;
  readonly seed?: string | number;
  /** ISO instant the simulated clock starts at. */
  readonly start?: string;
}

export interface ScenarioSpec extends ScenarioMeta {
  readonly steps: readonly StepSpec[];
  /** Where it came from: `built-in` or a file path. */
  readonly source: string;
}

type Args = Record<string, unknown>;

export class ScenarioBuilder {
  private readonly steps: StepSpec[] = [];

  constructor(private readonly meta: ScenarioMeta) {}

  /** Any step by kind, with its arguments as a YAML file would give them. */
  step(kind: string, args: Args = {}): this {
    this.steps.push({ kind, args, location: `${this.meta.name}, step ${this.steps.length + 1} (${kind})` });
    return this;
  }

  note(text: string): this {
    return this.step('note', { text });
  }

  wait(duration: string | number): this {
    if (parseDuration(duration) === null) throw new Error(`wait: '${duration}' is not a duration`);
    return this.step('wait', { for: duration });
  }

  kafkaCluster(args: { brokers?: number; config?: Args; version?: string; 'follower-truncation'?: string }): this {
    return this.step('kafka-cluster', args);
  }

  createTopic(name: string, args: Args = {}): this {
    return this.step('create-topic', { name, ...args });
  }

  addPartitions(topic: string, partitions: number, args: Args = {}): this {
    return this.step('add-partitions', { topic, partitions, ...args });
  }

  describeTopic(topic: string): this {
    return this.step('describe-topic', { topic });
  }

  produce(topic: string, args: Args = {}): this {
    return this.step('produce', { topic, ...args });
  }

  consume(topic: string, args: Args): this {
    return this.step('consume', { topic, ...args });
  }

  fetch(topic: string, args: Args): this {
    return this.step('fetch', { topic, ...args });
  }

  listOffsets(topic: string, args: Args): this {
    return this.step('list-offsets', { topic, ...args });
  }

  lookupOffset(topic: string, offset: number, args: Args = {}): this {
    return this.step('lookup-offset', { topic, offset, ...args });
  }

  storeOffset(args: { group: string; topic: string; partition?: number; offset: number }): this {
    return this.step('store-offset', args);
  }

  correctOffsets(args: Args): this {
    return this.step('correct-offsets', args);
  }

  redisServer(host: string, args: Args = {}): this {
    return this.step('redis-server', { host, ...args });
  }

  /** A command to a Redis host: `'SET k v'` or a list of arguments; `repeat`, `interval`, `as` in args. */
  redis(host: string, command: string | readonly string[], args: Args = {}): this {
    return this.step('redis', { host, command, ...args });
  }

  redisPipeline(host: string, pipeline: readonly (string | readonly string[])[], args: Args = {}): this {
    return this.step('redis', { host, pipeline, ...args });
  }

  redisCrash(host: string): this {
    return this.step('redis-crash', { host });
  }

  redisPowerLoss(host: string): this {
    return this.step('redis-power-loss', { host });
  }

  redisRestart(host: string, args: Args = {}): this {
    return this.step('redis-restart', { host, ...args });
  }

  redisFault(host: string, args: Args): this {
    return this.step('redis-fault', { host, ...args });
  }

  /** A stream job keeping its offsets in Redis (see steps/streamJobSteps.ts). */
  streamJob(args: Args): this {
    return this.step('stream-job', args);
  }

  /** Kill the job now, or (with `at`) inside its next batch. */
  streamJobCrash(args: Args = {}): this {
    return this.step('stream-job-crash', args);
  }

  streamJobRestart(args: Args = {}): this {
    return this.step('stream-job-restart', args);
  }

  checkDelivery(args: Args = {}): this {
    return this.step('check-delivery', args);
  }

  /** A consumer application in a group (see steps/consumerSteps.ts): `{ name, group, topics, commit, processing, ... }`. */
  consumerApp(args: Args): this {
    return this.step('consumer-app', args);
  }

  /** A bare consumer client: `consumer('c1', { 'group.id': 'g' }, { subscribe: ['events'] })`. */
  consumer(name: string, config: Args = {}, args: Args = {}): this {
    return this.step('consumer', { name, config, ...args });
  }

  poll(consumer: string, args: Args = {}): this {
    return this.step('poll', { consumer, ...args });
  }

  commitSync(consumer: string, args: Args = {}): this {
    return this.step('commit-sync', { consumer, ...args });
  }

  commitAsync(consumer: string, args: Args = {}): this {
    return this.step('commit-async', { consumer, ...args });
  }

  seek(consumer: string, partition: string, args: Args): this {
    return this.step('seek', { consumer, partition, ...args });
  }

  consumerCrash(name: string): this {
    return this.step('consumer-crash', { name });
  }

  consumerRestart(name: string): this {
    return this.step('consumer-restart', { name });
  }

  consumerClose(name: string): this {
    return this.step('consumer-close', { name });
  }

  describeGroup(group: string, args: Args = {}): this {
    return this.step('describe-group', { group, ...args });
  }

  producer(name: string, config: Args = {}, args: Args = {}): this {
    return this.step('producer', { name, config, ...args });
  }

  /** Records through a producer; waits for their outcomes unless `wait: false`. */
  send(producer: string, topic: string, args: Args = {}): this {
    return this.step('send', { producer, topic, ...args });
  }

  brokerCrash(broker: number): this {
    return this.step('broker-crash', { broker });
  }

  brokerPowerLoss(broker: number): this {
    return this.step('broker-power-loss', { broker });
  }

  brokerRestart(broker: number): this {
    return this.step('broker-restart', { broker });
  }

  brokerShutdown(broker: number): this {
    return this.step('broker-shutdown', { broker });
  }

  /** A network fault value: `{ kind: 'partition', between: 'broker-1', and: ['broker-2'] }`, `{ kind: 'heal' }`, ... */
  network(fault: Args): this {
    return this.step('network', fault);
  }

  waitUntil(that: string, condition: { equals?: unknown; 'at-least'?: number; 'at-most'?: number; within: string | number; because?: string }): this {
    return this.step('wait-until', { that, ...condition });
  }

  inspectLog(topic: string, broker: number, args: Args = {}): this {
    return this.step('inspect-log', { topic, broker, ...args });
  }

  check(args: Args = {}): this {
    return this.step('check', args);
  }

  expect(that: string, comparison: { equals?: unknown; 'at-least'?: number; 'at-most'?: number; because?: string }): this {
    return this.step('expect', { that, ...comparison });
  }

  build(): ScenarioSpec {
    return { ...this.meta, steps: [...this.steps], source: 'built-in' };
  }
}

export function scenario(meta: ScenarioMeta): ScenarioBuilder {
  return new ScenarioBuilder(meta);
}
