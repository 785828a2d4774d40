/**
 * Leader election and ISR changes as the KRaft controller computes them
 * (`PartitionChangeBuilder.electAnyLeader`, `ReplicationControlManager
 * .generateLeaderAndIsrUpdates`), as pure functions over a partition's
 * registration.
 *
 *   - The current leader stays if it is still acceptable and in the target ISR.
 *   - Otherwise the first replica in assignment order that is acceptable
 *     (registered, unfenced, not in controlled shutdown) and in the target ISR.
 *   - Otherwise, with `unclean.leader.election.enable`, the first acceptable
 *     replica, and the ISR becomes just that leader ("This can result in data
 *     loss!").
 *   - Otherwise no leader (-1): the partition is offline.
 * An ISR that would become empty is not written (ELR off): the partition keeps
 * its last ISR member, so that broker can lead again, cleanly, when it returns.
 * The leader epoch increases on every leader change, to -1 included
 * (PartitionRegistration.merge); every change bumps the partition epoch.
 */
export const NO_LEADER = -1;

export interface PartitionRegistration {
  readonly topic: string;
  readonly partition: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
}

export interface ElectionResult {
  readonly leader: number;
  readonly unclean: boolean;
}

export interface ChangeOptions {
  /** The ISR the change aims for (already without a broker being fenced). */
  readonly targetIsr: readonly number[];
  readonly isAcceptableLeader: (brokerId: number) => boolean;
  readonly uncleanElection: boolean;
  /** Elect the first replica if it is acceptable and in the ISR, else keep the leader. */
  readonly preferred?: boolean;
}

export interface PartitionChange {
  readonly registration: PartitionRegistration;
  readonly unclean: boolean;
  readonly leaderChanged: boolean;
  readonly isrChanged: boolean;
}

/** PartitionChangeBuilder.electAnyLeader. */
export function electAnyLeader(registration: PartitionRegistration, options: ChangeOptions): ElectionResult {
  const valid = (r: number): boolean => options.targetIsr.includes(r) && options.isAcceptableLeader(r);
  if (registration.leader !== NO_LEADER && valid(registration.leader)) return { leader: registration.leader, unclean: false };
  for (const r of registration.replicas) if (valid(r)) return { leader: r, unclean: false };
  if (options.uncleanElection) {
    for (const r of registration.replicas) if (options.isAcceptableLeader(r)) return { leader: r, unclean: true };
  }
  return { leader: NO_LEADER, unclean: false };
}

/** PartitionChangeBuilder.electPreferredLeader (falls back to keeping the leader). */
function electPreferredLeader(registration: PartitionRegistration, options: ChangeOptions): ElectionResult {
  const preferred = registration.replicas[0]!;
  if (options.targetIsr.includes(preferred) && options.isAcceptableLeader(preferred)) return { leader: preferred, unclean: false };
  return electAnyLeader(registration, options);
}

/** PartitionChangeBuilder.build: the new registration, or null when nothing changes. */
export function buildPartitionChange(registration: PartitionRegistration, options: ChangeOptions): PartitionChange | null {
  const election = options.preferred ? electPreferredLeader(registration, options) : electAnyLeader(registration, options);
  let isr: readonly number[];
  if (election.unclean) isr = [election.leader];
  else if (options.targetIsr.length > 0) isr = options.targetIsr;
  else isr = registration.isr; // never write an empty ISR (ELR off)
  const leaderChanged = election.leader !== registration.leader;
  const isrChanged = !sameMembers(isr, registration.isr);
  if (!leaderChanged && !isrChanged) return null;
  return {
    registration: {
      ...registration,
      isr: [...isr],
      leader: election.leader,
      leaderEpoch: leaderChanged ? registration.leaderEpoch + 1 : registration.leaderEpoch,
      partitionEpoch: registration.partitionEpoch + 1,
    },
    unclean: election.unclean,
    leaderChanged,
    isrChanged,
  };
}

export function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (const x of a) if (!b.includes(x)) return false;
  return true;
}
