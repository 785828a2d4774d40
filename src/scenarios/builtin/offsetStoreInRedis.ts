import { scenario } from '../Scenario';

/**
 * The headline scenario: the tutorial program (a Spark Streaming job keeping
 * Kafka offsets in Redis and correcting them at start-up) run through the
 * three situations it was written for, then the one it misses.
 */
export default scenario({
  name: 'offset-store-in-redis',
  title: 'The offsets-in-Redis stream job: three cases it corrects, and one it misses',
  teaches: `The tutorial's program: two topics read by two groups (topic01/group01, topic02/group02), every 3 seconds a batch, the next offsets written to a Redis hash {group}_{topic} with pipelined HSETs, and at start-up a correction of what Redis holds (getEffectiveOffsets). The broker keeps data for 3 minutes (log.retention.minutes=3). First, the job is down while retention deletes records it never read: its stored offset 16 is below the log start 20, and the correction moves it to the earliest offset, losing records 16 to 19. Second, topic02 grows from 1 to 5 partitions: the new partitions have no stored offset and start at the earliest offset. Third, a start from 30 minutes ago: the tutorial takes max(stored, offsetsForTimes), so a job already past that time does not go back, while a real start from a time re-reads. Fourth, the case it misses: topic01 is deleted and recreated, the stored offset 22 is now beyond the end of the new log, and the tutorial keeps it, so every batch fails with OFFSET_OUT_OF_RANGE and nothing is read until a complete correction clamps it to the end.`,
  fix: 'Correct stored offsets against both ends of the log (and warn when clamping down), take the partition list from the cluster, and treat a null from offsetsForTimes as "the end", saying so.',
  start: '2024-01-01T08:00:00Z',
})
  .kafkaCluster({ brokers: 1, config: { 'log.retention.minutes': 3 } })
  .createTopic('topic01')
  .createTopic('topic02', { config: { 'retention.ms': 86_400_000 } })
  .redisServer('redis')
  .produce('topic01', { count: 10, value: 'a{n}' })
  .produce('topic02', { count: 10, value: 'b{n}' })
  .note('First start: Redis holds no offsets, so both jobs start at the earliest offset (auto.offset.reset=earliest).')
  .streamJob({ name: 'job01', group: 'group01', topic: 'topic01', correction: 'tutorial', interval: '3s' })
  .streamJob({ name: 'job02', group: 'group02', topic: 'topic02', correction: 'tutorial', interval: '3s' })
  .wait('5s')
  .redis('redis', 'HGET group01_topic01 0', { as: 'first' })
  .expect('first.reply', { equals: '10', because: 'the job stores the next offset to read: 10 records were processed' })
  .note('Case 1, retention. Six more records are read (offset 16), then the job stops while four more arrive, and stays down 10 minutes.')
  .produce('topic01', { count: 6, value: 'c{n}' })
  .wait('3s')
  .step('stream-job-stop', { name: 'job01' })
  .produce('topic01', { count: 4, value: 'd{n}' })
  .wait('10m')
  .expect('logStartOffset topic01-0', { equals: 20, because: 'every record of topic01 is older than 3 minutes: the segment was rolled and deleted' })
  .streamJobRestart({ name: 'job01', as: 'case1' })
  .expect('case1.topic01-0.action', { equals: 'reset-to-earliest' })
  .expect('case1.topic01-0.skipped', { equals: 4, because: 'records 16..19 were deleted before the job read them' })
  .note('Case 2, new partitions. topic02 receives a record a minute for 40 minutes, then grows to 5 partitions while its job is down.')
  .produce('topic02', { count: 40, value: 'f{n}', interval: '1m' })
  .wait('3s')
  .step('stream-job-stop', { name: 'job02' })
  .addPartitions('topic02', 5)
  .produce('topic02', { count: 20, value: 'g{n}', keys: ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8'] })
  .streamJobRestart({ name: 'job02', as: 'case2' })
  .expect('case2.topic02-0.action', { equals: 'keep' })
  .expect('case2.topic02-3.action', { equals: 'start-at-earliest', because: 'nothing was ever stored for a partition that did not exist' })
  .wait('5s')
  .note('Case 3, start from 30 minutes ago. The job has read everything; the tutorial keeps max(stored, offsetsForTimes).')
  .streamJobRestart({ name: 'job02', 'start-ago': '30m', as: 'case3tutorial' })
  .expect('case3tutorial.topic02-0.action', { equals: 'keep', because: 'the stored offset is later than the offset 30 minutes ago, and the tutorial never goes back' })
  .streamJobRestart({ name: 'job02', correction: 'complete', 'start-ago': '30m', as: 'case3' })
  .expect('case3.topic02-0.action', { equals: 'from-time' })
  .expect('case3.topic02-0.reread', { 'at-least': 25, because: 'a start from a time reads again what was written since' })
  .wait('5s')
  .note('Case 4, what the tutorial misses: topic01 is deleted and recreated; Redis still says 22.')
  .produce('topic01', { count: 2, value: 'h{n}' })
  .wait('3s')
  .step('stream-job-stop', { name: 'job01' })
  .step('delete-topic', { topic: 'topic01' })
  .createTopic('topic01')
  .streamJobRestart({ name: 'job01', as: 'case4tutorial' })
  .expect('case4tutorial.topic01-0.action', { equals: 'keep-unchecked', because: 'the tutorial only checks the lower bound' })
  .wait('10s')
  .expect('jobFailures job01', { 'at-least': 3, because: 'every batch fetches offset 22 from a log that ends at 0: OFFSET_OUT_OF_RANGE' })
  .streamJobRestart({ name: 'job01', correction: 'complete', as: 'case4' })
  .expect('case4.topic01-0.action', { equals: 'clamp-to-end' })
  .expect('case4.topic01-0.warning', { equals: true })
  .produce('topic01', { count: 3, value: 'j{n}' })
  .wait('5s')
  .expect('jobPosition job01 topic01-0', { equals: 3, because: 'after the clamp the job reads the new topic from its end on' })
  .build();
