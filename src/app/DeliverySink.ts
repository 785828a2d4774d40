/**
 * Where a consumer application writes its results, so that what it lost or
 * processed twice can be counted afterwards (record id ⇒ times processed):
 *
 *   - a Redis host: HINCRBY results:<app> <id> 1 per record, as the stream
 *     job does; with `transaction`, results and the next offsets in one
 *     MULTI/EXEC, offsets in the offset store's hash `{group}_{topic}`
 *     (RedisOffsetStore), the "external offset store" pattern;
 *   - memory outside the application (a database that never fails), for
 *     scenarios about Kafka alone.
 * A write that fails (Redis down, -MISCONF, -LOADING) returns its error and
 * changes nothing the application relies on.
 */
import type { RedisHost } from '../redis/persistence/RedisHost';
import type { RedisClient } from '../redis/RedisClient';
import type { RedisServer } from '../redis/RedisServer';
import { fromUtf8, toUtf8 } from '../redis/RedisValue';
import { firstReplyError } from '../redis/reply';
import { OffsetStoreError, RedisOffsetStore } from './RedisOffsetStore';

export interface DeliverySink {
  /** Human description: `redis 'cache'` or `memory`. */
  readonly name: string;
  /** Count these records processed once more; null, or the error. */
  recordProcessed(ids: readonly string[]): string | null;
  /** Results and offsets in one transaction; null, or the error. */
  commitTransaction(ids: readonly string[], group: string, offsets: ReadonlyMap<string, ReadonlyMap<number, number>>): string | null;
  /** The offsets stored with `commitTransaction` for a topic; partition ⇒ next offset. */
  loadOffsets(group: string, topic: string): ReadonlyMap<number, number> | string;
  /** Everything counted so far. */
  counts(): ReadonlyMap<string, number> | string;
}

export class MemorySink implements DeliverySink {
  readonly name = 'memory';
  private readonly processed = new Map<string, number>();
  private readonly offsets = new Map<string, Map<number, number>>();

  recordProcessed(ids: readonly string[]): string | null {
    for (const id of ids) this.processed.set(id, (this.processed.get(id) ?? 0) + 1);
    return null;
  }

  commitTransaction(ids: readonly string[], group: string, offsets: ReadonlyMap<string, ReadonlyMap<number, number>>): string | null {
    this.recordProcessed(ids);
    for (const [topic, partitions] of offsets) {
      let stored = this.offsets.get(`${group}_${topic}`);
      if (stored === undefined) this.offsets.set(`${group}_${topic}`, (stored = new Map()));
      for (const [p, o] of partitions) stored.set(p, o);
    }
    return null;
  }

  loadOffsets(group: string, topic: string): ReadonlyMap<number, number> {
    return this.offsets.get(`${group}_${topic}`) ?? new Map();
  }

  counts(): ReadonlyMap<string, number> {
    return this.processed;
  }
}

export class RedisSink implements DeliverySink {
  readonly name: string;
  private connection: { server: RedisServer; client: RedisClient } | null = null;

  constructor(private readonly host: RedisHost, private readonly resultsKey: string) {
    this.name = `redis '${host.name}'`;
  }

  /** The connection, made again after a restart; null while Redis is down. */
  private client(): RedisClient | null {
    const server = this.host.server;
    if (server === null || !this.host.isRunning) return null;
    if (this.connection === null || this.connection.server !== server || this.connection.client.isClosed) this.connection = { server, client: server.connect() };
    return this.connection.client;
  }

  private down(): string {
    return `Redis host '${this.host.name}' is not running (connection refused)`;
  }

  recordProcessed(ids: readonly string[]): string | null {
    const client = this.client();
    if (client === null) return this.down();
    if (ids.length === 0) return null;
    const key = fromUtf8(this.resultsKey);
    return firstReplyError(client.pipeline(ids.map((id) => ['HINCRBY', key, fromUtf8(id), '1'])));
  }

  commitTransaction(ids: readonly string[], group: string, offsets: ReadonlyMap<string, ReadonlyMap<number, number>>): string | null {
    const client = this.client();
    if (client === null) return this.down();
    const key = fromUtf8(this.resultsKey);
    const store = new RedisOffsetStore(client);
    const commands: string[][] = [['MULTI'], ...ids.map((id) => ['HINCRBY', key, fromUtf8(id), '1'])];
    for (const [topic, partitions] of [...offsets].sort((a, b) => (a[0] < b[0] ? -1 : 1))) commands.push(...store.saveCommands(group, topic, partitions));
    commands.push(['EXEC']);
    return firstReplyError(client.pipeline(commands));
  }

  loadOffsets(group: string, topic: string): ReadonlyMap<number, number> | string {
    const client = this.client();
    if (client === null) return this.down();
    try {
      return new RedisOffsetStore(client).load(group, topic).offsets;
    } catch (error) {
      if (error instanceof OffsetStoreError) return error.message;
      throw error;
    }
  }

  counts(): ReadonlyMap<string, number> | string {
    const client = this.client();
    if (client === null) return this.down();
    const reply = client.call('HGETALL', fromUtf8(this.resultsKey));
    if (reply.kind === 'error') return reply.message;
    const out = new Map<string, number>();
    if (reply.kind === 'array') {
      for (let i = 0; i + 1 < reply.items.length; i += 2) {
        const id = reply.items[i]!;
        const count = reply.items[i + 1]!;
        if (id.kind === 'bulk' && count.kind === 'bulk') out.set(toUtf8(id.value), Number(toUtf8(count.value)));
      }
    }
    return out;
  }
}

