import { scenario } from '../Scenario';

export default scenario({
  name: 'exactly-once-with-multi-exec',
  title: 'Results and offsets in one MULTI/EXEC: no loss, no duplicate, wherever the job dies',
  teaches: `When the results and the offsets live in the same Redis, one MULTI/EXEC writes both or neither: Redis applies a transaction as a whole, and the AOF records it between MULTI and EXEC, so even a torn AOF tail is reverted to a transaction boundary on load. This job dies before a transaction, then after one, and then Redis itself is killed and restarted while the job runs. Each time the job restarts from the offsets Redis holds, which always match the results Redis holds. Every record is counted exactly once. The guarantee ends at Redis: an effect outside it (an e-mail, a call to another service) can still happen twice.`,
  fix: 'This is the fix; keep results and offsets in the same store and write them in one transaction.',
})
  .createTopic('events', { partitions: 2 })
  .redisServer('cache', { config: { appendonly: 'yes' } })
  .producer('app')
  .send('app', 'events', { count: 45, partition: 0, value: 'e{n}' })
  .send('app', 'events', { count: 45, partition: 1, value: 'e{n}', from: 46 })
  .streamJob({ name: 'job', group: 'analytics', topic: 'events', redis: 'cache', semantics: 'exactly-once', interval: '3s', 'max-per-partition': 10 })
  .wait('4s')
  .streamJobCrash({ name: 'job', at: 'between-writes' })
  .wait('3s')
  .streamJobRestart({ name: 'job' })
  .streamJobCrash({ name: 'job', at: 'after-writes' })
  .wait('3s')
  .streamJobRestart({ name: 'job' })
  .wait('1s')
  .redisCrash('cache')
  .wait('4s')
  .redisRestart('cache')
  .streamJobRestart({ name: 'job' })
  .wait('15s')
  .checkDelivery({ name: 'job', as: 'delivery' })
  .expect('delivery.lost', { equals: 0 })
  .expect('delivery.duplicated', { equals: 0 })
  .expect('delivery.processedOnce', { equals: 90 })
  .build();
