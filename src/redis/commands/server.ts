/**
 * Server commands: PING, ECHO, INFO and CONFIG GET/SET/RESETSTAT/REWRITE/HELP
 * (server.c, config.c). CONFIG SET goes through RedisConfig, which carries
 * config.c's validation; a successful change is traced.
 */
import {
  CMD_ADMIN,
  CMD_FAST,
  CMD_LOADING,
  CMD_NOSCRIPT,
  CMD_STALE,
  type CommandContext,
  type CommandSpec,
} from '../command';
import { arityReply, SYNTAX_ERROR } from '../errors';
import { infoString } from '../info';
import type { RedisString } from '../RedisValue';
import { bulk, err, OK, PONG, type Reply } from '../reply';
import { helpReply } from './keys';

function ping(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  if (argv.length > 2) return arityReply(ctx.fullname);
  return argv.length === 1 ? PONG : bulk(argv[1]!);
}

function echo(_ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return bulk(argv[1]!);
}

function info(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return bulk(infoString(ctx.server, argv.slice(1)));
}

function configGet(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  const items: Reply[] = [];
  for (const [name, value] of ctx.config.getMatching(argv.slice(2))) items.push(bulk(name), bulk(value));
  return { kind: 'array', items };
}

function configSet(ctx: CommandContext, argv: readonly RedisString[]): Reply {
  if (argv.length % 2 === 1) return SYNTAX_ERROR;
  const pairs: [string, string][] = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i]!, argv[i + 1]!]);
  const error = ctx.config.setMany(pairs, { fromLocalClient: ctx.client.local });
  if (error !== null) return err(error);
  ctx.server.traceConfigSet(pairs);
  return OK;
}

function configResetstat(ctx: CommandContext): Reply {
  ctx.server.resetStats();
  return OK;
}

function configRewrite(): Reply {
  // A simulated server is never started from a config file.
  return err('The server is running without a config file');
}

const CONFIG_HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
];

function configHelp(_ctx: CommandContext, argv: readonly RedisString[]): Reply {
  return helpReply(argv[0]!, CONFIG_HELP);
}

const ADMIN = CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE;

export const SERVER_COMMANDS: readonly CommandSpec[] = [
  { name: 'ping', arity: -1, flags: CMD_FAST, proc: ping },
  { name: 'echo', arity: 2, flags: CMD_LOADING | CMD_STALE | CMD_FAST, proc: echo },
  { name: 'info', arity: -1, flags: CMD_LOADING | CMD_STALE, proc: info },
  {
    name: 'config',
    arity: -2,
    flags: 0,
    proc: null,
    subcommands: [
      { name: 'get', arity: -3, flags: ADMIN, proc: configGet },
      { name: 'set', arity: -4, flags: ADMIN, proc: configSet },
      { name: 'resetstat', arity: 2, flags: ADMIN, proc: configResetstat },
      { name: 'rewrite', arity: 2, flags: ADMIN, proc: configRewrite },
      { name: 'help', arity: 2, flags: CMD_LOADING | CMD_STALE, proc: configHelp },
    ],
  },
];
