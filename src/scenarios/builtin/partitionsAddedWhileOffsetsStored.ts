import { scenario } from '../Scenario';

export default scenario({
  name: 'partitions-added-while-offsets-stored',
  title: 'Partitions added to a topic have no stored offsets',
  teaches: `A job stores offsets per partition of the topic it reads. An operator grows the topic from 1 to 5 partitions (partitions can only be added, never removed). Producers see the new partitions at their next metadata refresh and keyed records now hash over 5 partitions, so most keys move. The job's store still holds one offset, for partition 0. A job that resumes only the partitions it has offsets for never reads partitions 1 to 4; the start-up correction finds them missing and starts them at the earliest offset, so nothing written to them is skipped.`,
  fix: 'At start-up, list the topic\'s partitions from the cluster (not from the offset store) and start missing ones at the earliest offset.',
})
  .createTopic('orders', { partitions: 1 })
  .produce('orders', { count: 10, keys: ['alice', 'bob', 'carol', 'dave', 'erin'] })
  .consume('orders', { group: 'billing' })
  .expect('storedOffset billing orders-0', { equals: 10 })
  .addPartitions('orders', 5)
  .expect('partitions orders', { equals: 5 })
  .addPartitions('orders', 3, { as: 'shrink' })
  .expect('shrink.exception', { equals: 'InvalidPartitionsException', because: 'Kafka cannot take partitions away' })
  .produce('orders', { count: 20, keys: ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'], as: 'after' })
  .describeTopic('orders')
  .correctOffsets({ group: 'billing', topic: 'orders', as: 'correction' })
  .expect('correction.orders-0.action', { equals: 'keep', because: 'offset 10 of partition 0 is still valid' })
  .expect('correction.orders-1.action', { equals: 'start-at-earliest', because: 'no offset was ever stored for the new partition' })
  .expect('correction.orders-4.startOffset', { equals: 0 })
  .consume('orders', { group: 'billing', as: 'resumed' })
  .expect('resumed.total', { equals: 20, because: 'the 20 new records, wherever their keys hashed, are all read once' })
  .build();
