import { scenario } from '../Scenario';

export default scenario({
  name: 'slow-disk-postpones-fsync',
  title: 'A slow disk: everysec postpones AOF writes, and even a crash loses data',
  teaches: `With appendfsync everysec the fsync runs in a background thread. When it is still running at the next write, Redis postpones writing its AOF buffer (write(2) would block behind the fsync anyway) for up to two seconds, then writes regardless and counts it in aof_delayed_fsync, logging "Asynchronous AOF fsync is taking too long (disk is busy?)". The replies do not wait: commands acknowledged while the write is postponed are only in Redis's own memory, not even in the page cache. On a disk whose fsync takes 3 seconds this happens all the time, and then a plain process crash, with the power on, loses acknowledged writes.`,
  fix: 'Give the AOF a disk that fsyncs in milliseconds (and no noisy neighbours); watch aof_delayed_fsync and aof_pending_bio_fsync; appendfsync always would block replies instead of risking them.',
})
  .redisServer('cache', { config: { appendonly: 'yes', appendfsync: 'everysec', save: '' }, 'fsync-latency': '3s' })
  .redis('cache', 'SET event:{i} x', { repeat: 100, interval: '100ms', as: 'writes' })
  .expect('redisInfo cache aof_delayed_fsync', { 'at-least': 1, because: 'writes waited two seconds for a running fsync, then went ahead' })
  .expect('redisInfo cache aof_buffer_length', { 'at-least': 1, because: 'the last writes are postponed: in Redis\'s buffer, not in the file' })
  .step('redis-log', { host: 'cache', match: 'fsync', last: 2 })
  .redisCrash('cache')
  .redisRestart('cache')
  .step('redis-keys', { host: 'cache', pattern: 'event:*', expected: 'writes.acknowledged', as: 'after' })
  .expect('after.lost', { 'at-least': 1, because: 'the postponed buffer died with the process' })
  .build();
