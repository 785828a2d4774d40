import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConfig } from '../../src/redis/redisConfig';
import { findRedisBinaries, startRealRedis, type RealRedis } from '../support/realRedis';
import { harness } from './support/harness';
import { RespConnection } from './support/respConnection';

const failed = (name: string, why: string) => ({ error: `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}` });

describe('redis config: CONFIG GET/SET of the persistence settings as config.c', () => {
  it('built-in 7.0 defaults: save points, everysec, appendonlydir, 64mb rewrite floor', () => {
    const config = new RedisConfig();
    expect(config.getString('save')).toBe('3600 1 300 100 60 10000');
    expect(config.get('save')).toEqual([
      { seconds: 3600, changes: 1 },
      { seconds: 300, changes: 100 },
      { seconds: 60, changes: 10000 },
    ]);
    expect(config.get('appendfsync')).toBe('everysec');
    expect(config.get('appendonly')).toBe(false);
    expect(config.get('appenddirname')).toBe('appendonlydir');
    expect(config.get('appendfilename')).toBe('appendonly.aof');
    expect(config.get('dbfilename')).toBe('dump.rdb');
    expect(config.get('auto-aof-rewrite-min-size')).toBe(64 * 1024 * 1024);
    expect(config.get('auto-aof-rewrite-percentage')).toBe(100);
    expect(config.get('hash-max-listpack-entries')).toBe(512);
    expect(config.get('hz')).toBe(10);
  });

  it('CONFIG SET validates as config.c: yes/no, enum lists, integer bounds, memory units', () => {
    const { run } = harness();
    expect(run('CONFIG', 'SET', 'rdbcompression', 'maybe')).toEqual(failed('rdbcompression', "argument must be 'yes' or 'no'"));
    expect(run('CONFIG', 'SET', 'appendfsync', 'sometimes')).toEqual(failed('appendfsync', 'argument(s) must be one of the following: everysec, always, no'));
    expect(run('CONFIG', 'SET', 'auto-aof-rewrite-percentage', '-1')).toEqual(failed('auto-aof-rewrite-percentage', 'argument must be between 0 and 2147483647 inclusive'));
    expect(run('CONFIG', 'SET', 'set-max-intset-entries', '-1')).toEqual(failed('set-max-intset-entries', 'argument must be between 0 and 9223372036854775807 inclusive'));
    expect(run('CONFIG', 'SET', 'hz', 'fast')).toEqual(failed('hz', "argument couldn't be parsed into an integer"));
    expect(run('CONFIG', 'SET', 'auto-aof-rewrite-min-size', '1tb')).toEqual(failed('auto-aof-rewrite-min-size', 'argument must be a memory value'));
    expect(run('CONFIG', 'SET', 'auto-aof-rewrite-min-size', '1gb')).toBe('OK');
    expect(run('CONFIG', 'GET', 'auto-aof-rewrite-min-size')).toEqual(['auto-aof-rewrite-min-size', '1073741824']);
    expect(run('CONFIG', 'SET', 'appendfsync', 'ALWAYS')).toBe('OK');
    expect(run('CONFIG', 'GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
  });

  it('save takes pairs of seconds >= 1 and changes >= 0; "" clears every save point', () => {
    const { run, server } = harness();
    expect(run('CONFIG', 'SET', 'save', '900 1 300')).toEqual(failed('save', 'Invalid save parameters'));
    expect(run('CONFIG', 'SET', 'save', '0 1')).toEqual(failed('save', 'Invalid save parameters'));
    expect(run('CONFIG', 'SET', 'save', '900 1 300 10')).toBe('OK');
    expect(server.config.get('save')).toEqual([
      { seconds: 900, changes: 1 },
      { seconds: 300, changes: 10 },
    ]);
    expect(run('CONFIG', 'SET', 'save', '')).toBe('OK');
    expect(run('CONFIG', 'GET', 'save')).toEqual(['save', '']);
  });

  it('immutable and protected settings are refused; unknown names and duplicates too', () => {
    const { run } = harness();
    expect(run('CONFIG', 'SET', 'appenddirname', 'x')).toEqual(failed('appenddirname', "can't set immutable config"));
    expect(run('CONFIG', 'SET', 'appendfilename', 'x.aof')).toEqual(failed('appendfilename', "can't set immutable config"));
    expect(run('CONFIG', 'SET', 'rdbchecksum', 'no')).toEqual(failed('rdbchecksum', "can't set immutable config"));
    expect(run('CONFIG', 'SET', 'dir', '/tmp')).toEqual(failed('dir', "can't set protected config"));
    expect(run('CONFIG', 'SET', 'dbfilename', 'x.rdb')).toEqual(failed('dbfilename', "can't set protected config"));
    expect(run('CONFIG', 'SET', 'nope', '1', 'hz', '5')).toEqual({ error: "ERR Unknown option or number of arguments for CONFIG SET - 'nope'" });
    expect(run('CONFIG', 'SET', 'hz', '5', 'HZ', '6')).toEqual(failed('HZ', 'duplicate parameter'));
    expect(run('CONFIG', 'SET', 'hz')).toEqual({ error: "ERR wrong number of arguments for 'config|set' command" });
    expect(run('CONFIG', 'SET', 'hz', '5', 'rdbcompression')).toEqual({ error: 'ERR syntax error' });
  });

  it('file and directory names are base names, with config.c\'s texts (appenddirname wants "just a dirname")', () => {
    expect(() => new RedisConfig({ appenddirname: 'a/b' })).toThrow("appenddirname can't be a path, just a dirname");
    expect(() => new RedisConfig({ appenddirname: '' })).toThrow("appenddirname can't be empty");
    expect(() => new RedisConfig({ appendfilename: 'a/b.aof' })).toThrow("appendfilename can't be a path, just a filename");
    expect(() => new RedisConfig({ appendfilename: '' })).toThrow("appendfilename can't be empty");
    expect(new RedisConfig({ dbfilename: '' }).get('dbfilename')).toBe('');
  });

  it('with enable-protected-configs yes, dbfilename must still be a file name', () => {
    const { run } = harness({ config: { 'enable-protected-configs': 'yes' } });
    expect(run('CONFIG', 'SET', 'dbfilename', 'a/b.rdb')).toEqual(failed('dbfilename', "dbfilename can't be a path, just a filename"));
    expect(run('CONFIG', 'SET', 'dbfilename', 'b.rdb')).toBe('OK');
  });

  it('a failing value leaves every setting of the same CONFIG SET unchanged', () => {
    const { run } = harness();
    expect(run('CONFIG', 'SET', 'hz', '20', 'appendfsync', 'bogus')).toEqual(failed('appendfsync', 'argument(s) must be one of the following: everysec, always, no'));
    expect(run('CONFIG', 'GET', 'hz')).toEqual(['hz', '10']);
  });

  it('hz is capped to 1..500 by its apply step rather than refused, and changes serverCron period', () => {
    const { run, server } = harness();
    expect(run('CONFIG', 'SET', 'hz', '0')).toBe('OK');
    expect(run('CONFIG', 'GET', 'hz')).toEqual(['hz', '1']);
    expect(run('CONFIG', 'SET', 'hz', '100000')).toBe('OK');
    expect(server.config.get('hz')).toBe(500);
    expect(server.cronPeriodMs()).toBe(2);
  });

  it('without a persistence, AOF cannot be turned on, as when startAppendOnly fails', () => {
    const { run } = harness();
    expect(run('CONFIG', 'SET', 'appendonly', 'yes')).toEqual(failed('appendonly', 'Unable to turn on AOF. Check server logs.'));
    expect(run('CONFIG', 'GET', 'appendonly')).toEqual(['appendonly', 'no']);
  });

  it('CONFIG GET matches globs over names and aliases, and echoes exact names as given', () => {
    const { run } = harness();
    const pairs = run('CONFIG', 'GET', 'hash-max-*') as string[];
    expect(pairs.filter((_, i) => i % 2 === 0).sort()).toEqual([
      'hash-max-listpack-entries',
      'hash-max-listpack-value',
      'hash-max-ziplist-entries',
      'hash-max-ziplist-value',
    ]);
    expect(run('CONFIG', 'GET', 'APPENDFSYNC')).toEqual(['APPENDFSYNC', 'everysec']);
    expect(run('CONFIG', 'GET', 'no-such-thing')).toEqual([]);
    expect(run('CONFIG', 'REWRITE')).toEqual({ error: 'ERR The server is running without a config file' });
  });
});

const binaries = findRedisBinaries();

describe.runIf(binaries !== null)('redis config: every modelled setting reads back as redis-server 7.0 built-in defaults', () => {
  let real: RealRedis;
  let conn: RespConnection;

  beforeAll(async () => {
    real = await startRealRedis(binaries!);
    conn = await RespConnection.open(real.socket);
  });

  afterAll(async () => {
    conn?.close();
    await real?.dispose();
  });

  it('CONFIG GET <name> agrees for each name (save and dir are set by the test harness, so skipped)', async () => {
    const names = RedisConfig.names().filter((n) => n !== 'save' && n !== 'dir');
    const { client } = harness();
    const ours = names.map((n) => client.call('CONFIG', 'GET', n));
    const theirs = await conn.pipeline(names.map((n) => ['CONFIG', 'GET', n]));
    expect(ours).toEqual(theirs);
  });
});
