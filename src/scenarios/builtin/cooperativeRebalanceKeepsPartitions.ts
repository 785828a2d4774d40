import { scenario } from '../Scenario';

/** A member of group `group` reading events from the start, committing after each batch; the default strategy list unless given. */
const member = (name: string, group: string, strategy?: string) => ({
  name,
  group,
  topics: ['events'],
  commit: 'sync',
  results: group,
  config: { 'auto.offset.reset': 'earliest', ...(strategy !== undefined ? { 'partition.assignment.strategy': strategy } : {}) },
});

export default scenario({
  name: 'cooperative-rebalance-keeps-partitions',
  title: 'An eager rebalance stops every partition; a cooperative one moves only what must move',
  teaches: `Two groups of two consumers read the same six partitions, and a third consumer joins each. The first group uses the default partition.assignment.strategy, [RangeAssignor, CooperativeStickyAssignor]: the group can only agree on range, so it rebalances EAGERLY. At their next poll() both members revoke all six partitions (onPartitionsRevoked), rejoin, and consume nothing until the new assignment arrives; a member still busy with its batch holds the whole group up, up to max.poll.interval.ms. The second group lists only cooperative-sticky (KIP-429). Its members rejoin still owning their partitions and keep fetching them; the leader's assignment leaves out only the two partitions that have to move to the newcomer, their owners revoke just those, and a second rebalance hands them over. Two partitions stop instead of six, at the price of two rebalances instead of one.`,
  fix: 'Use partition.assignment.strategy=org.apache.kafka.clients.consumer.CooperativeStickyAssignor. An existing group upgrades in two rolling bounces (KIP-429): first list [cooperative-sticky, range] on every member, then drop range, so that the group never mixes the protocols.',
})
  .createTopic('events', { partitions: 6 })
  .produce('events', { count: 60, value: 'r{n}', keys: ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8'] })
  .note('The default strategy list: range first, so the group rebalances eagerly.')
  .consumerApp(member('eager-1', 'eager'))
  .consumerApp(member('eager-2', 'eager'))
  .note('cooperative-sticky alone: the group rebalances cooperatively.')
  .consumerApp(member('coop-1', 'coop', 'cooperative-sticky'))
  .consumerApp(member('coop-2', 'coop', 'cooperative-sticky'))
  .wait('10s')
  .expect('groupGeneration eager', { equals: 1 })
  .expect('groupGeneration coop', { equals: 1 })
  .note('A third member joins each group.')
  .consumerApp(member('eager-3', 'eager'))
  .consumerApp(member('coop-3', 'coop', 'cooperative-sticky'))
  .wait('10s')
  .expect('partitionsGivenUp eager-1', { equals: 3, because: 'an eager member revokes everything it owns before it rejoins' })
  .expect('partitionsGivenUp eager-2', { equals: 3 })
  .expect('groupGeneration eager', { equals: 2, because: 'one rebalance hands out all six partitions again' })
  .expect('partitionsGivenUp coop-1', { equals: 1, because: 'a cooperative member revokes only the partition the new assignment takes from it' })
  .expect('partitionsGivenUp coop-2', { equals: 1 })
  .expect('groupGeneration coop', { equals: 3, because: 'the revoked partitions are assigned in a second rebalance' })
  .expect('assignment coop-3', { equals: 'events-4,events-5', because: 'the newcomer gets exactly the two partitions the others gave up' })
  .produce('events', { count: 60, value: 's{n}', keys: ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8'] })
  .wait('10s')
  .checkDelivery({ name: 'eager', as: 'eager' })
  .checkDelivery({ name: 'coop', as: 'coop' })
  .expect('eager.lost', { equals: 0 })
  .expect('coop.lost', { equals: 0 })
  .expect('coop.processedOnce', { equals: 120, because: 'every record was processed, each once' })
  .build();
