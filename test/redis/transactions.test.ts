import { describe, expect, it } from 'vitest';
import { DEFAULT_START_MS } from '../../src/sim/Simulation';
import { harness } from './support/harness';

describe('redis transactions: MULTI/EXEC/DISCARD as multi.c and processCommand', () => {
  it('commands inside MULTI are QUEUED and run at EXEC, which replies with all their replies', () => {
    const { client, run } = harness();
    const replies = client.pipeline([['MULTI'], ['SET', 'a', '1'], ['INCR', 'a'], ['GET', 'a'], ['EXEC']]);
    expect(replies.map((r) => (r.kind === 'simple' ? r.value : r.kind))).toEqual(['OK', 'QUEUED', 'QUEUED', 'QUEUED', 'array']);
    expect(replies[4]).toEqual({
      kind: 'array',
      items: [
        { kind: 'simple', value: 'OK' },
        { kind: 'integer', value: 2 },
        { kind: 'bulk', value: '2' },
      ],
    });
    expect(run('GET', 'a')).toBe('2');
  });

  it('a run-time error inside EXEC is one reply among the others and does not undo them', () => {
    const { client, run } = harness();
    run('SET', 's', 'text');
    client.pipeline([['MULTI'], ['INCR', 's'], ['SET', 'k', 'v', 'FOO'], ['SET', 'ok', '1']]);
    expect(run('EXEC')).toEqual([{ error: 'ERR value is not an integer or out of range' }, { error: 'ERR syntax error' }, 'OK']);
    expect(run('GET', 'ok')).toBe('1');
  });

  it('a command refused while queueing (unknown, wrong arity) makes EXEC abort with EXECABORT', () => {
    const { run } = harness();
    run('MULTI');
    expect(run('SET', 'a', '1')).toBe('QUEUED');
    expect(run('GET')).toEqual({ error: "ERR wrong number of arguments for 'get' command" });
    expect(run('SET', 'b', '2')).toBe('QUEUED');
    expect(run('EXEC')).toEqual({ error: 'EXECABORT Transaction discarded because of previous errors.' });
    expect(run('EXISTS', 'a', 'b')).toBe(0);
  });

  it('nested MULTI is an error that does not doom the transaction; EXEC and DISCARD need MULTI', () => {
    const { run } = harness();
    expect(run('EXEC')).toEqual({ error: 'ERR EXEC without MULTI' });
    expect(run('DISCARD')).toEqual({ error: 'ERR DISCARD without MULTI' });
    run('MULTI');
    expect(run('MULTI')).toEqual({ error: 'ERR MULTI calls can not be nested' });
    run('SET', 'a', '1');
    expect(run('EXEC')).toEqual(['OK']);
  });

  it('EXEC with arguments is refused and aborts the transaction naming the reason', () => {
    const { run } = harness();
    run('MULTI');
    run('SET', 'a', '1');
    expect(run('EXEC', 'now')).toEqual({ error: "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command" });
    expect(run('EXEC')).toEqual({ error: 'ERR EXEC without MULTI' });
  });

  it('DISCARD drops the queue; a DISCARD with arguments is refused and keeps MULTI', () => {
    const { run } = harness();
    run('MULTI');
    run('SET', 'a', '1');
    expect(run('DISCARD', 'x')).toEqual({ error: "ERR wrong number of arguments for 'discard' command" });
    expect(run('DISCARD')).toBe('OK');
    expect(run('GET', 'a')).toBe(null);
  });

  it('a transaction propagating several writes is wrapped in MULTI/EXEC, a single write is not', () => {
    const { client, propagated } = harness();
    client.pipeline([['MULTI'], ['SET', 'a', '1'], ['GET', 'a'], ['EXEC']]);
    expect(propagated).toEqual(['0: SET a 1']);
    propagated.length = 0;
    client.pipeline([['MULTI'], ['SET', 'a', '2'], ['SELECT', '3'], ['SET', 'b', '3', 'EX', '10'], ['EXEC']]);
    expect(propagated).toEqual(['0: MULTI', '0: SET a 2', `3: SET b 3 PXAT ${DEFAULT_START_MS + 10_000}`, '3: EXEC']);
  });

  it('SELECT inside MULTI takes effect when EXEC runs it and stays selected after', () => {
    const { run } = harness();
    run('MULTI');
    run('SELECT', '2');
    run('SET', 'k', 'in-two');
    run('EXEC');
    expect(run('GET', 'k')).toBe('in-two');
    run('SELECT', '0');
    expect(run('GET', 'k')).toBe(null);
  });
});

describe('redis pipelines: a batch of commands and its batch of replies', () => {
  it('a pipeline answers every command in order, errors included, like Jedis pipelined()', () => {
    const { client } = harness();
    const replies = client.pipeline([['SET', 'k', '1'], ['INCR', 'k'], ['HGET', 'k', 'f'], ['GET', 'k']]);
    expect(replies).toEqual([
      { kind: 'simple', value: 'OK' },
      { kind: 'integer', value: 2 },
      { kind: 'error', message: 'WRONGTYPE Operation against a key holding the wrong kind of value' },
      { kind: 'bulk', value: '2' },
    ]);
  });

  it('each client has its own selected database and its own MULTI state', () => {
    const { server, client } = harness();
    const other = server.connect();
    client.call('SELECT', '1');
    client.call('MULTI');
    expect(other.call('SET', 'k', 'v')).toEqual({ kind: 'simple', value: 'OK' });
    client.call('GET', 'k');
    expect(client.call('EXEC')).toEqual({ kind: 'array', items: [{ kind: 'nullBulk' }] });
    expect(other.call('GET', 'k')).toEqual({ kind: 'bulk', value: 'v' });
  });
});
