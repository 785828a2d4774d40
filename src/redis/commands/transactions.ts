/**
 * MULTI, EXEC, DISCARD (multi.c). Queueing itself happens in the server's
 * processCommand, as in Redis: inside MULTI every command but these is
 * checked (existence, arity, MISCONF) and queued, and a command refused
 * while queueing flags the transaction so EXEC answers EXECABORT. Errors a
 * queued command returns when it runs are just its reply inside EXEC's
 * array; they do not undo the others.
 */
import { CMD_ALLOW_BUSY, CMD_FAST, CMD_LOADING, CMD_NOSCRIPT, CMD_STALE, type CommandContext, type CommandSpec } from '../command';
import { err, OK, type Reply } from '../reply';

function multi(ctx: CommandContext): Reply {
  const client = ctx.client;
  if (client.inMulti) return err('MULTI calls can not be nested');
  client.inMulti = true;
  return OK;
}

function discard(ctx: CommandContext): Reply {
  const client = ctx.client;
  if (!client.inMulti) return err('DISCARD without MULTI');
  client.discardTransaction();
  return OK;
}

function exec(ctx: CommandContext): Reply {
  return ctx.server.execTransaction(ctx.client);
}

const TX = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE;

export const TRANSACTION_COMMANDS: readonly CommandSpec[] = [
  { name: 'multi', arity: 1, flags: TX | CMD_FAST | CMD_ALLOW_BUSY, proc: multi },
  { name: 'exec', arity: 1, flags: TX, proc: exec },
  { name: 'discard', arity: 1, flags: TX | CMD_FAST | CMD_ALLOW_BUSY, proc: discard },
];

/** Commands that run at once inside MULTI instead of being queued (processCommand). */
export const NOT_QUEUED = new Set(['multi', 'exec', 'discard', 'watch', 'quit', 'reset']);
