/**
 * `kafka-consumer-groups.sh --describe --group G` output, as
 * ConsumerGroupCommand prints it: a blank line, then columns
 * GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST
 * CLIENT-ID, left-aligned, group/topic/consumer-id/host at least 15 wide,
 * missing values as `-`. LOG-END-OFFSET is the high watermark a consumer can
 * read to, and LAG is that minus the committed offset. The state notes go to
 * stderr (System.err.println), but errors to stdout: the tool's printError
 * is `System.out.println("\nError: " + msg)`.
 */
export interface GroupPartitionRow {
  readonly group: string;
  readonly topic: string | null;
  readonly partition: number | null;
  readonly currentOffset: number | null;
  readonly logEndOffset: number | null;
  readonly consumerId: string | null;
  readonly host: string | null;
  readonly clientId: string | null;
}

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

const MISSING = '-';

function cell(value: string | number | null): string {
  return value === null ? MISSING : String(value);
}

/** ConsumerGroupCommand.printError: a blank line, then "Error: " and the message, on stdout. */
export function printError(message: string): string[] {
  return ['', `Error: ${message}`];
}

/** The lines the command prints (stdout), plus what it says on stderr. */
export function describeConsumerGroup(group: string, state: GroupState, rows: readonly GroupPartitionRow[]): { stdout: string[]; stderr: string[] } {
  const stderr: string[] = [];
  if (state === 'Dead') return { stdout: printError(`Consumer group '${group}' does not exist.`), stderr: [] };
  if (state === 'Empty') stderr.push('', `Consumer group '${group}' has no active members.`);
  if (state === 'PreparingRebalance' || state === 'CompletingRebalance') stderr.push('', `Warning: Consumer group '${group}' is rebalancing.`);
  // shouldPrintMemberState: no rows, no table.
  if (rows.length === 0) return { stdout: [], stderr };
  const width = (min: number, values: (string | null)[]): number => Math.max(min, ...values.map((v) => cell(v).length));
  const g = width(15, rows.map((r) => r.group));
  const t = width(15, rows.map((r) => r.topic));
  const c = width(15, rows.map((r) => r.consumerId));
  const h = width(15, rows.map((r) => r.host));
  const line = (cols: string[]): string =>
    [cols[0]!.padEnd(g), cols[1]!.padEnd(t), cols[2]!.padEnd(10), cols[3]!.padEnd(15), cols[4]!.padEnd(15), cols[5]!.padEnd(15), cols[6]!.padEnd(c), cols[7]!.padEnd(h), cols[8]!].join(' ');
  const stdout = ['', line(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'])];
  for (const r of rows) {
    const lag = r.currentOffset !== null && r.logEndOffset !== null ? r.logEndOffset - r.currentOffset : null;
    stdout.push(line([r.group, cell(r.topic), cell(r.partition), cell(r.currentOffset), cell(r.logEndOffset), cell(lag), cell(r.consumerId), cell(r.host), cell(r.clientId)]));
  }
  return { stdout, stderr };
}

/** What DescribeGroups returns for one member. */
export interface DescribedMember {
  readonly memberId: string;
  readonly clientId: string;
  readonly clientHost: string;
  readonly assignment: readonly { readonly topic: string; readonly partition: number }[];
}

/**
 * ConsumerGroupCommand.collectGroupsOffsets: one row per assigned partition,
 * members with more partitions first (members without any get no row), the
 * partitions of a member by partition number; then the partitions the group
 * committed an offset for that nobody is assigned, without a consumer.
 */
export function groupPartitionRows(
  group: string,
  members: readonly DescribedMember[],
  committed: ReadonlyMap<string, number>,
  logEndOffset: (topic: string, partition: number) => number | null,
): GroupPartitionRow[] {
  const rows: GroupPartitionRow[] = [];
  const assigned = new Set<string>();
  const byPartition = (a: { topic: string; partition: number }, b: { topic: string; partition: number }): number =>
    a.partition - b.partition || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0);
  const withPartitions = members.filter((m) => m.assignment.length > 0);
  // Java's List.sort is stable: equal sizes keep the coordinator's member order.
  const sorted = withPartitions.map((m, i) => ({ m, i })).sort((a, b) => b.m.assignment.length - a.m.assignment.length || a.i - b.i);
  for (const { m } of sorted) {
    for (const tp of [...m.assignment].sort(byPartition)) {
      const name = `${tp.topic}-${tp.partition}`;
      assigned.add(name);
      rows.push({
        group,
        topic: tp.topic,
        partition: tp.partition,
        currentOffset: committed.get(name) ?? null,
        logEndOffset: logEndOffset(tp.topic, tp.partition),
        consumerId: m.memberId,
        host: m.clientHost,
        clientId: m.clientId,
      });
    }
  }
  const unassigned = [...committed.keys()]
    .filter((name) => !assigned.has(name))
    .map((name) => ({ topic: name.slice(0, name.lastIndexOf('-')), partition: Number(name.slice(name.lastIndexOf('-') + 1)) }))
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  for (const tp of unassigned) {
    rows.push({
      group,
      topic: tp.topic,
      partition: tp.partition,
      currentOffset: committed.get(`${tp.topic}-${tp.partition}`) ?? null,
      logEndOffset: logEndOffset(tp.topic, tp.partition),
      consumerId: null,
      host: null,
      clientId: null,
    });
  }
  return rows;
}
