import { describe, expect, it } from 'vitest';
import { OffsetStoreError, RedisOffsetStore } from '../../src/app/RedisOffsetStore';
import { RedisServer } from '../../src/redis/RedisServer';
import { Simulation } from '../../src/sim/Simulation';

function store() {
  const sim = new Simulation({ seed: 'store' });
  const server = new RedisServer({ sim });
  const client = server.connect();
  return { client, store: new RedisOffsetStore(client) };
}

describe('offsets kept in a Redis hash ({groupId}_{topic}, partition => next offset)', () => {
  it('saves one HSET per partition in one pipeline and loads them back with EXISTS + HGETALL', () => {
    const { client, store: s } = store();
    const replies = s.save('spark-job', 'events', new Map([[1, 40], [0, 12]]));
    expect(replies.map((r) => r.kind)).toEqual(['integer', 'integer']);
    expect(client.call('HGETALL', 'spark-job_events')).toEqual({
      kind: 'array',
      items: [
        { kind: 'bulk', value: '0' },
        { kind: 'bulk', value: '12' },
        { kind: 'bulk', value: '1' },
        { kind: 'bulk', value: '40' },
      ],
    });
    expect(s.load('spark-job', 'events')).toEqual({ exists: true, offsets: new Map([[0, 12], [1, 40]]) });
  });

  it('reports a missing key as not existing, with no offsets', () => {
    expect(store().store.load('g', 't')).toEqual({ exists: false, offsets: new Map() });
  });

  it('names the key and field of a stored value that is not an offset', () => {
    const { client, store: s } = store();
    client.call('HSET', 'g_t', '0', '12', '1', 'twelve');
    expect(() => s.load('g', 't')).toThrowError(new OffsetStoreError("offset store key 'g_t' field '1' holds 'twelve', which is not an offset"));
    client.call('HDEL', 'g_t', '1');
    client.call('HSET', 'g_t', 'p2', '5');
    expect(() => s.load('g', 't')).toThrowError(/field 'p2', which is not a partition number/);
  });

  it('a key of the wrong type is an error, not an empty store', () => {
    const { client, store: s } = store();
    client.call('SET', 'g_t', 'oops');
    expect(() => s.load('g', 't')).toThrowError(/HGETALL g_t failed: WRONGTYPE/);
  });
});
