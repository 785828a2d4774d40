/**
 * Real redis-server 7.0 as the oracle of the interoperability tests.
 *
 * Each test starts its own server on a unix socket in a fresh temp directory
 * (no TCP port, nothing shared with a system service) and stops it afterwards.
 * When the binaries are missing, the tests skip with a loud notice; with
 * FAULTLINE_REQUIRE_REDIS=1 (set by .ci/run) a missing binary fails instead.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';

export interface RedisBinaries {
  readonly server: string;
  readonly checkAof: string;
  readonly checkRdb: string;
  readonly version: string;
}

function which(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/local/bin', '/usr/sbin'])) {
    const candidate = join(dir, name);
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  return null;
}

let cached: RedisBinaries | null | undefined;

/** The real Redis tools, or null (after a loud notice) when they are not installed. */
export function findRedisBinaries(): RedisBinaries | null {
  if (cached !== undefined) return cached;
  const server = which('redis-server');
  const checkAof = which('redis-check-aof');
  const checkRdb = which('redis-check-rdb');
  if (server === null || checkAof === null || checkRdb === null) {
    const missing = [server ? null : 'redis-server', checkAof ? null : 'redis-check-aof', checkRdb ? null : 'redis-check-rdb'].filter(Boolean).join(', ');
    if (process.env.FAULTLINE_REQUIRE_REDIS === '1') {
      throw new Error(`FAULTLINE_REQUIRE_REDIS=1 but ${missing} not found: install Debian packages redis-server and redis-tools`);
    }
    process.stderr.write(
      `\n*** faultline: ${missing} not found; SKIPPING tests against real Redis 7.0.\n` +
        `*** Install them with: apt-get install -y redis-server redis-tools (CI does, and fails without them)\n\n`,
    );
    cached = null;
    return cached;
  }
  const version = /v=(\S+)/.exec(execFileSync(server, ['--version']).toString())?.[1] ?? 'unknown';
  cached = { server, checkAof, checkRdb, version };
  return cached;
}

export interface RealRedis {
  readonly dir: string;
  readonly socket: string;
  readonly client: Redis;
  /** Stop the server (SHUTDOWN NOSAVE unless `save`), keeping the directory. */
  stop(options?: { save?: boolean }): Promise<void>;
  /** Stop and remove the directory. */
  dispose(): Promise<void>;
}

/**
 * Start redis-server with `config` (redis.conf directives as key ⇒ value) in
 * `dir` (a new temp directory when omitted). Persistence is off unless asked.
 */
export async function startRealRedis(
  binaries: RedisBinaries,
  config: Record<string, string> = {},
  dir: string = mkdtempSync(join(tmpdir(), 'faultline-redis-')),
): Promise<RealRedis> {
  const socket = join(dir, 'redis.sock');
  const settings: Record<string, string> = {
    port: '0',
    unixsocket: socket,
    dir,
    save: '""',
    appendonly: 'no',
    daemonize: 'no',
    logfile: join(dir, 'redis.log'),
    ...config,
  };
  const args = Object.entries(settings).flatMap(([k, v]) => [`--${k}`, v === '""' ? '' : v]);
  const child: ChildProcess = spawn(binaries.server, args, { stdio: 'ignore' });
  const client = new Redis({ path: socket, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  try {
    // The socket file appears before the server accepts connections: wait for
    // "ready to accept connections" in its log, which comes after both.
    await waitFor(() => existsSync(socket) && /ready to accept connections/i.test(readLog(settings.logfile!)), 10_000, `redis-server did not start in ${dir}: ${readLog(settings.logfile!).slice(-500)}`);
    await client.connect();
  } catch (error) {
    child.kill('SIGKILL');
    client.disconnect();
    throw error;
  }
  let stopped = false;
  const stop = async (options: { save?: boolean } = {}): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await client.call('SHUTDOWN', options.save ? 'SAVE' : 'NOSAVE');
    } catch {
      // The connection closes as the server exits.
    }
    client.disconnect();
    await Promise.race([exited, delay(5000).then(() => child.kill('SIGKILL'))]);
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

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean, timeoutMs: number, message: string): Promise<void> {
  for (let waited = 0; waited < timeoutMs; waited += 20) {
    if (condition()) return;
    await delay(20);
  }
  throw new Error(message);
}
