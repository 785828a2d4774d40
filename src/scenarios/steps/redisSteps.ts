/**
 * Scenario steps for Redis hosts: start redis-server with a redis.conf,
 * send commands (one, a pipeline, or a stream of them over time), crash
 * the process, cut the power, restart, inject disk faults, and the tools
 * an operator reaches for (redis-check-aof, editing the AOF, reading the
 * log and INFO).
 *
 * A command goes through one connection per host (the application's), in
 * db 0 unless the commands SELECT. When the server spends time blocked (a
 * SAVE, a fork, appendfsync always's fsync) the step lets that time pass
 * after the command. A command to a host whose server is not running, or
 * whose server died while handling it, gets no reply: that is an error the
 * step reports, and a failure of the scenario unless the step saves its
 * outcome with `as:`.
 */
import { splitArgs } from '../../redis/format/aofManifest';
import { AofReader } from '../../redis/format/resp';
import { checkAofOnHost } from '../../redis/persistence/checkAofOnHost';
import { joinPath } from '../../redis/persistence/diskErrors';
import { formatLogLine } from '../../redis/persistence/RedisLog';
import type { RedisHost } from '../../redis/persistence/RedisHost';
import type { RedisClient } from '../../redis/RedisClient';
import { memtoull, RedisConfig, type RedisConfigInput } from '../../redis/redisConfig';
import { fromUtf8, toUtf8, type RedisString } from '../../redis/RedisValue';
import { formatReply, type Reply } from '../../redis/reply';
import { InvariantError } from '../../sim/assert';
import { didYouMean } from '../../sim/didYouMean';
import type { TraceValue } from '../../sim/Trace';
import { formatDuration } from '../duration';
import { ignoredNotice, mergedConfig, type LoadedConfigFile } from '../configFiles';
import type { ConfigValue } from '../fields';
import '../redisNarration';
import '../redisProbes';
import { ScenarioError } from '../ScenarioError';
import { defineStep } from '../Step';
import type { World } from '../World';

/** A step that cannot do what it says (no such host, server not running): the run stops there. */
class StepFailure extends ScenarioError {}

const DEFAULT_HOST = 'redis';
const HOST_FIELD = { type: 'string', description: `the Redis host (default '${DEFAULT_HOST}')` } as const;
const AS_FIELD = { type: 'string', description: 'save the outcome under this name for expectations' } as const;

// ---- helpers --------------------------------------------------------------------

function hostOf(world: World, name: string | undefined): RedisHost {
  const host = world.redisHosts.get(name ?? DEFAULT_HOST);
  if (host === undefined) throw new StepFailure(`no Redis host '${name ?? DEFAULT_HOST}' (start one with a redis-server step first)`);
  return host;
}

/** redis.conf values as strings: booleans as yes/no. */
function configInput(config: Record<string, ConfigValue> | undefined): RedisConfigInput {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config ?? {})) out[k] = typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
  return out as RedisConfigInput;
}

/** Problems with redis.conf settings, as config.c would report them. */
function configProblems(config: Record<string, ConfigValue> | undefined): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(config ?? {})) {
    if (!RedisConfig.isKnown(name)) problems.push(`unknown Redis setting '${name}'${didYouMean(name, RedisConfig.names())}; faultline models: ${RedisConfig.names().join(', ')}`);
  }
  if (problems.length > 0) return problems;
  try {
    new RedisConfig(configInput(config));
  } catch (error) {
    if (!(error instanceof InvariantError)) throw error;
    problems.push(`bad Redis setting: ${error.message.replace(/^config /, '')}`);
  }
  return problems;
}

/** `10mb`, `512kb`, `1gb` or a number of bytes (redis.conf's memory notation). */
function parseBytes(value: string | number): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : null;
  const parsed = memtoull(value.trim());
  return parsed === null || value.trim() === '' ? null : Number(parsed);
}

function bytesProblem(field: string, value: string | number | undefined): string[] {
  return value !== undefined && parseBytes(value) === null ? [`'${field}' must be a size such as 10mb, 512kb, 2gb or a number of bytes, got '${value}'`] : [];
}

/** A command as written: a redis-cli line (quotes as redis-cli takes them) or a list of arguments. */
function parseCommand(value: unknown): RedisString[] | string {
  if (typeof value === 'string') {
    const args = splitArgs(value);
    if (args === null) return `unbalanced quotes in command '${value}'`;
    if (args.length === 0) return 'empty command';
    return args.map(fromUtf8);
  }
  if (Array.isArray(value) && value.length > 0 && value.every((a) => typeof a === 'string' || typeof a === 'number')) return value.map((a) => fromUtf8(String(a)));
  return `a command is a string like 'SET key value' or a list like [SET, key, value], got ${JSON.stringify(value)}`;
}

function parseCommands(value: unknown): RedisString[][] | string {
  if (!Array.isArray(value) || value.length === 0) return "'pipeline' must be a list of commands";
  const out: RedisString[][] = [];
  for (const item of value) {
    const cmd = parseCommand(item);
    if (typeof cmd === 'string') return cmd;
    out.push(cmd);
  }
  return out;
}

const clients = new WeakMap<RedisHost, RedisClient>();

/** The application's connection to the host's server, reconnecting after a restart. */
function clientOf(host: RedisHost): RedisClient | null {
  const server = host.server;
  if (server === null) return null;
  let client = clients.get(host);
  if (client === undefined || client.isClosed) {
    client = server.connect();
    clients.set(host, client);
  }
  return client;
}

export function replyValue(reply: Reply): TraceValue {
  switch (reply.kind) {
    case 'simple':
      return reply.value;
    case 'bulk':
      return toUtf8(reply.value);
    case 'integer':
      return typeof reply.value === 'bigint' ? String(reply.value) : reply.value;
    case 'nullBulk':
    case 'nullArray':
      return null;
    case 'error':
      return `(error) ${reply.message}`;
    case 'array':
      return reply.items.map(replyValue);
  }
}

const NOT_RUNNING = 'Could not connect to Redis: Connection refused';
const CLOSED = 'Server closed the connection';

/** One batch to the host; null replies when there was no server or it died before answering. */
function sendBatch(world: World, host: RedisHost, commands: readonly (readonly RedisString[])[]): { replies: Reply[] | null; error: string | null } {
  const client = clientOf(host);
  if (client === null) return { replies: null, error: NOT_RUNNING };
  const replies = client.pipeline(commands);
  const blocked = host.takeBlockedMs();
  if (blocked > 0) world.sim.runUntil(world.nowMs + Math.round(blocked));
  if (!host.isRunning) return { replies: null, error: CLOSED };
  return { replies, error: null };
}

function substitute(command: readonly RedisString[], i: number): RedisString[] {
  return command.map((a) => (a.includes('{i}') ? a.split('{i}').join(String(i)) : a));
}

function showCommand(command: readonly string[]): string {
  return command.map((a) => (/^[\x21-\x7e]+$/.test(a) && !a.includes('"') ? a : JSON.stringify(toUtf8(a)))).join(' ');
}

// ---- redis-server ---------------------------------------------------------------

interface ServerArgs {
  host?: string;
  config?: Record<string, ConfigValue>;
  'config-file'?: LoadedConfigFile;
  'disk-capacity'?: string;
  'fsync-latency'?: number;
  'torn-writes'?: number;
  memory?: string;
  'fork-ms-per-gb'?: number;
  'save-rate'?: string;
  as?: string;
}

function startOutcome(world: World, host: RedisHost, result: ReturnType<RedisHost['start']>, sinceMs: number, as: string | undefined): void {
  const aofTruncated = host.log.lines.some((l) => l.atMs >= sinceMs && l.message.startsWith('!!! Truncating the AOF'));
  if (result.ok) {
    world.saveResult(as, { started: true, exitCode: null, keys: totalKeys(host), aofTruncated });
    return;
  }
  if (as === undefined) throw new StepFailure(`redis-server on ${host.name} refused to start (exit status ${result.exitCode}); save the outcome with 'as:' to continue`);
  world.saveResult(as, { started: false, exitCode: result.exitCode, keys: null, aofTruncated });
}

function totalKeys(host: RedisHost): number | null {
  const server = host.server;
  if (server === null) return null;
  let n = 0;
  for (let db = 0; db < server.databases; db++) n += server.ks.keyCount(db);
  return n;
}

function describeConfig(config: Record<string, ConfigValue> | undefined): string {
  const entries = Object.entries(config ?? {});
  return entries.length === 0 ? 'the default redis.conf' : entries.map(([k, v]) => `${k} ${v === '' ? '""' : v}`).join(', ');
}

export const redisServerStep = defineStep<ServerArgs>({
  kind: 'redis-server',
  summary: 'a host running redis-server 7.0 with redis.conf settings, a disk (capacity, fsync latency, torn writes) and memory',
  shorthand: 'host',
  fields: {
    host: HOST_FIELD,
    config: { type: 'config', description: 'redis.conf settings, e.g. appendonly, appendfsync, save, dir' },
    'config-file': { type: 'config-file', format: 'redis.conf', description: "a redis.conf, relative to the scenario file; 'config' entries override its settings" },
    'disk-capacity': { type: 'string', description: 'disk size (e.g. 1gb): writes beyond it fail with ENOSPC' },
    'fsync-latency': { type: 'duration', description: 'how long an fsync takes (a slow disk)' },
    'torn-writes': { type: 'number', min: 0, max: 1, description: 'chance that a power loss leaves part of an unsynced tail' },
    memory: { type: 'string', description: "the host's RAM (e.g. 2gb): beyond it the OOM killer kills redis-server" },
    'fork-ms-per-gb': { type: 'number', min: 0, description: 'fork(2) page-table copy time (default 13 ms per GB)' },
    'save-rate': { type: 'string', description: 'how fast a save writes its file (default 200mb per second)' },
    as: AS_FIELD,
  },
  check: (a) => [
    ...configProblems(mergedConfig(a['config-file'], a.config)),
    ...bytesProblem('disk-capacity', a['disk-capacity']),
    ...bytesProblem('memory', a.memory),
    ...bytesProblem('save-rate', a['save-rate']),
    ...(a['save-rate'] !== undefined && parseBytes(a['save-rate']) === 0 ? [`'save-rate' must be more than 0 bytes per second (a save that writes nothing never ends)`] : []),
  ],
  describe: (a) => {
    const extras: string[] = [];
    if (a['disk-capacity'] !== undefined) extras.push(`a ${a['disk-capacity']} disk`);
    if (a['fsync-latency'] !== undefined) extras.push(`fsync taking ${formatDuration(a['fsync-latency'])}`);
    if (a.memory !== undefined) extras.push(`${a.memory} of RAM`);
    const file = a['config-file'];
    const settings = file === undefined ? describeConfig(a.config) : `${file.path}${a.config ? ` and ${describeConfig(a.config)}` : ''}`;
    return `Start redis-server on ${a.host ?? DEFAULT_HOST} with ${settings}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}`;
  },
  run: (world, a) => {
    const name = a.host ?? DEFAULT_HOST;
    if (world.redisHosts.has(name)) throw new StepFailure(`Redis host '${name}' already exists; use redis-restart to start it again`);
    const notice = ignoredNotice(a['config-file']);
    if (notice !== null) world.say('detail', notice);
    const host = world.addRedisHost(name, {
      config: configInput(mergedConfig(a['config-file'], a.config)),
      disk: {
        capacityBytes: a['disk-capacity'] !== undefined ? parseBytes(a['disk-capacity'])! : undefined,
        fsyncLatencyMs: a['fsync-latency'],
        tornWriteProbability: a['torn-writes'],
      },
      model: {
        ...(a.memory !== undefined ? { memoryBytes: parseBytes(a.memory)! } : {}),
        ...(a['fork-ms-per-gb'] !== undefined ? { forkUsecPerGb: a['fork-ms-per-gb'] * 1000 } : {}),
        ...(a['save-rate'] !== undefined ? { saveBytesPerSec: parseBytes(a['save-rate'])! } : {}),
      },
    });
    const since = world.nowMs;
    const result = host.start();
    host.takeBlockedMs();
    startOutcome(world, host, result, since, a.as);
  },
});

export const redisRestartStep = defineStep<{ host?: string; config?: Record<string, ConfigValue>; 'config-file'?: LoadedConfigFile; as?: string }>({
  kind: 'redis-restart',
  summary: 'start redis-server again on a host whose server stopped (crash, power loss, SHUTDOWN), optionally with changed settings',
  shorthand: 'host',
  fields: {
    host: HOST_FIELD,
    config: { type: 'config', description: 'settings to change for this and later starts' },
    'config-file': { type: 'config-file', format: 'redis.conf', description: "a redis.conf whose settings this and later starts take (a fixed production file); 'config' entries override it" },
    as: AS_FIELD,
  },
  check: (a) => configProblems(mergedConfig(a['config-file'], a.config)),
  describe: (a) => {
    const file = a['config-file'];
    const settings = file === undefined ? (a.config ? describeConfig(a.config) : null) : `${file.path}${a.config ? ` and ${describeConfig(a.config)}` : ''}`;
    return `Start redis-server on ${a.host ?? DEFAULT_HOST} again${settings !== null ? ` with ${settings}` : ''}: it loads what the disk holds`;
  },
  run: (world, a) => {
    const host = hostOf(world, a.host);
    if (host.isRunning) throw new StepFailure(`redis-server on ${host.name} is still running (crash it, cut the power or SHUTDOWN first)`);
    const notice = ignoredNotice(a['config-file']);
    if (notice !== null) world.say('detail', notice);
    const since = world.nowMs;
    const result = host.restart(configInput(mergedConfig(a['config-file'], a.config)));
    host.takeBlockedMs();
    startOutcome(world, host, result, since, a.as);
  },
});

export const redisCrashStep = defineStep<{ host?: string }>({
  kind: 'redis-crash',
  summary: 'kill -9 redis-server: the process dies, the kernel keeps what it wrote (page cache); a forked child lives on',
  shorthand: 'host',
  fields: { host: HOST_FIELD },
  describe: (a) => `kill -9 redis-server on ${a.host ?? DEFAULT_HOST} (the process dies; the kernel keeps its page cache)`,
  run: (world, a) => {
    const host = hostOf(world, a.host);
    if (!host.isRunning) throw new StepFailure(`redis-server on ${host.name} is not running`);
    host.crash();
  },
});

export const redisPowerLossStep = defineStep<{ host?: string }>({
  kind: 'redis-power-loss',
  summary: 'the host loses power: processes die, bytes not yet fsynced are lost, the last write may be torn',
  shorthand: 'host',
  fields: { host: HOST_FIELD },
  describe: (a) => `Power loss on ${a.host ?? DEFAULT_HOST}: only what reached the disk survives`,
  run: (world, a) => {
    const host = hostOf(world, a.host);
    const { tornFiles } = host.powerLoss();
    for (const file of tornFiles) world.say('detail', `torn write: part of the unsynced tail of ${file} reached the disk`);
  },
});

// ---- faults -----------------------------------------------------------------

interface FaultArgs {
  host?: string;
  'disk-capacity'?: string;
  'disk-full'?: boolean;
  'fail-writes'?: boolean;
  'fsync-latency'?: number;
  'fork-fails'?: boolean;
}

export const redisFaultStep = defineStep<FaultArgs>({
  kind: 'redis-fault',
  summary: "change a host's faults: disk capacity or full (ENOSPC), failing writes (EIO), fsync latency, fork failing (ENOMEM)",
  fields: {
    host: HOST_FIELD,
    'disk-capacity': { type: 'string', description: "disk size (e.g. 1gb), or 'unlimited'" },
    'disk-full': { type: 'boolean', description: 'true: the disk is full from now on (capacity = what is used)' },
    'fail-writes': { type: 'boolean', description: 'every write and fsync fails with EIO while true' },
    'fsync-latency': { type: 'duration', description: 'how long an fsync takes from now on' },
    'fork-fails': { type: 'boolean', description: 'fork(2) fails with ENOMEM while true' },
  },
  check: (a) => {
    const given = ['disk-capacity', 'disk-full', 'fail-writes', 'fsync-latency', 'fork-fails'].filter((k) => (a as Record<string, unknown>)[k] !== undefined);
    const problems = given.length === 0 ? ['give at least one of disk-capacity, disk-full, fail-writes, fsync-latency, fork-fails'] : [];
    if (a['disk-capacity'] !== undefined && a['disk-capacity'] !== 'unlimited') problems.push(...bytesProblem('disk-capacity', a['disk-capacity']));
    return problems;
  },
  describe: (a) => {
    const parts: string[] = [];
    if (a['disk-full'] !== undefined) parts.push(a['disk-full'] ? 'the disk fills up' : 'space is freed on the disk');
    if (a['disk-capacity'] !== undefined) parts.push(`the disk holds ${a['disk-capacity']}`);
    if (a['fail-writes'] !== undefined) parts.push(a['fail-writes'] ? 'every write fails with EIO' : 'writes work again');
    if (a['fsync-latency'] !== undefined) parts.push(`an fsync takes ${formatDuration(a['fsync-latency'])}`);
    if (a['fork-fails'] !== undefined) parts.push(a['fork-fails'] ? 'fork() fails (ENOMEM)' : 'fork() works again');
    return `On ${a.host ?? DEFAULT_HOST}: ${parts.join(', ')}`;
  },
  run: (world, a) => {
    const host = hostOf(world, a.host);
    const disk = host.disk;
    if (a['disk-capacity'] !== undefined) disk.capacityBytes = a['disk-capacity'] === 'unlimited' ? Number.MAX_SAFE_INTEGER : parseBytes(a['disk-capacity'])!;
    if (a['disk-full'] !== undefined) disk.capacityBytes = a['disk-full'] ? disk.stats().usedBytes : Number.MAX_SAFE_INTEGER;
    if (a['fail-writes'] !== undefined) disk.failWrites = a['fail-writes'];
    if (a['fsync-latency'] !== undefined) disk.fsyncLatencyMs = a['fsync-latency'];
    if (a['fork-fails'] !== undefined) host.forkFails = a['fork-fails'];
    world.sim.trace.emit('redis.fault', {
      host: host.name,
      capacityBytes: disk.capacityBytes,
      failWrites: disk.failWrites,
      fsyncLatencyMs: disk.fsyncLatencyMs,
      forkFails: host.forkFails,
    });
  },
});

// ---- commands -----------------------------------------------------------------

interface CommandArgs {
  host?: string;
  command?: unknown;
  pipeline?: unknown;
  repeat?: number;
  interval?: number;
  quiet?: boolean;
  as?: string;
}

export const redisCommandStep = defineStep<CommandArgs>({
  kind: 'redis',
  summary: "send a command ('SET k v' or [SET, k, v]) or a pipeline; repeat it over time with {i} numbering each copy",
  shorthand: 'command',
  fields: {
    host: HOST_FIELD,
    command: { type: 'any', description: "one command, as redis-cli takes it ('SET key \"a value\"') or a list of arguments" },
    pipeline: { type: 'any', description: 'a list of commands sent together (one batch: MULTI ... EXEC, or Jedis pipelined())' },
    repeat: {
      type: 'integer',
      min: 1,
      max: 1_000_000,
      description: 'send it this many times; {i} in an argument becomes 0, 1, 2 ... (result: sent, answered batches, acknowledged commands, errors, elapsedMs)',
    },
    interval: { type: 'duration', description: 'time between repetitions (default 0)' },
    quiet: { type: 'boolean', description: 'do not narrate each reply' },
    as: AS_FIELD,
  },
  check: (a) => {
    if ((a.command === undefined) === (a.pipeline === undefined)) return ["give exactly one of 'command' or 'pipeline'"];
    const parsed = a.command !== undefined ? parseCommand(a.command) : parseCommands(a.pipeline);
    return typeof parsed === 'string' ? [parsed] : [];
  },
  describe: (a) => {
    const host = a.host ?? DEFAULT_HOST;
    const body =
      a.command !== undefined
        ? showCommand(parseCommand(a.command) as string[])
        : `pipeline [${(parseCommands(a.pipeline) as string[][]).map(showCommand).join('; ')}]`;
    const times = a.repeat !== undefined ? ` × ${a.repeat}${a.interval ? `, one every ${formatDuration(a.interval)}` : ''}` : '';
    return `${host}> ${body}${times}`;
  },
  run: (world, a) => {
    const host = hostOf(world, a.host);
    const batch = a.command !== undefined ? [parseCommand(a.command) as string[]] : (parseCommands(a.pipeline) as string[][]);
    if (a.repeat === undefined) runOnce(world, host, batch, a);
    else runRepeated(world, host, batch, a.repeat, a.interval ?? 0, a);
  },
});

function runOnce(world: World, host: RedisHost, batch: string[][], a: CommandArgs): void {
  const { replies, error } = sendBatch(world, host, batch);
  if (replies === null) {
    world.say('detail', `(error) ${error}`);
    // SHUTDOWN answers by closing the connection: that is its success.
    const shutdown = error === CLOSED && host.lastExit?.code === 0 && batch.some((c) => c[0]!.toLowerCase() === 'shutdown');
    if (a.as === undefined && !shutdown) throw new StepFailure(`${host.name}: ${error}`);
    world.saveResult(a.as, a.command !== undefined ? { reply: null, error } : { replies: null, error });
    return;
  }
  if (!a.quiet) for (const r of replies) world.say('detail', formatReply(r));
  const firstError = replies.find((r) => r.kind === 'error');
  const errorText = firstError?.kind === 'error' ? firstError.message : null;
  if (a.command !== undefined) {
    const r = replies[0]!;
    world.saveResult(a.as, { reply: r.kind === 'error' ? null : replyValue(r), error: errorText });
  } else {
    world.saveResult(a.as, { replies: replies.map(replyValue), error: errorText });
  }
}

function runRepeated(world: World, host: RedisHost, batch: string[][], repeat: number, intervalMs: number, a: CommandArgs): void {
  const t0 = world.nowMs;
  let sent = 0;
  let answered = 0;
  let acknowledged = 0;
  let errors = 0;
  let firstError: string | null = null;
  let lastReply: TraceValue = null;
  let lostConnection: string | null = null;
  for (let i = 0; i < repeat; i++) {
    const due = t0 + i * intervalMs;
    if (due > world.nowMs) world.sim.runUntil(due);
    const commands = batch.map((c) => substitute(c, i));
    const { replies, error } = sendBatch(world, host, commands);
    if (replies === null) {
      lostConnection = error;
      if (error === CLOSED) sent++;
      break;
    }
    sent++;
    answered++;
    for (const r of replies) {
      if (r.kind === 'error') {
        errors++;
        firstError ??= r.message;
      } else {
        acknowledged++;
        lastReply = replyValue(r);
      }
    }
  }
  const summary = `${sent} sent over ${formatDuration(world.nowMs - t0)}, ${acknowledged} acknowledged` + (errors > 0 ? `, ${errors} refused (first: ${firstError})` : '');
  if (!a.quiet || lostConnection !== null || errors > 0) world.say('detail', summary);
  if (lostConnection !== null) world.say('detail', `(error) ${lostConnection}: stopped after ${sent} of ${repeat}`);
  world.saveResult(a.as, { sent, answered, acknowledged, errors, firstError, lastReply, connectionError: lostConnection, elapsedMs: world.nowMs - t0 });
}

/** What redis-populate may create in all: values are real strings in the simulator's memory. */
const MAX_POPULATE_BYTES = 1024 * 1024 * 1024;

export const redisPopulateStep = defineStep<{ host?: string; count: number; prefix?: string; size?: number }>({
  kind: 'redis-populate',
  summary: 'DEBUG POPULATE: create keys <prefix>:0..N-1 holding "value:<n>" padded to size bytes (not propagated, not counted as changes)',
  fields: {
    host: HOST_FIELD,
    count: { type: 'integer', required: true, min: 1, max: 10_000_000, description: 'number of keys' },
    prefix: { type: 'string', description: "key prefix (default 'key')" },
    // Values are real strings here (V8 caps one near 512 MiB, Redis's proto-max-bulk-len):
    // 64 MiB per key is as far as a scenario can go without exhausting the simulator.
    size: { type: 'integer', min: 0, max: 64 * 1024 * 1024, maxReason: "faultline's bound, not Redis's: values are held in memory", description: 'value size in bytes (at most 64 MiB)' },
  },
  check: (a) =>
    a.count * Math.max(a.size ?? 0, 16) > MAX_POPULATE_BYTES
      ? [`'count' times 'size' must be at most 1 GiB (${a.count} keys of ${a.size ?? 0} bytes): the simulator holds every value in memory`]
      : [],
  describe: (a) => `DEBUG POPULATE ${a.count} ${a.prefix ?? 'key'}${a.size !== undefined ? ` ${a.size}` : ''} on ${a.host ?? DEFAULT_HOST}`,
  run: (world, a) => {
    const host = hostOf(world, a.host);
    const server = host.server;
    if (server === null) throw new StepFailure(`redis-server on ${host.name} is not running`);
    const prefix = a.prefix ?? 'key';
    const size = a.size ?? 0;
    // debug.c populate: existing keys are kept; values "value:<j>", zero-padded to `size`.
    for (let j = 0; j < a.count; j++) {
      const key = `${prefix}:${j}`;
      if (server.ks.peek(0, key) !== undefined) continue;
      const text = `value:${j}`;
      const value = size > text.length ? text + '\0'.repeat(size - text.length) : size > 0 ? text.slice(0, size) : text;
      server.ks.add(0, key, { type: 'string', value });
    }
  },
});

// ---- tools ----------------------------------------------------------------------

export const redisCheckAofStep = defineStep<{ host?: string; fix?: boolean; as?: string }>({
  kind: 'redis-check-aof',
  summary: "redis-check-aof [--fix] on the host's AOF manifest: its output and exit code; --fix truncates the last file",
  shorthand: 'host',
  fields: { host: HOST_FIELD, fix: { type: 'boolean', description: 'truncate a cut last file (answers y)' }, as: AS_FIELD },
  describe: (a) => `redis-check-aof ${a.fix ? '--fix ' : ''}appendonlydir/appendonly.aof.manifest on ${a.host ?? DEFAULT_HOST}`,
  run: (world, a) => {
    const host = hostOf(world, a.host);
    const result = checkAofOnHost(host, { fix: a.fix ?? false, nowMs: world.nowMs });
    for (const line of result.lines) world.say('detail', line);
    world.say('detail', `(exit status ${result.exitCode})`);
    world.saveResult(a.as, { exitCode: result.exitCode, truncatedTo: result.truncation?.toBytes ?? null });
  },
});

export const redisEditAofStep = defineStep<{ host?: string; remove: string; as?: string }>({
  kind: 'redis-edit-aof',
  summary: 'edit the last INCR file as an operator would: remove the last command of a kind (e.g. an accidental FLUSHALL)',
  fields: {
    host: HOST_FIELD,
    remove: { type: 'string', required: true, description: 'name of the command to remove (its last occurrence)' },
    as: AS_FIELD,
  },
  describe: (a) => `Edit the last INCR file of ${a.host ?? DEFAULT_HOST}: delete the last ${a.remove.toUpperCase()}`,
  run: (world, a) => {
    const host = hostOf(world, a.host);
    if (host.isRunning) throw new StepFailure(`stop redis-server on ${host.name} before editing its AOF (it would keep appending)`);
    const config = new RedisConfig(host.config);
    const aofDir = joinPath(config.get('dir'), config.get('appenddirname'));
    const manifestPath = joinPath(aofDir, `${config.get('appendfilename')}.manifest`);
    // As an editor would answer: there is no file to open (appendonly was never on, or it was lost).
    if (!host.disk.exists(manifestPath)) throw new StepFailure(`${host.name}: ${manifestPath}: No such file or directory (no AOF to edit)`);
    const manifest = host.disk.readFile(manifestPath);
    const lines = Buffer.from(manifest).toString('latin1').split('\n').filter((l) => / type i$/.test(l));
    const last = lines.at(-1)?.split(' ')[1];
    if (last === undefined) throw new StepFailure(`${host.name}: the manifest lists no INCR file`);
    const path = joinPath(aofDir, last);
    if (!host.disk.exists(path)) throw new StepFailure(`${host.name}: ${path}: No such file or directory (the manifest lists it)`);
    const bytes = host.disk.readFile(path);
    const reader = new AofReader(bytes);
    let found: { start: number; end: number } | null = null;
    for (;;) {
      const rec = reader.next();
      if (rec.kind === 'command') {
        if (rec.argv[0]!.toLowerCase() === a.remove.toLowerCase()) found = { start: rec.start, end: rec.end };
      } else if (rec.kind !== 'annotation') {
        break;
      }
    }
    if (found === null) throw new StepFailure(`${host.name}: no ${a.remove.toUpperCase()} in ${last}`);
    const edited = new Uint8Array(bytes.length - (found.end - found.start));
    edited.set(bytes.subarray(0, found.start), 0);
    edited.set(bytes.subarray(found.end), found.start);
    const handle = host.disk.open(path, { truncate: true });
    host.disk.append(handle, edited);
    host.disk.fsync(handle);
    world.say('detail', `removed ${found.end - found.start} bytes at offset ${found.start} of ${last}`);
    world.saveResult(a.as, { file: last, offset: found.start, removedBytes: found.end - found.start });
  },
});

export const redisLogStep = defineStep<{ host?: string; last?: number; match?: string }>({
  kind: 'redis-log',
  summary: "print the host's Redis log (redis-server and its children), the last N lines, optionally only lines containing a text",
  shorthand: 'host',
  fields: {
    host: HOST_FIELD,
    last: { type: 'integer', min: 1, max: 1000, description: 'how many lines (default 10)' },
    match: { type: 'string', description: 'only lines containing this text' },
  },
  describe: (a) => `tail the Redis log of ${a.host ?? DEFAULT_HOST}${a.match ? ` (lines with '${a.match}')` : ''}`,
  run: (world, a) => {
    const host = hostOf(world, a.host);
    const lines = host.log.lines.filter((l) => (l.level === 'notice' || l.level === 'warning') && (a.match === undefined || l.message.includes(a.match)));
    for (const line of lines.slice(-(a.last ?? 10))) world.say('detail', formatLogLine(line));
  },
});

export const redisInfoStep = defineStep<{ host?: string; fields?: string[]; as?: string }>({
  kind: 'redis-info',
  summary: 'INFO persistence (and the fork stats): print the fields asked for, save them',
  shorthand: 'host',
  fields: {
    host: HOST_FIELD,
    fields: { type: 'string-list', description: 'field names (default: every persistence field)' },
    as: AS_FIELD,
  },
  describe: (a) => `INFO persistence on ${a.host ?? DEFAULT_HOST}${a.fields ? `: ${a.fields.join(', ')}` : ''}`,
  run: (world, a) => {
    const host = hostOf(world, a.host);
    const client = clientOf(host);
    if (client === null) throw new StepFailure(`redis-server on ${host.name} is not running`);
    const reply = client.call('INFO', 'everything');
    const fields = new Map<string, string>();
    if (reply.kind === 'bulk') {
      let inPersistence = false;
      for (const line of reply.value.split('\r\n')) {
        if (line.startsWith('# ')) inPersistence = line === '# Persistence';
        const colon = line.indexOf(':');
        if (colon > 0 && (inPersistence || line.startsWith('latest_fork_usec') || line.startsWith('total_forks'))) fields.set(line.slice(0, colon), line.slice(colon + 1));
      }
    }
    const out: Record<string, TraceValue> = {};
    for (const name of a.fields ?? [...fields.keys()]) {
      const value = fields.get(name);
      if (value === undefined) throw new ScenarioError(`INFO has no field '${name}'`);
      out[name] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
      world.say('detail', `${name}:${value}`);
    }
    world.saveResult(a.as, out);
  },
});

interface KeysArgs {
  host?: string;
  pattern?: string;
  expected?: unknown;
  as?: string;
}

function expectedRef(a: KeysArgs): string | null {
  return typeof a.expected === 'string' ? a.expected : null;
}

export const redisKeysStep = defineStep<KeysArgs>({
  kind: 'redis-keys',
  summary: "count the keys matching a pattern (KEYS); with 'expected' (a number or a saved result like writes.acknowledged) count the missing ones as lost",
  shorthand: 'pattern',
  fields: {
    host: HOST_FIELD,
    pattern: { type: 'string', description: "glob pattern, as KEYS takes it (default '*')" },
    expected: { type: 'any', description: 'how many there should be: a number, or a saved result path such as writes.acknowledged' },
    as: AS_FIELD,
  },
  reads: (a) => {
    const ref = expectedRef(a);
    return ref === null ? [] : [ref.split('.')[0]!];
  },
  check: (a) => (a.expected === undefined || typeof a.expected === 'number' || typeof a.expected === 'string' ? [] : ["'expected' must be a number or a result path"]),
  describe: (a) => `Count keys matching '${a.pattern ?? '*'}' on ${a.host ?? DEFAULT_HOST}${a.expected !== undefined ? ` (expected: ${a.expected})` : ''}`,
  run: (world, a) => {
    const host = hostOf(world, a.host);
    const client = clientOf(host);
    if (client === null) throw new StepFailure(`redis-server on ${host.name} is not running`);
    const reply = client.call('KEYS', fromUtf8(a.pattern ?? '*'));
    const present = reply.kind === 'array' ? reply.items.length : 0;
    let expected: number | null = null;
    const ref = expectedRef(a);
    if (typeof a.expected === 'number') expected = a.expected;
    else if (ref !== null) {
      const [name, ...path] = ref.split('.');
      let value: TraceValue | undefined = world.results.get(name!);
      for (const key of path) value = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, TraceValue>)[key] : undefined;
      if (typeof value !== 'number') throw new StepFailure(`'${ref}' is not a number (${JSON.stringify(value)})`);
      expected = value;
    }
    const lost = expected === null ? null : Math.max(0, expected - present);
    world.say('detail', expected === null ? `${present} keys` : `${present} of ${expected} keys present, ${lost} lost`);
    if (lost !== null && lost > 0) world.count('lost', lost);
    world.saveResult(a.as, { present, expected, lost });
  },
});
