/**
 * What redis-server writes while starting, as 7.0's server.c main does.
 */
import { describe, expect, it } from 'vitest';
import { hostHarness } from './hostHarness';

describe('redis host: start-up log lines', () => {
  it('a start ends with 7.0\'s "Ready to accept connections" (not 3.x\'s "... on port N")', () => {
    const h = hostHarness();
    const log = h.log();
    expect(log[0]).toMatch(/^Redis version=7\.0\.15, bits=64, commit=00000000, modified=0, pid=\d+, just started$/);
    expect(log[log.length - 1]).toBe('Ready to accept connections');
    expect(log.some((line) => line.includes('on port'))).toBe(false);
  });
});
