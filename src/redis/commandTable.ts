/**
 * The command table: lower-case name ⇒ command, and server.c's lookup and
 * pre-execution checks (lookupCommand, commandCheckExistence,
 * commandCheckArity) with their exact error texts.
 *
 * Dispatch is a Map lookup on the name as sent, then on its lower-case form;
 * upper-case spellings are registered too so the usual `HSET` never needs
 * case folding. No regular expression on this path.
 */
import { assert } from '../sim/assert';
import type { Command, CommandSpec } from './command';
import { asciiLower, asciiUpper, cString } from './numbers';
import type { RedisString } from './RedisValue';

export class CommandTable {
  private readonly byName = new Map<string, Command>();

  constructor(specs: readonly CommandSpec[]) {
    for (const spec of specs) this.add(spec);
  }

  add(spec: CommandSpec): void {
    assert(spec.name === asciiLower(spec.name), () => `command ${spec.name} must be registered in lower case`);
    assert(!this.byName.has(spec.name), () => `command ${spec.name} registered twice`);
    const command = resolve(spec, null);
    this.byName.set(spec.name, command);
    this.byName.set(asciiUpper(spec.name), command);
  }

  has(name: string): boolean {
    return this.byName.has(asciiLower(name));
  }

  /** lookupCommand: the command, or for a container with argc > 1 its subcommand. */
  lookup(argv: readonly RedisString[]): Command | undefined {
    const name = argv[0]!;
    const base = this.byName.get(name) ?? this.byName.get(asciiLower(name));
    if (base === undefined || base.subcommands === null || argv.length === 1) return base;
    return base.subcommands.get(asciiLower(argv[1]!));
  }

  /** commandCheckExistence's error for a command that was not found. */
  unknownCommandError(argv: readonly RedisString[]): string {
    const base = this.byName.get(asciiLower(argv[0]!));
    if (base !== undefined && base.subcommands !== null) {
      return `ERR unknown subcommand '${cString(argv[1]!).slice(0, 128)}'. Try ${asciiUpper(cString(argv[0]!))} HELP.`;
    }
    let args = '';
    for (let i = 1; i < argv.length && args.length < 128; i++) {
      args += `'${cString(argv[i]!).slice(0, 128 - args.length)}' `;
    }
    return `ERR unknown command '${cString(argv[0]!).slice(0, 128)}', with args beginning with: ${args}`;
  }
}

/** commandCheckArity. */
export function arityOk(command: Command, argc: number): boolean {
  const arity = command.arity;
  return arity > 0 ? arity === argc : argc >= -arity;
}

export function arityError(fullname: string): string {
  return `ERR wrong number of arguments for '${fullname}' command`;
}

function resolve(spec: CommandSpec, parent: string | null): Command {
  let subcommands: Map<string, Command> | null = null;
  if (spec.subcommands !== undefined) {
    subcommands = new Map();
    for (const sub of spec.subcommands) subcommands.set(sub.name, resolve(sub, spec.name));
  }
  return {
    spec,
    fullname: parent === null ? spec.name : `${parent}|${spec.name}`,
    arity: spec.arity,
    flags: spec.flags,
    proc: spec.proc,
    subcommands,
  };
}
