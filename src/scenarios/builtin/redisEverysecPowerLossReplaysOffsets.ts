import { scenario } from '../Scenario';

export default scenario({
  name: 'redis-everysec-power-loss-replays-offsets',
  title: 'everysec power loss: a restarted job re-reads the lost second, a running one loses it',
  teaches: `Two jobs keep their offsets and results in the same Redis, which runs appendonly yes with appendfsync everysec: a write is acknowledged when it is in the AOF page cache, and fsynced about once a second. The power goes out. Redis comes back with the AOF as of its last fsync, so the last second of offsets, and of results, is gone for both jobs. The supervised job restarts from what Redis has and reads those records again, so nothing is lost (a result whose offsets did not reach the disk with it is counted twice: at-least-once). The other job only retried its failing batches and carries on from the offsets it remembers: it never re-reads the forgotten second, and those results are lost for good. A replay is the cure here; with results kept anywhere else it would be a duplicate.`,
  fix: 'Restart the job from the stored offsets whenever the offset store restarts (fail the job on connection loss); or use appendfsync always for the offset store, at a latency cost per write.',
})
  .createTopic('events')
  .redisServer('cache', { config: { appendonly: 'yes', appendfsync: 'everysec' } })
  .streamJob({ name: 'supervised', group: 'g1', topic: 'events', redis: 'cache', semantics: 'at-least-once', interval: '500ms' })
  .streamJob({ name: 'carries-on', group: 'g2', topic: 'events', redis: 'cache', semantics: 'at-least-once', interval: '500ms' })
  .producer('app', { 'linger.ms': 0 })
  .send('app', 'events', { count: 200, value: 'e{n}', interval: '100ms' })
  .note('Both jobs are keeping up. Now the Redis host loses power.')
  .redisPowerLoss('cache')
  .wait('2s')
  .redisRestart('cache')
  .streamJobRestart({ name: 'supervised', as: 'replay' })
  .expect('replay.replayed', { 'at-least': 1, because: 'Redis forgot the offsets of up to the last second or two' })
  .send('app', 'events', { count: 20, value: 'f{n}', interval: '100ms' })
  .wait('5s')
  .checkDelivery({ name: 'supervised', as: 'supervised' })
  .expect('supervised.lost', { equals: 0, because: 'it read again every record whose offsets Redis forgot' })
  .checkDelivery({ name: 'carries-on', as: 'carriesOn' })
  .expect('carriesOn.lost', { 'at-least': 1, because: 'its results of the last second vanished and it never read those records again' })
  .build();
