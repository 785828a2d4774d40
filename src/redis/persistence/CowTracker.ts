/**
 * Copy-on-write accounting for a forked child (BGSAVE, BGREWRITEAOF).
 *
 * After fork(2) parent and child share every page of the dataset. When the
 * parent writes to a shared page the kernel copies it first: that copy is
 * memory the host did not need before, and what the child reports as its
 * private dirty memory (`current_cow_size`, "Fork CoW for RDB: current N MB").
 *
 * The model lays the dataset out on `ceil(used_memory / 4096)` pages. A key
 * lives on the page its (db, key) hash picks, and its value on the pages
 * that follow. Before the parent changes a key (RedisServer.onKeyChange):
 *   - the key's entry page is copied (the dictEntry, the robj);
 *   - a compact value (string, listpack, intset), rewritten in place, has
 *     every one of its pages copied;
 *   - a large value (hashtable, quicklist), where a change touches one
 *     element, has its next page copied, round robin, so repeated writes to
 *     one big hash spread over its pages as random fields would.
 * A page is copied once. A key created after the fork lives in new memory:
 * only its bucket's page is touched. The cost of a change is the pages it
 * touches (a value is measured the first time it is touched), never the
 * size of the dataset.
 */
import { assert } from '../../sim/assert';
import type { EncodingTracker } from '../encoding';
import type { RedisValue } from '../RedisValue';
import { valueBytes } from './memoryEstimate';

export const PAGE_BYTES = 4096;

interface KeyPages {
  readonly first: number;
  readonly count: number;
  readonly contiguous: boolean;
  next: number;
}

export class CowTracker {
  readonly pages: number;
  private readonly copied = new Set<number>();
  private readonly keys = new Map<string, KeyPages>();

  constructor(
    datasetBytes: number,
    private readonly encodings: EncodingTracker,
  ) {
    assert(datasetBytes >= 0, 'CowTracker: negative dataset size');
    this.pages = Math.max(1, Math.ceil(datasetBytes / PAGE_BYTES));
  }

  /** Bytes copied so far: the child's private dirty memory. */
  get copiedBytes(): number {
    return this.copied.size * PAGE_BYTES;
  }

  get copiedPages(): number {
    return this.copied.size;
  }

  /** The parent is about to change `key`; `value` is its value as it is now (undefined: a new key). */
  touch(db: number, key: string, value: RedisValue | undefined): void {
    const id = db === 0 ? key : `${db}\u0000${key}`;
    let info = this.keys.get(id);
    if (info === undefined) {
      const first = hash32(db, key) % this.pages;
      const count = value === undefined ? 0 : Math.ceil(valueBytes(value, this.encodings) / PAGE_BYTES);
      const contiguous = value !== undefined && isContiguous(value, this.encodings);
      info = { first, count, contiguous, next: 0 };
      this.keys.set(id, info);
    }
    this.copied.add(info.first);
    if (info.count === 0) return;
    if (info.contiguous) {
      for (let i = 1; i <= info.count; i++) this.copied.add((info.first + i) % this.pages);
    } else {
      this.copied.add((info.first + 1 + (info.next++ % info.count)) % this.pages);
    }
  }
}

function isContiguous(value: RedisValue, encodings: EncodingTracker): boolean {
  const encoding = encodings.encodingOf(value);
  return encoding !== 'hashtable' && encoding !== 'quicklist' && encoding !== 'skiplist';
}

/** FNV-1a over the db number and the key's bytes. */
function hash32(db: number, key: string): number {
  let h = 0x811c9dc5 ^ db;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
