import { scenario } from '../Scenario';

export default scenario({
  name: 'bgsave-cow-memory-under-writes',
  title: 'BGSAVE under heavy writes: copy-on-write doubles memory and the OOM killer strikes',
  teaches: `BGSAVE forks: the child writes the dataset as it was at the fork while the parent keeps serving. Parent and child share every page until the parent writes to one; then the kernel copies that 4 KiB page first. The extra memory is therefore proportional to the pages the parent touches while the child runs, not to the dataset: a light write load copies little, a heavy one copies nearly everything. This is the "2 GB machine, 1.5 GB dataset" incident scaled down 100 times: a 20 MB host with a 16 MB dataset. Under light writes the save costs under a megabyte of copies. Under a write storm the copies pass the 4 MB of free memory, the kernel's OOM killer kills redis-server (the process with the largest footprint), and the writes acknowledged since the fork are lost; the orphaned child still finishes its dump, which is what the restart loads. (rdbcompression is off because the zero-padded test values would otherwise compress to nothing and the save would be instant.)`,
  fix: 'Leave free memory for copy-on-write (up to the dataset size on a write-heavy instance), set vm.overcommit_memory=1, schedule BGSAVE away from write peaks or run it on a replica, and watch current_cow_peak.',
})
  .redisServer('cache', { config: { save: '', rdbcompression: 'no' }, memory: '20mb', 'save-rate': '4mb' })
  .step('redis-populate', { host: 'cache', count: 3000, size: 4096 })
  .expect('redisInfo cache used_memory', { 'at-least': 15_000_000, 'at-most': 17_500_000, because: '3000 values of 4 KB in 5 KB allocations' })
  .note('A BGSAVE under a light load: 50 writes in 2.5 seconds.')
  .redis('cache', 'BGSAVE')
  .redis('cache', 'SET key:{i} updated', { repeat: 50, interval: '50ms', as: 'light' })
  .wait('5s')
  .expect('redisInfo cache rdb_last_bgsave_status', { equals: 'ok' })
  .expect('redisInfo cache rdb_last_cow_size', { 'at-least': 4096, 'at-most': 1_048_576, because: 'each write copied only the pages of the key it changed' })
  .note('The same BGSAVE under a write storm: a write every millisecond to a different key.')
  .redis('cache', 'BGSAVE')
  .redisPipeline('cache', ['SET key:{i} updated', 'SET after-fork:{i} 1'], { repeat: 3000, interval: '1ms', as: 'storm' })
  .expect('storm.connectionError', { equals: 'Server closed the connection', because: 'the OOM killer killed redis-server mid-storm' })
  .expect('redisRunning cache', { equals: false })
  .expect('storm.answered', { 'at-least': 200, because: 'hundreds of writes were acknowledged before the kill' })
  .wait('10s')
  .redisRestart('cache')
  .expect('redisKeys cache', { equals: 3000, because: 'the orphaned child finished its dump: the keyspace as of the fork' })
  .expect('redisInfo cache rdb_last_load_keys_loaded', { equals: 3000 })
  .step('redis-keys', { host: 'cache', pattern: 'after-fork:*', expected: 'storm.answered', as: 'after' })
  .expect('after.present', { equals: 0, because: 'every write acknowledged after the fork was lost with the parent' })
  .build();
