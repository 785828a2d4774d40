import { scenario } from '../Scenario';

export default scenario({
  name: 'aof-rewrite-crash-keeps-old-files',
  title: 'A crash during BGREWRITEAOF keeps the old AOF files, and loses nothing',
  teaches: `Redis 7.0's AOF is a directory: a BASE file, INCR files and a manifest naming them. BGREWRITEAOF first opens a new INCR file for the writes that arrive during the rewrite and persists the manifest (fsynced, renamed into place); only then does it fork the child that writes the new BASE into a temporary file. When the child is done, the parent renames that file to the new BASE, marks the old BASE and INCR files as history, persists the manifest again and deletes them. Killing the server in the middle is harmless: the manifest still names the old BASE and both INCR files, and the restart loads all of them. The child, orphaned, finishes its temporary file, which nobody installs; it stays behind until someone deletes it.`,
  fix: 'Nothing to fix: the manifest makes rewrites crash-safe. Leftover temp-rewriteaof-bg-<pid>.aof files in the data directory can be deleted.',
})
  .redisServer('cache', { config: { appendonly: 'yes', save: '' }, 'save-rate': '50kb' })
  .redis('cache', 'SET key:{i} some-value-to-rewrite', { repeat: 2000, quiet: true, as: 'before' })
  .redis('cache', 'BGREWRITEAOF')
  .expect('redisFiles cache', {
    equals:
      'appendonlydir/appendonly.aof.1.base.rdb appendonlydir/appendonly.aof.1.incr.aof appendonlydir/appendonly.aof.2.incr.aof appendonlydir/appendonly.aof.manifest temp-rewriteaof-1001.aof',
    because: 'the new INCR file exists and the manifest names it before the child (pid 1001) starts writing its temporary BASE',
  })
  .redis('cache', 'SET during:{i} x', { repeat: 100, interval: '10ms', as: 'during' })
  .expect('redisInfo cache aof_rewrite_in_progress', { equals: 1 })
  .redisCrash('cache')
  .wait('5s')
  .expect('redisFiles cache', {
    equals:
      'appendonlydir/appendonly.aof.1.base.rdb appendonlydir/appendonly.aof.1.incr.aof appendonlydir/appendonly.aof.2.incr.aof appendonlydir/appendonly.aof.manifest temp-rewriteaof-bg-1001.aof',
    because: 'the orphaned child finished its temporary BASE; no parent renamed it',
  })
  .redisRestart('cache')
  .step('redis-keys', { host: 'cache', pattern: 'key:*', expected: 'before.acknowledged', as: 'keys' })
  .step('redis-keys', { host: 'cache', pattern: 'during:*', expected: 'during.acknowledged', as: 'duringKeys' })
  .expect('keys.lost', { equals: 0 })
  .expect('duringKeys.lost', { equals: 0, because: 'the writes during the rewrite went to INCR 2, which the manifest names' })
  .redis('cache', 'BGREWRITEAOF')
  .wait('5s')
  .expect('redisFiles cache', {
    equals: 'appendonlydir/appendonly.aof.2.base.rdb appendonlydir/appendonly.aof.3.incr.aof appendonlydir/appendonly.aof.manifest temp-rewriteaof-bg-1001.aof',
    because: 'a successful rewrite replaces BASE 1 and INCR 1 and 2; the stale temp file of the dead child stays',
  })
  .build();
