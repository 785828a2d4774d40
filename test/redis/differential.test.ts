/**
 * Differential test (interoperability item 4 of issue 4): fast-check generates
 * command sequences; each runs as one pipeline against a real redis-server
 * 7.0 and against faultline, and three things must agree:
 *   1. every reply, exactly (simple vs bulk, null bulk vs null array, error
 *      texts), except that orders Redis leaves to its hash tables are
 *      compared as multisets (KEYS, and HGETALL/HKEYS/HVALS/SMEMBERS, whose
 *      listpack/intset order is checked by encodings.test.ts), and TTLs with
 *      a tolerance because the real server's clock keeps running;
 *   2. what was propagated: the real server runs with appendonly yes and
 *      appendfsync always, so the bytes its AOF gains during the case are
 *      exactly what it propagated; faultline's stream (with SELECT inserted
 *      where the database changes, as feedAppendOnlyFile does) must be the
 *      same commands, PXAT/PEXPIREAT times within the same tolerance;
 *   3. `dirty`: the real server's rdb_changes_since_last_save grows by what
 *      faultline's `dirty` counts.
 * Reproduce a failure with FAULTLINE_SEED=<seed>; FAULTLINE_DIFF_RUNS sets the
 * number of cases.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../src/redis/RedisServer';
import { formatReply, type Reply } from '../../src/redis/reply';
import { Simulation } from '../../src/sim/Simulation';
import { findRedisBinaries, startRealRedis, type RealRedis } from '../support/realRedis';
import { commandArbitrary, type Argv } from './support/commandArbitraries';
import { parseReply, RespConnection } from './support/respConnection';

const binaries = findRedisBinaries();
const seed = Number(process.env.FAULTLINE_SEED ?? 20240607);
const numRuns = Number(process.env.FAULTLINE_DIFF_RUNS ?? 1000);
const TIME_TOLERANCE_MS = 2000;

/** Settings every case starts from, on both servers (config.c defaults). */
const RESET_CONFIG = [
  'hash-max-listpack-entries', '512',
  'hash-max-listpack-value', '64',
  'set-max-intset-entries', '512',
  'appendfsync', 'always',
  'hz', '10',
  'save', '',
  'auto-aof-rewrite-min-size', '67108864',
  'list-max-listpack-size', '-2',
];

describe.runIf(binaries !== null)(`redis differential: faultline vs redis-server 7.0 (seed=${seed})`, () => {
  let real: RealRedis;
  let admin: RespConnection;
  let aofPath: string;
  const startMs = Date.now();

  beforeAll(async () => {
    real = await startRealRedis(binaries!, { appendonly: 'yes', appendfsync: 'always' });
    const dir = join(real.dir, 'appendonlydir');
    aofPath = join(dir, readdirSync(dir).find((f) => f.endsWith('.incr.aof'))!);
    // Reads INFO beside the case's connection, which may end inside MULTI.
    admin = await RespConnection.open(real.socket);
  });

  afterAll(async () => {
    admin?.close();
    await real?.dispose();
  });

  it('replies, propagation and dirty agree on generated command sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArbitrary(startMs), { minLength: 1, maxLength: 40 }), async (commands) => {
        const conn = await RespConnection.open(real.socket);
        try {
          await runCase(conn, commands);
        } finally {
          conn.close();
        }
      }),
      { seed, numRuns, endOnFailure: false },
    );
  });

  async function runCase(conn: RespConnection, commands: readonly Argv[]): Promise<void> {
    await conn.pipeline([['CONFIG', 'SET', ...RESET_CONFIG], ['SELECT', '0'], ['FLUSHALL']]);
    const dirtyBefore = await realDirty(admin);
    const aofBefore = statSync(aofPath).size;

    const sim = new Simulation({ seed, startMs: Date.now(), recordTrace: false });
    const server = new RedisServer({ sim });
    const propagated: string[][] = [];
    let selected = 0;
    server.onPropagate((db, argv) => {
      if (db !== selected) {
        propagated.push(['SELECT', String(db)]);
        selected = db;
      }
      propagated.push([...argv]);
    });
    const client = server.connect();
    client.call('CONFIG', 'SET', ...RESET_CONFIG);

    sim.runUntil(Date.now());
    const ours = client.pipeline(commands);
    const theirs = await conn.pipeline(commands);

    const transcript = (): string =>
      commands.map((argv, i) => `${JSON.stringify(argv)}\n    faultline: ${formatReply(ours[i]!)}\n    redis:     ${formatReply(theirs[i]!)}`).join('\n');
    const mismatch = firstMismatch(commands, ours, theirs);
    if (mismatch !== null) throw new Error(`reply ${mismatch} differs:\n${transcript()}`);

    const realAof = parseAof(readFileSync(aofPath).subarray(aofBefore));
    if (!sameStream(propagated, realAof)) {
      throw new Error(
        `propagation differs:\n  faultline: ${JSON.stringify(propagated)}\n  redis AOF: ${JSON.stringify(realAof)}\n${transcript()}`,
      );
    }
    const dirtyAfter = await realDirty(admin);
    // The trailing INFO does not change dirty; FLUSHALL on an empty keyspace adds 0.
    expect(server.dirty, `dirty\n${transcript()}`).toBe(dirtyAfter - dirtyBefore);
  }
});

async function realDirty(conn: RespConnection): Promise<number> {
  const info = await conn.call('INFO', 'persistence');
  if (info.kind !== 'bulk') throw new Error(`INFO: ${formatReply(info)}`);
  return Number(/rdb_changes_since_last_save:(\d+)/.exec(info.value)![1]);
}

function parseAof(bytes: Buffer): string[][] {
  const out: string[][] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const parsed = parseReply(bytes, pos);
    if (parsed === null || parsed.reply.kind !== 'array') throw new Error(`AOF: unparseable at ${pos}`);
    out.push(parsed.reply.items.map((r) => (r.kind === 'bulk' ? r.value : '?')));
    pos = parsed.end;
  }
  return out;
}

function sameStream(ours: readonly string[][], theirs: readonly string[][]): boolean {
  if (ours.length !== theirs.length) return false;
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i]!;
    const b = theirs[i]!;
    if (a.length !== b.length) return false;
    const timeIndex = timeArgumentIndex(a);
    for (let j = 0; j < a.length; j++) {
      if (j === timeIndex && Math.abs(Number(a[j]) - Number(b[j])) <= TIME_TOLERANCE_MS) continue;
      if (a[j] !== b[j]) return false;
    }
  }
  return true;
}

/** The absolute time argument of SET ... PXAT t and PEXPIREAT k t. */
function timeArgumentIndex(argv: readonly string[]): number {
  const name = argv[0]!.toLowerCase();
  if (name === 'pexpireat') return 2;
  if (name === 'set' && argv.length === 5 && argv[3] === 'PXAT') return 4;
  return -1;
}

/**
 * The index of the first reply that differs, or null. Walks the commands
 * with faultline's replies to know which commands EXEC ran (those that got
 * QUEUED since MULTI): if the replies differ there, the comparison fails at
 * the QUEUED anyway.
 */
function firstMismatch(commands: readonly Argv[], ours: readonly Reply[], theirs: readonly Reply[]): number | null {
  let inMulti = false;
  let queued: Argv[] = [];
  for (let i = 0; i < commands.length; i++) {
    const argv = commands[i]!;
    const name = argv[0]!.toLowerCase();
    const a = ours[i]!;
    const b = theirs[i]!;
    if (name === 'exec' && a.kind === 'array' && b.kind === 'array') {
      if (a.items.length !== b.items.length) return i;
      for (let j = 0; j < a.items.length; j++) if (!sameReply(queued[j]!, a.items[j]!, b.items[j]!)) return i;
    } else if (!sameReply(argv, a, b)) {
      return i;
    }
    if (name === 'multi' && a.kind === 'simple' && a.value === 'OK') {
      inMulti = true;
      queued = [];
    } else if (inMulti && a.kind === 'simple' && a.value === 'QUEUED') {
      queued.push(argv);
    } else if (name === 'exec' || (name === 'discard' && a.kind === 'simple')) {
      inMulti = false;
    }
  }
  return null;
}

const UNORDERED = new Set(['keys', 'smembers', 'hkeys', 'hvals']);
const UNORDERED_PAIRS = new Set(['hgetall']);
const TTLS: Record<string, number> = { ttl: 2, pttl: TIME_TOLERANCE_MS, expiretime: 2, pexpiretime: TIME_TOLERANCE_MS };

function sameReply(argv: Argv, a: Reply, b: Reply): boolean {
  const name = argv[0]!.toLowerCase();
  const sub = argv[1]?.toLowerCase();
  if (a.kind === 'array' && b.kind === 'array') {
    if (UNORDERED.has(name)) return sameJson(sortedValues(a.items, 1), sortedValues(b.items, 1));
    if (UNORDERED_PAIRS.has(name) || (name === 'config' && sub === 'get')) return sameJson(sortedValues(a.items, 2), sortedValues(b.items, 2));
  }
  const tolerance = TTLS[name];
  if (tolerance !== undefined && a.kind === 'integer' && b.kind === 'integer' && Number(a.value) >= 0 && Number(b.value) >= 0) {
    return Math.abs(Number(a.value) - Number(b.value)) <= tolerance;
  }
  return sameJson(a, b);
}

function sortedValues(items: readonly Reply[], group: number): string[] {
  const groups: string[] = [];
  for (let i = 0; i < items.length; i += group) groups.push(JSON.stringify(items.slice(i, i + group), jsonBigInt));
  return groups.sort();
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a, jsonBigInt) === JSON.stringify(b, jsonBigInt);
}

function jsonBigInt(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}
