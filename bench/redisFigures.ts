/**
 * Figures of the Redis server and its persistence (issue 4):
 *   - HSET on 64 fields of one key (the offset-store pattern) with
 *     appendonly yes and appendfsync everysec modelled (RESP bytes appended
 *     to the page cache, a background fsync each simulated second), beside
 *     ioredis-mock on the same workload in the same bench run; target 3×;
 *   - BGSAVE of 1,000,000 string keys to a real RDB byte image written to
 *     the simulated disk, from the command to the child being reaped.
 *
 * ioredis-mock answers through promises, and the harness measures
 * synchronously, so its figure runs in a child node process (the same
 * machine, the same run).
 */
import { spawnSync } from 'node:child_process';
import { decodeRdb } from '../src/redis/format/rdbDecode';
import { RedisHost } from '../src/redis/persistence/RedisHost';
import { Simulation } from '../src/sim/Simulation';
import { round, timeMs, type Figure } from './harness';

const FIELDS = Array.from({ length: 64 }, (_, i) => `partition-${i}`);
const HSET_OPS = 1_000_000;
const MOCK_OPS = 200_000;

function hsetOpsPerSecond(): number {
  const sim = new Simulation({ seed: 'bench', recordTrace: false });
  const host = new RedisHost({ sim, name: 'bench', config: { appendonly: 'yes', appendfsync: 'everysec', save: '' } });
  const started = host.start();
  if (!started.ok) throw new Error(started.log.join('\n'));
  const client = started.server.connect();
  const values = Array.from({ length: 1024 }, (_, i) => String(1_000_000 + i));
  const run = (ops: number): void => {
    for (let i = 0; i < ops; i++) {
      client.call('HSET', 'offsets', FIELDS[i & 63]!, values[i & 1023]!);
      // 128 writes per simulated millisecond: the everysec fsync runs once a simulated second.
      if ((i & 127) === 127) sim.advance(1);
    }
  };
  run(50_000);
  const ms = timeMs(() => run(HSET_OPS));
  const info = host.persistenceInfo()!;
  if (info.aof.aof_current_size < HSET_OPS * 40) throw new Error(`the AOF did not grow (${info.aof.aof_current_size} bytes)`);
  if (host.disk.stats().fsyncs < 5) throw new Error('no background fsync ran');
  return round(HSET_OPS / (ms / 1000));
}

const MOCK_SCRIPT = `
const { default: RedisMock } = await import('ioredis-mock');
const redis = new RedisMock();
const fields = Array.from({ length: 64 }, (_, i) => 'partition-' + i);
const values = Array.from({ length: 1024 }, (_, i) => String(1000000 + i));
const run = async (ops) => { for (let i = 0; i < ops; i++) await redis.hset('offsets', fields[i & 63], values[i & 1023]); };
await run(20000);
const t0 = performance.now();
await run(${MOCK_OPS});
const ms = performance.now() - t0;
if (Object.keys(await redis.hgetall('offsets')).length !== 64) throw new Error('ioredis-mock lost fields');
process.stdout.write(String(${MOCK_OPS} / (ms / 1000)));
redis.disconnect();
`;

function ioredisMockOpsPerSecond(): number {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', MOCK_SCRIPT], { encoding: 'utf8', cwd: process.cwd() });
  if (r.status !== 0) throw new Error(`ioredis-mock bench failed: ${r.stderr}`);
  return round(Number(r.stdout));
}

function bgsaveWallMs(): number {
  const keys = 1_000_000;
  const sim = new Simulation({ seed: 'bench', recordTrace: false });
  const host = new RedisHost({ sim, name: 'bench', config: { save: '' } });
  const started = host.start();
  if (!started.ok) throw new Error(started.log.join('\n'));
  const server = started.server;
  for (let i = 0; i < keys; i++) server.ks.add(0, `key:${i}`, { type: 'string', value: `value:${i}` });
  const client = server.connect();
  const persistence = host.persistence!;
  const ms = timeMs(() => {
    const reply = client.call('BGSAVE');
    if (reply.kind !== 'simple') throw new Error(`BGSAVE: ${JSON.stringify(reply)}`);
    sim.runWhile(() => persistence.activeChild !== null);
  });
  const info = host.persistenceInfo()!;
  if (info.rdb_last_bgsave_status !== 'ok' || info.rdb_saves !== 1) throw new Error('BGSAVE did not complete');
  const dump = decodeRdb(host.disk.readFile('var/lib/redis/dump.rdb'), { nowMs: null });
  if (!dump.ok || dump.keysLoaded !== keys) throw new Error('dump.rdb does not hold the keys');
  return round(ms, 1);
}

export const redisFigures: readonly Figure[] = [
  {
    key: 'redis_hset_ops_per_s',
    name: 'Redis HSET on 64 fields of one key, appendonly yes, appendfsync everysec (AOF bytes into the page cache)',
    unit: 'ops/s',
    target: '>= 3x ioredis_mock_hset_ops_per_s',
    measure: hsetOpsPerSecond,
  },
  {
    key: 'ioredis_mock_hset_ops_per_s',
    name: 'ioredis-mock 8.13.1, the same HSET workload (awaited one by one)',
    unit: 'ops/s',
    measure: ioredisMockOpsPerSecond,
  },
  {
    key: 'bgsave_1m_keys_wall_ms',
    name: 'BGSAVE of 1,000,000 string keys to an RDB image on the simulated disk, fork to reaping',
    unit: 'ms',
    target: '<= 1,500',
    measure: bgsaveWallMs,
  },
];
