import { scenario } from '../Scenario';

export default scenario({
  name: 'everysec-power-loss-window',
  title: 'appendfsync everysec: a power loss takes the last second of acknowledged writes',
  teaches: `With appendonly yes, Redis appends every write command to the AOF before it replies, so the bytes are in the kernel's page cache when the client reads OK. With appendfsync everysec (the default) it asks the disk to make them durable only once a second, with an fsync in a background thread. A process crash loses nothing: the kernel still has the page cache. A power loss loses every byte the last fsync did not cover. Here an application stores an order every 20 ms for ten seconds and every write is acknowledged; then the power goes. After the restart the AOF ends at the last fsync: the orders of the last second are gone, although Redis had said OK to each of them.`,
  fix: 'appendfsync always makes every acknowledged write durable (one fsync per event-loop iteration, on the reply path); otherwise treat the last second as at risk: make the writer able to replay it (idempotent writes from a durable source, such as Kafka offsets stored after the data).',
})
  .redisServer('cache', { config: { appendonly: 'yes', appendfsync: 'everysec', save: '' } })
  .note('The application writes order:0 .. order:499, one every 20 ms, and gets OK for each.')
  .redis('cache', 'SET order:{i} paid', { repeat: 500, interval: '20ms', as: 'writes' })
  .expect('writes.acknowledged', { equals: 500 })
  .redisPowerLoss('cache')
  .redisRestart('cache')
  .step('redis-keys', { host: 'cache', pattern: 'order:*', expected: 'writes.acknowledged', as: 'after' })
  .expect('after.lost', { 'at-least': 1, because: 'the writes after the last background fsync were only in the page cache' })
  .expect('after.lost', { 'at-most': 50, because: 'everysec fsyncs once a second: at most about one second of writes (50 at one every 20 ms) is at risk' })
  .expect('redisGet cache order:0', { equals: 'paid', because: 'everything the earlier fsyncs covered survived' })
  .build();
