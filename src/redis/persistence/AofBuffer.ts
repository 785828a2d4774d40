/**
 * aof_buf: the bytes feedAppendOnlyFile accumulated since the last write to
 * the AOF, encoded straight into a growable byte array as
 * catAppendOnlyGenericCommand writes them (`*<argc>\r\n` then per argument
 * `$<len>\r\n<bytes>\r\n`). Arguments are binary strings (one byte per
 * char), so encoding is a copy of char codes; no intermediate strings on
 * the command path.
 */
import { assert } from '../../sim/assert';

const CR = 13;
const LF = 10;

export class AofBuffer {
  private bytes = Buffer.allocUnsafe(4096);
  private used = 0;

  get length(): number {
    return this.used;
  }

  /** The buffered bytes; valid until the next change. */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.used);
  }

  clear(): void {
    this.used = 0;
  }

  /** Drop the first `n` bytes (a partial write went out). */
  consume(n: number): void {
    assert(n >= 0 && n <= this.used, () => `AofBuffer.consume(${n}) of ${this.used}`);
    this.bytes.copyWithin(0, n, this.used);
    this.used -= n;
  }

  /** Raw text, one byte per char (SELECT, #TS annotations). */
  appendText(text: string): void {
    this.reserve(text.length);
    this.used += this.bytes.write(text, this.used, 'latin1');
  }

  /** One command as RESP multibulk. */
  appendCommand(argv: readonly string[]): void {
    let size = 16;
    for (let i = 0; i < argv.length; i++) size += argv[i]!.length + 16;
    this.reserve(size);
    const b = this.bytes;
    let p = this.used;
    b[p++] = 0x2a; // '*'
    p = writeDecimal(b, p, argv.length);
    b[p++] = CR;
    b[p++] = LF;
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      const n = a.length;
      b[p++] = 0x24; // '$'
      p = writeDecimal(b, p, n);
      b[p++] = CR;
      b[p++] = LF;
      if (n <= 64) {
        for (let j = 0; j < n; j++) b[p++] = a.charCodeAt(j);
      } else {
        p += b.write(a, p, n, 'latin1');
      }
      b[p++] = CR;
      b[p++] = LF;
    }
    this.used = p;
  }

  private reserve(n: number): void {
    if (this.used + n <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + n));
    this.bytes.copy(grown, 0, 0, this.used);
    this.bytes = grown;
  }
}

function writeDecimal(b: Buffer, p: number, value: number): number {
  if (value < 10) {
    b[p] = 0x30 + value;
    return p + 1;
  }
  const digits = String(value);
  for (let i = 0; i < digits.length; i++) b[p + i] = digits.charCodeAt(i);
  return p + digits.length;
}
