import { scenario } from '../Scenario';

export default scenario({
  name: 'process-then-commit-duplicates',
  title: 'Processing before storing offsets (at-least-once) repeats the batch a crash interrupts',
  teaches: `The same job with the writes the other way round: results first, then the next offsets (at-least-once). It dies after writing a batch's results and before storing its offsets. On restart Redis still holds the previous offsets, so the job reads the batch again and writes its results a second time. Nothing is lost; 20 records are counted twice. At-least-once is safe only when processing a record twice changes nothing (an upsert by key, a set), which a counter like this one is not.`,
  fix: 'Make processing idempotent (write results by record key, not by incrementing), or put results and offsets in one MULTI/EXEC.',
})
  .createTopic('events', { partitions: 2 })
  .redisServer('cache', { config: { appendonly: 'yes' } })
  .producer('app')
  .send('app', 'events', { count: 30, partition: 0, value: 'e{n}' })
  .send('app', 'events', { count: 30, partition: 1, value: 'e{n}', from: 31 })
  .streamJob({ name: 'job', group: 'analytics', topic: 'events', redis: 'cache', semantics: 'at-least-once', interval: '3s', 'max-per-partition': 10 })
  .wait('4s')
  .note('The first batch went through. The job will die in the next one, after writing its results and before storing its offsets.')
  .streamJobCrash({ name: 'job', at: 'between-writes' })
  .wait('3s')
  .streamJobRestart({ name: 'job', as: 'restart' })
  .wait('10s')
  .checkDelivery({ name: 'job', as: 'delivery' })
  .expect('delivery.lost', { equals: 0 })
  .expect('delivery.duplicated', { equals: 20, because: 'the crashed batch was read and counted again after the restart' })
  .build();
