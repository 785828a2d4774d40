import { scenario } from '../Scenario';

export default scenario({
  name: 'rdb-only-loses-since-last-save',
  title: 'RDB only: a crash loses everything since the last snapshot',
  teaches: `Without the AOF, Redis persists by snapshots: with the default save points (3600 1 300 100 60 10000) serverCron forks a BGSAVE after an hour if anything changed, after 5 minutes if 100 keys changed, after a minute if 10000 did. Between snapshots the data exists only in memory. An application writes a session a second for ten minutes; BGSAVE runs at 5 minutes and again after 10. Killing redis-server just before the second snapshot, with no power loss at all, brings it back with the dump of minute 5: five minutes of acknowledged writes are gone.`,
  fix: 'Turn on the AOF (appendonly yes, appendfsync everysec) when the data cannot be rebuilt; snapshots alone suit caches and datasets you can reload.',
})
  .redisServer('sessions', { config: { appendonly: 'no' } })
  .redis('sessions', 'SET session:{i} active', { repeat: 600, interval: '1s', as: 'writes' })
  .expect('redisInfo sessions rdb_saves', { equals: 1, because: 'the 300 100 save point fired once, after 5 minutes and 100 changes' })
  .expect('redisInfo sessions rdb_changes_since_last_save', { 'at-least': 290, because: 'every write since that BGSAVE exists only in memory' })
  .redisCrash('sessions')
  .redisRestart('sessions')
  .step('redis-keys', { host: 'sessions', pattern: 'session:*', expected: 'writes.acknowledged', as: 'after' })
  .expect('after.lost', { 'at-least': 290, 'at-most': 300, because: 'the dump on disk is the one of minute 5' })
  .build();
