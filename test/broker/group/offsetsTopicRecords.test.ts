import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeOffsetsTopicRecord, encodeOffsetsTopicRecord, groupMetadataRecord, offsetCommitRecord } from '../../../src/broker/group/offsetsTopicRecords';

describe('__consumer_offsets records', () => {
  it('decode(encode(x)) is x for offset commits, group metadata and tombstones', () => {
    const member = fc.record({
      memberId: fc.string({ minLength: 1 }),
      groupInstanceId: fc.constant(null),
      clientId: fc.string(),
      clientHost: fc.string(),
      rebalanceTimeoutMs: fc.nat(),
      sessionTimeoutMs: fc.nat(),
      topics: fc.array(fc.string()),
      assignment: fc.array(fc.record({ topic: fc.string(), partition: fc.nat(99) })),
    });
    const record = fc.oneof(
      fc.tuple(fc.string(), fc.string(), fc.nat(99), fc.option(fc.record({ offset: fc.nat(), leaderEpoch: fc.constant(-1), metadata: fc.string(), commitTimestampMs: fc.nat() }), { nil: null })).map(([g, t, p, v]) => offsetCommitRecord(g, t, p, v)),
      fc.tuple(fc.string(), fc.option(fc.record({ protocolType: fc.constant('consumer'), generation: fc.nat(), protocol: fc.option(fc.string(), { nil: null }), leader: fc.option(fc.string(), { nil: null }), currentStateTimestampMs: fc.nat(), members: fc.array(member) }), { nil: null })).map(([g, v]) => groupMetadataRecord(g, v)),
    );
    fc.assert(
      fc.property(record, (r) => {
        const { key, value } = encodeOffsetsTopicRecord(r);
        expect(decodeOffsetsTopicRecord(key, value)).toEqual(r);
      }),
    );
  });

  it('a record that is neither kind stops the load as a broken invariant', () => {
    expect(() => decodeOffsetsTopicRecord('{"type":"share"}', null)).toThrow(/unknown __consumer_offsets record key/);
  });
});
