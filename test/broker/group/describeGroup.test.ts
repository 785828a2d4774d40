import { describe, expect, it } from 'vitest';
import { describeConsumerGroup, type GroupPartitionRow } from '../../../src/broker/group/describeGroup';

const row = (partition: number, currentOffset: number | null, logEndOffset: number): GroupPartitionRow => ({
  group: 'g',
  topic: 'events',
  partition,
  currentOffset,
  logEndOffset,
  consumerId: null,
  host: null,
  clientId: null,
});

describe('kafka-consumer-groups --describe: what goes to stdout and what to stderr', () => {
  it('a group that does not exist is an error on stdout after a blank line (printError uses System.out)', () => {
    expect(describeConsumerGroup('g', 'Dead', [])).toEqual({ stdout: ['', "Error: Consumer group 'g' does not exist."], stderr: [] });
  });

  it('an empty group is a note on stderr, then the table on stdout: 15-wide columns, "-" for what is missing', () => {
    expect(describeConsumerGroup('g', 'Empty', [row(0, 3, 5), row(1, null, 2)])).toEqual({
      stderr: ['', "Consumer group 'g' has no active members."],
      stdout: [
        '',
        'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID',
        'g               events          0          3               5               2               -               -               -',
        'g               events          1          -               2               -               -               -               -',
      ],
    });
  });
});
