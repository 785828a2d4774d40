import { scenario } from '../Scenario';

export default scenario({
  name: 'keyed-partitioning-changes-when-partitions-added',
  title: 'Adding partitions moves keys: per-key order breaks across the change',
  teaches: `The producer picks a keyed record's partition as toPositive(murmur2(key)) % numPartitions, over all partitions of the topic. Kafka's ordering guarantee is per partition, so all of a key's events stay in order only as long as the key keeps its partition. Growing the topic from 3 to 6 partitions changes the modulus: "alice" hashes to partition 0 of 3 but to partition 3 of 6, while "bob" stays on 0. The producer does not notice at once: it keeps partitioning over 3 until its metadata refreshes (metadata.max.age.ms, 5 minutes by default). From then on alice's new events go to partition 3, and a consumer that reads partition 3 before it has caught up on partition 0 processes alice's later events before her earlier ones.`,
  fix: 'Create topics with the partition count they will need; if a topic must grow, drain or pause producers of keyed data across the change, or create a new topic and migrate; consumers must not assume per-key order across a partition increase.',
})
  .kafkaCluster({ brokers: 3 })
  .createTopic('orders', { partitions: 3, 'replication-factor': 3 })
  .producer('app', { acks: 'all', 'linger.ms': 0 })
  .send('app', 'orders', { key: 'alice', value: 'alice-1', as: 'before' })
  .send('app', 'orders', { key: 'bob', value: 'bob-1', as: 'bobBefore' })
  .expect('before.records.0.partition', { equals: 0, because: 'murmur2("alice") % 3 = 0' })
  .expect('bobBefore.records.0.partition', { equals: 0 })
  .addPartitions('orders', 6)
  .send('app', 'orders', { key: 'alice', value: 'alice-2', as: 'stale' })
  .expect('stale.records.0.partition', { equals: 0, because: 'the producer still partitions over the 3 partitions it knows' })
  .note('Five minutes later the producer refreshes its metadata (metadata.max.age.ms) and sees 6 partitions.')
  .wait('5m')
  .send('app', 'orders', { key: 'alice', value: 'alice-3', as: 'after' })
  .send('app', 'orders', { key: 'bob', value: 'bob-2', as: 'bobAfter' })
  .expect('after.records.0.partition', { equals: 3, because: 'murmur2("alice") % 6 = 3: alice moved' })
  .expect('bobAfter.records.0.partition', { equals: 0, because: 'murmur2("bob") % 6 = 0: bob stays' })
  .expect('committedValues orders-0', { equals: 'alice-1,bob-1,alice-2,bob-2' })
  .expect('committedValues orders-3', { equals: 'alice-3', because: "alice's newest event is alone on another partition, free to be consumed before her older ones" })
  .build();
