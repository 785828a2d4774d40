import { scenario } from '../Scenario';

export default scenario({
  name: 'commit-before-process-loses',
  title: 'Storing offsets before processing (at-most-once) loses the batch a crash interrupts',
  teaches: `A stream job that keeps its offsets in Redis makes two writes per batch: the next offsets, and the results. Their order is its delivery semantics, whatever the configuration says. This job stores the offsets first, then writes the results (at-most-once). It reads a batch of 20 records, stores offsets saying they are done, and dies before writing their results. On restart it loads those offsets and carries on after the batch: the 20 records are never processed. No error is raised anywhere; the loss shows only when the results are counted against what the producer had acknowledged.`,
  fix: 'Write the results first and the offsets after (at-least-once, with idempotent processing), or write both in one MULTI/EXEC.',
})
  .createTopic('events', { partitions: 2 })
  .redisServer('cache', { config: { appendonly: 'yes' } })
  .producer('app')
  .send('app', 'events', { count: 30, partition: 0, value: 'e{n}' })
  .send('app', 'events', { count: 30, partition: 1, value: 'e{n}', from: 31 })
  .streamJob({ name: 'job', group: 'analytics', topic: 'events', redis: 'cache', semantics: 'at-most-once', interval: '3s', 'max-per-partition': 10 })
  .wait('4s')
  .note('The first batch went through. The job will die in the next one, after storing its offsets and before writing its results.')
  .streamJobCrash({ name: 'job', at: 'between-writes' })
  .wait('3s')
  .streamJobRestart({ name: 'job', as: 'restart' })
  .expect('restart.replayed', { equals: 0, because: 'the stored offsets already cover the batch that was never processed' })
  .wait('10s')
  .checkDelivery({ name: 'job', as: 'delivery' })
  .expect('delivery.lost', { equals: 20, because: 'the crashed batch had 10 records from each of 2 partitions' })
  .expect('delivery.duplicated', { equals: 0 })
  .expect('delivery.processedOnce', { equals: 40 })
  .build();
