/**
 * The keys of one database that have a TTL, in a form that can be sampled
 * uniformly at random in O(1): a dense array plus each key's position
 * (removal swaps the last key into the hole). It mirrors `RedisDb.expires`
 * key for key; the Keyspace keeps the two in step and asserts it.
 *
 * Redis samples its `expires` dict by scanning buckets from a cursor; a JS
 * Map cannot be entered in the middle, so the active expire cycle samples
 * this array with the server's own forked RNG instead. Both give every
 * volatile key the same chance per cycle, which is what the cycle's
 * statistics (the share of stale keys among those sampled) rely on.
 */
import type { RedisString } from './RedisValue';

export class VolatileKeys {
  private readonly keys: RedisString[] = [];
  private readonly positions = new Map<RedisString, number>();

  get size(): number {
    return this.keys.length;
  }

  has(key: RedisString): boolean {
    return this.positions.has(key);
  }

  add(key: RedisString): void {
    if (this.positions.has(key)) return;
    this.positions.set(key, this.keys.length);
    this.keys.push(key);
  }

  remove(key: RedisString): void {
    const position = this.positions.get(key);
    if (position === undefined) return;
    const last = this.keys.pop()!;
    this.positions.delete(key);
    if (last !== key) {
      this.keys[position] = last;
      this.positions.set(last, position);
    }
  }

  at(index: number): RedisString {
    return this.keys[index]!;
  }

  clear(): void {
    this.keys.length = 0;
    this.positions.clear();
  }
}
