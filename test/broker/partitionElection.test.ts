import { describe, expect, it } from 'vitest';
import { buildPartitionChange, electAnyLeader, NO_LEADER, type PartitionRegistration } from '../../src/broker/partitionElection';

const reg = (over: Partial<PartitionRegistration> = {}): PartitionRegistration => ({
  topic: 't',
  partition: 0,
  replicas: [1, 2, 3],
  isr: [1, 2, 3],
  leader: 1,
  leaderEpoch: 4,
  partitionEpoch: 9,
  ...over,
});
const alive = (...ids: number[]) => (id: number) => ids.includes(id);

describe('partition elections (PartitionChangeBuilder)', () => {
  it('keeps an acceptable leader that stays in the ISR', () => {
    expect(electAnyLeader(reg(), { targetIsr: [1, 3], isAcceptableLeader: alive(1, 3), uncleanElection: false })).toEqual({ leader: 1, unclean: false });
  });

  it('otherwise elects the first live in-ISR replica in assignment order, bumping the leader epoch and the partition epoch', () => {
    const change = buildPartitionChange(reg({ replicas: [1, 3, 2] }), { targetIsr: [2, 3], isAcceptableLeader: alive(2, 3), uncleanElection: false })!;
    expect(change.registration).toMatchObject({ leader: 3, isr: [2, 3], leaderEpoch: 5, partitionEpoch: 10 });
    expect(change).toMatchObject({ leaderChanged: true, isrChanged: true, unclean: false });
  });

  it('with no live in-sync replica the partition goes offline (leader -1, epoch bumped) and keeps its last ISR member', () => {
    const change = buildPartitionChange(reg({ isr: [1] }), { targetIsr: [], isAcceptableLeader: alive(2, 3), uncleanElection: false })!;
    expect(change.registration).toMatchObject({ leader: NO_LEADER, isr: [1], leaderEpoch: 5 });
  });

  it('unclean.leader.election.enable: the first live replica leads and the ISR becomes just it', () => {
    const change = buildPartitionChange(reg({ isr: [1] }), { targetIsr: [], isAcceptableLeader: alive(3, 2), uncleanElection: true })!;
    expect(change.registration).toMatchObject({ leader: 2, isr: [2], leaderEpoch: 5 });
    expect(change.unclean).toBe(true);
  });

  it('preferred election moves leadership back to the first replica only if it is in the ISR', () => {
    const back = buildPartitionChange(reg({ leader: 2 }), { targetIsr: [1, 2, 3], isAcceptableLeader: alive(1, 2, 3), uncleanElection: false, preferred: true })!;
    expect(back.registration.leader).toBe(1);
    expect(buildPartitionChange(reg({ leader: 2, isr: [2, 3] }), { targetIsr: [2, 3], isAcceptableLeader: alive(1, 2, 3), uncleanElection: false, preferred: true })).toBeNull();
  });

  it('an ISR change alone keeps the leader epoch and bumps the partition epoch; no change is null', () => {
    const shrink = buildPartitionChange(reg(), { targetIsr: [1, 2], isAcceptableLeader: alive(1, 2, 3), uncleanElection: false })!;
    expect(shrink.registration).toMatchObject({ leader: 1, isr: [1, 2], leaderEpoch: 4, partitionEpoch: 10 });
    expect(buildPartitionChange(reg(), { targetIsr: [3, 2, 1], isAcceptableLeader: alive(1, 2, 3), uncleanElection: false })).toBeNull();
  });
});
