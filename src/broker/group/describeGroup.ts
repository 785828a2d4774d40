/**
 * `kafka-consumer-groups.sh --describe --group G` output, as
 * ConsumerGroupCommand prints it: a blank line, then columns
 * GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST
 * CLIENT-ID, left-aligned, group/topic/consumer-id/host at least 15 wide,
 * missing values as `-`. LOG-END-OFFSET is the high watermark a consumer can
 * read to, and LAG is that minus the committed offset.
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

/** The lines the command prints (stdout), plus what it says on stderr. */
export function describeConsumerGroup(group: string, state: GroupState, rows: readonly GroupPartitionRow[]): { stdout: string[]; stderr: string[] } {
  const stderr: string[] = [];
  if (state === 'Dead') return { stdout: [], stderr: [`Error: Consumer group '${group}' does not exist.`] };
  if (state === 'Empty') stderr.push('', `Consumer group '${group}' has no active members.`);
  if (state === 'PreparingRebalance' || state === 'CompletingRebalance') stderr.push('', `Warning: Consumer group '${group}' is rebalancing.`);
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
