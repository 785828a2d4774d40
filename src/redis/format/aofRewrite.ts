/**
 * The AOF base in RESP that BGREWRITEAOF writes with aof-use-rdb-preamble no
 * (aof.c rewriteAppendOnlyFileRio, 7.0), streamed into a ByteSink.
 *
 *   [#TS:<unix seconds>\r\n]                  with aof-timestamp-enabled
 *   per non-empty db: SELECT <db>
 *     per key: SET | RPUSH | SADD | ZADD | HMSET, at most 64 items per command
 *              (AOF_REWRITE_ITEMS_PER_CMD), then PEXPIREAT <key> <ms> if it expires
 *
 * Items come in the order the encoding iterates them: lists head to tail,
 * intsets ascending, listpack hashes and zsets in listpack order (zsets by
 * score), hashtables in the value model's insertion order (Redis's dict
 * order is seeded at random, so there is no single right order). Scores are
 * written with "%.17g".
 */
import type { RedisDb, RedisString, RedisValue } from '../RedisValue';
import { rdbTypeFor, DEFAULT_ENCODING_CONFIG, type EncodingConfig } from './encodingConfig';
import { RDB_TYPE, type RdbObjectType } from './rdbConstants';
import { sortedZset } from './rdbEncode';
import { formatDouble17g, string2ll } from './redisNumbers';
import { MemorySink, RioWriter, type ByteSink } from './rio';

export const AOF_REWRITE_ITEMS_PER_CMD = 64;

export interface AofRewriteOptions extends Partial<EncodingConfig> {
  /** Wall-clock time of the rewrite, for the #TS annotation. */
  readonly nowMs: number;
  /** aof-timestamp-enabled (default no). */
  readonly aofTimestampEnabled?: boolean;
  /** FUNCTION LOAD payloads, written first. */
  readonly functions?: readonly string[];
  /** The encoding a server model tracked for a key (decides item order). */
  readonly encodingOf?: (dbIndex: number, key: RedisString, value: RedisValue) => RdbObjectType | undefined;
}

export function encodeAofRewrite(dbs: readonly RedisDb[], options: AofRewriteOptions): Uint8Array {
  const sink = new MemorySink();
  writeAofRewrite(dbs, options, sink);
  return sink.bytes();
}

export function writeAofRewrite(dbs: readonly RedisDb[], options: AofRewriteOptions, sink: ByteSink): { bytes: number } {
  const w = new RioWriter(sink, { checksum: false });
  const config: EncodingConfig = { ...DEFAULT_ENCODING_CONFIG, ...definedOnly(options) };
  const bulk = (s: string) => {
    w.ascii(`$${s.length}\r\n`);
    w.latin1(s);
    w.ascii('\r\n');
  };
  const count = (n: number) => w.ascii(`*${n}\r\n`);

  if (options.aofTimestampEnabled) w.ascii(`#TS:${Math.floor(options.nowMs / 1000)}\r\n`);
  for (const code of options.functions ?? []) {
    w.ascii('*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n');
    bulk(code);
  }
  for (let dbIndex = 0; dbIndex < dbs.length; dbIndex++) {
    const db = dbs[dbIndex]!;
    if (db.dict.size === 0) continue;
    w.ascii('*2\r\n$6\r\nSELECT\r\n');
    bulk(String(dbIndex));
    db.dict.forEach((value, key) => {
      const type = options.encodingOf?.(dbIndex, key, value) ?? rdbTypeFor(value, config);
      if (value.type === 'string') {
        w.ascii('*3\r\n$3\r\nSET\r\n');
        bulk(key);
        bulk(value.value);
      } else {
        const { command, items, perItem } = itemsOf(value, type);
        for (let i = 0; i < items.length; i += perItem * AOF_REWRITE_ITEMS_PER_CMD) {
          const batch = Math.min(AOF_REWRITE_ITEMS_PER_CMD, (items.length - i) / perItem);
          count(2 + batch * perItem);
          bulk(command);
          bulk(key);
          for (let j = i; j < i + batch * perItem; j++) bulk(items[j]!);
        }
      }
      const at = db.expires.get(key);
      if (at !== undefined) {
        w.ascii('*3\r\n$9\r\nPEXPIREAT\r\n');
        bulk(key);
        bulk(String(at));
      }
    });
  }
  w.finish();
  return { bytes: w.processedBytes };
}

function itemsOf(value: Exclude<RedisValue, { type: 'string' }>, type: RdbObjectType): { command: string; items: string[]; perItem: number } {
  switch (value.type) {
    case 'list':
      return { command: 'RPUSH', items: value.value, perItem: 1 };
    case 'set': {
      let members = [...value.value];
      if (type === RDB_TYPE.SET_INTSET) {
        members = members
          .map((m) => string2ll(m)!)
          .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
          .map(String);
      }
      return { command: 'SADD', items: members, perItem: 1 };
    }
    case 'zset': {
      const listpack = type === RDB_TYPE.ZSET_LISTPACK;
      const entries = listpack ? sortedZset(value.value) : [...value.value];
      // A listpack stores -0 as the integer 0 (zzlInsertAt), so it reads back as 0.
      const score = (d: number) => formatDouble17g(listpack && d === 0 ? 0 : d);
      return { command: 'ZADD', items: entries.flatMap(([m, d]) => [score(d), m]), perItem: 2 };
    }
    case 'hash':
      return { command: 'HMSET', items: [...value.value].flat(), perItem: 2 };
  }
}

function definedOnly(o: Partial<EncodingConfig>): Partial<EncodingConfig> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(DEFAULT_ENCODING_CONFIG) as (keyof EncodingConfig)[]) {
    const v = o[k];
    if (v !== undefined) out[k] = v;
  }
  return out as Partial<EncodingConfig>;
}
