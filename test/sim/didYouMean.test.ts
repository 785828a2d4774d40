import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, nearestName } from '../../src/sim/didYouMean';

const STEPS = ['broker-crash', 'broker-restart', 'kafka-cluster', 'redis-crash', 'redis-server', 'wait', 'wait-until'];

describe('nearestName', () => {
  it('finds the same words in another order', () => {
    expect(nearestName('crash-broker', STEPS)).toBe('broker-crash');
    expect(nearestName('server-redis', STEPS)).toBe('redis-server');
  });

  it('finds a typo: one edit, or one per four characters', () => {
    expect(nearestName('wiat', STEPS)).toBe('wait');
    expect(nearestName('broker-restrat', STEPS)).toBe('broker-restart');
    expect(nearestName('appendfsinc', ['appendfsync', 'appendonly'])).toBe('appendfsync');
  });

  it('finds the one name that has the input as a word, and nothing when several do or nothing is near', () => {
    expect(nearestName('cluster', STEPS)).toBe('kafka-cluster');
    expect(nearestName('crash', STEPS)).toBeUndefined();
    expect(nearestName('produce-everything', STEPS)).toBeUndefined();
    expect(didYouMean('produce-everything', STEPS)).toBe('');
    expect(didYouMean('wiat', STEPS)).toBe(" (did you mean 'wait'?)");
  });

  it('does not take a different word for a typo', () => {
    expect(nearestName('sleep', ['seek', 'wait'])).toBeUndefined();
  });

  it('editDistance counts a swap of neighbours as one edit', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('wiat', 'wait')).toBe(1);
    expect(editDistance('ca', 'abc')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
