/**
 * Kafka offsets kept in a Redis hash, as the common stream-job tutorial does
 * it: key `{groupId}_{topic}`, field = partition, value = the next offset to
 * read. After each processed batch the job writes every partition's offset
 * with HSET commands sent in one pipeline (Jedis `pipelined()` + `sync()`);
 * at start-up it asks EXISTS and then HGETALL.
 *
 * What the store guarantees is exactly what Redis's persistence guarantees:
 * a reply of :0/:1 to HSET means the offset is in Redis's memory, and on disk
 * only as far as `appendfsync` and the save points say. Scenarios show what a
 * crash or power loss does to it.
 *
 * Stored values are checked on load: a field that is not a partition number
 * or a value that is not an offset is an error naming the key and the field,
 * never a silent skip.
 */
import type { RedisClient } from '../redis/RedisClient';
import { fromUtf8, toUtf8 } from '../redis/RedisValue';
import type { Reply } from '../redis/reply';

export class OffsetStoreError extends Error {
  override readonly name = 'OffsetStoreError';
}

export interface LoadedOffsets {
  /** EXISTS answered 1. */
  readonly exists: boolean;
  readonly offsets: ReadonlyMap<number, number>;
}

/** The hash key of a group's offsets for a topic: `{groupId}_{topic}`. */
export function offsetsKey(groupId: string, topic: string): string {
  return `${groupId}_${topic}`;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

export class RedisOffsetStore {
  constructor(private readonly client: RedisClient) {}

  /**
   * One pipelined HSET per partition, as the tutorial's `pipeline.hset(...)`
   * loop then `pipeline.sync()`. Returns the replies (errors included: a
   * -MISCONF or -LOADING reply means the offsets were not stored).
   */
  save(groupId: string, topic: string, offsets: ReadonlyMap<number, number>): Reply[] {
    const key = fromUtf8(offsetsKey(groupId, topic));
    const commands = [...offsets]
      .sort((a, b) => a[0] - b[0])
      .map(([partition, offset]) => ['HSET', key, String(partition), String(offset)]);
    return commands.length === 0 ? [] : this.client.pipeline(commands);
  }

  /** The commands `save` would send, for writing them inside a MULTI with results. */
  saveCommands(groupId: string, topic: string, offsets: ReadonlyMap<number, number>): string[][] {
    const key = fromUtf8(offsetsKey(groupId, topic));
    return [...offsets].sort((a, b) => a[0] - b[0]).map(([partition, offset]) => ['HSET', key, String(partition), String(offset)]);
  }

  /** EXISTS, then HGETALL: the stored offsets, validated. */
  load(groupId: string, topic: string): LoadedOffsets {
    const keyText = offsetsKey(groupId, topic);
    const key = fromUtf8(keyText);
    const exists = this.client.call('EXISTS', key);
    if (exists.kind === 'error') throw new OffsetStoreError(`EXISTS ${keyText} failed: ${exists.message}`);
    if (exists.kind !== 'integer' || exists.value === 0) return { exists: false, offsets: new Map() };
    const all = this.client.call('HGETALL', key);
    if (all.kind === 'error') throw new OffsetStoreError(`HGETALL ${keyText} failed: ${all.message}`);
    if (all.kind !== 'array') throw new OffsetStoreError(`HGETALL ${keyText}: unexpected reply ${all.kind}`);
    const offsets = new Map<number, number>();
    for (let i = 0; i + 1 < all.items.length; i += 2) {
      const field = bulkText(all.items[i]!);
      const value = bulkText(all.items[i + 1]!);
      if (!DECIMAL.test(field)) {
        throw new OffsetStoreError(`offset store key '${keyText}' has field '${field}', which is not a partition number`);
      }
      if (!DECIMAL.test(value) || !Number.isSafeInteger(Number(value))) {
        throw new OffsetStoreError(`offset store key '${keyText}' field '${field}' holds '${value}', which is not an offset`);
      }
      offsets.set(Number(field), Number(value));
    }
    return { exists: true, offsets };
  }
}

function bulkText(reply: Reply): string {
  return reply.kind === 'bulk' ? toUtf8(reply.value) : `<${reply.kind}>`;
}
