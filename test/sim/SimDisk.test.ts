import { describe, expect, it } from 'vitest';
import { DiskError, SimDisk } from '../../src/sim/SimDisk';
import { Simulation } from '../../src/sim/Simulation';

function disk(options: Partial<ConstructorParameters<typeof SimDisk>[0]> = {}, seed = 's') {
  const sim = new Simulation({ seed });
  const d = new SimDisk({ host: 'h', sim, rng: sim.rng.fork('disk'), ...options });
  d.mkdir('data');
  d.fsyncDir('data');
  return { sim, d };
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('simulated disk: page cache, fsync and power loss', () => {
  it('a process sees its writes at once; a crash of the process keeps them (the page cache survives)', () => {
    const { d } = disk();
    const f = d.open('data/aof', { create: true });
    d.append(f, bytes('SET a 1\n'));
    expect(text(d.readFile('data/aof'))).toBe('SET a 1\n');
    expect(d.durableLength(f)).toBe(0);
  });

  it('a power loss drops unsynced bytes and keeps synced ones', () => {
    const { d } = disk();
    const f = d.open('data/aof', { create: true });
    d.append(f, bytes('one\n'));
    d.fsync(f);
    d.append(f, bytes('two\n'));
    d.powerLoss();
    expect(text(d.readFile('data/aof'))).toBe('one\n');
  });

  it('restores synced bytes that were overwritten but not synced again', () => {
    const { d } = disk();
    const f = d.open('data/f', { create: true });
    d.append(f, bytes('abcdef'));
    d.fsync(f);
    d.pwrite(f, 2, bytes('XY'));
    d.truncate(f, 3);
    d.powerLoss();
    expect(text(d.readFile('data/f'))).toBe('abcdef');
  });

  it('a file created but not yet journalled vanishes on power loss; after an fsync it stays', () => {
    const { d } = disk();
    d.open('data/new', { create: true });
    d.powerLoss();
    expect(d.exists('data/new')).toBe(false);
    const f = d.open('data/kept', { create: true });
    d.append(f, bytes('x'));
    d.fsync(f);
    d.powerLoss();
    expect(d.exists('data/kept')).toBe(true);
  });

  it('rename is atomic: after a power loss the name holds the old file or the new one, never a mix', () => {
    const { d } = disk();
    const old = d.open('data/dump.rdb', { create: true });
    d.append(old, bytes('OLD'));
    d.fsync(old);
    const temp = d.open('data/temp-1.rdb', { create: true });
    d.append(temp, bytes('NEW'));
    d.fsync(temp);
    d.rename('data/temp-1.rdb', 'data/dump.rdb');
    expect(text(d.readFile('data/dump.rdb'))).toBe('NEW');
    d.powerLoss(); // the rename was not journalled yet
    expect(text(d.readFile('data/dump.rdb'))).toBe('OLD');
    d.rename('data/temp-1.rdb', 'data/dump.rdb');
    d.fsyncDir('data');
    d.powerLoss();
    expect(text(d.readFile('data/dump.rdb'))).toBe('NEW');
    expect(d.exists('data/temp-1.rdb')).toBe(false);
  });

  it('the flusher writes an inode back once it has been dirty for 30 s, on a 5 s tick', () => {
    const { sim, d } = disk();
    const f = d.open('data/f', { create: true });
    sim.advance(2000);
    d.append(f, bytes('x')); // dirty at t=2s: expires at 32 s, written back at the 35 s tick
    sim.advance(32_000);
    expect(d.durableLength(f)).toBe(0);
    sim.advance(1000);
    expect(d.durableLength(f)).toBe(1);
    expect(d.stats().writebacks).toBe(1);
  });

  it('a background fsync makes durable only what was written when it started, after its latency', () => {
    const { sim, d } = disk({ fsyncLatencyMs: 50 });
    const f = d.open('data/aof', { create: true });
    d.append(f, bytes('aaaa'));
    let done = false;
    d.fsyncInBackground(f, () => (done = true));
    d.append(f, bytes('bbbb'));
    sim.advance(49);
    expect(done).toBe(false);
    expect(d.durableLength(f)).toBe(0);
    sim.advance(1);
    expect(done).toBe(true);
    expect(d.durableLength(f)).toBe(4);
  });

  it('tears unsynced tails at sector boundaries, the same way for the same seed', () => {
    const tornLength = (seed: string) => {
      const { d } = disk({ tornWriteProbability: 1 }, seed);
      const f = d.open('data/aof', { create: true });
      d.fsync(f);
      d.append(f, new Uint8Array(5000).fill(7));
      const { tornFiles } = d.powerLoss();
      return { length: d.size('data/aof'), tornFiles };
    };
    const a = tornLength('seed-a');
    expect(tornLength('seed-a')).toEqual(a);
    expect(a.length % 512 === 0 || a.length === 5000).toBe(true);
    const lengths = new Set(['1', '2', '3', '4', '5', '6', '7', '8'].map((s) => tornLength(s).length));
    expect(lengths.size).toBeGreaterThan(1);
  });

  it('fails writes with ENOSPC when full (short write first) and EIO when told to', () => {
    const { d } = disk({ capacityBytes: 10 });
    const f = d.open('data/f', { create: true });
    expect(d.append(f, bytes('12345678'))).toBe(8);
    expect(d.append(f, bytes('abcd'))).toBe(2);
    expect(() => d.append(f, bytes('z'))).toThrowError(new DiskError('ENOSPC', 'write', 'data/f'));
    d.failWrites = true;
    expect(() => d.fsync(f)).toThrowError(/EIO: i\/o error, fsync 'data\/f'/);
  });

  it('reports missing files and directories as Node does', () => {
    const { d } = disk();
    expect(() => d.open('nope/file', { create: true })).toThrowError("ENOENT: no such file or directory, open 'nope/file'");
    expect(() => d.readFile('data/missing')).toThrowError(/ENOENT/);
  });
});

describe('simulated disk: torn tails after an overwrite', () => {
  it('keeps writeback in file order: a torn tail never sits after rolled-back earlier bytes', () => {
    // Redis truncates a torn AOF tail and appends after it; a second power loss
    // must leave either the old synced bytes or a prefix of the new ones,
    // never old bytes followed by new ones (garbage in the middle of the file).
    for (const seed of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']) {
      const { d } = disk({ tornWriteProbability: 0.5 }, seed);
      const f = d.open('data/aof', { create: true });
      d.append(f, new Uint8Array(1000).fill(1));
      d.fsync(f);
      d.truncate(f, 600);
      d.append(f, new Uint8Array(2000).fill(2));
      d.powerLoss();
      const after = d.readFile('data/aof');
      const firstTwo = after.indexOf(2);
      if (firstTwo >= 0) {
        expect(firstTwo).toBe(600);
        expect(after.subarray(600).every((b) => b === 2)).toBe(true);
      } else {
        expect(after).toEqual(new Uint8Array(1000).fill(1));
      }
    }
  });
});

describe('simulated disk: background fsync over overwritten bytes', () => {
  it('never rolls back bytes a completed fsync made durable', () => {
    const { sim, d } = disk({ fsyncLatencyMs: 10 });
    const f = d.open('data/aof', { create: true });
    d.append(f, bytes('OLD-OLD-'));
    d.fsync(f);
    d.truncate(f, 4);
    d.append(f, bytes('NEW-'));
    d.fsyncInBackground(f, () => {});
    d.append(f, bytes('LATER')); // written while the fsync runs: not covered by it
    sim.advance(10);
    d.powerLoss();
    expect(text(d.readFile('data/aof'))).toBe('OLD-NEW-');
  });
});
