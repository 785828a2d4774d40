/**
 * Helpers for the interoperability tests: read a real server's keyspace
 * through its client into the value model, run redis-server to completion
 * (for startups that must fail), and run redis-check-aof / redis-check-rdb.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { DB_COUNT, emptyDb, type RedisDb, type RedisValue } from '../../../src/redis/RedisValue';
import type { RealRedis, RedisBinaries } from '../../support/realRedis';

const latin1 = (b: Buffer) => b.toString('latin1');
const bytes = (s: string) => Buffer.from(s, 'latin1');

function parseScore(b: Buffer): number {
  const t = b.toString();
  if (t === 'inf') return Infinity;
  if (t === '-inf') return -Infinity;
  return Number(t);
}

/** Every key of the 16 dbs, read with binary-safe commands. */
export async function readServerKeyspace(client: Redis): Promise<RedisDb[]> {
  const dbs = Array.from({ length: DB_COUNT }, emptyDb);
  for (let i = 0; i < DB_COUNT; i++) {
    await client.select(i);
    const keys = (await client.callBuffer('KEYS', ['*'])) as Buffer[];
    for (const k of keys) {
      const type = String(await client.callBuffer('TYPE', [k]));
      let value: RedisValue;
      if (type === 'string') {
        value = { type, value: latin1((await client.callBuffer('GET', [k])) as Buffer) };
      } else if (type === 'list') {
        value = { type, value: ((await client.callBuffer('LRANGE', [k, 0, -1])) as Buffer[]).map(latin1) };
      } else if (type === 'set') {
        value = { type, value: new Set(((await client.callBuffer('SMEMBERS', [k])) as Buffer[]).map(latin1)) };
      } else if (type === 'hash') {
        const flat = (await client.callBuffer('HGETALL', [k])) as Buffer[];
        const m = new Map<string, string>();
        for (let j = 0; j < flat.length; j += 2) m.set(latin1(flat[j]!), latin1(flat[j + 1]!));
        value = { type, value: m };
      } else if (type === 'zset') {
        const flat = (await client.callBuffer('ZRANGE', [k, 0, -1, 'WITHSCORES'])) as Buffer[];
        const m = new Map<string, number>();
        for (let j = 0; j < flat.length; j += 2) m.set(latin1(flat[j]!), parseScore(flat[j + 1]!));
        value = { type, value: m };
      } else {
        throw new Error(`unexpected type ${type}`);
      }
      dbs[i]!.dict.set(latin1(k), value);
      const at = Number(await client.callBuffer('PEXPIRETIME', [k]));
      if (at >= 0) dbs[i]!.expires.set(latin1(k), at);
    }
  }
  await client.select(0);
  return dbs;
}

/**
 * Runs `body` with a dir of its own; when it throws, the error carries the
 * tail of the server log found there, since a dying server explains itself
 * only in its log.
 */
export async function withLoggedDir<T>(prefix: string, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return await body(dir);
  } catch (e) {
    const logfile = join(dir, 'redis.log');
    const tail = existsSync(logfile) ? readFileSync(logfile, 'utf8').split('\n').slice(-25).join('\n') : '(no redis.log)';
    if (e instanceof Error) e.message += `\n--- ${logfile} (tail) ---\n${tail}`;
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until the server has finished loading its files (INFO persistence loading:0). */
export async function waitLoaded(client: Redis): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const info = await client.info('persistence');
    if (/^loading:0/m.test(info)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('redis-server did not finish loading');
}

/** Waits for a BGREWRITEAOF to finish. */
export async function waitRewriteDone(client: Redis): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const info = await client.info('persistence');
    if (/^aof_rewrite_in_progress:0/m.test(info) && /^aof_rewrite_scheduled:0/m.test(info)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('BGREWRITEAOF did not finish');
}

/** Sends commands (binary strings) to the server, in order. */
export async function sendCommands(client: Redis, commands: readonly (readonly string[])[]): Promise<void> {
  for (const [name, ...args] of commands) await client.callBuffer(name!, args.map(bytes));
}

export interface ServerRun {
  readonly exitCode: number | null;
  /** The server kept running (it created its socket). */
  readonly started: boolean;
  readonly log: string;
}

/**
 * Starts redis-server in `dir` and waits until it either logs that it is
 * ready to accept connections (it listens before loading, so the socket
 * alone says nothing) or exits by itself; a ready server is then stopped.
 */
export async function runServerUntilStartedOrExited(binaries: RedisBinaries, dir: string, config: Record<string, string>): Promise<ServerRun> {
  const socket = join(dir, 'probe.sock');
  const logfile = join(dir, 'redis.log');
  const settings: Record<string, string> = { port: '0', unixsocket: socket, dir, save: '', daemonize: 'no', logfile, ...config };
  const args = Object.entries(settings).flatMap(([k, v]) => [`--${k}`, v]);
  const logStart = existsSync(logfile) ? readFileSync(logfile).length : 0;
  const child = spawn(binaries.server, args, { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let started = false;
  const ready = () => existsSync(logfile) && /ready to accept connections/i.test(readFileSync(logfile).subarray(logStart).toString('utf8'));
  for (let waited = 0; waited < 10000; waited += 20) {
    if (ready()) {
      started = true;
      break;
    }
    const done = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20))]);
    if (done) break;
  }
  if (started) child.kill('SIGTERM');
  const exitCode = await exited;
  return { exitCode, started, log: existsSync(logfile) ? readFileSync(logfile).subarray(logStart).toString('utf8') : '' };
}

/** The message part of redis log lines ("pid:M date * message"). */
export function logMessages(log: string): string[] {
  return log
    .split('\n')
    .map((l) => /^\d+:[A-Z] \d+ \w+ \d+ [\d:.]+ [.\-*#] (.*)$/.exec(l)?.[1])
    .filter((m): m is string => m !== undefined);
}

export interface ToolRun {
  readonly exitCode: number | null;
  readonly stdout: string;
}

export function runTool(path: string, args: string[], input = ''): ToolRun {
  const r = spawnSync(path, args, { input, encoding: 'latin1' });
  return { exitCode: r.status, stdout: r.stdout };
}

/**
 * Like startRealRedis, but connects only once the server has logged that it
 * accepts connections. startRealRedis connects as soon as the socket file
 * exists, which races with listen() (bind creates the file first): under
 * load the connect is refused and the server process is left running.
 * Here a failed start kills the child it spawned.
 */
export async function startServer(binaries: RedisBinaries, config: Record<string, string> = {}, dirArg?: string): Promise<RealRedis> {
  const dir = dirArg ?? mkdtempSync(join(tmpdir(), 'faultline-redis-'));
  const socket = join(dir, 'redis.sock');
  const logfile = join(dir, 'redis.log');
  const settings: Record<string, string> = { port: '0', unixsocket: socket, dir, save: '', appendonly: 'no', daemonize: 'no', logfile, ...config };
  const args = Object.entries(settings).flatMap(([k, v]) => [`--${k}`, v]);
  // A server that ran here before left its own "ready" line in the log.
  const logStart = existsSync(logfile) ? readFileSync(logfile).length : 0;
  const child = spawn(binaries.server, args, { stdio: 'ignore' });
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const logText = () => (existsSync(logfile) ? readFileSync(logfile).subarray(logStart).toString('utf8') : '');
  for (let waited = 0; !/ready to accept connections/i.test(logText()); waited += 10) {
    if (exited || waited > 10_000) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start:\n${logText().split('\n').slice(-15).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const client = new Redis({ path: socket, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => undefined); // reported through the failing command instead
  try {
    await client.connect();
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  let stopped = false;
  const stop = async (options: { save?: boolean } = {}): Promise<void> => {
    if (stopped) return;
    stopped = true;
    try {
      await client.call('SHUTDOWN', options.save ? 'SAVE' : 'NOSAVE');
    } catch {
      // The connection closes as the server exits.
    }
    client.disconnect();
    await Promise.race([exitedPromise, new Promise<void>((r) => setTimeout(r, 5000)).then(() => void child.kill('SIGKILL'))]);
  };
  return {
    dir,
    socket,
    client,
    stop,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
