/**
 * A host's Redis log: the lines redis-server (role M) and its forked
 * children (role C) write with serverLog, stamped with simulated time and
 * the writing process's pid, formatted as Redis formats them:
 *
 *   1234:M 01 Jan 2024 00:00:05.100 * Background saving started by pid 1235
 *
 * Level marks as server.c serverLogRaw: '.' debug, '-' verbose, '*' notice,
 * '#' warning. Every line also goes to the trace as `redis.log` (host, pid,
 * role, level, message; debug and verbose lines as `redis.log.detail`),
 * which is what the narration shows.
 *
 * The log is bounded: the newest `maxLines` lines are kept.
 */
import { assert } from '../../sim/assert';
import type { Trace } from '../../sim/Trace';
import { serverLogPrefix } from '../format/rdbCheck';

export type RedisLogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

/** 'M' the server (a master), 'C' a forked child. */
export type RedisLogRole = 'M' | 'C';

export interface RedisHostLogLine {
  readonly atMs: number;
  readonly pid: number;
  readonly role: RedisLogRole;
  readonly level: RedisLogLevel;
  readonly message: string;
}

const LEVEL_ORDER: Record<RedisLogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3 };

const LEVEL_MARK: Record<RedisLogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };

export function formatLogLine(line: RedisHostLogLine): string {
  return `${serverLogPrefix(line.pid, line.atMs, line.role, LEVEL_MARK[line.level])}${line.message}`;
}

export class RedisLog {
  private readonly kept: RedisHostLogLine[] = [];
  private dropped = 0;

  constructor(
    private readonly host: string,
    private readonly clock: { readonly nowMs: number },
    private readonly trace: Trace,
    private readonly maxLines = 10_000,
  ) {
    assert(maxLines > 0, 'RedisLog: maxLines must be positive');
  }

  write(pid: number, role: RedisLogRole, level: RedisLogLevel, message: string): void {
    const line: RedisHostLogLine = { atMs: this.clock.nowMs, pid, role, level, message };
    if (this.kept.length === this.maxLines) {
      this.kept.shift();
      this.dropped++;
    }
    this.kept.push(line);
    // Debug and verbose lines are a separate record type, narrated only on request.
    const type = level === 'notice' || level === 'warning' ? 'redis.log' : 'redis.log.detail';
    if (this.trace.active) this.trace.emit(type, { host: this.host, pid, role, level, message });
  }

  /** The kept lines, oldest first. */
  get lines(): readonly RedisHostLogLine[] {
    return this.kept;
  }

  /** Lines dropped because the log was full. */
  get droppedLines(): number {
    return this.dropped;
  }

  /** Messages of the kept lines written at or after `sinceMs`. */
  messagesSince(sinceMs: number): string[] {
    return this.kept.filter((l) => l.atMs >= sinceMs).map((l) => l.message);
  }

  /** The log as redis-server writes its logfile at `loglevel` (notice by default: no debug or verbose lines). */
  toText(loglevel: RedisLogLevel = 'notice'): string {
    const min = LEVEL_ORDER[loglevel];
    return this.kept
      .filter((l) => LEVEL_ORDER[l.level] >= min)
      .map((l) => formatLogLine(l) + '\n')
      .join('');
  }
}
