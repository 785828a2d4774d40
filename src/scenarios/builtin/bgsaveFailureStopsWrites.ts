import { scenario } from '../Scenario';

export default scenario({
  name: 'bgsave-failure-stops-writes',
  title: 'A failed BGSAVE stops writes with -MISCONF until a save succeeds',
  teaches: `When a background save fails (the disk is full, an I/O error), Redis records rdb_last_bgsave_status:err. With save points configured and stop-writes-on-bgsave-error yes (the default), it then refuses every write and PING with a -MISCONF error, while reads go on: a persistence failure becomes visible to the application instead of silently turning Redis into a cache that forgets everything on restart. Save points retry 5 seconds after a failure (CONFIG_BGSAVE_RETRY_DELAY); once a save succeeds, writes are accepted again. Here the disk fills up, the save point fires, the child fails with ENOSPC, writes are refused, space is freed, and the retry succeeds.`,
  fix: 'Alert on rdb_last_bgsave_status:err and on disk space; keep stop-writes-on-bgsave-error yes so a failing disk cannot go unnoticed.',
})
  .redisServer('cache', { config: { save: '10 1' } })
  .redis('cache', 'SET greeting hello')
  .redisFault('cache', { 'disk-full': true })
  .note('The save point needs more than 10 seconds since the last save and one change.')
  .wait('12s')
  .expect('redisInfo cache rdb_last_bgsave_status', { equals: 'err', because: 'the BGSAVE child could not write temp-<pid>.rdb: no space left' })
  .redis('cache', 'SET greeting bye', { as: 'refused' })
  .expect('refused.error', {
    equals:
      "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.",
  })
  .redis('cache', 'GET greeting', { as: 'read' })
  .expect('read.reply', { equals: 'hello', because: 'reads are still served' })
  .expect('redisDumpKeys cache', { equals: null, because: 'no dump.rdb was ever completed; a failed save never leaves a partial one' })
  .redisFault('cache', { 'disk-full': false })
  .wait('6s')
  .expect('redisInfo cache rdb_last_bgsave_status', { equals: 'ok', because: 'the save point retried 5 s after the failure, and succeeded' })
  .redis('cache', 'SET greeting bye', { as: 'accepted' })
  .expect('accepted.reply', { equals: 'OK' })
  .expect('redisDumpKeys cache', { equals: 1 })
  .build();
