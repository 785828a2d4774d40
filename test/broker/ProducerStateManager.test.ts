import { describe, expect, it } from 'vitest';
import { NUM_BATCHES_TO_RETAIN, ProducerStateManager } from '../../src/broker/ProducerStateManager';
import type { StoredBatch } from '../../src/broker/recordBatch';

const P = 4000;
const producer = (baseSequence: number, producerEpoch = 0) => ({ producerId: P, producerEpoch, baseSequence });

/** A manager that already holds batches of 2 records with sequences 0-1, 2-3, ... at offsets 0-1, 2-3, ... */
function withBatches(count: number): ProducerStateManager {
  const state = new ProducerStateManager('t-0');
  for (let i = 0; i < count; i++) state.update(producer(2 * i), 2 * i, 2 * i + 1, 1000 + i);
  return state;
}

describe('ProducerStateManager: idempotent producer state on a replica (ProducerAppendInfo)', () => {
  it('accepts any sequence from a producer it has no state for (KIP-360: no UNKNOWN_PRODUCER_ID)', () => {
    const state = new ProducerStateManager('t-0');
    expect(state.checkClientAppend(producer(17), 3, 0)).toEqual({ kind: 'append' });
  });

  it('accepts the next sequence and rejects a gap with OUT_OF_ORDER_SEQUENCE_NUMBER and Kafka\'s message', () => {
    const state = withBatches(2);
    expect(state.checkClientAppend(producer(4), 2, 4)).toEqual({ kind: 'append' });
    const gap = state.checkClientAppend(producer(6), 2, 4);
    expect(gap).toMatchObject({
      error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
      message: 'Out of order sequence number for producer 4000 at offset 4 in partition t-0: 6 (incoming seq. number), 3 (current end sequence number)',
    });
  });

  it('an exact retry of one of the last five batches is a duplicate carrying the original offsets', () => {
    const state = withBatches(3);
    const check = state.checkClientAppend(producer(2), 2, 6);
    expect(check).toMatchObject({ kind: 'duplicate', batch: { firstSeq: 2, lastSeq: 3, firstOffset: 2, lastOffset: 3 } });
  });

  it(`remembers only ${NUM_BATCHES_TO_RETAIN} batches: a retry of an older one is out of order`, () => {
    const state = withBatches(NUM_BATCHES_TO_RETAIN + 1);
    expect(state.entry(P)!.batches).toHaveLength(NUM_BATCHES_TO_RETAIN);
    expect(state.checkClientAppend(producer(0), 2, 12)).toMatchObject({ error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(state.checkClientAppend(producer(2), 2, 12)).toMatchObject({ kind: 'duplicate' });
  });

  it('a batch with an older epoch is fenced with INVALID_PRODUCER_EPOCH', () => {
    const state = new ProducerStateManager('t-0');
    state.update(producer(0, 3), 0, 0, 0);
    expect(state.checkClientAppend(producer(1, 2), 1, 1)).toMatchObject({
      error: 'INVALID_PRODUCER_EPOCH',
      message: 'Epoch of producer 4000 at offset 1 in t-0 is 2, which is smaller than the last seen epoch 3',
    });
  });

  it('a new epoch must start at sequence 0 (Kafka\'s message lacks a space before "at")', () => {
    const state = withBatches(1);
    expect(state.checkClientAppend(producer(0, 1), 1, 2)).toEqual({ kind: 'append' });
    expect(state.checkClientAppend(producer(5, 1), 1, 2)).toMatchObject({
      error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
      message: 'Invalid sequence number for new epoch of producer 4000at offset 2 in partition t-0: 1 (request epoch), 5 (seq. number), 0 (current producer epoch)',
    });
    state.update(producer(0, 1), 2, 2, 5);
    expect(state.entry(P)).toMatchObject({ producerEpoch: 1, batches: [{ firstSeq: 0, lastSeq: 0, firstOffset: 2 }] });
  });

  it('sequences wrap after Integer.MAX_VALUE', () => {
    const state = new ProducerStateManager('t-0');
    state.update(producer(2147483646), 0, 1, 0);
    expect(state.entry(P)!.batches[0]!.lastSeq).toBe(2147483647);
    expect(state.checkClientAppend(producer(0), 1, 2)).toEqual({ kind: 'append' });
  });

  it('entries idle for producer.id.expiration.ms expire; a rebuild keeps only producers the log still holds', () => {
    const state = withBatches(2);
    state.update({ producerId: 7, producerEpoch: 0, baseSequence: 0 }, 4, 4, 50_000);
    expect(state.removeExpired(86_402_000, 86_400_000)).toEqual([P]);
    expect(state.entry(P)).toBeUndefined();
    expect(state.entry(7)).toBeDefined();
    const batch = { baseOffset: 9, lastOffset: 10, producerId: 8, producerEpoch: 2, baseSequence: 4, maxTimestampMs: 3 } as StoredBatch;
    const plain = { baseOffset: 11, lastOffset: 11, producerId: -1, producerEpoch: -1, baseSequence: -1, maxTimestampMs: 4 } as StoredBatch;
    state.rebuild([batch, plain]);
    expect(state.size).toBe(1);
    expect(state.entry(8)).toMatchObject({ producerEpoch: 2, batches: [{ firstSeq: 4, lastSeq: 5, firstOffset: 9, lastOffset: 10 }] });
  });
});
