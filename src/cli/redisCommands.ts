/**
 * The Redis subcommands of `faultline`, and the export of a run's Redis
 * files:
 *
 *   faultline redis inspect <dump.rdb | appendonlydir | manifest | file.aof> [--json]
 *       the keyspace the files hold (JSON: db index ⇒ key ⇒ {type, value,
 *       expireAtMs}); exit 0, 1 when the files do not load, 2 when there is
 *       nothing at the path
 *   faultline redis check-aof [--fix] <manifest | file.aof>
 *       redis-check-aof 7.0: the same output and exit codes; --fix asks
 *       "Continue? [y/N]: " on stdin and truncates the last file
 *   faultline run <scenario> --export-dir DIR
 *       each simulated Redis host's durable files (what a power loss at the
 *       end of the run would leave) under DIR/<host>/<path on the host>
 *
 * A file's "now" (for relative TTLs in old AOFs, and the dates in
 * redis-check-aof's log lines) is its modification time: faultline never
 * reads the wall clock.
 */
import type { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, readSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkAof } from '../redis/format/aofCheck';
import { DEFAULT_APPENDFILENAME, manifestFileName } from '../redis/format/aofManifest';
import { keyspaceToJson, keyspaceToText, loadKeyspaceFromFiles } from '../redis/format/inspect';
import type { World } from '../scenarios/World';

type Write = (text: string) => void;

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_BAD_INPUT = 2;

function readIfFile(path: string): Uint8Array | null {
  return existsSync(path) && statSync(path).isFile() ? readFileSync(path) : null;
}

function mtimeMs(path: string): number {
  return existsSync(path) ? Math.floor(statSync(path).mtimeMs) : 0;
}

/** `faultline redis inspect`. */
export function inspectCommand(path: string, options: { json?: boolean }, out: Write, err: Write): number {
  if (!existsSync(path)) {
    err(`error: ${path}: no such file or directory\n`);
    return EXIT_BAD_INPUT;
  }
  if (statSync(path).isDirectory() && !existsSync(join(path, manifestFileName(DEFAULT_APPENDFILENAME)))) {
    err(`error: ${path}: a directory without ${manifestFileName(DEFAULT_APPENDFILENAME)}; give an appendonlydir, a manifest, an .aof file or a dump.rdb\n`);
    return EXIT_BAD_INPUT;
  }
  const loaded = loadKeyspaceFromFiles(path, readIfFile, { nowMs: mtimeMs(path) });
  if (!loaded.ok) {
    for (const line of loaded.log) err(`${line.message}\n`);
    err(`error: ${path}: ${loaded.error}\n`);
    return EXIT_FAILED;
  }
  for (const tail of loaded.truncatedTails) {
    err(`note: ${tail.fileName} ends in a partial command; Redis (aof-load-truncated yes) would truncate it at offset ${tail.atBytes}\n`);
  }
  out(options.json ? `${JSON.stringify(keyspaceToJson(loaded.dbs), null, 2)}\n` : keyspaceToText(loaded.dbs));
  return EXIT_OK;
}

/** One line from stdin, as fgets reads the answer to "Continue? [y/N]: " (null at end of input). */
function readAnswer(): string | null {
  const byte = Buffer.alloc(1);
  let line = '';
  for (let spins = 0; spins < 1_000_000; ) {
    let n: number;
    try {
      n = readSync(0, byte, 0, 1, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
        spins++;
        continue;
      }
      if ((error as NodeJS.ErrnoException).code === 'EOF') return line === '' ? null : line;
      throw error;
    }
    if (n === 0) return line === '' ? null : line;
    const c = byte.toString('latin1');
    line += c;
    if (c === '\n') return line;
  }
  return null;
}

/** `faultline redis check-aof [--fix]`: redis-check-aof's output and exit code. */
export function checkAofCommand(path: string, options: { fix?: boolean }, out: Write): number {
  const nowMs = mtimeMs(path);
  const fix = options.fix ?? false;
  let result = checkAof(path, readIfFile, { fix, nowMs, answer: 'y' });
  if (fix && result.truncation !== null) {
    // The tool prompts before truncating: ask for real, then replay with the answer given.
    out(result.output.slice(0, result.output.lastIndexOf('Continue? [y/N]: ') + 'Continue? [y/N]: '.length));
    const answer = readAnswer() ?? '';
    result = checkAof(path, readIfFile, { fix, nowMs, answer });
    out(result.output.slice(result.output.lastIndexOf('Continue? [y/N]: ') + 'Continue? [y/N]: '.length));
    if (result.truncation !== null) truncateSync(result.truncation.path, result.truncation.toBytes);
    return result.exitCode;
  }
  out(result.output);
  return result.exitCode;
}

/**
 * Writes every Redis host's durable files to DIR/<host>/…: a host's files
 * go to a temporary directory first and are renamed into place, so DIR
 * never holds a half-written host. It is a power loss for the hosts.
 */
export function exportRedisHosts(world: World, dir: string, out: Write): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, host] of world.redisHosts) {
    const files = host.durableFilesAfterPowerLoss();
    const temp = join(dir, `.${name}.tmp-${process.pid}`);
    rmSync(temp, { recursive: true, force: true });
    try {
      for (const [path, bytes] of files) {
        const target = join(temp, path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, bytes);
      }
      mkdirSync(temp, { recursive: true });
      const final = join(dir, name);
      rmSync(final, { recursive: true, force: true });
      renameSync(temp, final);
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      throw error;
    }
    out(`export: ${files.size} durable file(s) of Redis host ${name} written to ${join(dir, name)}\n`);
  }
}

/** Adds `faultline redis inspect` and `faultline redis check-aof` to the program. */
export function registerRedisCommands(program: Command, setExitCode: (code: number) => void): void {
  const redis = program.command('redis').description("Redis files: inspect an RDB or AOF, check an AOF as redis-check-aof does");
  const out: Write = (text) => process.stdout.write(text);
  const err: Write = (text) => process.stderr.write(text);
  redis
    .command('inspect')
    .description('print the keyspace a dump.rdb, an appendonlydir, a manifest or an AOF file holds')
    .argument('<path>', 'dump.rdb, appendonlydir, appendonly.aof.manifest or an .aof file')
    .option('--json', 'one JSON object: db index ⇒ key ⇒ {type, value, expireAtMs}')
    .action((path: string, options: { json?: boolean }) => setExitCode(inspectCommand(path, options, out, err)));
  redis
    .command('check-aof')
    .description('redis-check-aof: check a multi-part AOF (its manifest) or a single AOF file; --fix truncates a cut last file')
    .argument('<file>', 'appendonly.aof.manifest or an .aof file')
    .option('--fix', 'truncate the last file at the last valid command (asks first)')
    .action((path: string, options: { fix?: boolean }) => setExitCode(checkAofCommand(path, options, out)));
}
