import { scenario } from '../Scenario';

/** A billing worker: results and offsets in one MULTI/EXEC on cache, 100 ms per order, 10 orders per poll. */
const billingWorker = (name: string) => ({
  name,
  group: 'billing',
  topics: ['orders'],
  commit: 'external',
  redis: 'cache',
  results: 'billing',
  'processing-time': '100ms',
  config: { 'auto.offset.reset': 'earliest', 'max.poll.records': 10, 'max.poll.interval.ms': 10_000 },
});

/**
 * Found by the consumer-group property test (test/app/consumerGroup.property.test.ts):
 * atomic writes are not ownership.
 */
export default scenario({
  name: 'zombie-consumer-duplicates-despite-multi-exec',
  title: 'A frozen consumer wakes up and writes a batch its replacement already processed',
  teaches: `Two consumers of the billing group keep results and offsets in Redis and write both in one MULTI/EXEC, with a rebalance listener that seeks to Redis's offsets: exactly-once under crashes. Then w1's poll thread freezes for 20 s (a long GC pause, a hung call) with a batch of 10 orders in hand. Its heartbeat thread carries on, but after max.poll.interval.ms (10 s here) the consumer gives up its membership and the group hands orders-0 to w2, which seeks to the offset in Redis and processes those 10 orders. When w1's thread runs again it finishes the batch it was holding and writes its results and its offsets in one transaction, as always. The transaction is atomic, but w1 no longer owns the partition: the 10 orders are billed twice, and for a moment the stored offset goes back. MULTI/EXEC gives atomicity, not ownership.`,
  fix: "Fence the writes: keep the owner's generation beside each partition's offset in Redis and make the transaction conditional on it (WATCH the owner key, or a Lua script that compares), or check that the partition is still assigned (the rebalance listener's revocation) before writing; with Kafka-stored offsets, commitSync is fenced for you (CommitFailedException).",
})
  .createTopic('orders', { partitions: 2 })
  .redisServer('cache', { config: { appendonly: 'yes' } })
  .produce('orders', { partition: 0, count: 200, value: 'a{n}' })
  .produce('orders', { partition: 1, count: 200, value: 'b{n}' })
  .consumerApp(billingWorker('w1'))
  .wait('5s')
  .consumerApp(billingWorker('w2'))
  .wait('5s')
  .step('consumer-stall', { name: 'w1', for: '20s' })
  .wait('60s')
  .describeGroup('billing', { as: 'group' })
  .expect('group.lag', { equals: 0 })
  .checkDelivery({ name: 'billing', as: 'delivery' })
  .expect('delivery.duplicated', { equals: 10, because: 'the 10 orders w1 held while frozen were billed by w2, then again by w1' })
  .expect('delivery.lost', { equals: 0 })
  .build();
