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

describe('redis host: a dir that does not exist', () => {
  it('fails in loadServerConfig before anything is logged: FATAL CONFIG FILE ERROR on stderr, exit status 1', () => {
    const h = hostHarness();
    h.host.crash();
    const linesBefore = h.host.log.lines.length;
    const r = h.host.restart({ dir: '/srv/missing' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.exitCode).toBe(1);
    expect(r.log).toEqual([]);
    expect(r.stderr).toEqual(['', '*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***', `>>> 'dir "/srv/missing"'`, 'No such file or directory']);
    expect(h.host.log.lines.length).toBe(linesBefore);
  });
});
