import { scenario } from '../Scenario';

export default scenario({
  name: 'truncated-aof-load-truncated-yes-vs-no',
  title: 'A torn last command: aof-load-truncated decides whether Redis starts',
  teaches: `A power loss can tear the AOF: some 512-byte sectors of its unsynced tail reach the disk and others do not, so the file ends in the middle of a command. At start-up Redis notices the short read. With aof-load-truncated yes (the default) it drops the partial command, truncates the file at the last complete one, logs "!!! Truncating the AOF ... at offset N !!!" and starts. With aof-load-truncated no it refuses to start and asks for redis-check-aof --fix. Either way only the torn command, never acknowledged as durable, is dropped: the commands before it load. Garbage in the middle of the file is different: Redis refuses to start whatever the setting.`,
  fix: "Keep aof-load-truncated yes unless a human must look at every torn AOF; with no, run redis-check-aof --fix on the manifest and start again.",
})
  .redisServer('cache', { config: { appendonly: 'yes', appendfsync: 'no', save: '' }, 'torn-writes': 1 })
  .redis('cache', 'SET key:{i} some-payload-that-spans-sectors-0123456789', { repeat: 300, interval: '10ms', as: 'writes' })
  .redisPowerLoss('cache')
  .redisRestart('cache', { config: { 'aof-load-truncated': 'no' }, as: 'strict' })
  .expect('strict.started', { equals: false, because: 'the last command is cut short and aof-load-truncated is no' })
  .step('redis-check-aof', { host: 'cache', as: 'check' })
  .expect('check.exitCode', { equals: 1 })
  .redisRestart('cache', { config: { 'aof-load-truncated': 'yes' }, as: 'lenient' })
  .expect('lenient.started', { equals: true })
  .expect('lenient.aofTruncated', { equals: true, because: 'Redis cut the file at the last complete command' })
  .step('redis-keys', { host: 'cache', pattern: 'key:*', expected: 'writes.acknowledged', as: 'after' })
  .expect('after.present', { 'at-least': 1, because: 'the sectors that reached the disk hold whole commands before the torn one' })
  .step('redis-check-aof', { host: 'cache', as: 'recheck' })
  .expect('recheck.exitCode', { equals: 0, because: 'after the truncation the AOF is valid again' })
  .build();
