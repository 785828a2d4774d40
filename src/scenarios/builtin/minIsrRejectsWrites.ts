import { scenario } from '../Scenario';

export default scenario({
  name: 'min-isr-rejects-writes',
  title: 'min.insync.replicas: acks=all writes are refused when the ISR is too small',
  teaches: `min.insync.replicas=2 says an acks=all write needs two in-sync replicas. Two of three brokers die and the ISR shrinks to the leader: the leader rejects every acks=all batch before appending it (NOT_ENOUGH_REPLICAS, retried by the producer until delivery.timeout.ms), so nothing unsafe is written. A producer with acks=1 skips the check and its write is appended, but since Kafka 3.7 the high watermark does not move while the ISR is below min(min.insync.replicas, replication factor): consumers cannot see the record until a replica returns. The second cluster runs Kafka 3.6 and shows the other error: an acks=all write already appended when the ISR shrinks completes with NOT_ENOUGH_REPLICAS_AFTER_APPEND, and the record stays in the log although the producer was told it failed.`,
  fix: 'Replication factor 3 with min.insync.replicas=2 tolerates one replica down; alert on under-min-ISR partitions (UnderMinIsrPartitionCount) before a second one goes; treat NOT_ENOUGH_REPLICAS_AFTER_APPEND as "written, maybe": make consumers idempotent.',
})
  .kafkaCluster({ brokers: 3 })
  .createTopic('events', { 'replication-factor': 3, config: { 'min.insync.replicas': 2 } })
  .producer('app', { acks: 'all', 'linger.ms': 0, 'request.timeout.ms': 5000, 'delivery.timeout.ms': 10_000 })
  .producer('logger', { acks: 1, 'linger.ms': 0 })
  .send('app', 'events', { value: 'm0' })
  .brokerCrash(2)
  .brokerCrash(3)
  .waitUntil('isr events-0', { equals: '1', within: '15s' })
  .send('app', 'events', { value: 'm1', as: 'rejected' })
  .expect('rejected.error', { equals: 'REQUEST_TIMED_OUT', because: 'every attempt got NOT_ENOUGH_REPLICAS until delivery.timeout.ms passed' })
  .expect('replicaLogEndOffset events-0 1', { equals: 1, because: 'the leader refused m1 before appending it' })
  .send('logger', 'events', { value: 'm2', as: 'acks1' })
  .expect('acks1.records.0.offset', { equals: 1, because: 'acks=1 does not look at min.insync.replicas' })
  .expect('highWatermark events-0', { equals: 1, because: 'since 3.7 the high watermark waits while the ISR is below min.insync.replicas' })
  .fetch('events', { offset: 1, as: 'consumer' })
  .expect('consumer.records', { equals: 0, because: 'consumers read only below the high watermark' })
  .brokerRestart(2)
  .waitUntil('isrSize events-0', { equals: 2, within: '30s' })
  .waitUntil('highWatermark events-0', { equals: 2, within: '5s', because: 'with two in-sync replicas the high watermark moves again' })
  .expect('committedValues events-0', { equals: 'm0,m2' })
  .note('Now Kafka 3.6, where the high watermark ignored min.insync.replicas: an acks=all write in flight when the ISR shrinks.')
  .kafkaCluster({ brokers: 3, version: '3.6', config: { 'replica.lag.time.max.ms': 10_000 } })
  .createTopic('events', { 'replication-factor': 3, config: { 'min.insync.replicas': 2 } })
  .producer('app', { acks: 'all', 'linger.ms': 0, retries: 0, 'enable.idempotence': false, 'request.timeout.ms': 60_000 })
  .send('app', 'events', { value: 'm0' })
  .network({ kind: 'partition', between: 'broker-1', and: ['broker-2', 'broker-3'] })
  .send('app', 'events', { value: 'm1', as: 'after' })
  .expect('after.error', { equals: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', because: 'm1 was appended, then the ISR shrank to the leader and the high watermark passed it' })
  .expect('committedValues events-0', { equals: 'm0,m1', because: 'the record stays in the log, visible, though the producer was told it failed' })
  .build();
