import { scenario } from '../Scenario';

export default scenario({
  name: 'latest-reset-misses-new-partition-data',
  title: 'auto.offset.reset=latest skips what a new partition got before the group saw it',
  teaches: `When a rebalance finally assigns a partition the group has never committed, the consumer has no offset for it and falls back to auto.offset.reset. The default is latest: start at the partition's end. For a partition that was just added that is a trap. Here the topic grows to 3 partitions and a producer immediately writes 30 records to the new one, but the group only notices the new partition at its leader's next metadata refresh (metadata.max.age.ms, 5 minutes). Then the consumer looks up the end of events-2, which is already offset 30, and starts there. The 30 records are skipped: nothing deleted them, no error was raised, and the group's lag on events-2 is 0. Records written after the rebalance are read as usual.`,
  fix: 'Set auto.offset.reset=earliest on groups whose topics may grow (the first assignment of a new partition then reads it from the start), or add partitions before anything writes to them and give the group time to notice.',
})
  .createTopic('events', { partitions: 2 })
  .consumerApp({ name: 'indexer', group: 'indexer', topics: ['events'], commit: 'sync' })
  .wait('10s')
  .produce('events', { partition: 0, count: 5, value: 'before-{n}' })
  .wait('5s')
  .addPartitions('events', 3)
  .produce('events', { partition: 2, count: 30, value: 'early-{n}' })
  .waitUntil('assignment indexer', { equals: 'events-0,events-1,events-2', within: '6m', because: "the leader's metadata refresh shows 3 partitions and it rejoins" })
  .wait('5s')
  .expect('position indexer events-2', { equals: 30, because: 'auto.offset.reset=latest put the first position at the end of the log' })
  .produce('events', { partition: 2, count: 5, value: 'late-{n}' })
  .wait('5s')
  .describeGroup('indexer', { as: 'group' })
  .expect('group.events-2.lag', { equals: 0 })
  .checkDelivery({ name: 'indexer', as: 'delivery' })
  .expect('delivery.lost', { equals: 30, because: 'every record written to events-2 before the group assigned it was skipped' })
  .expect('delivery.processedOnce', { equals: 10 })
  .build();
