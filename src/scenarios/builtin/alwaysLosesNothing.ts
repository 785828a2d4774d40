import { scenario } from '../Scenario';

export default scenario({
  name: 'always-loses-nothing',
  title: 'appendfsync always: every acknowledged write survives a power loss, at a price',
  teaches: `With appendfsync always, Redis writes the AOF buffer and calls fsync before the replies of an event-loop iteration go out: a client that read OK knows its write is on the platter. The same application as in everysec-power-loss-window stores an order every 20 ms and the power goes: after the restart every acknowledged order is there. The price is an fsync on the reply path of every batch: on a disk whose fsync takes 2 ms, a burst of 200 back-to-back INCRs keeps the server busy for at least 400 ms, where everysec would have taken no time at all. Pipelining amortises it: one fsync per batch, not per command.`,
  fix: 'Use appendfsync always where losing an acknowledged write is not acceptable and the disk fsyncs fast (battery-backed cache, NVMe); batch writes in pipelines to share one fsync.',
})
  .redisServer('cache', { config: { appendonly: 'yes', appendfsync: 'always', save: '' }, 'fsync-latency': '2ms' })
  .redis('cache', 'SET order:{i} paid', { repeat: 500, interval: '20ms', as: 'writes' })
  .redisPowerLoss('cache')
  .redisRestart('cache')
  .step('redis-keys', { host: 'cache', pattern: 'order:*', expected: 'writes.acknowledged', as: 'after' })
  .expect('after.lost', { equals: 0, because: 'each reply went out only after its fsync' })
  .note('The cost: each event-loop iteration waits for its fsync.')
  .redis('cache', 'INCR burst', { repeat: 200, as: 'burst' })
  .expect('burst.elapsedMs', { 'at-least': 400, because: '200 separate batches, each waiting for a 2 ms fsync' })
  .redisPipeline('cache', ['INCR piped', 'INCR piped', 'INCR piped', 'INCR piped', 'INCR piped'], { repeat: 40, as: 'piped' })
  .expect('piped.elapsedMs', { 'at-most': 100, because: 'a pipeline of 5 commands is one batch and one fsync: 40 fsyncs for 200 commands' })
  .build();
