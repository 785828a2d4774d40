/**
 * A byte sink and a buffered writer over it, after Redis's rio (rio.h): the
 * same encoder writes to memory, to a simulated disk, or to a socket model.
 *
 * The writer fills fixed-size chunks and hands each full chunk to the sink
 * exactly once; a chunk handed over is never written again, so a sink may
 * keep it without copying. It can keep a running CRC-64 of everything
 * written (rio's update_cksum), which RDB files need for their trailer.
 */
import { Crc64 } from './crc64';

export interface ByteSink {
  /** Receives the next bytes of the stream; ownership passes to the sink. */
  write(chunk: Uint8Array): void;
}

/** Collects chunks in memory; `bytes()` joins them once. */
export class MemorySink implements ByteSink {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  write(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  bytes(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.length);
    let p = 0;
    for (const c of this.chunks) {
      out.set(c, p);
      p += c.length;
    }
    return out;
  }
}

const DEFAULT_CHUNK_BYTES = 256 * 1024;

export class RioWriter {
  private buf: Buffer;
  private pos = 0;
  private flushedBytes = 0;
  private readonly crc: Crc64 | null;

  constructor(
    private readonly sink: ByteSink,
    options: { checksum: boolean; chunkBytes?: number },
  ) {
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.buf = Buffer.allocUnsafe(this.chunkBytes);
    this.crc = options.checksum ? new Crc64() : null;
  }

  private readonly chunkBytes: number;

  /** Bytes written so far (rio's processed_bytes). */
  get processedBytes(): number {
    return this.flushedBytes + this.pos;
  }

  /** Makes room for `n` contiguous bytes (n <= chunkBytes). */
  private ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.flush();
  }

  /**
   * Hot-path access: reserves `n` contiguous bytes (n <= chunkBytes) and
   * returns their offset in `buffer`, which the caller fills at once.
   */
  reserve(n: number): number {
    if (this.pos + n > this.buf.length) this.flush();
    const p = this.pos;
    this.pos = p + n;
    return p;
  }

  /** The current chunk; valid until the next write call. */
  get buffer(): Buffer {
    return this.buf;
  }

  /** Largest `n` that `reserve` accepts. */
  get maxReserveBytes(): number {
    return this.chunkBytes;
  }

  /** Hands the buffered bytes to the sink. */
  flush(): void {
    if (this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    this.crc?.update(chunk);
    this.sink.write(chunk);
    this.flushedBytes += this.pos;
    this.buf = Buffer.allocUnsafe(this.chunkBytes);
    this.pos = 0;
  }

  byte(b: number): void {
    if (this.pos >= this.buf.length) this.flush();
    this.buf[this.pos++] = b;
  }

  bytes(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    if (n <= this.chunkBytes) {
      this.ensure(n);
      this.buf.set(start === 0 && end === src.length ? src : src.subarray(start, end), this.pos);
      this.pos += n;
      return;
    }
    this.flush();
    const copy = src.slice(start, end);
    this.crc?.update(copy);
    this.sink.write(copy);
    this.flushedBytes += n;
  }

  /** A binary string, one byte per char. */
  latin1(s: string): void {
    const n = s.length;
    if (n <= 32) {
      this.ensure(n);
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
      this.pos = p;
      return;
    }
    if (n <= this.chunkBytes) {
      this.ensure(n);
      this.pos += this.buf.write(s, this.pos, n, 'latin1');
      return;
    }
    this.bytes(Buffer.from(s, 'latin1'));
  }

  /** ASCII text known to be short (lengths, numbers). */
  ascii(s: string): void {
    this.latin1(s);
  }

  u32be(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }

  u64be(v: number | bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64BE(BigInt(v), this.pos);
    this.pos += 8;
  }

  i64le(v: number | bigint): void {
    this.ensure(8);
    if (typeof v === 'number' && Number.isSafeInteger(v)) {
      const lo = v % 4294967296;
      const loU = lo < 0 ? lo + 4294967296 : lo;
      const hi = (v - loU) / 4294967296;
      this.buf.writeUInt32LE(loU, this.pos);
      this.buf.writeInt32LE(hi, this.pos + 4);
    } else {
      this.buf.writeBigInt64LE(BigInt(v), this.pos);
    }
    this.pos += 8;
  }

  f64le(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /**
   * Ends the stream with the running CRC-64 (little-endian, not itself
   * checksummed) or eight zero bytes without checksum, then flushes.
   */
  finishWithCrc64(): void {
    this.flush();
    const trailer = new Uint8Array(8);
    if (this.crc !== null) this.crc.writeLE(trailer, 0);
    this.sink.write(trailer);
    this.flushedBytes += 8;
  }

  /** Flushes what is buffered; the stream ends here. */
  finish(): void {
    this.flush();
  }
}
