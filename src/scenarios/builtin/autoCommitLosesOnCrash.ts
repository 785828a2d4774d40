import { scenario } from '../Scenario';

export default scenario({
  name: 'auto-commit-loses-on-crash',
  title: 'Auto-commit commits what was polled, not what was processed: a crash loses the rest',
  teaches: `With enable.auto.commit (the default) the consumer commits inside poll(), every auto.commit.interval.ms (5 s), the position of each partition: everything poll() has returned so far, processed or not. This billing service hands each batch to a worker and polls again at once, so poll() runs ahead of the work: 60 orders are polled within milliseconds while the worker needs 200 ms per order. The auto-commit at +8 s stores offset 30 on both partitions, and at +10 s the process is killed with 26 orders still queued in memory. Its replacement joins the group (after the dead member's session.timeout.ms of 45 s runs out), fetches the committed offsets and starts after them. Those 26 orders are never billed. No error is logged anywhere, and kafka-consumer-groups shows a lag of 0.`,
  fix: 'Commit only what has been processed: enable.auto.commit=false and commitSync after the work is done (at-least-once), or process the records in the poll loop before the next poll().',
})
  .createTopic('orders', { partitions: 2 })
  .produce('orders', { partition: 0, count: 30, value: 'order-a{n}' })
  .produce('orders', { partition: 1, count: 30, value: 'order-b{n}' })
  .consumerApp({
    name: 'billing',
    group: 'billing',
    topics: ['orders'],
    commit: 'auto',
    processing: 'hand-off',
    'processing-time': '200ms',
    config: { 'auto.offset.reset': 'earliest', 'max.poll.records': 20 },
  })
  .wait('10s')
  .expect('committed billing orders-0', { equals: 30, because: 'the auto-commit at +8 s stored every position poll() had reached' })
  .expect('appProcessed billing', { 'at-most': 40, because: 'the worker is far behind poll()' })
  .consumerCrash('billing')
  .wait('1s')
  .consumerRestart('billing')
  .wait('60s')
  .describeGroup('billing', { as: 'after' })
  .expect('after.lag', { equals: 0, because: 'the committed offsets are at the end of the log' })
  .checkDelivery({ name: 'billing', as: 'delivery' })
  .expect('delivery.lost', { equals: 26, because: 'the orders still queued for the worker at the crash were committed and never processed' })
  .expect('delivery.duplicated', { equals: 0 })
  .expect('delivery.processedOnce', { equals: 34 })
  .build();
