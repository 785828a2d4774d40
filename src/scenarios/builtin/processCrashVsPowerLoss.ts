import { scenario } from '../Scenario';

export default scenario({
  name: 'process-crash-vs-power-loss',
  title: 'A process crash and a power loss are different failures',
  teaches: `Redis writes the AOF before it replies, so once a client has its OK the command is in the kernel's page cache. If redis-server dies (kill -9, a segfault, the OOM killer) the kernel keeps those pages and writes them out later: nothing acknowledged is lost. If the machine loses power, the page cache is gone with it, and only what an fsync (or the kernel's writeback) put on the platter survives. The same workload under appendfsync everysec is run twice: killed, it comes back complete; unplugged, it comes back without its last second.`,
  fix: 'Decide which failure you must survive: for process crashes the AOF with any appendfsync policy is enough; for power loss use appendfsync always, or replicate to a machine on another power supply.',
})
  .redisServer('cache', { config: { appendonly: 'yes', appendfsync: 'everysec', save: '' } })
  .redis('cache', 'SET first:{i} x', { repeat: 300, interval: '20ms', as: 'firstRun' })
  .redisCrash('cache')
  .redisRestart('cache')
  .step('redis-keys', { host: 'cache', pattern: 'first:*', expected: 'firstRun.acknowledged', as: 'afterCrash' })
  .expect('afterCrash.lost', { equals: 0, because: 'the killed process had written every acknowledged command to the page cache' })
  .redis('cache', 'SET second:{i} x', { repeat: 300, interval: '20ms', as: 'secondRun' })
  .redisPowerLoss('cache')
  .redisRestart('cache')
  .step('redis-keys', { host: 'cache', pattern: 'second:*', expected: 'secondRun.acknowledged', as: 'afterPowerLoss' })
  .expect('afterPowerLoss.lost', { 'at-least': 1, because: 'writes after the last fsync were in the page cache only' })
  .build();
