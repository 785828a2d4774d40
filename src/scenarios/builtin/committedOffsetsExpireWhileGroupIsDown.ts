import { scenario } from '../Scenario';

export default scenario({
  name: 'committed-offsets-expire-while-group-is-down',
  title: 'A group stopped longer than offsets.retention.minutes loses its committed offsets',
  teaches: `Committed offsets are not kept forever. Since Kafka 2.1 (KIP-211) a group's offsets expire offsets.retention.minutes (10080, 7 days) after the group became empty; the coordinator checks every offsets.retention.check.interval.ms (10 minutes) and writes tombstones to __consumer_offsets. The records themselves live by the topic's retention.ms, here 14 days. Two groups read events and commit after processing; both are stopped for 8 days, for example a paused deployment, while producers write 30 more records. When they start again there is no committed offset, so auto.offset.reset decides. The group on the default, latest, starts at the end of the log and never sees the 30 records written while it was down, with no error anywhere. The group on earliest reads the whole log again: nothing lost, but the 20 records it had already processed are processed twice.`,
  fix: 'Keep offsets.retention.minutes longer than any outage a group can have (and than the topic retention), or keep offsets in your own store; auto.offset.reset only chooses between losing records and reprocessing them.',
})
  .createTopic('events', { partitions: 1, config: { 'retention.ms': 1_209_600_000 } })
  .consumerApp({ name: 'reader-latest', group: 'latest', topics: ['events'], commit: 'sync', results: 'latest' })
  .consumerApp({ name: 'reader-earliest', group: 'earliest', topics: ['events'], commit: 'sync', results: 'earliest', config: { 'auto.offset.reset': 'earliest' } })
  .wait('10s')
  .produce('events', { count: 20, value: 'before-{n}' })
  .wait('10s')
  .expect('committed latest events-0', { equals: 20 })
  .expect('committed earliest events-0', { equals: 20 })
  .note('Both groups stop: from now on they are empty, and the 7 days of offsets.retention.minutes start.')
  .consumerClose('reader-latest')
  .consumerClose('reader-earliest')
  .wait('1d')
  .produce('events', { count: 30, value: 'during-{n}' })
  .wait('7d')
  .expect('committed latest events-0', { equals: null, because: 'the group has been empty for more than offsets.retention.minutes: its offsets expired' })
  .expect('committed earliest events-0', { equals: null })
  .expect('logStartOffset events-0', { equals: 0, because: 'the records are still there: the topic keeps them 14 days' })
  .note('Both groups start again.')
  .consumerRestart('reader-latest')
  .consumerRestart('reader-earliest')
  .wait('10s')
  .produce('events', { count: 10, value: 'after-{n}' })
  .wait('10s')
  .checkDelivery({ name: 'latest', as: 'latest' })
  .expect('latest.lost', { equals: 30, because: 'auto.offset.reset=latest started at the end: the 30 records written during the outage were skipped' })
  .checkDelivery({ name: 'earliest', as: 'earliest' })
  .expect('earliest.lost', { equals: 0 })
  .expect('earliest.duplicated', { equals: 20, because: 'auto.offset.reset=earliest read the 20 records processed before the outage again' })
  .build();
