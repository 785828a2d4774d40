import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/sim/EventQueue';

describe('event queue: (atMs, seq) order', () => {
  it('runs events due at the same millisecond in the order they were scheduled', () => {
    const queue = new EventQueue();
    const order: string[] = [];
    for (const name of ['a', 'b', 'c', 'd']) queue.push(10, name, () => order.push(name));
    queue.push(5, 'early', () => order.push('early'));
    for (let e = queue.pop(); e !== undefined; e = queue.pop()) e.run();
    expect(order).toEqual(['early', 'a', 'b', 'c', 'd']);
  });

  it('pops any schedule sorted by time, then by insertion, skipping cancelled events', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ atMs: fc.integer({ min: 0, max: 20 }), cancel: fc.boolean() }), { maxLength: 200 }), (events) => {
        const queue = new EventQueue();
        const pushed = events.map((e, i) => ({ ...e, i, handle: queue.push(e.atMs, String(i), () => {}) }));
        for (const p of pushed) if (p.cancel) queue.cancel(p.handle);
        const expected = pushed
          .filter((p) => !p.cancel)
          .sort((x, y) => x.atMs - y.atMs || x.i - y.i)
          .map((p) => String(p.i));
        const actual: string[] = [];
        expect(queue.size).toBe(expected.length);
        for (let e = queue.pop(); e !== undefined; e = queue.pop()) actual.push(e.label);
        expect(actual).toEqual(expected);
      }),
    );
  });
});
