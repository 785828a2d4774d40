import { scenario } from '../Scenario';

export default scenario({
  name: 'start-from-time',
  title: 'Start consuming from a point in time with offsetsForTimes',
  teaches: `A job can ignore its stored offsets and start from a time: "today 00:00" or "30 minutes ago". Kafka answers with offsetsForTimes (the ListOffsets API): for each partition, the earliest offset whose record timestamp is at or after the time, found through the segments' time indexes. A time after the newest record has no answer: offsetsForTimes returns null for that partition, and a job that does not check for null fails or silently starts nowhere. The correction step turns null into "start at the end" and says so.`,
  start: '2024-01-01T00:00:00Z',
})
  .createTopic('clicks')
  .produce('clicks', { count: 60, interval: '1m' })
  .note('Records were written once a minute from 00:00 to 00:59; it is now 00:59.')
  .listOffsets('clicks', { at: '2024-01-01T00:00:00Z', as: 'midnight' })
  .expect('midnight.clicks-0', { equals: 0, because: 'the first record was written at 00:00' })
  .listOffsets('clicks', { ago: '30m', as: 'halfHourAgo' })
  .expect('halfHourAgo.clicks-0', { equals: 29, because: '30 minutes before 00:59 is 00:29, the time of record 29' })
  .listOffsets('clicks', { at: '2024-01-01T02:00:00Z', as: 'future' })
  .expect('future.clicks-0', { equals: null, because: 'no record is at or after 02:00: offsetsForTimes gives null' })
  .correctOffsets({ group: 'dashboard', topic: 'clicks', 'start-ago': '30m', as: 'fromHalfHour' })
  .expect('fromHalfHour.clicks-0.startOffset', { equals: 29 })
  .correctOffsets({ group: 'dashboard', topic: 'clicks', 'start-at': '2024-01-01T02:00:00Z', as: 'fromFuture' })
  .expect('fromFuture.clicks-0.action', { equals: 'end-no-record-after-time' })
  .expect('fromFuture.clicks-0.startOffset', { equals: 60, because: 'with no record that recent, the job starts at the end of the log' })
  .build();
