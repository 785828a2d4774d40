/**
 * What a command is to the server: a name, Redis's arity convention, the
 * flags processCommand consults, and a procedure from arguments to a reply.
 *
 * Arity as in the Redis command table: a positive arity is the exact argc
 * (the command name counts), a negative one a minimum (-3 means "at least
 * 3"). Container commands (CONFIG, OBJECT) have subcommands with their own
 * arity; their full name is `config|get`, which is what arity errors print.
 *
 * A procedure reads and changes the keyspace through `ctx.ks`, adds to
 * `ctx.server.dirty` exactly where Redis does `server.dirty++`, and, when
 * Redis rewrites the command for propagation (rewriteClientCommandVector),
 * calls `ctx.rewrite(argv)`. Operating errors are replies, never exceptions.
 */
import type { Keyspace } from './Keyspace';
import type { RedisClient } from './RedisClient';
import type { RedisConfig } from './redisConfig';
import type { RedisServer } from './RedisServer';
import type { RedisString } from './RedisValue';
import type { Reply } from './reply';

/** CMD_WRITE: may modify the dataset. */
export const CMD_WRITE = 1 << 0;
/** CMD_READONLY: reads the dataset only. */
export const CMD_READONLY = 1 << 1;
/** CMD_DENYOOM: may grow memory. */
export const CMD_DENYOOM = 1 << 2;
/** CMD_ADMIN: administrative. */
export const CMD_ADMIN = 1 << 3;
/** CMD_NOSCRIPT: not allowed from scripts. */
export const CMD_NOSCRIPT = 1 << 4;
/** CMD_LOADING: allowed while loading the dataset. */
export const CMD_LOADING = 1 << 5;
/** CMD_STALE: allowed on a replica with stale data. */
export const CMD_STALE = 1 << 6;
/** CMD_FAST: O(1) or O(log N). */
export const CMD_FAST = 1 << 7;
/** CMD_NO_MULTI: refused inside MULTI ("Command not allowed inside a transaction"). */
export const CMD_NO_MULTI = 1 << 8;
/** CMD_NO_ASYNC_LOADING. */
export const CMD_NO_ASYNC_LOADING = 1 << 9;
/** CMD_ALLOW_BUSY. */
export const CMD_ALLOW_BUSY = 1 << 10;

export interface CommandContext {
  readonly server: RedisServer;
  readonly ks: Keyspace;
  readonly config: RedisConfig;
  /** The client whose command runs; `client.db` is its selected database. */
  readonly client: RedisClient;
  /** The running command's full name ('set', 'config|get'), for error texts. */
  readonly fullname: string;
  /** Propagate `argv` instead of the command as sent (rewriteClientCommandVector). */
  rewrite(argv: RedisString[]): void;
  /** Propagate even if nothing changed (forceCommandPropagation; FLUSHDB, FLUSHALL). */
  forcePropagation(): void;
}

export type CommandProc = (ctx: CommandContext, argv: readonly RedisString[]) => Reply;

export interface CommandSpec {
  /** Lower-case name ('hset'; for a subcommand, 'get'). */
  readonly name: string;
  readonly arity: number;
  readonly flags: number;
  /** Null for a container: CONFIG alone has no procedure of its own. */
  readonly proc: CommandProc | null;
  readonly subcommands?: readonly CommandSpec[];
}

/** A spec as the table holds it, with its full name and subcommands resolved. */
export interface Command {
  readonly spec: CommandSpec;
  readonly fullname: string;
  readonly arity: number;
  readonly flags: number;
  readonly proc: CommandProc | null;
  readonly subcommands: ReadonlyMap<string, Command> | null;
}
