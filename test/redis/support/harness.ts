/**
 * A simulated Redis server for unit tests: a Simulation, a RedisServer, one
 * client, and everything the server propagated, so a test reads as a
 * redis-cli session: `run('SET', 'k', 'v')` and an expectation.
 */
import type { Persistence } from '../../../src/redis/Persistence';
import type { RedisClient } from '../../../src/redis/RedisClient';
import type { RedisConfigInput } from '../../../src/redis/redisConfig';
import { RedisServer } from '../../../src/redis/RedisServer';
import type { Reply } from '../../../src/redis/reply';
import { Simulation } from '../../../src/sim/Simulation';

export interface Harness {
  readonly sim: Simulation;
  readonly server: RedisServer;
  readonly client: RedisClient;
  /** Propagated commands as `db: ARGV...` lines. */
  readonly propagated: string[];
  /** One command, its reply as a plain value (see `plain`). */
  run(...argv: string[]): Plain;
}

export function harness(options: { seed?: string; config?: RedisConfigInput; persistence?: Persistence } = {}): Harness {
  const sim = new Simulation({ seed: options.seed ?? 'redis-unit' });
  const server = new RedisServer({ sim, config: options.config, persistence: options.persistence });
  const propagated: string[] = [];
  server.onPropagate((db, argv) => propagated.push(`${db}: ${argv.join(' ')}`));
  const client = server.connect();
  return { sim, server, client, propagated, run: (...argv) => plain(client.call(...argv)) };
}

export type Plain = string | number | bigint | null | { readonly error: string } | { readonly nullArray: true } | readonly Plain[];

/**
 * A reply as a plain value: status and bulk strings as strings, integers as
 * numbers, the null bulk as null, errors as `{ error }`, the null array as
 * `{ nullArray: true }`. Tests that care about status vs bulk check `kind`.
 */
export function plain(reply: Reply): Plain {
  switch (reply.kind) {
    case 'simple':
    case 'bulk':
      return reply.value;
    case 'integer':
      return reply.value;
    case 'nullBulk':
      return null;
    case 'nullArray':
      return { nullArray: true };
    case 'error':
      return { error: reply.message };
    case 'array':
      return reply.items.map(plain);
  }
}
