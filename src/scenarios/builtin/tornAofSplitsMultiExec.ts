import { scenario } from '../Scenario';

/**
 * Found by the delivery property test (test/app/delivery.property.test.ts):
 * MULTI/EXEC keeps results and offsets together through every crash but one.
 */
export default scenario({
  name: 'torn-aof-splits-multi-exec',
  title: 'A torn AOF tail inside MULTI: Redis 7.0 keeps half a transaction, and replays it later',
  teaches: `Results and offsets written in one MULTI/EXEC survive crashes together, even a power loss: the AOF holds whole transactions, and an unfinished one at the end is reverted. Except when the power loss tears the file in the middle of a command inside a transaction. Redis 7.0's loader then takes the short read for a plain truncated tail (aof.c loadSingleAppendOnlyFile: uxeof with valid_up_to, not valid_before_multi) and truncates the file after the last whole command, inside the MULTI, with aof-load-truncated yes. Memory is right, since the half transaction never ran; the file is not. New commands are appended after the open MULTI, and at the next restart, however routine, Redis loads the old half and the next transaction as one, applying the half a second time. The job's results now count records twice. With aof-load-truncated no, Redis refuses to start instead, and redis-check-aof --fix cuts the file before the MULTI, which is right.`,
  fix: 'Run with aof-load-truncated no and repair with redis-check-aof --fix, which truncates before an unfinished MULTI; or fsync every write (appendfsync always) on storage that does not tear.',
  seed: 4,
})
  .createTopic('events', { partitions: 2 })
  .redisServer('cache', { config: { appendonly: 'yes', appendfsync: 'everysec' }, 'torn-writes': 1 })
  .redisServer('careful', { config: { appendonly: 'yes', appendfsync: 'everysec', 'aof-load-truncated': 'no' }, 'torn-writes': 1 })
  .producer('app', { 'linger.ms': 0 })
  .send('app', 'events', { count: 20, partition: 0, value: 'e{n}' })
  .send('app', 'events', { count: 20, partition: 1, value: 'e{n}', from: 21 })
  .streamJob({ name: 'job', group: 'g', topic: 'events', redis: 'cache', semantics: 'exactly-once', interval: '500ms', 'max-per-partition': 2 })
  .streamJob({ name: 'careful-job', group: 'g', topic: 'events', redis: 'careful', semantics: 'exactly-once', interval: '500ms', 'max-per-partition': 2 })
  .wait('1700ms')
  .note('Both Redis hosts lose power while a transaction is in the page cache, not yet fsynced; the disks tear it.')
  .redisPowerLoss('cache')
  .redisPowerLoss('careful')
  .wait('1s')
  .redisRestart('cache', { as: 'cacheStart' })
  .expect('cacheStart.aofTruncated', { equals: true, because: 'aof-load-truncated yes truncates the torn tail and starts' })
  .streamJobRestart({ name: 'job' })
  .redisRestart('careful', { as: 'carefulStart' })
  .expect('carefulStart.started', { equals: false, because: 'aof-load-truncated no refuses a truncated AOF' })
  .step('redis-check-aof', { host: 'careful', fix: true, as: 'fixed' })
  .redisRestart('careful')
  .streamJobRestart({ name: 'careful-job' })
  .wait('10s')
  .note('Later, a routine restart of each Redis: it loads its AOF from the start.')
  .redisCrash('cache')
  .redisRestart('cache')
  .streamJobRestart({ name: 'job' })
  .redisCrash('careful')
  .redisRestart('careful')
  .streamJobRestart({ name: 'careful-job' })
  .wait('15s')
  .checkDelivery({ name: 'job', as: 'delivery' })
  .expect('delivery.duplicated', { 'at-least': 1, because: 'the half transaction left in the AOF was applied again with the next one' })
  .checkDelivery({ name: 'careful-job', as: 'careful' })
  .expect('careful.duplicated', { equals: 0, because: 'redis-check-aof --fix truncated before the unfinished MULTI' })
  .expect('careful.lost', { equals: 0 })
  .build();
