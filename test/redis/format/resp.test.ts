import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AofReader, aofTimestampAnnotation, respCommand, respSelect, type AofRecord, type AofStop } from '../../../src/redis/format/resp';
import { binaryString } from './arbitraries';

const bytes = (s: string) => Buffer.from(s, 'latin1');

function readAll(input: Uint8Array): { records: AofRecord[]; stop: AofStop } {
  const reader = new AofReader(input);
  const records: AofRecord[] = [];
  for (;;) {
    const r = reader.next();
    if (r.kind === 'command' || r.kind === 'annotation') records.push(r);
    else return { records, stop: r };
  }
}

const argvArb = fc.array(binaryString(40), { minLength: 1, maxLength: 5 });

describe('resp: commands as aof.c catAppendOnlyGenericCommand writes them', () => {
  it('writes multibulk with byte lengths', () => {
    expect(respCommand(['SET', 'k', 'v\r\n\x00\xff'])).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nv\r\n\x00\xff\r\n');
    expect(respCommand(['SET', 'k', ''])).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n');
    expect(respSelect(12)).toBe('*2\r\n$6\r\nSELECT\r\n$2\r\n12\r\n');
    expect(aofTimestampAnnotation(1_700_000_000_999)).toBe('#TS:1700000000\r\n');
  });
});

describe('resp: the AOF reader of loadSingleAppendOnlyFile', () => {
  it('reads back any commands with their byte positions, and ends cleanly', () => {
    fc.assert(
      fc.property(fc.array(argvArb, { maxLength: 10 }), (commands) => {
        const text = commands.map(respCommand).join('');
        const { records, stop } = readAll(bytes(text));
        expect(records.map((r) => (r.kind === 'command' ? r.argv : null))).toEqual(commands);
        let at = 0;
        for (const [i, r] of records.entries()) {
          expect(r.start).toBe(at);
          at += respCommand(commands[i]!).length;
          expect(r.end).toBe(at);
        }
        expect(stop).toEqual({ kind: 'eof', at: text.length });
      }),
    );
  });

  it('reports a cut inside a command as truncated at that command, never as bad format', () => {
    fc.assert(
      fc.property(fc.array(argvArb, { minLength: 1, maxLength: 6 }), fc.nat(), (commands, seed) => {
        const text = commands.map(respCommand).join('');
        const cut = seed % (text.length + 1);
        const boundaries = [0];
        for (const c of commands) boundaries.push(boundaries.at(-1)! + respCommand(c).length);
        const { records, stop } = readAll(bytes(text).subarray(0, cut));
        if (boundaries.includes(cut)) {
          expect(stop.kind).toBe('eof');
        } else {
          expect(stop.kind).toBe('truncated');
          const start = Math.max(...boundaries.filter((b) => b < cut));
          expect(stop.kind === 'truncated' && stop.commandStart).toBe(start);
          expect(records.length).toBe(boundaries.indexOf(start));
        }
      }),
    );
  });

  it('skips #TS annotations', () => {
    const { records, stop } = readAll(bytes('#TS:1700000000\r\n' + respCommand(['PING'])));
    expect(records[0]).toMatchObject({ kind: 'annotation', text: '#TS:1700000000\r\n' });
    expect(records[1]).toMatchObject({ kind: 'command', argv: ['PING'] });
    expect(stop.kind).toBe('eof');
  });

  it('reads lengths as atoi/strtol do and does not check the CRLF after an argument', () => {
    const { records } = readAll(bytes('*1junk\r\n$4 trailing\r\nPINGxx'));
    expect(records).toEqual([{ kind: 'command', argv: ['PING'], start: 0, end: 27 }]);
  });

  it('calls anything but * or $ where expected a format error', () => {
    expect(readAll(bytes('SET k v\r\n')).stop).toEqual({ kind: 'format', at: 0, commandStart: 0 });
    expect(readAll(bytes(respCommand(['A']) + '*1\r\n%1\r\nx\r\n')).stop).toEqual({ kind: 'format', at: 15, commandStart: 11 });
    expect(readAll(bytes('*0\r\n')).stop.kind).toBe('format');
    expect(readAll(bytes('\r\n')).stop.kind).toBe('format');
  });

  it('treats "*" then a NUL as the unrecoverable read error Redis reports, and "*" at the end as a short read', () => {
    expect(readAll(bytes('*\x00\r\n')).stop.kind).toBe('read-error');
    expect(readAll(bytes('*')).stop.kind).toBe('truncated');
  });
});
