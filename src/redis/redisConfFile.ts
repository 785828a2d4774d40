/**
 * A redis.conf file read as Redis 7.0's loadServerConfigFromString reads it:
 * lines split at "\n", each trimmed of " \t\r\n"; a line starting with '#'
 * or empty is skipped; the rest is split with sdssplitargs (quotes and
 * escapes as redis-cli takes them), the directive lower-cased.
 *
 *   - A standard config takes exactly one argument ("wrong number of
 *     arguments"), except the MULTI_ARG_CONFIGs (save, bind,
 *     client-output-buffer-limit, ...), whose single argument is split at
 *     spaces: `save "900 1 300 10"` is `save 900 1 300 10`.
 *   - `save` lines accumulate: the first one in the file replaces the
 *     built-in points, later ones add theirs (setConfigSaveOption's
 *     save_loaded), and `save ""` adds none.
 *   - Deprecated configs (list-max-ziplist-entries) and the directives the
 *     loader executes (rename-command, user, loadmodule, sentinel) are
 *     accepted; `include` is refused, since faultline reads only the files a
 *     scenario names.
 *   - Anything else is "Bad directive or wrong number of arguments".
 *
 * The result keeps the settings faultline models (the last line wins, as
 * later lines overwrite earlier ones) and names the ones it ignores. The
 * first problem stops the reading, as redis-server exits on it.
 */
import { didYouMean } from '../sim/didYouMean';
import { splitArgs } from './format/aofManifest';
import { RedisConfig } from './redisConfig';
import { REDIS_DEPRECATED_CONFIGS, REDIS_DIRECTIVES, REDIS_MULTI_ARG_CONFIGS, REDIS_STANDARD_CONFIGS, redisDirectiveNames } from './redisConfigNames';

export interface RedisConfSetting {
  readonly value: string;
  /** The (last) line that set it, from 1. */
  readonly line: number;
}

export type RedisConfParse =
  | { readonly ok: true; readonly settings: ReadonlyMap<string, RedisConfSetting>; readonly ignored: readonly string[] }
  | { readonly ok: false; readonly line: number; readonly message: string };

const STANDARD = new Set(REDIS_STANDARD_CONFIGS);
const BAD_DIRECTIVE = 'Bad directive or wrong number of arguments';

export function parseRedisConf(text: string): RedisConfParse {
  const settings = new Map<string, RedisConfSetting>();
  const ignored: string[] = [];
  const ignore = (name: string): void => {
    if (!ignored.includes(name)) ignored.push(name);
  };
  let savePoints: string[] | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const trimmed = lines[i]!.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    let argv = splitArgs(trimmed);
    if (argv === null) return { ok: false, line, message: 'Unbalanced quotes in configuration line' };
    if (argv.length === 0) continue;
    const name = argv[0]!.toLowerCase();
    if (STANDARD.has(name)) {
      const multi = REDIS_MULTI_ARG_CONFIGS.has(name);
      if (!multi && argv.length !== 2) return { ok: false, line, message: 'wrong number of arguments' };
      if (multi && argv.length === 2 && argv[1] !== '') argv = [name, ...argv[1]!.split(' ')];
      if (!RedisConfig.isKnown(name)) {
        ignore(name);
        continue;
      }
      const args = argv.slice(1);
      if (name === 'save') {
        const points = args.length === 1 && args[0] === '' ? [] : args;
        const problem = RedisConfig.problem('save', points.join(' '));
        if (problem !== null) return { ok: false, line, message: problem };
        savePoints = [...(savePoints ?? []), ...points];
        settings.set('save', { value: savePoints.join(' '), line });
        continue;
      }
      if (args.length !== 1) return { ok: false, line, message: 'wrong number of arguments' };
      const problem = RedisConfig.problem(name, args[0]!);
      if (problem !== null) return { ok: false, line, message: problem };
      settings.set(name, { value: args[0]!, line });
      continue;
    }
    const deprecated = REDIS_DEPRECATED_CONFIGS.get(name);
    if (deprecated !== undefined && argv.length >= deprecated.argcMin && argv.length <= deprecated.argcMax) {
      ignore(name);
      continue;
    }
    const directive = REDIS_DIRECTIVES.get(name);
    if (directive !== undefined && argv.length >= directive.argcMin && argv.length <= directive.argcMax) {
      if (name === 'include') {
        return { ok: false, line, message: `include is not supported: faultline reads only the files a scenario names; copy the directives of ${argv[1]} into this file` };
      }
      ignore(name);
      continue;
    }
    const known = deprecated !== undefined || directive !== undefined;
    return { ok: false, line, message: `${BAD_DIRECTIVE}${known ? '' : didYouMean(name, redisDirectiveNames())}` };
  }
  return { ok: true, settings, ignored };
}
