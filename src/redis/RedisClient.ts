/**
 * A client connection to a simulated RedisServer: its selected database and
 * its MULTI state (multi.c's mstate), and the two ways to talk to the
 * server.
 *
 *   client.call('HSET', 'offsets', 'p0', '42')       one command, one reply
 *   client.pipeline([['MULTI'], ['INCR', 'n'], ['EXEC']])
 *                                                     a batch, its replies
 *
 * A batch is what one read from the socket delivers to Redis: the server
 * processes every command of it, then runs beforeSleep (where the AOF is
 * written) once, then the replies go out. That is Jedis's `pipelined()` and
 * ioredis's `pipeline()`. `call` is a batch of one.
 *
 * Arguments are binary strings (RedisValue.ts); text with characters above
 * U+00FF must go through `fromUtf8` first. Replies are values, errors
 * included: nothing here throws for a Redis error.
 */
import { assert } from '../sim/assert';
import type { Command } from './command';
import type { RedisServer } from './RedisServer';
import type { RedisString } from './RedisValue';
import type { Reply } from './reply';

export interface QueuedCommand {
  readonly command: Command;
  readonly argv: readonly RedisString[];
}

export class RedisClient {
  /** The SELECTed database. */
  db = 0;
  /** CLIENT_MULTI: between MULTI and EXEC/DISCARD. */
  inMulti = false;
  /** CLIENT_DIRTY_EXEC: a command was refused while queueing; EXEC will abort. */
  multiDirty = false;
  /** mstate.cmd_flags: the union of the queued commands' flags. */
  multiFlags = 0;
  readonly queue: QueuedCommand[] = [];
  private closed = false;

  constructor(
    private readonly server: RedisServer,
    readonly id: number,
    /** A local connection (unix socket, loopback), for enable-protected-configs local. */
    readonly local: boolean,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  call(...argv: RedisString[]): Reply {
    return this.pipeline([argv])[0]!;
  }

  pipeline(commands: readonly (readonly RedisString[])[]): Reply[] {
    assert(!this.closed, () => `client ${this.id}: pipeline on a closed connection`);
    return this.server.executeBatch(this, commands);
  }

  /** discardTransaction: leave MULTI, drop the queue. */
  discardTransaction(): void {
    this.queue.length = 0;
    this.inMulti = false;
    this.multiDirty = false;
    this.multiFlags = 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.discardTransaction();
    this.server.clientClosed(this);
  }
}
