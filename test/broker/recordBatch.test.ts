import { describe, expect, it } from 'vitest';
import { batchSizeBytes, recordSizeBytes, sizeOfVarint, uniformBatchSizeBytes } from '../../src/broker/recordBatch';

describe('record batch sizes (v2 format, uncompressed)', () => {
  it('zig-zag varint sizes match ByteUtils.sizeOfVarint at the byte boundaries', () => {
    expect(sizeOfVarint(0)).toBe(1);
    expect(sizeOfVarint(-1)).toBe(1);
    expect(sizeOfVarint(63)).toBe(1);
    expect(sizeOfVarint(64)).toBe(2);
    expect(sizeOfVarint(-64)).toBe(1);
    expect(sizeOfVarint(-65)).toBe(2);
    expect(sizeOfVarint(8191)).toBe(2);
    expect(sizeOfVarint(8192)).toBe(3);
  });

  it('a record with a null key and a 100-byte value takes 109 bytes, its batch 170', () => {
    // body: attributes 1 + timestampDelta 1 + offsetDelta 1 + keyLength(-1) 1 +
    // valueLength(100) 2 + value 100 + headerCount 1 = 107; length varint(107) = 2.
    expect(recordSizeBytes(0, 0, -1, 100)).toBe(109);
    expect(batchSizeBytes([{ timestampMs: 0, keySizeBytes: -1, valueSizeBytes: 100 }])).toBe(170);
  });

  it('counts key and value text as UTF-8 bytes and timestamp deltas as varlongs', () => {
    const size = batchSizeBytes([
      { key: 'k', value: 'é', timestampMs: 1000 },
      { key: null, value: 'abc', timestampMs: 1100 },
    ]);
    // record 0: 1 + 1 + 1 + 1 + 1 + 1 + 2 + 1 = 9, length 1 => 10
    // record 1: 1 + 2 (delta 100) + 1 + 1 + 1 + 3 + 1 = 10, length 1 => 11
    expect(size).toBe(61 + 10 + 11);
  });

  it('the uniform bulk path sizes a batch exactly as the per-record path', () => {
    const records = Array.from({ length: 300 }, () => ({ timestampMs: 5, keySizeBytes: 8, valueSizeBytes: 100 }));
    expect(uniformBatchSizeBytes(300, 8, 100)).toBe(batchSizeBytes(records));
  });
});
