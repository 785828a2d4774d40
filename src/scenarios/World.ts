/**
 * The world a scenario runs in: one simulation (clock, queue, seeded RNG,
 * trace) and the systems the steps create in it, plus what the steps leave
 * for later steps and for expectations: named results, stored offsets, and the
 * narration a reader follows.
 *
 * Systems are created lazily by the first step that needs them, with the
 * defaults a real installation would have, unless an earlier step configured
 * them.
 */
import { Partitioner } from '../broker/partitioner';
import { KafkaCluster } from '../broker/KafkaCluster';
import type { ReplicationOptions } from '../broker/BrokerConfig';
import type { BrokerLogSettings } from '../broker/LogConfig';
import { RedisHost, type RedisHostOptions } from '../redis/persistence/RedisHost';
import { assert } from '../sim/assert';
import { Simulation } from '../sim/Simulation';
import type { TraceValue } from '../sim/Trace';

/** One line of the narrated timeline. */
export interface NarrationLine {
  readonly atMs: number;
  /** `step`: what a step does; `detail`: its output; `event`: something the system did; `expect`: a check. */
  readonly kind: 'step' | 'detail' | 'event' | 'expect' | 'note';
  readonly text: string;
  /** Index of the step that produced it. */
  readonly step: number;
}

export interface ExpectationResult {
  readonly step: number;
  readonly description: string;
  readonly passed: boolean;
  readonly expected: string;
  readonly actual: string;
  readonly because: string | null;
  /** Where the expectation was written (file:line), when known. */
  readonly location: string | null;
}

/**
 * Something whose processing `check-delivery` can count: the topics it reads
 * and, per record id, how many times it processed it (or why that cannot be
 * read now).
 */
export interface DeliveryTarget {
  readonly topics: readonly string[];
  counts(): ReadonlyMap<string, number> | string;
}

export interface WorldOptions {
  readonly seed: string | number;
  readonly startMs?: number;
  readonly recordTrace?: boolean;
}

export class World {
  readonly sim: Simulation;
  readonly results = new Map<string, TraceValue>();
  /** The plain offset store: group ⇒ topic ⇒ partition ⇒ next offset to read. */
  readonly storedOffsets = new Map<string, Map<string, Map<number, number>>>();
  readonly narration: NarrationLine[] = [];
  readonly expectations: ExpectationResult[] = [];
  /** Counters a scenario's summary reports (records lost, duplicated, ...). */
  readonly counters = new Map<string, number>();
  /**
   * Values of records appended by `produce` steps, per topic: with the
   * producers' acknowledged sends, what a consumer should end up processing.
   */
  readonly producedValues = new Map<string, string[]>();
  /** Simulated Redis hosts by name, in creation order. */
  readonly redisHosts = new Map<string, RedisHost>();
  /** Consumer applications (and anything else) `check-delivery` can measure, by name. */
  readonly deliveryTargets = new Map<string, DeliveryTarget>();
  currentStep = -1;
  private kafkaCluster: KafkaCluster | undefined;
  private brokerIds: number[] = [1];
  private brokerSettings: BrokerLogSettings = {};
  private kafkaReplication: ReplicationOptions = {};
  private readonly partitioners = new Map<string, Partitioner>();
  private readonly narrationListeners: ((line: NarrationLine) => void)[] = [];

  constructor(options: WorldOptions) {
    this.sim = new Simulation({ seed: options.seed, startMs: options.startMs, recordTrace: options.recordTrace ?? true });
  }

  get nowMs(): number {
    return this.sim.nowMs;
  }

  /** Configure the Kafka cluster before it exists. */
  configureKafka(brokerIds: number[], settings: BrokerLogSettings, replication: ReplicationOptions = {}): void {
    assert(this.kafkaCluster === undefined, 'the Kafka cluster already exists; configure it in the first Kafka step');
    this.brokerIds = brokerIds;
    this.brokerSettings = settings;
    this.kafkaReplication = replication;
  }

  /**
   * Start a fresh Kafka cluster on the same clock (a scenario comparing two
   * settings side by side); later Kafka steps use it. The caller halts the
   * previous cluster (KafkaCluster.halt) if it should go quiet.
   */
  startAnotherKafka(brokerIds: number[], settings: BrokerLogSettings, replication: ReplicationOptions = {}): void {
    this.kafkaCluster = undefined;
    this.configureKafka(brokerIds, settings, replication);
  }

  get hasKafka(): boolean {
    return this.kafkaCluster !== undefined;
  }

  get kafka(): KafkaCluster {
    if (this.kafkaCluster === undefined) {
      this.kafkaCluster = new KafkaCluster({ sim: this.sim, brokerIds: this.brokerIds, brokerSettings: this.brokerSettings, replication: this.kafkaReplication });
      this.sim.trace.emit('kafka.start', { brokers: this.brokerIds });
    }
    return this.kafkaCluster;
  }

  /** The partitioner of a named producer (built-in sticky unless configured). */
  partitioner(producer: string, kind: Partitioner['kind'] = 'built-in'): Partitioner {
    let partitioner = this.partitioners.get(producer);
    if (partitioner === undefined) {
      partitioner = new Partitioner({ kind, rng: this.sim.rng.fork(`producer/${producer}/partitioner`), batchSizeBytes: 16_384 });
      this.partitioners.set(producer, partitioner);
    }
    return partitioner;
  }

  /** A new simulated Redis host (its disk and, once started, its redis-server). */
  addRedisHost(name: string, options: Omit<RedisHostOptions, 'sim' | 'name'> = {}): RedisHost {
    assert(!this.redisHosts.has(name), () => `redis host '${name}' already exists`);
    const host = new RedisHost({ ...options, sim: this.sim, name });
    this.redisHosts.set(name, host);
    return host;
  }

  storeOffset(group: string, topic: string, partition: number, offset: number): void {
    let topics = this.storedOffsets.get(group);
    if (topics === undefined) this.storedOffsets.set(group, (topics = new Map()));
    let partitions = topics.get(topic);
    if (partitions === undefined) topics.set(topic, (partitions = new Map()));
    partitions.set(partition, offset);
    this.sim.trace.emit('offsets.store', { group, topic, partition, offset });
  }

  storedOffsetsFor(group: string, topic: string): Map<number, number> {
    return this.storedOffsets.get(group)?.get(topic) ?? new Map();
  }

  count(counter: string, by = 1): void {
    this.counters.set(counter, (this.counters.get(counter) ?? 0) + by);
  }

  // ---- narration ------------------------------------------------------------

  onNarration(listener: (line: NarrationLine) => void): void {
    this.narrationListeners.push(listener);
  }

  say(kind: NarrationLine['kind'], text: string): void {
    const line: NarrationLine = { atMs: this.sim.elapsedMs, kind, text, step: this.currentStep };
    this.narration.push(line);
    for (const listener of this.narrationListeners) listener(line);
  }

  /** Save a step's result for expectations and later steps (`as: name`). */
  saveResult(name: string | undefined, value: TraceValue): void {
    if (name === undefined) return;
    this.results.set(name, value);
    this.sim.trace.emit('result', { name, value });
  }
}
