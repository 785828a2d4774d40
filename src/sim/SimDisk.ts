/**
 * A simulated disk with honest durability, per host.
 *
 * What a process sees is the page cache: `write` changes a file at once, and a
 * process crash keeps every byte (the kernel still has it). What survives a
 * power loss is only what reached the platter:
 *   - `fsync` makes a file's bytes durable (after `fsyncLatencyMs` when done
 *     in the background with `fsyncInBackground`);
 *   - the kernel's flusher writes an inode back once it has been dirty for
 *     `dirtyExpireMs` (Linux dirty_expire_centisecs = 30 s), checked every
 *     `writebackIntervalMs` (dirty_writeback_centisecs = 5 s);
 *   - namespace changes (create, rename, unlink, mkdir) are journalled: they
 *     become durable at the next journal commit (ext4 commit=5 s) or at any
 *     fsync, because an ext4 fsync commits the running transaction.
 * `rename` is atomic. A power loss drops every unsynced byte, restores
 * overwritten synced bytes, rolls the namespace back to the last commit, and
 * may tear the unsynced tail of a file: with `tornWriteProbability` some
 * 512-byte sectors of it survive, chosen deterministically from the seed.
 *
 * Files are either byte files (Redis RDB and AOF: real bytes, readable) or
 * size-only files (Kafka segments: the log keeps its own batch metadata, the
 * disk only tracks how many of its bytes are durable, which is what log
 * recovery needs). Operating errors are `DiskError`s with errno codes, as Node
 * reports them.
 */
import { assert } from './assert';
import type { Rng } from './Rng';
import type { Simulation, Timer } from './Simulation';

export type DiskErrorCode = 'ENOENT' | 'ENOSPC' | 'EIO' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'ENOTEMPTY';

const ERRNO_TEXT: Record<DiskErrorCode, string> = {
  ENOENT: 'no such file or directory',
  ENOSPC: 'no space left on device',
  EIO: 'i/o error',
  EEXIST: 'file already exists',
  ENOTDIR: 'not a directory',
  EISDIR: 'illegal operation on a directory',
  ENOTEMPTY: 'directory not empty',
};

export class DiskError extends Error {
  override readonly name = 'DiskError';
  constructor(
    readonly code: DiskErrorCode,
    readonly syscall: string,
    readonly path: string,
  ) {
    super(`${code}: ${ERRNO_TEXT[code]}, ${syscall} '${path}'`);
  }
}

const SECTOR_BYTES = 512;

interface Inode {
  readonly ino: number;
  /** null for size-only files. */
  bytes: Uint8Array | null;
  length: number;
  syncedLength: number;
  /** Original contents of synced bytes overwritten since the last sync. */
  undo: { pos: number; bytes: Uint8Array }[];
  /** Sim time the inode became dirty, -1 when clean. */
  dirtySinceMs: number;
  /** Names in the current namespace. */
  links: number;
}

export interface FileHandle {
  readonly path: string;
  /** @internal */
  readonly inode: Inode;
}

export interface SimDiskOptions {
  readonly host: string;
  readonly sim: Simulation;
  readonly rng: Rng;
  readonly capacityBytes?: number;
  readonly fsyncLatencyMs?: number;
  readonly tornWriteProbability?: number;
  readonly dirtyExpireMs?: number;
  readonly writebackIntervalMs?: number;
  readonly journalCommitIntervalMs?: number;
}

export interface DiskStats {
  readonly usedBytes: number;
  readonly dirtyBytes: number;
  readonly fsyncs: number;
  readonly writebacks: number;
}

type Entry = Inode | 'dir';

export class SimDisk {
  readonly host: string;
  /** Total bytes the disk holds; writes beyond it fail with ENOSPC. */
  capacityBytes: number;
  /** How long an fsync takes (the model of a slow disk). */
  fsyncLatencyMs: number;
  /** Chance that a file's unsynced tail is partly written when power is lost. */
  tornWriteProbability: number;
  /** While true, every write and fsync fails with EIO. */
  failWrites = false;

  private readonly sim: Simulation;
  private readonly rng: Rng;
  private readonly dirtyExpireMs: number;
  private readonly writebackIntervalMs: number;
  private readonly journalCommitIntervalMs: number;
  private current = new Map<string, Entry>([['', 'dir']]);
  private durable = new Map<string, Entry>([['', 'dir']]);
  private namespaceDirty = false;
  private journalTimer: Timer | undefined;
  private writebackTimer: Timer | undefined;
  /** Dirty inodes in the order they became dirty (a Set keeps insertion order). */
  private readonly dirty = new Set<Inode>();
  private readonly pendingFsyncs = new Set<Timer>();
  private nextIno = 1;
  private used = 0;
  private fsyncCount = 0;
  private writebackCount = 0;

  constructor(options: SimDiskOptions) {
    this.host = options.host;
    this.sim = options.sim;
    this.rng = options.rng;
    this.capacityBytes = options.capacityBytes ?? Number.MAX_SAFE_INTEGER;
    this.fsyncLatencyMs = options.fsyncLatencyMs ?? 0;
    this.tornWriteProbability = options.tornWriteProbability ?? 0;
    this.dirtyExpireMs = options.dirtyExpireMs ?? 30_000;
    this.writebackIntervalMs = options.writebackIntervalMs ?? 5_000;
    this.journalCommitIntervalMs = options.journalCommitIntervalMs ?? 5_000;
  }

  // ---- namespace ----------------------------------------------------------

  exists(path: string): boolean {
    return this.current.has(normalise(path));
  }

  isDirectory(path: string): boolean {
    return this.current.get(normalise(path)) === 'dir';
  }

  mkdir(path: string, options: { recursive?: boolean } = {}): void {
    const p = normalise(path);
    const existing = this.current.get(p);
    if (existing === 'dir') {
      if (options.recursive) return;
      throw new DiskError('EEXIST', 'mkdir', path);
    }
    if (existing !== undefined) throw new DiskError('EEXIST', 'mkdir', path);
    const parent = parentOf(p);
    if (!this.current.has(parent)) {
      if (!options.recursive) throw new DiskError('ENOENT', 'mkdir', path);
      this.mkdir(parent, options);
    }
    this.current.set(p, 'dir');
    this.namespaceChanged();
  }

  /** Names directly inside `dir`, sorted. */
  list(dir: string): string[] {
    const d = normalise(dir);
    const entry = this.current.get(d);
    if (entry === undefined) throw new DiskError('ENOENT', 'scandir', dir);
    if (entry !== 'dir') throw new DiskError('ENOTDIR', 'scandir', dir);
    const prefix = d === '' ? '' : d + '/';
    const names: string[] = [];
    for (const path of this.current.keys()) {
      if (path === d || !path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      if (!rest.includes('/')) names.push(rest);
    }
    return names.sort();
  }

  /** Every file path on the disk (not directories), sorted. */
  files(): string[] {
    const out: string[] = [];
    for (const [path, entry] of this.current) if (entry !== 'dir') out.push(path);
    return out.sort();
  }

  /**
   * Open a file. `create` makes it if missing; `truncate` empties it (O_TRUNC).
   * A created file's name is not durable until the next journal commit.
   */
  open(path: string, options: { create?: boolean; truncate?: boolean; sizeOnly?: boolean } = {}): FileHandle {
    const p = normalise(path);
    let entry = this.current.get(p);
    if (entry === 'dir') throw new DiskError('EISDIR', 'open', path);
    if (entry === undefined) {
      if (!options.create) throw new DiskError('ENOENT', 'open', path);
      if (this.current.get(parentOf(p)) !== 'dir') throw new DiskError('ENOENT', 'open', path);
      entry = this.newInode(options.sizeOnly ?? false);
      entry.links = 1;
      this.current.set(p, entry);
      this.namespaceChanged();
    } else if (options.truncate) {
      this.truncateInode(entry, 0);
    }
    return { path: p, inode: entry };
  }

  size(path: string): number {
    return this.stat(path, 'stat').length;
  }

  /** Bytes of a file as the process sees them (the page cache). */
  readFile(path: string): Uint8Array {
    const inode = this.stat(path, 'open');
    if (inode.bytes === null) throw new DiskError('EIO', 'read', path);
    return inode.bytes.slice(0, inode.length);
  }

  read(handle: FileHandle, position: number, length: number): Uint8Array {
    const inode = handle.inode;
    if (inode.bytes === null) throw new DiskError('EIO', 'read', handle.path);
    const end = Math.min(inode.length, position + length);
    return inode.bytes.slice(Math.min(position, end), end);
  }

  /** Atomically replace `to` with `from`, as rename(2). */
  rename(from: string, to: string): void {
    const f = normalise(from);
    const t = normalise(to);
    const entry = this.current.get(f);
    if (entry === undefined) throw new DiskError('ENOENT', 'rename', from);
    if (this.current.get(parentOf(t)) !== 'dir') throw new DiskError('ENOENT', 'rename', to);
    if (entry === 'dir') {
      // Directory renames move every path below; Redis and Kafka rename files only,
      // but keep the operation total.
      if (this.current.has(t)) throw new DiskError('ENOTEMPTY', 'rename', to);
      for (const [path, e] of [...this.current]) {
        if (path === f || path.startsWith(f + '/')) {
          this.current.delete(path);
          this.current.set(t + path.slice(f.length), e);
        }
      }
    } else {
      const replaced = this.current.get(t);
      if (replaced === 'dir') throw new DiskError('EISDIR', 'rename', to);
      if (f === t) return;
      if (replaced !== undefined) this.dropLink(replaced);
      this.current.delete(f);
      this.current.set(t, entry);
    }
    this.namespaceChanged();
  }

  unlink(path: string): void {
    const p = normalise(path);
    const entry = this.current.get(p);
    if (entry === undefined) throw new DiskError('ENOENT', 'unlink', path);
    if (entry === 'dir') throw new DiskError('EISDIR', 'unlink', path);
    this.current.delete(p);
    this.dropLink(entry);
    this.namespaceChanged();
  }

  rmdir(path: string): void {
    const p = normalise(path);
    if (this.current.get(p) !== 'dir') throw new DiskError('ENOTDIR', 'rmdir', path);
    if (this.list(p).length > 0) throw new DiskError('ENOTEMPTY', 'rmdir', path);
    this.current.delete(p);
    this.namespaceChanged();
  }

  /** fsync on a directory: commits the journal, making namespace changes durable. */
  fsyncDir(path: string): void {
    if (this.current.get(normalise(path)) !== 'dir') throw new DiskError('ENOTDIR', 'fsync', path);
    if (this.failWrites) throw new DiskError('EIO', 'fsync', path);
    this.commitJournal();
  }

  // ---- data ---------------------------------------------------------------

  /**
   * Append bytes at the end of the file. Returns how many were written: fewer
   * than asked when the disk fills up (a short write, as write(2) reports it);
   * nothing fitting at all is ENOSPC.
   */
  append(handle: FileHandle, bytes: Uint8Array): number {
    return this.pwrite(handle, handle.inode.length, bytes);
  }

  /** Append `byteCount` bytes to a size-only file (a Kafka segment). */
  appendSize(handle: FileHandle, byteCount: number): number {
    const inode = handle.inode;
    assert(inode.bytes === null, () => `appendSize on byte file ${handle.path}`);
    const n = this.admit(handle, byteCount);
    this.grow(inode, inode.length + n);
    this.markDirty(inode);
    return n;
  }

  pwrite(handle: FileHandle, position: number, bytes: Uint8Array): number {
    const inode = handle.inode;
    assert(inode.bytes !== null, () => `pwrite on size-only file ${handle.path}`);
    assert(position >= 0 && position <= inode.length, () => `pwrite at ${position} past end ${inode.length} of ${handle.path}`);
    const growth = Math.max(0, position + bytes.length - inode.length);
    const allowedGrowth = this.admit(handle, growth);
    const n = bytes.length - (growth - allowedGrowth);
    if (position < inode.syncedLength) {
      const end = Math.min(inode.syncedLength, position + n);
      inode.undo.push({ pos: position, bytes: inode.bytes.slice(position, end) });
    }
    this.ensureCapacity(inode, position + n);
    inode.bytes!.set(n === bytes.length ? bytes : bytes.subarray(0, n), position);
    if (position + n > inode.length) this.grow(inode, position + n);
    this.markDirty(inode);
    return n;
  }

  truncate(handle: FileHandle, length: number): void {
    if (this.failWrites) throw new DiskError('EIO', 'ftruncate', handle.path);
    assert(length >= 0, 'truncate: negative length');
    this.truncateInode(handle.inode, length);
  }

  /** fsync(2): the file's bytes become durable now; also commits the journal. */
  fsync(handle: FileHandle): void {
    if (this.failWrites) throw new DiskError('EIO', 'fsync', handle.path);
    this.fsyncCount++;
    this.syncInode(handle.inode, handle.inode.length);
    this.commitJournal();
  }

  /**
   * An fsync that takes `fsyncLatencyMs` of simulated time, as done by a
   * background thread (Redis's bio). The bytes present when it starts are
   * durable when it ends; a power loss in between loses them.
   */
  fsyncInBackground(handle: FileHandle, onDone: (error: DiskError | null) => void): void {
    const inode = handle.inode;
    const upTo = inode.length;
    const failed = this.failWrites;
    const timer: Timer = this.sim.schedule(this.fsyncLatencyMs, `fsync ${this.host}:${handle.path}`, () => {
      this.pendingFsyncs.delete(timer);
      if (failed || this.failWrites) {
        onDone(new DiskError('EIO', 'fsync', handle.path));
        return;
      }
      this.fsyncCount++;
      this.syncInode(inode, Math.min(upTo, inode.length));
      this.commitJournal();
      onDone(null);
    });
    this.pendingFsyncs.add(timer);
  }

  /** Bytes of a file that would survive a power loss right now. */
  durableLength(handle: FileHandle): number {
    return handle.inode.syncedLength;
  }

  length(handle: FileHandle): number {
    return handle.inode.length;
  }

  stats(): DiskStats {
    let dirtyBytes = 0;
    for (const inode of this.dirty) dirtyBytes += inode.length - Math.min(inode.syncedLength, inode.length);
    return { usedBytes: this.used, dirtyBytes, fsyncs: this.fsyncCount, writebacks: this.writebackCount };
  }

  // ---- power ----------------------------------------------------------------

  /**
   * Power loss: what was not durable is gone. The namespace rolls back to the
   * last journal commit; every file keeps its synced bytes, maybe plus a torn
   * tail. Open handles are meaningless afterwards (the processes died too).
   */
  powerLoss(): { tornFiles: string[] } {
    for (const timer of this.pendingFsyncs) this.sim.cancel(timer);
    this.pendingFsyncs.clear();
    this.sim.cancel(this.writebackTimer);
    this.writebackTimer = undefined;
    this.sim.cancel(this.journalTimer);
    this.journalTimer = undefined;
    this.namespaceDirty = false;
    this.current = new Map(this.durable);
    const tornFiles: string[] = [];
    const seen = new Set<Inode>();
    this.used = 0;
    for (const path of [...this.current.keys()].sort()) {
      const entry = this.current.get(path)!;
      if (entry === 'dir') continue;
      if (!seen.has(entry)) {
        seen.add(entry);
        entry.links = 0;
        if (this.restoreAfterPowerLoss(entry)) tornFiles.push(path);
        this.used += entry.length;
      }
      entry.links++;
    }
    this.dirty.clear();
    return { tornFiles };
  }

  // ---- internals ------------------------------------------------------------

  private stat(path: string, syscall: string): Inode {
    const entry = this.current.get(normalise(path));
    if (entry === undefined) throw new DiskError('ENOENT', syscall, path);
    if (entry === 'dir') throw new DiskError('EISDIR', syscall, path);
    return entry;
  }

  private newInode(sizeOnly: boolean): Inode {
    return { ino: this.nextIno++, bytes: sizeOnly ? null : new Uint8Array(0), length: 0, syncedLength: 0, undo: [], dirtySinceMs: -1, links: 0 };
  }

  /** How many of `growth` new bytes fit; throws EIO/ENOSPC when none may be written. */
  private admit(handle: FileHandle, growth: number): number {
    if (this.failWrites) throw new DiskError('EIO', 'write', handle.path);
    if (growth === 0) return 0;
    const free = Math.max(0, this.capacityBytes - this.used);
    if (free === 0) throw new DiskError('ENOSPC', 'write', handle.path);
    return Math.min(growth, free);
  }

  private ensureCapacity(inode: Inode, needed: number): void {
    const bytes = inode.bytes!;
    if (needed <= bytes.length) return;
    const grown = new Uint8Array(Math.max(needed, bytes.length * 2, 4096));
    grown.set(bytes.subarray(0, inode.length));
    inode.bytes = grown;
  }

  private grow(inode: Inode, newLength: number): void {
    if (inode.links > 0) this.used += newLength - inode.length;
    inode.length = newLength;
  }

  private truncateInode(inode: Inode, length: number): void {
    if (length === inode.length) return;
    if (length < inode.syncedLength) {
      if (inode.bytes !== null) {
        inode.undo.push({ pos: length, bytes: inode.bytes.slice(length, inode.syncedLength) });
      } else {
        // A size-only file has no bytes to restore: its owner already dropped
        // the truncated content, so a power loss cannot bring it back.
        inode.syncedLength = length;
      }
    }
    if (inode.bytes !== null && length > inode.length) {
      this.ensureCapacity(inode, length);
      inode.bytes.fill(0, inode.length, length);
    }
    this.grow(inode, length);
    this.markDirty(inode);
  }

  private dropLink(inode: Inode): void {
    inode.links--;
    if (inode.links === 0) this.used -= inode.length;
  }

  private markDirty(inode: Inode): void {
    if (inode.dirtySinceMs >= 0) return;
    inode.dirtySinceMs = this.sim.nowMs;
    this.dirty.add(inode);
    if (this.writebackTimer === undefined) this.scheduleWriteback();
  }

  private syncInode(inode: Inode, upTo: number): void {
    if (upTo >= inode.length) {
      inode.syncedLength = inode.length;
      inode.undo.length = 0;
      inode.dirtySinceMs = -1;
      this.dirty.delete(inode);
    } else {
      // A partial sync (a background fsync that started before later writes):
      // bytes below `upTo` are durable now, so no power loss may roll them
      // back; overwrites above it can still be undone.
      inode.syncedLength = Math.max(inode.syncedLength, upTo);
      const kept: { pos: number; bytes: Uint8Array }[] = [];
      for (const entry of inode.undo) {
        const end = entry.pos + entry.bytes.length;
        if (end <= upTo) continue;
        kept.push(entry.pos >= upTo ? entry : { pos: upTo, bytes: entry.bytes.subarray(upTo - entry.pos) });
      }
      inode.undo = kept;
    }
  }

  /** The flusher: wakes on writeback ticks and writes back expired inodes. */
  private scheduleWriteback(): void {
    const first = this.dirty.values().next();
    if (first.done) return;
    const dueMs = first.value.dirtySinceMs + this.dirtyExpireMs;
    const interval = this.writebackIntervalMs;
    const tickMs = this.sim.startMs + Math.ceil((dueMs - this.sim.startMs) / interval) * interval;
    this.writebackTimer = this.sim.at(Math.max(tickMs, this.sim.nowMs), `writeback ${this.host}`, () => {
      this.writebackTimer = undefined;
      const now = this.sim.nowMs;
      for (const inode of [...this.dirty]) {
        if (now - inode.dirtySinceMs < this.dirtyExpireMs) break;
        this.writebackCount++;
        this.syncInode(inode, inode.length);
      }
      this.commitJournal();
      this.scheduleWriteback();
    });
  }

  private namespaceChanged(): void {
    this.namespaceDirty = true;
    if (this.journalTimer === undefined) {
      this.journalTimer = this.sim.schedule(this.journalCommitIntervalMs, `journal commit ${this.host}`, () => {
        this.journalTimer = undefined;
        this.commitJournal();
      });
    }
  }

  private commitJournal(): void {
    if (!this.namespaceDirty) return;
    this.durable = new Map(this.current);
    this.namespaceDirty = false;
    this.sim.cancel(this.journalTimer);
    this.journalTimer = undefined;
  }

  /** Returns true when part of an unsynced tail survived (a torn write). */
  private restoreAfterPowerLoss(inode: Inode): boolean {
    const unsyncedEnd = inode.length;
    let survived = inode.syncedLength;
    let torn = false;
    if (unsyncedEnd > survived && this.tornWriteProbability > 0 && this.rng.chance(this.tornWriteProbability)) {
      // The flusher had written some sectors of the tail, in file order.
      const firstBoundary = Math.floor(survived / SECTOR_BYTES) * SECTOR_BYTES + SECTOR_BYTES;
      const boundaries = Math.max(0, Math.ceil((unsyncedEnd - firstBoundary) / SECTOR_BYTES));
      const cut = firstBoundary + this.rng.int(0, boundaries) * SECTOR_BYTES;
      survived = Math.min(unsyncedEnd, cut);
      torn = survived > inode.syncedLength;
    }
    // Writeback goes in file order: when part of the tail reached the disk, so
    // did every overwrite before it, and nothing is rolled back. Otherwise the
    // overwritten synced bytes come back as they were.
    if (!torn) {
      for (let i = inode.undo.length - 1; i >= 0; i--) {
        const { pos, bytes } = inode.undo[i]!;
        this.ensureCapacity(inode, pos + bytes.length);
        inode.bytes!.set(bytes, pos);
      }
    }
    inode.undo.length = 0;
    if (inode.bytes !== null && inode.bytes.length > survived) inode.bytes.fill(0, survived);
    inode.length = survived;
    inode.syncedLength = survived;
    inode.dirtySinceMs = -1;
    return torn;
  }
}

function normalise(path: string): string {
  let p = path.replace(/\/+/g, '/');
  if (p.startsWith('./')) p = p.slice(2);
  if (p.startsWith('/')) p = p.slice(1);
  if (p.endsWith('/')) p = p.slice(0, -1);
  return p === '.' ? '' : p;
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}
