/**
 * The copy-on-write contract of the key-change hooks, as a model-based
 * property: at a random moment a "fork" freezes a deep copy of the keyspace;
 * from then on a listener records, on the first `onKeyChange` of each key
 * (and on `onFlush`), the key's value and TTL as they still are. Whatever
 * commands, expiries (lazy and active) and flushes follow, the current
 * keyspace with those pre-images put back must equal the frozen copy. A
 * mutation path that forgot to announce itself, or announced itself after
 * changing the value, breaks the equality.
 */
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { RedisServer } from '../../src/redis/RedisServer';
import { DB_COUNT, type RedisValue } from '../../src/redis/RedisValue';
import { Simulation } from '../../src/sim/Simulation';
import { commandArbitrary, type Argv } from './support/commandArbitraries';

type Step = { readonly wait: number } | { readonly argv: Argv };

const START_MS = 1_704_067_200_000;
const shortTtl = fc
  .tuple(fc.constantFrom('k1', 'k2', 'k3'), fc.constantFrom('1', '5', '40', '150'))
  .map(([k, ms]): Argv => ['SET', k, 'short-lived', 'PX', ms]);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.oneof(commandArbitrary(START_MS), shortTtl).map((argv) => ({ argv })) },
  { weight: 1, arbitrary: fc.constantFrom(1, 30, 120, 400).map((wait) => ({ wait })) },
);

interface Snapshot {
  readonly value: RedisValue;
  readonly expireAtMs: number | undefined;
}

function copyValue(v: RedisValue): RedisValue {
  switch (v.type) {
    case 'string':
      return { type: 'string', value: v.value };
    case 'list':
      return { type: 'list', value: [...v.value] };
    case 'set':
      return { type: 'set', value: new Set(v.value) };
    case 'hash':
      return { type: 'hash', value: new Map(v.value) };
    case 'zset':
      return { type: 'zset', value: new Map(v.value) };
  }
}

function freeze(server: RedisServer): Map<string, Snapshot>[] {
  return server.ks.dbs.map((db) => {
    const out = new Map<string, Snapshot>();
    for (const [key, value] of db.dict) out.set(key, { value: copyValue(value), expireAtMs: db.expires.get(key) });
    return out;
  });
}

function play(sim: Simulation, client: ReturnType<RedisServer['connect']>, steps: readonly Step[]): void {
  for (const s of steps) {
    if ('wait' in s) sim.advance(s.wait);
    else client.pipeline([s.argv]);
  }
}

test.prop([fc.array(step, { maxLength: 30 }), fc.array(step, { maxLength: 30 })], { numRuns: 300 })(
  'redis key-change hooks: the keyspace at fork time is rebuilt from pre-images taken at first touch',
  (before, after) => {
    const sim = new Simulation({ seed: 'cow', startMs: START_MS, recordTrace: false });
    const server = new RedisServer({ sim });
    const client = server.connect();
    play(sim, client, before);

    const atFork = freeze(server);
    const preimages: Map<string, Snapshot | null>[] = Array.from({ length: DB_COUNT }, () => new Map());
    const record = (db: number, key: string): void => {
      if (preimages[db]!.has(key)) return;
      const value = server.ks.dbs[db]!.dict.get(key);
      preimages[db]!.set(key, value === undefined ? null : { value: copyValue(value), expireAtMs: server.ks.dbs[db]!.expires.get(key) });
    };
    server.onKeyChange(record);
    server.onFlush((db) => {
      for (let i = 0; i < DB_COUNT; i++) if (db === -1 || db === i) for (const key of server.ks.dbs[i]!.dict.keys()) record(i, key);
    });
    play(sim, client, after);

    const rebuilt = freeze(server);
    for (let db = 0; db < DB_COUNT; db++) {
      for (const [key, pre] of preimages[db]!) {
        if (pre === null) rebuilt[db]!.delete(key);
        else rebuilt[db]!.set(key, pre);
      }
    }
    expect(rebuilt).toEqual(atFork);
  },
);
