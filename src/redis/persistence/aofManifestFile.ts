/**
 * The AOF manifest on disk (aof.c aofLoadManifestFromDisk,
 * writeAofManifestFile): read at start, and replaced atomically by writing
 * `temp-<appendfilename>.manifest`, fsyncing it, renaming it over the
 * manifest and fsyncing the directory. A crash at any point leaves either
 * the old manifest or the new one, never a torn one.
 */
import type { SimDisk } from '../../sim/SimDisk';
import { EMPTY_AOF_MANIFEST, formatAofManifest, manifestFileName, parseAofManifest, tempManifestFileName, type AofManifest } from '../format/aofManifest';
import { fromBytes } from '../RedisValue';
import { errnoOf, joinPath, strerror } from './diskErrors';
import type { RedisLogLevel } from './RedisLog';

export type Logger = (level: RedisLogLevel, message: string) => void;

export type ManifestLoad = { readonly ok: true; readonly manifest: AofManifest } | { readonly ok: false };

/** aofLoadManifestFromDisk: an empty manifest when the directory or the file is missing; a bad file is fatal. */
export function loadManifestFromDisk(disk: SimDisk, aofDir: string, appendfilename: string, log: Logger): ManifestLoad {
  if (!disk.isDirectory(aofDir)) {
    log('debug', `The AOF directory ${baseName(aofDir)} doesn't exist`);
    return { ok: true, manifest: EMPTY_AOF_MANIFEST };
  }
  const name = manifestFileName(appendfilename);
  const path = joinPath(aofDir, name);
  if (!disk.exists(path)) {
    log('debug', `The AOF manifest file ${name} doesn't exist`);
    return { ok: true, manifest: EMPTY_AOF_MANIFEST };
  }
  const parsed = parseAofManifest(fromBytes(disk.readFile(path)));
  if (parsed.ok) return { ok: true, manifest: parsed.manifest };
  for (const text of parsed.log) log('warning', text.replace(/\n$/, ''));
  return { ok: false };
}

/** writeAofManifestFile: true when the new manifest is durable. */
export function persistManifest(disk: SimDisk, aofDir: string, appendfilename: string, manifest: AofManifest, log: Logger): boolean {
  const tempName = tempManifestFileName(appendfilename);
  const name = manifestFileName(appendfilename);
  const tempPath = joinPath(aofDir, tempName);
  let handle;
  try {
    handle = disk.open(tempPath, { create: true, truncate: true });
  } catch (error) {
    log('warning', `Can't open the AOF manifest file ${tempName}: ${strerror(errnoOf(error))}`);
    return false;
  }
  const bytes = Buffer.from(formatAofManifest(manifest), 'latin1');
  try {
    const n = disk.append(handle, bytes);
    // write(2) is retried on a short write; the next call finds the disk full.
    if (n < bytes.length) disk.append(handle, bytes.subarray(n));
  } catch (error) {
    log('warning', `Error trying to write the temporary AOF manifest file ${tempName}: ${strerror(errnoOf(error))}`);
    return false;
  }
  try {
    disk.fsync(handle);
  } catch (error) {
    log('warning', `Fail to fsync the temp AOF file ${tempName}: ${strerror(errnoOf(error))}.`);
    return false;
  }
  try {
    disk.rename(tempPath, joinPath(aofDir, name));
  } catch (error) {
    log('warning', `Error trying to rename the temporary AOF manifest file ${tempName} into ${name}: ${strerror(errnoOf(error))}`);
    return false;
  }
  try {
    disk.fsyncDir(aofDir);
  } catch (error) {
    log('warning', `Fail to fsync AOF directory ${joinPath(aofDir, name)}: ${strerror(errnoOf(error))}.`);
    return false;
  }
  return true;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
