import { expect, it } from 'vitest';
import { KafkaCluster, RedisHost, RedisOffsetStore, Simulation } from '../src/index';

it('public API: offsets saved to Redis with appendfsync everysec are gone after an immediate power loss', () => {
  const sim = new Simulation({ seed: 1 });
  const kafka = new KafkaCluster({ sim, brokerIds: [1, 2, 3] });
  kafka.createTopic('events', { partitions: 3, replicationFactor: 3 });
  const redis = new RedisHost({ sim, name: 'redis', config: { appendonly: 'yes', appendfsync: 'everysec' } });
  expect(redis.start().ok).toBe(true);
  new RedisOffsetStore(redis.server!.connect()).save('g', 'events', new Map([[0, 5]]));
  redis.powerLoss();
  sim.advance(1000);
  expect(redis.restart().ok).toBe(true);
  expect(new RedisOffsetStore(redis.server!.connect()).load('g', 'events').exists).toBe(false);
});
