import { scenario } from '../Scenario';

export default scenario({
  name: 'rebalance-on-partition-add',
  title: "New partitions wait for the group leader's next metadata refresh",
  teaches: `A consumer group's assignment is computed by its leader, one of the consumers, from its own metadata, and kept as a snapshot of the partition counts it used. Adding partitions to a topic tells no consumer anything. The leader only sees the new count at its next metadata refresh, metadata.max.age.ms (5 minutes) after the last one; at its next poll() the snapshot no longer matches, it rejoins, and the rebalance hands out the new partitions. Here events grows from 2 to 4 partitions at +20 s and 10 records go to each new partition at once. For more than four minutes the group, still in generation 1, reads none of them, and kafka-consumer-groups does not even list the new partitions: nobody owns them and nothing was committed for them. The leader's refresh at +5m starts generation 2, and, because these consumers reset to earliest, the waiting records are read then.`,
  fix: 'Lower metadata.max.age.ms on the consumers of topics that grow, so that the leader notices new partitions sooner (every refresh costs a Metadata request), or add partitions before producers write to them.',
})
  .createTopic('events', { partitions: 2 })
  .produce('events', { partition: 0, count: 5, value: 'p0-{n}' })
  .produce('events', { partition: 1, count: 5, value: 'p1-{n}' })
  .consumerApp({ name: 'reader-1', group: 'readers', topics: ['events'], commit: 'sync', results: 'readers', config: { 'auto.offset.reset': 'earliest' } })
  .consumerApp({ name: 'reader-2', group: 'readers', topics: ['events'], commit: 'sync', results: 'readers', config: { 'auto.offset.reset': 'earliest' } })
  .wait('20s')
  .expect('groupGeneration readers', { equals: 1 })
  .expect('groupMembers readers', { equals: 2 })
  .addPartitions('events', 4)
  .produce('events', { partition: 2, count: 10, value: 'p2-{n}' })
  .produce('events', { partition: 3, count: 10, value: 'p3-{n}' })
  .wait('4m')
  .note('Four minutes later the group is still in generation 1: nobody owns events-2 and events-3.')
  .describeGroup('readers', { as: 'before' })
  .expect('groupGeneration readers', { equals: 1, because: "the leader's metadata is older than the new partitions and not yet due for a refresh" })
  .expect('committed readers events-2', { equals: null })
  .waitUntil('groupGeneration readers', { equals: 2, within: '2m', because: 'the leader refreshes its metadata every metadata.max.age.ms (300000) and rejoins when the partition counts changed' })
  .wait('10s')
  .describeGroup('readers', { as: 'after' })
  .expect('after.members', { equals: 2 })
  .expect('after.events-2.lag', { equals: 0, because: 'the new owner started at the earliest offset and read the 10 waiting records' })
  .expect('after.events-3.lag', { equals: 0 })
  .checkDelivery({ name: 'readers', as: 'delivery' })
  .expect('delivery.processedOnce', { equals: 30, because: 'once assigned, the records that waited on the new partitions were all read' })
  .expect('delivery.lost', { equals: 0 })
  .build();
