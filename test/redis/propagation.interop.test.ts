/**
 * Propagation of lazy expiry against a real redis-server 7.0, which the
 * differential test cannot reach (no key expires during its cases). The real
 * server runs with active expiry switched off (DEBUG SET-ACTIVE-EXPIRE 0) so
 * only accesses expire keys, and with appendfsync always so its AOF holds
 * exactly what it propagated when the replies arrive.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../src/redis/RedisServer';
import { Simulation } from '../../src/sim/Simulation';
import { findRedisBinaries, startRealRedis, type RealRedis } from '../support/realRedis';
import { parseReply, RespConnection } from './support/respConnection';

const binaries = findRedisBinaries();

describe.runIf(binaries !== null)('redis propagation: lazy expiry inside commands, as redis-server 7.0 writes it to its AOF', () => {
  let real: RealRedis;
  let conn: RespConnection;
  let aofPath: string;

  beforeAll(async () => {
    real = await startRealRedis(binaries!, { appendonly: 'yes', appendfsync: 'always', 'enable-debug-command': 'local' });
    conn = await RespConnection.open(real.socket);
    const dir = join(real.dir, 'appendonlydir');
    aofPath = join(dir, readdirSync(dir).find((f) => f.endsWith('.incr.aof'))!);
  });

  afterAll(async () => {
    conn?.close();
    await real?.dispose();
  });

  it('expired keys met by a write, a read, DEL and a transaction propagate the same commands', async () => {
    await conn.pipeline([['DEBUG', 'SET-ACTIVE-EXPIRE', '0'], ['FLUSHALL']]);
    const sim = new Simulation({ seed: 'lazy', startMs: Date.now(), recordTrace: false });
    const server = new RedisServer({ sim });
    server.activeExpireEnabled = false;
    const ours: string[][] = [];
    let selected = 0;
    server.onPropagate((db, argv) => {
      if (db !== selected) {
        ours.push(['SELECT', String(db)]);
        selected = db;
      }
      ours.push([...argv]);
    });
    const client = server.connect();

    const setup = [
      ['SET', 'k', 'old', 'PX', '100'],
      ['SET', 'j', 'x', 'PX', '100'],
      ['SET', 'd', 'x', 'PX', '100'],
      ['SELECT', '3'],
      ['HSET', 'h', 'f', 'v'],
      ['PEXPIRE', 'h', '100'],
      ['SELECT', '0'],
    ];
    const aofBefore = statSync(aofPath).size;
    sim.runUntil(Date.now());
    client.pipeline(setup);
    await conn.pipeline(setup);
    await new Promise((resolve) => setTimeout(resolve, 250));
    sim.runUntil(sim.nowMs + 250);
    expect(server.ks.keyCount(0)).toBe(3);

    const after = [
      ['GET', 'j'],
      ['SET', 'k', 'new'],
      ['DEL', 'd'],
      ['MULTI'],
      ['SELECT', '3'],
      ['HSET', 'h', 'g', 'w'],
      ['INCR', 'n'],
      ['EXEC'],
    ];
    const oursReplies = client.pipeline(after);
    const theirs = await conn.pipeline(after);
    expect(oursReplies).toEqual(theirs);
    const realAof = parseAof(readFileSync(aofPath).subarray(aofBefore));
    const normalise = (cmds: string[][]) => cmds.map((c) => (c[3] === 'PXAT' || c[0] === 'PEXPIREAT' ? [...c.slice(0, -1), 'T'] : c));
    expect(normalise(ours)).toEqual(normalise(realAof));
  });
});

function parseAof(bytes: Buffer): string[][] {
  const out: string[][] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const parsed = parseReply(bytes, pos)!;
    if (parsed.reply.kind !== 'array') throw new Error('AOF: not an array');
    out.push(parsed.reply.items.map((r) => (r.kind === 'bulk' ? r.value : '?')));
    pos = parsed.end;
  }
  return out;
}
