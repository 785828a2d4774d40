import { scenario } from '../Scenario';

export default scenario({
  name: 'retries-duplicate-without-idempotence',
  title: 'A retry after a lost response writes the record twice',
  teaches: `A producer that gets no answer cannot tell a write that failed from a write whose response was lost. Here the leader appends m1, replicates it and acknowledges it, but the response never reaches the producer. After request.timeout.ms the producer gives up on the request and, since it has retries left, sends m1 again. Without idempotence the broker has no way to recognise the batch: it appends it a second time. The producer reports one success at offset 2; the log holds m1 at offsets 1 and 2, and every consumer processes it twice.`,
  fix: 'enable.idempotence=true (the default since Kafka 3.0, with acks=all): the broker recognises the retried batch by producer id and sequence number and answers with the original offset (see idempotence-dedupes-retries).',
})
  .kafkaCluster({ brokers: 3 })
  .createTopic('events', { 'replication-factor': 3, config: { 'min.insync.replicas': 2 } })
  .producer('app', { acks: 'all', 'enable.idempotence': false, 'linger.ms': 0, 'request.timeout.ms': 5_000 })
  .send('app', 'events', { value: 'm0' })
  .note("The leader's responses to the producer start getting lost.")
  .network({ kind: 'drop', from: 'broker-1', to: 'app', probability: 1 })
  .send('app', 'events', { value: 'm1', wait: false })
  .wait('1s')
  .expect('committedValues events-0', { equals: 'm0,m1', because: 'm1 is written and committed; only its response was lost' })
  .network({ kind: 'drop', from: 'broker-1', to: 'app', probability: 0 })
  .step('await-sends', { producer: 'app', as: 'retried' })
  .expect('retried.records.0.offset', { equals: 2, because: 'the retry was appended as a new record' })
  .expect('committedValues events-0', { equals: 'm0,m1,m1' })
  .expect('duplicates events-0', { equals: 1 })
  .check({ as: 'audit' })
  .expect('audit.duplicated', { equals: 1 })
  .build();
