import { describe, expect, it } from 'vitest';
import { parseRedisConf } from '../../src/redis/redisConfFile';

function settings(text: string): Record<string, string> {
  const parsed = parseRedisConf(text);
  if (!parsed.ok) throw new Error(`line ${parsed.line}: ${parsed.message}`);
  return Object.fromEntries([...parsed.settings].map(([k, v]) => [k, v.value]));
}

describe('redis.conf as loadServerConfigFromString reads it', () => {
  it('comments, blank lines, indentation and case-insensitive directives', () => {
    expect(settings('# a comment\n\n   appendonly yes\r\nAPPENDFSYNC always\n  # indented comment\n')).toEqual({ appendonly: 'yes', appendfsync: 'always' });
  });

  it('quoting as sdssplitargs: double quotes with escapes, single quotes', () => {
    expect(settings('dbfilename "dump\\x41.rdb"\nappendfilename \'my aof\'\n')).toEqual({ dbfilename: 'dumpA.rdb', appendfilename: 'my aof' });
  });

  it('unbalanced quotes stop the file at their line', () => {
    expect(parseRedisConf('appendonly yes\ndbfilename "dump.rdb\n')).toEqual({ ok: false, line: 2, message: 'Unbalanced quotes in configuration line' });
  });

  it('save: one line with pairs, one quoted argument split at spaces, repeated lines accumulate', () => {
    expect(settings('save 900 1 300 10\n')).toEqual({ save: '900 1 300 10' });
    expect(settings('save "900 1 300 10"\n')).toEqual({ save: '900 1 300 10' });
    expect(settings('save 900 1\nsave 300 10\nsave 60 10000\n')).toEqual({ save: '900 1 300 10 60 10000' });
  });

  it('save "" clears the built-in points, and after other save lines adds nothing (setConfigSaveOption)', () => {
    expect(settings('save ""\n')).toEqual({ save: '' });
    expect(settings('save 900 1\nsave ""\n')).toEqual({ save: '900 1' });
  });

  it('a bad save line is refused in Redis words', () => {
    expect(parseRedisConf('save 900\n')).toEqual({ ok: false, line: 1, message: 'Invalid save parameters' });
  });

  it('real directives faultline does not model are ignored and named once; deprecated ones too', () => {
    const parsed = parseRedisConf('bind 127.0.0.1 -::1\nport 6379\nmaxmemory 2gb\nport 6380\nrename-command FLUSHALL ""\nlist-max-ziplist-entries 512\nappendonly yes\n');
    expect(parsed).toMatchObject({ ok: true, ignored: ['bind', 'port', 'maxmemory', 'rename-command', 'list-max-ziplist-entries'] });
  });

  it('an unknown directive is refused with a suggestion; a known one with a wrong count without', () => {
    expect(parseRedisConf('appendonly yes\nappendfsinc always\n')).toEqual({ ok: false, line: 2, message: "Bad directive or wrong number of arguments (did you mean 'appendfsync'?)" });
    expect(parseRedisConf('appendonly yes no\n')).toEqual({ ok: false, line: 1, message: 'wrong number of arguments' });
    expect(parseRedisConf('rename-command FLUSHALL\n')).toEqual({ ok: false, line: 1, message: 'Bad directive or wrong number of arguments' });
  });

  it('a bad value of a modelled setting is refused with config.c\'s text', () => {
    expect(parseRedisConf('\nappendonly maybe\n')).toEqual({ ok: false, line: 2, message: "argument must be 'yes' or 'no'" });
  });

  it('include is refused: faultline reads only the files a scenario names', () => {
    const parsed = parseRedisConf('include /etc/redis/common.conf\n');
    expect(parsed).toMatchObject({ ok: false, line: 1 });
    expect(!parsed.ok && parsed.message).toMatch(/^include is not supported/);
  });
});
