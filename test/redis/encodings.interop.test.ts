/**
 * Encodings and the orders they imply, against a real redis-server 7.0: the
 * differential test compares HGETALL/SMEMBERS as multisets (a hashtable's
 * order is Redis's own), so this script checks the orders that ARE defined
 * (listpack hashes iterate in insertion order, intsets ascending) and the
 * conversions between encodings, reply for reply.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReply } from '../../src/redis/reply';
import { findRedisBinaries, startRealRedis, type RealRedis } from '../support/realRedis';
import { harness } from './support/harness';
import { RespConnection } from './support/respConnection';

const binaries = findRedisBinaries();

const SCRIPT: string[][] = [
  ['HSET', 'h', 'z', '1', 'a', '2', 'm', '3'],
  ['HSET', 'h', 'a', '20'],
  ['HDEL', 'h', 'z'],
  ['HSET', 'h', 'z', '4'],
  ['HGETALL', 'h'],
  ['HKEYS', 'h'],
  ['HVALS', 'h'],
  ['OBJECT', 'ENCODING', 'h'],
  ['HSET', 'big', 'f', 'x'.repeat(65)],
  ['OBJECT', 'ENCODING', 'big'],
  ['HSET', 'long', 'f'.repeat(65), 'x'],
  ['OBJECT', 'ENCODING', 'long'],
  ['SADD', 's', '10', '-3', '2', '9223372036854775807', '-9223372036854775808', '0'],
  ['SMEMBERS', 's'],
  ['OBJECT', 'ENCODING', 's'],
  ['SADD', 's2', 'a'],
  ['OBJECT', 'ENCODING', 's2'],
  ['SADD', 's3', '1', '007'],
  ['OBJECT', 'ENCODING', 's3'],
  ['CONFIG', 'SET', 'set-max-intset-entries', '2'],
  ['SADD', 's4', '1', '2'],
  ['OBJECT', 'ENCODING', 's4'],
  ['SADD', 's4', '3'],
  ['OBJECT', 'ENCODING', 's4'],
  ['SREM', 's4', '3', '2'],
  ['OBJECT', 'ENCODING', 's4'],
  ['CONFIG', 'SET', 'hash-max-listpack-entries', '2'],
  ['HSET', 'h2', 'a', '1', 'b', '2'],
  ['OBJECT', 'ENCODING', 'h2'],
  ['HSET', 'h2', 'c', '3'],
  ['OBJECT', 'ENCODING', 'h2'],
  ['HINCRBY', 'h3', 'n', '1'],
  ['OBJECT', 'ENCODING', 'h3'],
  ['SET', 'str', '12345'],
  ['OBJECT', 'ENCODING', 'str'],
  ['SET', 'str', '-9223372036854775808'],
  ['OBJECT', 'ENCODING', 'str'],
  ['SET', 'str', '012'],
  ['OBJECT', 'ENCODING', 'str'],
  ['SET', 'str', 'e'.repeat(44)],
  ['OBJECT', 'ENCODING', 'str'],
  ['SET', 'str', 'e'.repeat(45)],
  ['OBJECT', 'ENCODING', 'str'],
  ['SET', 'str', '1'],
  ['APPEND', 'str', '2'],
  ['OBJECT', 'ENCODING', 'str'],
  ['INCR', 'str'],
  ['OBJECT', 'ENCODING', 'str'],
  ['APPEND', 'fresh', '42'],
  ['OBJECT', 'ENCODING', 'fresh'],
  ['RPUSH', 'l', 'a'],
  ['OBJECT', 'ENCODING', 'l'],
  ['OBJECT', 'ENCODING', 'nokey'],
];

describe.runIf(binaries !== null)('redis encodings: listpack and intset orders and conversions match redis-server 7.0', () => {
  let real: RealRedis;
  let conn: RespConnection;

  beforeAll(async () => {
    real = await startRealRedis(binaries!);
    conn = await RespConnection.open(real.socket);
  });

  afterAll(async () => {
    conn?.close();
    await real?.dispose();
  });

  it('a scripted session gets the same replies, in the same order, from both', async () => {
    const { client } = harness();
    const ours = client.pipeline(SCRIPT).map(formatReply);
    const theirs = (await conn.pipeline(SCRIPT)).map(formatReply);
    const lines = SCRIPT.map((argv, i) => `${argv.join(' ').slice(0, 60)} => ${theirs[i]}`);
    expect(ours.map((r, i) => `${SCRIPT[i]!.join(' ').slice(0, 60)} => ${r}`)).toEqual(lines);
  });
});
