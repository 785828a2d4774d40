/**
 * fast-check arbitraries for keyspaces in the shared value model: binary
 * strings (every byte 0..255), integer-looking strings of every width the
 * encodings care about, long compressible strings, and TTLs.
 */
import fc from 'fast-check';
import { DB_COUNT, emptyDb, type RedisDb, type RedisValue } from '../../../src/redis/RedisValue';

const byteChar = fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c));

export const binaryString = (maxLength = 40): fc.Arbitrary<string> => fc.string({ unit: byteChar, maxLength });

/** Strings that exercise RDB's integer and LZF encodings and listpack integers. */
export const redisString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: binaryString(30) },
  { weight: 2, arbitrary: fc.integer({ min: -2147483648, max: 2147483647 }).map(String) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('0', '-0', '007', '+1', ' 1', '1 ', '-', '', '9223372036854775808', '-9223372036854775809') },
  {
    weight: 1,
    arbitrary: fc
      .tuple(binaryString(6), fc.integer({ min: 4, max: 200 }))
      .map(([unit, times]) => (unit === '' ? 'x' : unit).repeat(times)),
  },
  { weight: 1, arbitrary: binaryString(300) },
);

/** Scores as ZADD stores them (no NaN); -0 is normalised to 0 since listpacks store it as 0. */
export const zsetScore: fc.Arbitrary<number> = fc
  .oneof(fc.double({ noNaN: true }), fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(Infinity, -Infinity, 2 ** 62, 2 ** 62 + 2048, 0.1))
  .map((d) => (Object.is(d, -0) ? 0 : d));

const members = (max: number) => fc.uniqueArray(redisString, { minLength: 1, maxLength: max });

export const redisValue: fc.Arbitrary<RedisValue> = fc.oneof(
  redisString.map((value): RedisValue => ({ type: 'string', value })),
  fc.array(redisString, { minLength: 1, maxLength: 40 }).map((value): RedisValue => ({ type: 'list', value })),
  members(30).map((m): RedisValue => ({ type: 'set', value: new Set(m) })),
  fc
    .uniqueArray(fc.integer({ min: -100000, max: 100000 }).map(String), { minLength: 1, maxLength: 40 })
    .map((m): RedisValue => ({ type: 'set', value: new Set(m) })),
  fc
    .uniqueArray(fc.tuple(redisString, redisString), { minLength: 1, maxLength: 30, selector: (t) => t[0] })
    .map((pairs): RedisValue => ({ type: 'hash', value: new Map(pairs) })),
  fc
    .uniqueArray(fc.tuple(redisString, zsetScore), { minLength: 1, maxLength: 30, selector: (t) => t[0] })
    .map((pairs): RedisValue => ({ type: 'zset', value: new Map(pairs) })),
);

export const ttlMs: fc.Arbitrary<number> = fc.integer({ min: 1, max: 2 ** 50 });

export interface KeyspaceShape {
  readonly maxKeys?: number;
  readonly dbs?: readonly number[];
}

/** Sixteen dbs, a few of them populated, some keys with an expiry. */
export function keyspace(shape: KeyspaceShape = {}): fc.Arbitrary<RedisDb[]> {
  const dbIndexes = shape.dbs ?? [0, 1, 5, 15];
  const entry = fc.tuple(fc.constantFrom(...dbIndexes), redisString, redisValue, fc.option(ttlMs, { freq: 3 }));
  return fc.array(entry, { maxLength: shape.maxKeys ?? 12 }).map((entries) => {
    const dbs = Array.from({ length: DB_COUNT }, emptyDb);
    for (const [db, key, value, ttl] of entries) {
      dbs[db]!.dict.set(key, value);
      if (ttl !== null) dbs[db]!.expires.set(key, ttl);
      else dbs[db]!.expires.delete(key);
    }
    return dbs;
  });
}
