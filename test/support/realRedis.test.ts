import { describe, expect, it } from 'vitest';
import { findRedisBinaries, startRealRedis } from './realRedis';

const binaries = findRedisBinaries();

describe.runIf(binaries !== null)('test support: real redis-server', () => {
  it('starts a private 7.0 server on a unix socket and answers PING', async () => {
    expect(binaries!.version.startsWith('7.0.')).toBe(true);
    const redis = await startRealRedis(binaries!);
    try {
      expect(await redis.client.ping()).toBe('PONG');
    } finally {
      await redis.dispose();
    }
  });
});
