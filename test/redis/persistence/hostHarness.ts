/**
 * A simulated Redis host for persistence tests: a Simulation, a RedisHost
 * started with the given redis.conf settings, one client, and helpers that
 * read the disk as a test needs it (page cache vs durable bytes, the
 * keyspace a restart would load).
 */
import { RedisHost, type RedisDiskOptions } from '../../../src/redis/persistence/RedisHost';
import type { RedisHostModel } from '../../../src/redis/persistence/hostModel';
import type { RedisClient } from '../../../src/redis/RedisClient';
import type { RedisConfigInput } from '../../../src/redis/redisConfig';
import type { RedisServer } from '../../../src/redis/RedisServer';
import { Simulation } from '../../../src/sim/Simulation';
import { plain, type Plain } from '../support/harness';

export interface HostHarness {
  readonly sim: Simulation;
  readonly host: RedisHost;
  readonly server: RedisServer;
  client: RedisClient;
  /** One command through the current client; lets blocked time pass afterwards. */
  run(...argv: string[]): Plain;
  /** Start again after a crash or power loss; throws when the server refuses to start. */
  restart(overrides?: RedisConfigInput): RedisServer;
  /** `INFO persistence` (and stats) field as printed. */
  info(field: string): string;
  /** Bytes of a file relative to `dir`, as the page cache has them. */
  file(name: string): Buffer;
  /** How many bytes of a file would survive a power loss now. */
  durableLength(name: string): number;
  log(): string[];
}

export const DIR = '/var/lib/redis';

export function hostHarness(
  options: { config?: RedisConfigInput; disk?: RedisDiskOptions; model?: Partial<RedisHostModel>; seed?: string; startMs?: number } = {},
): HostHarness {
  const sim = new Simulation({ seed: options.seed ?? 'persistence-unit', startMs: options.startMs });
  const host = new RedisHost({ sim, name: 'redis-1', config: options.config, disk: options.disk, model: options.model });
  const started = host.start();
  if (!started.ok) throw new Error(`start failed:\n${started.log.join('\n')}`);
  // Start-up work (creating the first AOF base) is not what the tests time.
  host.takeBlockedMs();
  const h: HostHarness = {
    sim,
    host,
    get server() {
      const s = host.server;
      if (s === null) throw new Error(`redis-1 is not running (${host.processState})`);
      return s;
    },
    client: started.server.connect(),
    run(...argv) {
      const reply = plain(h.client.call(...argv));
      sim.advance(host.takeBlockedMs());
      return reply;
    },
    restart(overrides = {}) {
      const r = host.restart(overrides);
      if (!r.ok) throw new Error(`restart failed:\n${r.log.join('\n')}`);
      h.client = r.server.connect();
      return r.server;
    },
    info(field) {
      const text = plain(h.client.call('INFO', 'everything')) as string;
      const m = new RegExp(`^${field}:(.*)\\r$`, 'm').exec(text);
      if (m === null) throw new Error(`INFO has no field ${field}`);
      return m[1]!;
    },
    file(name) {
      return Buffer.from(host.disk.readFile(`${DIR}/${name}`));
    },
    durableLength(name) {
      return host.disk.durableLength(host.disk.open(`${DIR}/${name}`));
    },
    log() {
      return host.log.lines.map((l) => l.message);
    },
  };
  return h;
}

/** Incompressible text of `n` bytes from a seed (LZF finds nothing to shorten). */
export function noise(n: number, seed: number): string {
  let x = seed >>> 0 || 1;
  let out = '';
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += String.fromCharCode(33 + ((x >>> 0) % 90));
  }
  return out;
}
