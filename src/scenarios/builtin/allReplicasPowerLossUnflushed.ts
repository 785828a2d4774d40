import { scenario, type ScenarioBuilder } from '../Scenario';

/** Acknowledged writes, then every replica loses power within a few seconds, then all come back. */
function blackout(builder: ScenarioBuilder, prefix: string): ScenarioBuilder {
  return builder
    .producer('app', { acks: 'all', 'linger.ms': 0 })
    .send('app', 'events', { value: 'm{n}', count: 3, interval: '1s', as: `${prefix}Sent` })
    .expect(`${prefix}Sent.acked`, { equals: 3 })
    .wait('3s')
    .note('A power cut takes the whole rack: all three brokers, within seconds.')
    .brokerPowerLoss(1)
    .brokerPowerLoss(2)
    .brokerPowerLoss(3)
    .wait('1m')
    .brokerRestart(1)
    .brokerRestart(2)
    .brokerRestart(3)
    .waitUntil('leader events-0', { 'at-least': 1, within: '30s' })
    .wait('5s')
    .check({ as: prefix });
}

export default blackout(
  blackout(
    blackout(
      scenario({
        name: 'all-replicas-power-loss-unflushed',
        title: 'acks=all is not fsync: losing power on every replica loses acknowledged writes',
        teaches: `acks=all means every in-sync replica has the record in its log, that is in the operating system's page cache: Kafka leaves writing it to disk to the OS (flush.messages and flush.ms are Long.MAX_VALUE by default) and relies on replication instead. The kernel writes dirty pages back after about 30 seconds. If every replica loses power before that, the acknowledged records are gone from all of them: after restart each broker recovers its log to what is on disk, and the records are not there. Flushing is the per-topic answer, with a catch: flush.ms only takes effect when the brokers also run the flush scheduler (log.flush.scheduler.interval.ms is Long.MAX_VALUE by default, so a topic's flush.ms alone does nothing). The second cluster sets flush.ms=1000 and still loses everything; the third also sets log.flush.scheduler.interval.ms=1000 and loses nothing.`,
        fix: 'Spread replicas across failure domains (racks, power feeds: broker.rack) so no single event takes every replica; if a topic must survive that too, flush.ms together with log.flush.scheduler.interval.ms, or flush.messages=1, at a throughput cost.',
      })
        .note('First with the defaults: no flushing by Kafka.')
        .kafkaCluster({ brokers: 3 })
        .createTopic('events', { 'replication-factor': 3, config: { 'min.insync.replicas': 2 } }),
      'defaults',
    )
      .expect('defaults.lost', { equals: 3, because: 'no replica had the records on disk' })
      .expect('logEndOffset events-0', { equals: 0 })
      .note('Now with flush.ms=1000 on the topic, and nothing on the brokers.')
      .kafkaCluster({ brokers: 3 })
      .createTopic('events', { 'replication-factor': 3, config: { 'min.insync.replicas': 2, 'flush.ms': 1000 } }),
    'flushMsAlone',
  )
    .expect('flushMsAlone.lost', { equals: 3, because: 'flush.ms is checked by a scheduler that, by default, never runs' })
    .note('Now with flush.ms=1000 and log.flush.scheduler.interval.ms=1000 on the brokers.')
    .kafkaCluster({ brokers: 3, config: { 'log.flush.scheduler.interval.ms': 1000 } })
    .createTopic('events', { 'replication-factor': 3, config: { 'min.insync.replicas': 2, 'flush.ms': 1000 } }),
  'flushed',
)
  .expect('flushed.lost', { equals: 0, because: 'each record was on disk within about a second of being written' })
  .expect('committedValues events-0', { equals: 'm1,m2,m3' })
  .build();
