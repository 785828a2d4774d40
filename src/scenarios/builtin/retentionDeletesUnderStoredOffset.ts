import { scenario } from '../Scenario';

export default scenario({
  name: 'retention-deletes-under-stored-offset',
  title: 'Retention deletes the segments under a stored consumer offset',
  teaches: `A stream job keeps its Kafka offsets in its own store. It reads 16 records and stores offset 16, then stops while 4 more records arrive. The topic keeps records for 3 minutes (retention.ms, the tutorial's log.retention.minutes=3). Kafka never deletes single records: every log.retention.check.interval.ms (5 minutes) it deletes whole segments, oldest first, whose newest record is older than retention.ms, and moves logStartOffset to the next segment. The first check takes two segments and leaves the stored offset valid; the next one takes the last segment too, rolling an empty one first. When the job restarts at offset 16, the broker answers OFFSET_OUT_OF_RANGE. Correcting to the earliest offset resumes at 20: records 16 to 19 were never processed, and the report says so.`,
  fix: 'Alert when consumer lag approaches retention (the stored offset nearing logStartOffset), or raise retention.ms above the longest outage; correct stored offsets at start-up so the job resumes instead of failing.',
})
  .note('The topic keeps records 3 minutes and starts a new segment every minute of record time (segment.ms), so retention has whole segments to delete.')
  .createTopic('events', { config: { 'retention.ms': 180_000, 'segment.ms': 60_000 } })
  .produce('events', { count: 16, interval: '10s' })
  .consume('events', { group: 'stream-job' })
  .expect('storedOffset stream-job events-0', { equals: 16, because: 'the job stores the next offset to read after processing' })
  .note('The job stops. Four more records arrive while it is down.')
  .wait('10s')
  .produce('events', { count: 4, interval: '10s' })
  .describeTopic('events')
  .wait('5m')
  .expect('logStartOffset events-0', { equals: 14, because: 'segments 0 and 7 expired; segment 14 still holds a record younger than 3 minutes' })
  .wait('5m')
  .expect('logStartOffset events-0', { equals: 20, because: 'every segment expired: Kafka rolled an empty segment at 20 and deleted the rest' })
  .note('The job restarts and fetches from its stored offset.')
  .fetch('events', { group: 'stream-job', as: 'restart' })
  .expect('restart.error', { equals: 'OFFSET_OUT_OF_RANGE', because: '16 is below logStartOffset 20' })
  .correctOffsets({ group: 'stream-job', topic: 'events', 'out-of-range': 'earliest', as: 'correction' })
  .expect('correction.events-0.startOffset', { equals: 20 })
  .expect('correction.events-0.skipped', { equals: 4, because: 'records 16..19 were deleted before anyone read them' })
  .produce('events', { count: 2 })
  .consume('events', { group: 'stream-job', as: 'resumed' })
  .expect('resumed.events-0.offset', { equals: 20, because: 'the corrected offset is where the job resumes' })
  .expect('counter lost', { equals: 4 })
  .build();
