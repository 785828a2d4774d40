import { scenario } from '../Scenario';

export default scenario({
  name: 'aof-and-rdb-both-on-aof-wins',
  title: 'With appendonly yes only the AOF is loaded, even over a full dump.rdb',
  teaches: `At start-up Redis loads the AOF when appendonly is yes, and only the AOF: a dump.rdb beside it is ignored, however much newer or fuller it is. An operator who runs Redis with snapshots only and turns the AOF on by editing redis.conf and restarting gets an empty server: there is no AOF yet, Redis creates one from its (empty) dataset, and the next snapshot overwrites the good dump.rdb with nothing. The safe way is to turn the AOF on in the running server with CONFIG SET appendonly yes: it rewrites the current dataset into a new AOF first; once the rewrite is done, redis.conf can say appendonly yes.`,
  fix: 'Enable the AOF at runtime (CONFIG SET appendonly yes), wait for aof_rewrite_in_progress:0, then persist the setting in redis.conf before the next restart.',
})
  .redisServer('cache', { config: { appendonly: 'no', save: '3600 1' } })
  .redis('cache', 'SET account:{i} balance', { repeat: 100, quiet: true })
  .redis('cache', 'SHUTDOWN')
  .expect('redisDumpKeys cache', { equals: 100, because: 'SHUTDOWN saved the dataset' })
  .note('The operator sets appendonly yes in redis.conf and restarts.')
  .redisRestart('cache', { config: { appendonly: 'yes' } })
  .expect('redisKeys cache', { equals: 0, because: 'only the (new, empty) AOF was loaded; dump.rdb was ignored' })
  .expect('redisDumpKeys cache', { equals: 100, because: 'the good snapshot is still on disk, for now' })
  .redis('cache', 'SET marker after-restart')
  .redis('cache', 'SHUTDOWN')
  .expect('redisDumpKeys cache', { equals: 1, because: 'the next save overwrote the good snapshot with the nearly empty dataset' })
  .note('The safe way, on a second server with the same history.')
  .redisServer('cache-b', { config: { appendonly: 'no', save: '3600 1' } })
  .redis('cache-b', 'SET account:{i} balance', { repeat: 100, quiet: true })
  .redis('cache-b', 'CONFIG SET appendonly yes')
  .wait('2s')
  .expect('redisInfo cache-b aof_rewrite_in_progress', { equals: 0 })
  .redis('cache-b', 'SHUTDOWN')
  .redisRestart('cache-b', { config: { appendonly: 'yes' } })
  .expect('redisKeys cache-b', { equals: 100, because: 'the AOF was rewritten from the live dataset before the restart' })
  .build();
