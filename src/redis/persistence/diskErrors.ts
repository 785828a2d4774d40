/**
 * errno as Redis reports it: strerror(3) texts of glibc, for the log lines
 * and the -MISCONF reply ("Errors writing to the AOF file: No space left on
 * device"), and a helper that turns what the simulated disk throws into an
 * errno.
 */
import { DiskError, type DiskErrorCode, type SimDisk } from '../../sim/SimDisk';

export type Errno = DiskErrorCode | 'ENOMEM';

const STRERROR: Record<Errno, string> = {
  ENOENT: 'No such file or directory',
  ENOSPC: 'No space left on device',
  EIO: 'Input/output error',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ENOTEMPTY: 'Directory not empty',
  ENOMEM: 'Cannot allocate memory',
};

export function strerror(errno: Errno): string {
  return STRERROR[errno];
}

/** The errno of a simulated disk failure; anything else is a bug and is rethrown. */
export function errnoOf(error: unknown): Errno {
  if (error instanceof DiskError) return error.code;
  throw error;
}

/**
 * The path of a file Redis names relative to `dir` (it chdir()s there). An
 * empty name (dbfilename "", which config.c accepts) names no file: the path
 * is '' rather than the directory itself.
 */
export function pathInDir(dir: string, name: string): string {
  return name === '' ? '' : joinPath(dir, name);
}

/** rename(2): an empty target is ENOENT, as rename(tmp, "") is. */
export function renameFile(disk: SimDisk, from: string, to: string): void {
  if (to === '') throw new DiskError('ENOENT', 'rename', to);
  disk.rename(from, to);
}

/** Join Redis's `dir` and a file name the way makePath does. */
export function joinPath(dir: string, name: string): string {
  if (dir === '' || dir === '.') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}
