import { scenario } from '../Scenario';

export default scenario({
  name: 'appendfsync-no-loses-30s',
  title: 'appendfsync no: the kernel decides, and it waits 30 seconds',
  teaches: `With appendfsync no, Redis writes the AOF but never calls fsync: the Linux kernel's flusher writes dirty pages back when they have been dirty for dirty_expire_centisecs (30 s), checking every dirty_writeback_centisecs (5 s). A file that is written continuously is written back about every 30 seconds, all at once. The application stores a reading every 200 ms for 50 seconds. The kernel wrote the AOF back at 30 s; the power goes at 50 s; the restart finds the readings of the first 30 seconds only. The same writes survive a process crash untouched, since the page cache does.`,
  fix: 'appendfsync everysec bounds the window to about a second for almost the same throughput; appendfsync no only makes sense where the data can be rebuilt.',
})
  .redisServer('meter', { config: { appendonly: 'yes', appendfsync: 'no', save: '' } })
  .redis('meter', 'SET reading:{i} 42', { repeat: 250, interval: '200ms', as: 'writes' })
  .expect('redisDurableSize meter appendonlydir/appendonly.aof.1.incr.aof', { 'at-least': 1, because: 'the flusher wrote the file back once it had been dirty for 30 s' })
  .redisPowerLoss('meter')
  .redisRestart('meter')
  .step('redis-keys', { host: 'meter', pattern: 'reading:*', expected: 'writes.acknowledged', as: 'after' })
  .expect('after.present', { 'at-least': 145, 'at-most': 155, because: 'about 30 s of readings (150) were written back before the power went' })
  .expect('after.lost', { 'at-least': 90, because: 'about 20 s of acknowledged readings were never written back' })
  .build();
