import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idlePersistenceInfo, NoPersistence, type Persistence, type PersistenceInfo } from '../../src/redis/Persistence';
import { findRedisBinaries, startRealRedis, type RealRedis } from '../support/realRedis';
import { harness } from './support/harness';
import { RespConnection } from './support/respConnection';

function fields(info: string, section: string): string[] {
  const part = info.split('\r\n\r\n').find((s) => s.startsWith(`# ${section}\r\n`));
  if (part === undefined) return [];
  return part
    .split('\r\n')
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => l.slice(0, l.indexOf(':')));
}

describe('redis INFO: sections and fields as genRedisInfoString prints them', () => {
  it('INFO persistence of a fresh server: idle values, dirty as rdb_changes_since_last_save', () => {
    const { run } = harness();
    run('SET', 'a', '1');
    const info = run('INFO', 'persistence') as string;
    expect(info.startsWith('# Persistence\r\nloading:0\r\nasync_loading:0\r\n')).toBe(true);
    expect(info).toContain('\r\nrdb_changes_since_last_save:1\r\n');
    expect(info).toContain('\r\ncurrent_fork_perc:0.00\r\n');
    expect(info).toContain('\r\nrdb_last_bgsave_status:ok\r\n');
    expect(info).not.toContain('aof_current_size');
  });

  it('the AOF block appears when appendonly is yes, with values the persistence supplies', () => {
    class FakeAof extends NoPersistence implements Persistence {
      override applyConfig(): string | null {
        return null;
      }
      override info(): PersistenceInfo {
        return { ...idlePersistenceInfo(0), aof_enabled: 1, aof: { ...idlePersistenceInfo(0).aof, aof_current_size: 1234, aof_delayed_fsync: 2 } };
      }
    }
    const { run } = harness({ persistence: new FakeAof() });
    expect(run('CONFIG', 'SET', 'appendonly', 'yes')).toBe('OK');
    const info = run('INFO', 'persistence') as string;
    expect(info).toContain('\r\naof_enabled:1\r\n');
    expect(info).toContain('\r\naof_current_size:1234\r\n');
    expect(info.endsWith('aof_delayed_fsync:2\r\n')).toBe(true);
  });

  it('INFO without arguments prints the default sections in order; unknown sections print nothing', () => {
    const { run } = harness();
    const info = run('INFO') as string;
    const headers = info.split('\r\n').filter((l) => l.startsWith('# '));
    expect(headers).toEqual(['# Server', '# Clients', '# Persistence', '# Stats', '# Replication', '# Errorstats', '# Cluster', '# Keyspace']);
    expect(run('INFO', 'nosuchsection')).toBe('');
  });

  it('errorstats counts error replies by their code, including refusals', () => {
    const { run } = harness();
    run('SET', 's', 'v');
    run('HGET', 's', 'f');
    run('GET');
    run('nosuch');
    expect(run('INFO', 'errorstats')).toBe('# Errorstats\r\nerrorstat_ERR:count=2\r\nerrorstat_WRONGTYPE:count=1\r\n');
  });
});

const binaries = findRedisBinaries();

describe.runIf(binaries !== null)('redis INFO: field names match redis-server 7.0.15', () => {
  let real: RealRedis;
  let conn: RespConnection;

  beforeAll(async () => {
    real = await startRealRedis(binaries!, { appendonly: 'yes' });
    conn = await RespConnection.open(real.socket);
  });

  afterAll(async () => {
    conn?.close();
    await real?.dispose();
  });

  it('persistence (with the AOF block), server, clients, replication and cluster list the same fields in the same order', async () => {
    class AofOn extends NoPersistence {
      override applyConfig(): string | null {
        return null;
      }
    }
    const { run } = harness({ persistence: new AofOn(), config: {} });
    run('CONFIG', 'SET', 'appendonly', 'yes');
    const ours = run('INFO', 'everything') as string;
    const theirs = await conn.call('INFO', 'everything');
    if (theirs.kind !== 'bulk') throw new Error('INFO did not return a bulk string');
    for (const section of ['Persistence', 'Server', 'Clients', 'Replication', 'Cluster']) {
      expect(fields(ours, section), section).toEqual(fields(theirs.value, section));
    }
  });

  it('every stats field faultline prints is a 7.0 stats field, in 7.0 order', async () => {
    const { run } = harness();
    const ours = fields(run('INFO', 'stats') as string, 'Stats');
    const theirsReply = await conn.call('INFO', 'stats');
    const theirs = fields(theirsReply.kind === 'bulk' ? theirsReply.value : '', 'Stats');
    expect(theirs.filter((f) => ours.includes(f))).toEqual(ours);
  });
});
