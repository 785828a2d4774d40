/**
 * `redis-check-aof [--fix] <dir>/<appenddirname>/<appendfilename>.manifest`
 * run on a simulated host, as an operator would after the server refused to
 * start: the checker's output and exit code (format/aofCheck.ts mirrors
 * redis-check-aof 7.0), and with --fix the truncation applied to the file
 * (only ever the last one).
 */
import { manifestFileName } from '../format/aofManifest';
import { checkAof, type AofCheckResult } from '../format/aofCheck';
import { RedisConfig } from '../redisConfig';
import { joinPath } from './diskErrors';
import type { RedisHost } from './RedisHost';

export function checkAofOnHost(host: RedisHost, options: { readonly fix: boolean; readonly nowMs: number }): AofCheckResult & { readonly path: string } {
  const config = host.server?.config ?? new RedisConfig(host.config);
  const dir = joinPath(config.get('dir'), config.get('appenddirname'));
  const path = joinPath(dir, manifestFileName(config.get('appendfilename')));
  const disk = host.disk;
  const read = (p: string) => (disk.exists(p) && !disk.isDirectory(p) ? disk.readFile(p) : null);
  const result = checkAof(path, read, { fix: options.fix, nowMs: options.nowMs, answer: 'y' });
  if (result.truncation !== null) {
    const handle = disk.open(result.truncation.path);
    disk.truncate(handle, result.truncation.toBytes);
    disk.fsync(handle);
  }
  return { ...result, path };
}
