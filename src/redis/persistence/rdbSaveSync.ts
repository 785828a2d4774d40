/**
 * rdbSave (rdb.c, 7.0) run by the server process itself: SAVE, SHUTDOWN's
 * final save, FLUSHALL with save points. The event loop is blocked for as
 * long as the dump takes to produce and fsync.
 *
 *   temp-<pid>.rdb  written, fsynced, closed
 *   rename(temp-<pid>.rdb, dump.rdb)   atomic: dump.rdb is old or new, never partial
 *   fsync(dir)                         the rename itself is durable
 *
 * On an error the temp file is unlinked and the old dump.rdb is untouched.
 */
import type { FileHandle } from '../../sim/SimDisk';
import { errnoOf, joinPath, pathInDir, renameFile, strerror } from './diskErrors';
import { saveDurationMs } from './hostModel';
import type { RedisProcessEnv } from './RedisProcessEnv';

export interface RdbSaveTarget {
  /** Redis's `dir`. */
  readonly dir: string;
  readonly dbfilename: string;
  readonly pid: number;
}

/** Writes `image` as dump.rdb; true on success. Logs as redis-server does. */
export function rdbSaveSync(env: RedisProcessEnv, target: RdbSaveTarget, image: Uint8Array): boolean {
  const disk = env.disk;
  const tempName = `temp-${target.pid}.rdb`;
  const tempPath = joinPath(target.dir, tempName);
  const log = (message: string) => env.log.write(target.pid, 'M', 'warning', message);
  env.block(saveDurationMs(env.model, image.length) + disk.fsyncLatencyMs, 'SAVE');

  let handle: FileHandle;
  try {
    handle = disk.open(tempPath, { create: true, truncate: true });
  } catch (error) {
    log(`Failed opening the temp RDB file ${tempName} (in server root dir ${target.dir}) for saving: ${strerror(errnoOf(error))}`);
    return false;
  }
  let op = 'rdbSaveRio';
  try {
    const n = disk.append(handle, image);
    if (n < image.length) {
      unlinkQuietly(env, tempPath);
      log(`Write error saving DB on disk(${op}): ${strerror('ENOSPC')}`);
      return false;
    }
    op = 'fsync';
    disk.fsync(handle);
  } catch (error) {
    const errno = errnoOf(error);
    unlinkQuietly(env, tempPath);
    log(`Write error saving DB on disk(${op}): ${strerror(errno)}`);
    return false;
  }
  try {
    renameFile(disk, tempPath, pathInDir(target.dir, target.dbfilename));
  } catch (error) {
    log(`Error moving temp DB file ${tempName} on the final destination ${target.dbfilename} (in server root dir ${target.dir}): ${strerror(errnoOf(error))}`);
    unlinkQuietly(env, tempPath);
    return false;
  }
  try {
    disk.fsyncDir(target.dir);
  } catch (error) {
    log(`Write error saving DB on disk(fsyncFileDir): ${strerror(errnoOf(error))}`);
    return false;
  }
  env.log.write(target.pid, 'M', 'notice', 'DB saved on disk');
  return true;
}

function unlinkQuietly(env: RedisProcessEnv, path: string): void {
  if (!env.disk.exists(path)) return;
  try {
    env.disk.unlink(path);
  } catch {
    // unlink(2) only fails here on a disk that fails every operation: the temp file stays.
  }
}
