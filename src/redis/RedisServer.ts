/**
 * A simulated Redis 7.0 server on the simulation kernel: the keyspace, the
 * command table, clients, MULTI/EXEC, expiry, propagation and serverCron.
 *
 * What it guarantees:
 *   - Replies and error texts are Redis 7.0.15's (checked against a real
 *     redis-server by test/redis/differential.test.ts).
 *   - processCommand checks in server.c's order: existence, arity,
 *     CMD_NO_MULTI inside MULTI, writes refused by persistence (MISCONF);
 *     a refusal inside MULTI flags the transaction (EXECABORT at EXEC).
 *   - Propagation as call() and propagatePendingCommands do it: a command
 *     is propagated when it raised `dirty` (or forced it), with the argv it
 *     rewrote itself to; deletions by lazy expiry are propagated as DEL (or
 *     UNLINK with lazyfree-lazy-expire) in the same top-level call; when one
 *     top-level call (EXEC, or a write that lazily expired a key) propagates
 *     more than one command they are wrapped in MULTI ... EXEC. Each
 *     propagated command reaches `onPropagate` listeners with the database
 *     it ran in; emitting SELECT when that changes is the AOF writer's job
 *     (feedAppendOnlyFile), as is replication's.
 *   - `dirty` counts as `server.dirty` does in 7.0 (HSET adds the pairs
 *     given, SADD the members added, lazy expiry nothing).
 *   - `onKeyChange` runs before any key changes, `onFlush` before a flush:
 *     the hooks a fork's copy-on-write accounting needs.
 *   - Time is the simulation's. serverCron runs at `hz` only while there is
 *     work (a key with a TTL, or the persistence asks); an idle server
 *     schedules nothing. Active expiry samples with the server's own RNG.
 *   - Trace records: redis.start, redis.expire (db, key, cause lazy|active),
 *     redis.flush, redis.config.
 *   - Loading (for the persistence step): `loading` stops expiry as
 *     server.loading does, and `replayCommand` runs an AOF's commands through
 *     the same procedures as the fake AOF client (no checks, no propagation).
 *
 * Use:
 *   const server = new RedisServer({ sim, config: { appendfsync: 'always' } });
 *   const client = server.connect();
 *   client.call('HSET', 'offsets', 'p0', '42');           // a Reply value
 *   client.pipeline([['MULTI'], ['INCR', 'n'], ['EXEC']]); // replies of a batch
 *   server.onPropagate((db, argv) => ...);  // what an AOF or replica receives
 *   server.onKeyChange((db, key) => ...);   // before every key change
 */
import { assert } from '../sim/assert';
import type { Rng } from '../sim/Rng';
import type { Timer } from '../sim/Simulation';
import type { Trace } from '../sim/Trace';
import { activeExpireCycle, newActiveExpireState, type ActiveExpireState } from './activeExpire';
import { CMD_LOADING, CMD_NO_MULTI, CMD_WRITE, type Command, type CommandContext } from './command';
import { arityError, arityOk, CommandTable } from './commandTable';
import { HASH_COMMANDS } from './commands/hashes';
import { KEY_COMMANDS } from './commands/keys';
import { LIST_COMMANDS } from './commands/lists';
import { SERVER_COMMANDS } from './commands/server';
import { SET_COMMANDS } from './commands/sets';
import { STRING_COMMANDS } from './commands/strings';
import { NOT_QUEUED, TRANSACTION_COMMANDS } from './commands/transactions';
import { EXECABORT } from './errors';
import { Keyspace, type ExpiryCause } from './Keyspace';
import { NoPersistence, type Persistence } from './Persistence';
import { RedisClient } from './RedisClient';
import { RedisConfig, type RedisConfigInput } from './redisConfig';
import { DB_COUNT, toUtf8, type RedisString } from './RedisValue';
import { err, error, QUEUED, type Reply } from './reply';

/** What the server needs of the kernel; a Simulation provides it. */
export interface RedisKernel {
  readonly nowMs: number;
  readonly rng: Rng;
  readonly trace: Trace;
  at(atMs: number, label: string, run: () => void): Timer;
  schedule(delayMs: number, label: string, run: () => void): Timer;
  cancel(timer: Timer | undefined): void;
}

export interface RedisServerOptions {
  readonly sim: RedisKernel;
  /** Names the server in traces and timer labels; also its RNG fork. */
  readonly name?: string;
  /** Start-up settings, as redis.conf directives (values as CONFIG SET takes them). */
  readonly config?: RedisConfigInput;
  readonly persistence?: Persistence;
  readonly pid?: number;
  readonly port?: number;
}

/** A propagated command and the database it ran in. `argv` is only valid during the call. */
export type PropagateListener = (db: number, argv: readonly RedisString[]) => void;
export type KeyChangeListener = (db: number, key: RedisString) => void;
/** db is -1 for FLUSHALL. */
export type FlushListener = (db: number) => void;

export interface RedisServerStats {
  totalConnectionsReceived: number;
  totalCommandsProcessed: number;
  expiredKeys: number;
  totalErrorReplies: number;
  /** errorstat_<CODE>: count. */
  readonly errorCounts: Map<string, number>;
}

interface PendingOp {
  readonly db: number;
  readonly argv: readonly RedisString[];
}

const LOADING_ERROR = 'LOADING Redis is loading the dataset in memory';

class CallContext implements CommandContext {
  client!: RedisClient;
  fullname = '';
  rewritten: RedisString[] | null = null;
  forced = false;

  constructor(
    readonly server: RedisServer,
    readonly ks: Keyspace,
    readonly config: RedisConfig,
  ) {}

  rewrite(argv: RedisString[]): void {
    this.rewritten = argv;
  }

  forcePropagation(): void {
    this.forced = true;
  }
}

export class RedisServer {
  readonly name: string;
  readonly config: RedisConfig;
  readonly ks: Keyspace;
  readonly persistence: Persistence;
  readonly startedAtMs: number;
  readonly pid: number;
  readonly port: number;
  readonly runId: string;
  readonly replId: string;
  /** server.dirty: changes since the last successful save. Persistence lowers it. */
  dirty = 0;
  readonly stats: RedisServerStats = {
    totalConnectionsReceived: 0,
    totalCommandsProcessed: 0,
    expiredKeys: 0,
    totalErrorReplies: 0,
    errorCounts: new Map(),
  };
  readonly activeExpire: ActiveExpireState = newActiveExpireState();
  /** server.active_expire_enabled (DEBUG SET-ACTIVE-EXPIRE): off, keys expire only on access. */
  activeExpireEnabled = true;

  private readonly sim: RedisKernel;
  private readonly expireRng: Rng;
  private readonly table: CommandTable;
  private readonly execCommand: Command;
  private readonly ctx: CallContext;
  private readonly clients = new Set<RedisClient>();
  private nextClientId = 1;
  private readonly propagateListeners: PropagateListener[] = [];
  private readonly keyChangeListeners: KeyChangeListener[] = [];
  private readonly flushListeners: FlushListener[] = [];
  private pending: PendingOp[] = [];
  /** server.in_nested_call: depth of call(); propagation happens at depth 0. */
  private depth = 0;
  private cronTimer: Timer | undefined;
  private halted = false;

  constructor(options: RedisServerOptions) {
    this.sim = options.sim;
    this.name = options.name ?? 'redis';
    this.pid = options.pid ?? 1;
    this.port = options.port ?? 6379;
    this.startedAtMs = this.sim.nowMs;
    const rng = this.sim.rng.fork(`redis:${this.name}`);
    this.expireRng = rng.fork('expire');
    const ids = rng.fork('run-id');
    this.runId = hexId(ids);
    this.replId = hexId(ids);
    this.config = new RedisConfig(options.config);
    this.ks = new Keyspace(this.sim, {
      beforeKeyChange: (db, key) => {
        for (const listener of this.keyChangeListeners) listener(db, key);
      },
      beforeFlush: (db) => {
        for (const listener of this.flushListeners) listener(db);
      },
      keyExpired: (db, key, cause) => this.keyExpired(db, key, cause),
    });
    this.table = new CommandTable([
      ...STRING_COMMANDS,
      ...HASH_COMMANDS,
      ...LIST_COMMANDS,
      ...SET_COMMANDS,
      ...KEY_COMMANDS,
      ...SERVER_COMMANDS,
      ...TRANSACTION_COMMANDS,
    ]);
    this.execCommand = this.table.lookup(['exec'])!;
    this.ctx = new CallContext(this, this.ks, this.config);
    this.persistence = options.persistence ?? new NoPersistence();
    for (const spec of this.persistence.commands) this.table.add(spec);
    this.config.applier = (name) => (name === 'appendonly' || name === 'dir' ? this.persistence.applyConfig(name) : null);
    this.sim.trace.emit('redis.start', { server: this.name, pid: this.pid });
    this.persistence.attach(this);
    this.ensureCron();
  }

  get nowMs(): number {
    return this.sim.nowMs;
  }

  /**
   * server.loading: set by the persistence while it loads an RDB or AOF.
   * Keys do not expire (a past TTL is kept), EXPIRE with a past time sets it
   * instead of deleting, and clients get -LOADING for commands that are not
   * allowed while loading.
   */
  get loading(): boolean {
    return this.ks.loading;
  }

  set loading(value: boolean) {
    this.ks.loading = value;
  }

  get connectedClients(): number {
    return this.clients.size;
  }

  get isHalted(): boolean {
    return this.halted;
  }

  // ---- clients ----------------------------------------------------------------

  connect(options: { readonly local?: boolean } = {}): RedisClient {
    assert(!this.halted, () => `redis ${this.name}: connect to a halted server`);
    const client = new RedisClient(this, this.nextClientId++, options.local ?? true);
    this.clients.add(client);
    this.stats.totalConnectionsReceived++;
    return client;
  }

  /** @internal RedisClient.close. */
  clientClosed(client: RedisClient): void {
    this.clients.delete(client);
  }

  /** One event-loop iteration for one client: its commands, then beforeSleep. */
  executeBatch(client: RedisClient, commands: readonly (readonly RedisString[])[]): Reply[] {
    assert(!this.halted, () => `redis ${this.name}: command to a halted server`);
    const replies: Reply[] = new Array<Reply>(commands.length);
    for (let i = 0; i < commands.length; i++) replies[i] = this.processCommand(client, commands[i]!);
    this.beforeSleep();
    return replies;
  }

  /** Stop: no more commands, no more timers (a process that exited or crashed). */
  halt(): void {
    this.halted = true;
    this.sim.cancel(this.cronTimer);
    this.cronTimer = undefined;
    for (const client of [...this.clients]) client.close();
  }

  // ---- hooks ------------------------------------------------------------------

  onPropagate(listener: PropagateListener): void {
    this.propagateListeners.push(listener);
  }

  onKeyChange(listener: KeyChangeListener): void {
    this.keyChangeListeners.push(listener);
  }

  onFlush(listener: FlushListener): void {
    this.flushListeners.push(listener);
  }

  /** Start serverCron if there is work for it (after loading keys, a config change...). */
  ensureCron(): void {
    if (this.cronTimer !== undefined || this.halted) return;
    if (!this.cronHasWork()) return;
    const period = this.cronPeriodMs();
    // Ticks stay on the grid a never-idle server would have used.
    const next = this.startedAtMs + (Math.floor((this.nowMs - this.startedAtMs) / period) + 1) * period;
    this.cronTimer = this.sim.at(next, `redis:${this.name}:cron`, () => this.cron());
  }

  // ---- loading ------------------------------------------------------------------

  /** createAOFClient: the fake client an AOF is replayed through (not a connection). */
  createLoadingClient(): RedisClient {
    return new RedisClient(this, -1, true);
  }

  /**
   * Replay one command of an AOF as loadSingleAppendOnlyFile does: look it
   * up, queue it if the client is inside MULTI, otherwise run its procedure
   * directly: no processCommand checks, no propagation, the reply dropped.
   * Returns 'unknown-command' as lookupCommand failing makes Redis refuse
   * the file, 'unsupported' for a wrong arity (Redis would run the procedure
   * on a short argv), otherwise 'ok'. The shape matches the AOF loader's
   * command applier in src/redis/format.
   */
  replayCommand(client: RedisClient, argv: readonly RedisString[]): 'ok' | 'unknown-command' | 'unsupported' {
    if (argv.length === 0) return 'ok';
    const cmd = this.table.lookup(argv);
    if (cmd === undefined) return 'unknown-command';
    if (!arityOk(cmd, argv.length)) return 'unsupported';
    if (client.inMulti && cmd !== this.execCommand) {
      client.queue.push({ command: cmd, argv: argv.slice() });
      return 'ok';
    }
    const ctx = this.ctx;
    ctx.client = client;
    ctx.fullname = cmd.fullname;
    ctx.rewritten = null;
    ctx.forced = false;
    const listeners = this.propagateListeners.splice(0);
    this.depth++;
    try {
      if (cmd === this.execCommand) {
        const queued = client.queue.slice();
        client.discardTransaction();
        for (const q of queued) this.replayCommand(client, q.argv);
      } else {
        cmd.proc!(ctx, argv);
      }
    } finally {
      this.depth--;
      this.pending.length = 0;
      this.propagateListeners.push(...listeners);
    }
    return 'ok';
  }

  /** lookupCommand alone, as the AOF loader checks each command it reads (before queueing it in a MULTI). */
  commandExists(argv: readonly RedisString[]): boolean {
    return argv.length > 0 && this.table.lookup(argv) !== undefined;
  }

  // ---- processCommand ---------------------------------------------------------

  processCommand(client: RedisClient, argv: readonly RedisString[]): Reply {
    assert(argv.length > 0, 'processCommand: empty command');
    const cmd = this.table.lookup(argv);
    if (cmd === undefined) {
      const message = this.table.unknownCommandError(argv);
      return this.reject(client, undefined, message, message.slice(4));
    }
    if (!arityOk(cmd, argv.length)) {
      const message = arityError(cmd.fullname);
      return this.reject(client, cmd, message, message.slice(4));
    }
    if (client.inMulti && cmd.flags & CMD_NO_MULTI) {
      return this.reject(client, cmd, 'ERR Command not allowed inside a transaction', 'Command not allowed inside a transaction');
    }
    const isExec = cmd === this.execCommand;
    if (cmd.flags & CMD_WRITE || (isExec && client.multiFlags & CMD_WRITE) || cmd.fullname === 'ping') {
      const denied = this.persistence.writeDeniedError();
      if (denied !== null) return this.reject(client, cmd, denied, denied);
    }
    if (this.ks.loading && !(cmd.flags & CMD_LOADING)) {
      return this.reject(client, cmd, LOADING_ERROR, LOADING_ERROR);
    }
    if (client.inMulti && !NOT_QUEUED.has(cmd.fullname)) {
      // queueMultiCommand: nothing is kept once the transaction is doomed.
      if (!client.multiDirty) {
        client.queue.push({ command: cmd, argv: argv.slice() });
        client.multiFlags |= cmd.flags;
      }
      return QUEUED;
    }
    return this.call(client, cmd, argv);
  }

  /** execCommand, called by EXEC's procedure. */
  execTransaction(client: RedisClient): Reply {
    if (!client.inMulti) return err('EXEC without MULTI');
    if (client.multiDirty) {
      client.discardTransaction();
      this.countError(EXECABORT.message);
      return EXECABORT;
    }
    const items: Reply[] = [];
    for (const queued of client.queue) items.push(this.call(client, queued.command, queued.argv));
    client.discardTransaction();
    return { kind: 'array', items };
  }

  /** rejectCommand: flag the transaction; a refused EXEC aborts it. */
  private reject(client: RedisClient, cmd: Command | undefined, message: string, bare: string): Reply {
    if (client.inMulti) client.multiDirty = true;
    let reply: Reply;
    if (cmd === this.execCommand) {
      client.discardTransaction();
      reply = error(`EXECABORT Transaction discarded because of: ${bare}`);
    } else {
      reply = error(message);
    }
    this.countError((reply as { message: string }).message);
    return reply;
  }

  /** call(): run the procedure, count, collect what to propagate. */
  private call(client: RedisClient, cmd: Command, argv: readonly RedisString[]): Reply {
    const ctx = this.ctx;
    ctx.client = client;
    ctx.fullname = cmd.fullname;
    ctx.rewritten = null;
    ctx.forced = false;
    const dirtyBefore = this.dirty;
    this.depth++;
    const reply = cmd.proc!(ctx, argv);
    this.depth--;
    this.stats.totalCommandsProcessed++;
    if (reply.kind === 'error') this.countError(reply.message);
    // EXEC is never propagated itself: its commands were, one by one.
    if (cmd !== this.execCommand && (this.dirty > dirtyBefore || ctx.forced) && this.propagateListeners.length > 0) {
      const propagated = ctx.rewritten ?? argv;
      // A top-level command that propagates alone needs no queueing (the hot path).
      if (this.depth === 0 && this.pending.length === 0) this.emitPropagate(client.db, propagated);
      else this.pending.push({ db: client.db, argv: propagated });
    }
    if (this.depth === 0 && this.pending.length > 0) this.propagatePending();
    return reply;
  }

  /** propagatePendingCommands: wrap in MULTI/EXEC when more than one. */
  private propagatePending(): void {
    const ops = this.pending;
    if (ops.length === 1) {
      // The common case: one command, no wrapping, no new array.
      const op = ops[0]!;
      ops.length = 0;
      this.emitPropagate(op.db, op.argv);
      return;
    }
    this.pending = [];
    const transaction = ops.length > 1;
    if (transaction) this.emitPropagate(ops[0]!.db, ['MULTI']);
    for (const op of ops) this.emitPropagate(op.db, op.argv);
    if (transaction) this.emitPropagate(ops[ops.length - 1]!.db, ['EXEC']);
  }

  private emitPropagate(db: number, argv: readonly RedisString[]): void {
    for (const listener of this.propagateListeners) listener(db, argv);
  }

  // ---- expiry and cron --------------------------------------------------------

  /** deleteExpiredKeyAndPropagate's bookkeeping, after the keyspace deleted the key. */
  private keyExpired(db: number, key: RedisString, cause: ExpiryCause): void {
    this.stats.expiredKeys++;
    this.sim.trace.emit('redis.expire', { server: this.name, db, key: toUtf8(key), cause });
    if (this.propagateListeners.length === 0) return;
    const argv = [this.config.get('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key];
    // Inside a command: with its other effects. From cron: alone, never wrapped.
    if (this.depth > 0) this.pending.push({ db, argv });
    else this.emitPropagate(db, argv);
  }

  /** serverCron has something to do: keys to expire actively, or persistence work. */
  private cronHasWork(): boolean {
    return (this.activeExpireEnabled && this.ks.totalVolatileCount() > 0) || this.persistence.wantsCron();
  }

  private beforeSleep(): void {
    if (this.activeExpireEnabled && this.ks.totalVolatileCount() > 0) {
      activeExpireCycle(this.ks, this.expireRng, this.activeExpire, 'fast', this.expireParams());
    }
    this.persistence.beforeSleep();
    this.ensureCron();
  }

  private cron(): void {
    this.cronTimer = undefined;
    if (this.halted) return;
    if (this.activeExpireEnabled && this.ks.totalVolatileCount() > 0) {
      activeExpireCycle(this.ks, this.expireRng, this.activeExpire, 'slow', this.expireParams());
    } else if (this.ks.totalVolatileCount() === 0) {
      // What the next cycles would find: no volatile keys anywhere.
      this.activeExpire.avgTtlMs.fill(0);
    }
    this.persistence.cron();
    if (!this.halted && this.cronHasWork()) {
      this.cronTimer = this.sim.schedule(this.cronPeriodMs(), `redis:${this.name}:cron`, () => this.cron());
    }
  }

  private expireParams(): { nowMs: number; hz: number; effort: number } {
    return { nowMs: this.nowMs, hz: this.config.get('hz'), effort: this.config.get('active-expire-effort') };
  }

  /** serverCron's period: 1000 / hz, integer division as in C. */
  cronPeriodMs(): number {
    return Math.trunc(1000 / this.config.get('hz'));
  }

  get cronScheduled(): boolean {
    return this.cronTimer !== undefined;
  }

  // ---- stats and traces ---------------------------------------------------------

  /** afterErrorReply: total_error_replies and errorstat_<CODE>. */
  private countError(message: string): void {
    this.stats.totalErrorReplies++;
    const space = message.indexOf(' ');
    const code = space > 0 && space < 32 ? message.slice(0, space) : 'ERR';
    this.stats.errorCounts.set(code, (this.stats.errorCounts.get(code) ?? 0) + 1);
  }

  /** CONFIG RESETSTAT (resetServerStats). */
  resetStats(): void {
    this.stats.totalConnectionsReceived = 0;
    this.stats.totalCommandsProcessed = 0;
    this.stats.expiredKeys = 0;
    this.stats.totalErrorReplies = 0;
    this.stats.errorCounts.clear();
    this.ks.hits = 0;
    this.ks.misses = 0;
    this.activeExpire.expiredStalePerc = 0;
    this.activeExpire.timeCapReachedCount = 0;
  }

  traceFlush(db: number): void {
    this.sim.trace.emit('redis.flush', { server: this.name, db });
  }

  traceConfigSet(pairs: readonly (readonly [string, string])[]): void {
    for (const [name, value] of pairs) this.sim.trace.emit('redis.config', { server: this.name, name, value: toUtf8(value) });
  }

  /** Number of databases (always 16, as `databases` is immutable). */
  get databases(): number {
    return DB_COUNT;
  }
}

function hexId(rng: Rng): string {
  let out = '';
  for (let i = 0; i < 40; i++) out += '0123456789abcdef'[rng.int(0, 15)];
  return out;
}
