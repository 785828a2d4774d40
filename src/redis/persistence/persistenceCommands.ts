/**
 * The persistence commands of Redis 7.0, with their flags from commands.c
 * and replies from rdb.c, aof.c and db.c:
 *
 *   SAVE                 rdbSave in the server process (blocks); not in MULTI
 *   BGSAVE [SCHEDULE]    fork a child; SCHEDULE waits for an AOF rewrite
 *   BGREWRITEAOF         fork a rewrite child, or schedule it
 *   LASTSAVE             unix time of the last successful save
 *   SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]
 *
 * A command queued in MULTI runs inside EXEC (server.in_exec): BGSAVE and
 * BGREWRITEAOF are then scheduled rather than started, as in Redis.
 *
 * SHUTDOWN that succeeds ends the process after the current batch. A real
 * client sees its connection close without a reply; the model answers +OK
 * and closes the connection.
 */
import {
  CMD_ADMIN,
  CMD_ALLOW_BUSY,
  CMD_FAST,
  CMD_LOADING,
  CMD_NO_ASYNC_LOADING,
  CMD_NO_MULTI,
  CMD_NOSCRIPT,
  CMD_STALE,
  type CommandContext,
  type CommandSpec,
} from '../command';
import { SYNTAX_ERROR } from '../errors';
import { equalsIgnoreCase } from '../numbers';
import type { RedisString } from '../RedisValue';
import { err, integer, OK, simple, type Reply } from '../reply';
import type { DiskPersistence } from './DiskPersistence';

export function persistenceCommands(p: DiskPersistence): readonly CommandSpec[] {
  const save = (): Reply => p.rdb.saveCommand();

  const bgsave = (ctx: CommandContext, argv: readonly RedisString[]): Reply => {
    let schedule = false;
    if (argv.length > 1) {
      if (argv.length === 2 && equalsIgnoreCase(argv[1]!, 'schedule')) schedule = true;
      else return SYNTAX_ERROR;
    }
    return p.rdb.bgsaveCommand(schedule, ctx.client.inMulti);
  };

  const bgrewriteaof = (ctx: CommandContext): Reply => {
    const rewriter = p.aof.rewriter;
    const child = p.activeChild;
    if (child?.type === 'aof') return err('Background append only file rewriting already in progress');
    if (child !== null || ctx.client.inMulti) {
      rewriter.scheduled = true;
      // When manually triggering AOFRW we reset the count so that it can be executed immediately.
      rewriter.consecutiveFailures = 0;
      return simple('Background append only file rewriting scheduled');
    }
    if (rewriter.start()) return simple('Background append only file rewriting started');
    return err("Can't execute an AOF background rewriting. Please check the server logs for more information.");
  };

  const lastsave = (): Reply => integer(p.rdb.lastsaveSec);

  const shutdown = (_ctx: CommandContext, argv: readonly RedisString[]): Reply => {
    let nosave = false;
    let doSave = false;
    let force = false;
    let abort = false;
    let now = false;
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i]!;
      if (equalsIgnoreCase(a, 'nosave')) nosave = true;
      else if (equalsIgnoreCase(a, 'save')) doSave = true;
      else if (equalsIgnoreCase(a, 'now')) now = true;
      else if (equalsIgnoreCase(a, 'force')) force = true;
      else if (equalsIgnoreCase(a, 'abort')) abort = true;
      else return SYNTAX_ERROR;
    }
    if ((abort && (nosave || doSave || now || force)) || (nosave && doSave)) return SYNTAX_ERROR;
    // No replicas to wait for: a shutdown is never in progress, NOW changes nothing.
    if (abort) return err('No shutdown in progress.');
    return p.shutdown({ save: doSave, nosave, force }) ? OK : err('Errors trying to SHUTDOWN. Check logs.');
  };

  return [
    { name: 'save', arity: 1, flags: CMD_NO_ASYNC_LOADING | CMD_ADMIN | CMD_NOSCRIPT | CMD_NO_MULTI, proc: save },
    { name: 'bgsave', arity: -1, flags: CMD_NO_ASYNC_LOADING | CMD_ADMIN | CMD_NOSCRIPT, proc: bgsave },
    { name: 'bgrewriteaof', arity: 1, flags: CMD_NO_ASYNC_LOADING | CMD_ADMIN | CMD_NOSCRIPT, proc: bgrewriteaof },
    { name: 'lastsave', arity: 1, flags: CMD_LOADING | CMD_STALE | CMD_FAST, proc: lastsave },
    {
      name: 'shutdown',
      arity: -1,
      flags: CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_NO_MULTI | CMD_ALLOW_BUSY,
      proc: shutdown,
    },
  ];
}
