/**
 * A raw RESP2 connection to a real redis-server, for differential tests.
 *
 * ioredis folds simple strings and bulk strings into one JS string and turns
 * error replies into exceptions; comparing faultline with Redis needs the
 * wire shapes themselves (a +OK is not a $2 OK, a $-1 is not a *-1). So this
 * writes commands as RESP arrays and parses replies into faultline's `Reply`
 * type, byte for byte (latin1 both ways, as RedisValue.ts's binary strings).
 * A pipeline is one socket write of every command, then as many replies.
 */
import { connect, type Socket } from 'node:net';
import type { Reply } from '../../../src/redis/reply';

export class RespConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { count: number; replies: Reply[]; resolve: (r: Reply[]) => void; reject: (e: Error) => void } | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    socket.on('error', (e) => this.waiting?.reject(e));
  }

  static open(path: string): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ path }, () => resolve(new RespConnection(socket)));
      socket.once('error', reject);
    });
  }

  pipeline(commands: readonly (readonly string[])[]): Promise<Reply[]> {
    if (this.waiting !== null) throw new Error('RespConnection: one pipeline at a time');
    return new Promise((resolve, reject) => {
      this.waiting = { count: commands.length, replies: [], resolve, reject };
      let out = '';
      for (const argv of commands) {
        out += `*${argv.length}\r\n`;
        for (const arg of argv) out += `$${arg.length}\r\n${arg}\r\n`;
      }
      this.socket.write(Buffer.from(out, 'latin1'));
      this.drain();
    });
  }

  call(...argv: string[]): Promise<Reply> {
    return this.pipeline([argv]).then((r) => r[0]!);
  }

  close(): void {
    this.socket.destroy();
  }

  private drain(): void {
    const w = this.waiting;
    if (w === null) return;
    while (w.replies.length < w.count) {
      const parsed = parseReply(this.buffer, 0);
      if (parsed === null) return;
      w.replies.push(parsed.reply);
      this.buffer = this.buffer.subarray(parsed.end);
    }
    this.waiting = null;
    w.resolve(w.replies);
  }
}

/** One reply starting at `pos`, or null when the buffer holds only part of it. */
export function parseReply(buf: Buffer, pos: number): { reply: Reply; end: number } | null {
  const lineEnd = buf.indexOf('\r\n', pos, 'latin1');
  if (lineEnd < 0) return null;
  const type = String.fromCharCode(buf[pos]!);
  const line = buf.toString('latin1', pos + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { reply: { kind: 'simple', value: line }, end: next };
    case '-':
      return { reply: { kind: 'error', message: line }, end: next };
    case ':': {
      const big = BigInt(line);
      const value = big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      return { reply: { kind: 'integer', value }, end: next };
    }
    case '$': {
      const length = Number(line);
      if (length < 0) return { reply: { kind: 'nullBulk' }, end: next };
      if (buf.length < next + length + 2) return null;
      return { reply: { kind: 'bulk', value: buf.toString('latin1', next, next + length) }, end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { reply: { kind: 'nullArray' }, end: next };
      const items: Reply[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, at);
        if (item === null) return null;
        items.push(item.reply);
        at = item.end;
      }
      return { reply: { kind: 'array', items }, end: at };
    }
    default:
      throw new Error(`RESP: unexpected type byte ${JSON.stringify(type)}`);
  }
}
