/**
 * Inputs for the redis-check-aof golden outputs in fixtures/check-aof/: each
 * scenario mutates the files of fixtures/aof-preamble-no (written by
 * redis-server 7.0.15). The .txt goldens were produced by the real
 * redis-check-aof 7.0.15 on these inputs, in a directory then renamed to
 * /fixture/appendonlydir.
 */
export interface CheckAofScenario {
  readonly name: string;
  readonly target: string;
  readonly fix: boolean;
  /** Files to replace, given a reader of the original ones. */
  readonly mutate: (read: (name: string) => Buffer) => Record<string, Buffer>;
}

const INCR = 'appendonly.aof.2.incr.aof';
const BASE = 'appendonly.aof.2.base.aof';
const MANIFEST = 'appendonly.aof.manifest';

export const scenarios: CheckAofScenario[] = [
  { name: 'valid', target: MANIFEST, fix: false, mutate: () => ({}) },
  { name: 'incr-cut-in-command', target: MANIFEST, fix: false, mutate: (read) => ({ [INCR]: read(INCR).subarray(0, 100) }) },
  { name: 'incr-cut-in-command-fix', target: MANIFEST, fix: true, mutate: (read) => ({ [INCR]: read(INCR).subarray(0, 100) }) },
  {
    name: 'incr-unclosed-multi',
    target: MANIFEST,
    fix: true,
    mutate: (read) => {
      const b = read(INCR);
      return { [INCR]: b.subarray(0, b.lastIndexOf(Buffer.from('*1\r\n$4\r\nEXEC\r\n'))) };
    },
  },
  {
    name: 'incr-garbage-line',
    target: MANIFEST,
    fix: false,
    mutate: (read) => {
      const b = Buffer.from(read(INCR));
      const at = b.indexOf(Buffer.from('*2\r\n$4\r\nINCR'));
      b.write('?', at, 'latin1');
      return { [INCR]: b };
    },
  },
  {
    name: 'incr-bad-crlf',
    target: MANIFEST,
    fix: false,
    mutate: (read) => {
      const b = Buffer.from(read(INCR));
      const at = b.indexOf(Buffer.from('INCR\r\n')) + 4;
      b.write('\n\r', at, 'latin1');
      return { [INCR]: b };
    },
  },
  { name: 'base-cut-not-last-fix', target: MANIFEST, fix: true, mutate: (read) => ({ [BASE]: read(BASE).subarray(0, 200) }) },
  {
    name: 'manifest-duplicate-base',
    target: MANIFEST,
    fix: false,
    mutate: (read) => ({ [MANIFEST]: Buffer.concat([read(MANIFEST), Buffer.from(`file other.rdb seq 3 type b\n`)]) }),
  },
  { name: 'old-style-incr-alone', target: INCR, fix: false, mutate: () => ({}) },
  { name: 'empty-incr', target: MANIFEST, fix: false, mutate: () => ({ [INCR]: Buffer.alloc(0) }) },
];
