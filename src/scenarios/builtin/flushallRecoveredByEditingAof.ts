import { scenario } from '../Scenario';

export default scenario({
  name: 'flushall-recovered-by-editing-aof',
  title: 'An accidental FLUSHALL undone by editing the AOF',
  teaches: `FLUSHALL empties every database at once. With save points configured it also rewrites dump.rdb at once with the now empty dataset, so the snapshot cannot help. The AOF can: FLUSHALL is just one more command at the end of the INCR file, after every command that built the data. Stop the server before anything rewrites the AOF (a BGREWRITEAOF, automatic or not, would produce a BASE from the empty dataset and delete the old files), remove that last FLUSHALL from the INCR file, and start again: Redis replays everything but the flush.`,
  fix: 'Rename or disable FLUSHALL and FLUSHDB for applications (ACL rules, rename-command); if it happens, stop Redis before any AOF rewrite and edit the FLUSHALL out of the last INCR file.',
})
  .redisServer('cache', { config: { appendonly: 'yes' } })
  .redis('cache', 'SET customer:{i} profile', { repeat: 100, quiet: true })
  .redis('cache', 'FLUSHALL')
  .expect('redisKeys cache', { equals: 0 })
  .expect('redisDumpKeys cache', { equals: 0, because: 'FLUSHALL with save points saved the empty dataset to dump.rdb' })
  .redis('cache', 'SHUTDOWN NOSAVE')
  .step('redis-edit-aof', { host: 'cache', remove: 'FLUSHALL', as: 'edit' })
  .expect('edit.removedBytes', { equals: 18, because: "the command is '*1\\r\\n$8\\r\\nFLUSHALL\\r\\n'" })
  .redisRestart('cache')
  .expect('redisKeys cache', { equals: 100, because: 'the INCR file still held every SET before the FLUSHALL' })
  .build();
