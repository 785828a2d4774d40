/**
 * Ziplist (ziplist.c), read-only: the compact encoding that RDB files from
 * Redis 3.2 to 6.2 use inside list (10, 14), sorted set (12) and hash (13)
 * values. Redis 7.0 converts them to listpacks while loading and never writes
 * them, so there is no encoder here.
 *
 *   <zlbytes u32le> <zltail u32le> <zllen u16le> <entry>* <0xFF>
 *   entry = <prevlen: 1 byte < 254, or 0xFE + u32le> <encoding> <data>
 *   encoding: 00pppppp | 01pppppp qqqqqqqq (BE) | 10000000 + u32be  -> string length
 *             0xC0 int16 | 0xD0 int32 | 0xE0 int64 | 0xF0 int24 | 0xFE int8 (LE)
 *             0xF1..0xFD immediate 0..12
 */

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

/**
 * Decodes a ziplist with ziplistValidateIntegrity's checks (header sizes,
 * entries inside the blob, prevlen chain, tail offset, count unless it
 * saturated at 65535). Returns null when invalid.
 */
export function decodeZiplist(bytes: Uint8Array, start = 0, end = bytes.length): string[] | null {
  const size = end - start;
  const HEADER = 10;
  if (size < HEADER + 1) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, size);
  if (view.getUint32(0, true) !== size) return null;
  const tail = view.getUint32(4, true);
  const count = view.getUint16(8, true);
  if (view.getUint8(size - 1) !== 0xff) return null;
  const out: string[] = [];
  let p = HEADER;
  let prevEntryLen = 0;
  let lastEntry = HEADER;
  while (p < size - 1) {
    let prevlen: number;
    let h: number;
    if (view.getUint8(p) < 254) {
      prevlen = view.getUint8(p);
      h = 1;
    } else {
      if (p + 5 > size - 1) return null;
      prevlen = view.getUint32(p + 1, true);
      h = 5;
    }
    if (prevlen !== prevEntryLen) return null;
    const e = p + h;
    if (e >= size - 1) return null;
    const b = view.getUint8(e);
    let dataStart: number;
    let dataLen: number;
    let value: string | null = null;
    if (b >> 6 === 0) {
      dataStart = e + 1;
      dataLen = b & 0x3f;
    } else if (b >> 6 === 1) {
      if (e + 2 > size - 1) return null;
      dataStart = e + 2;
      dataLen = ((b & 0x3f) << 8) | view.getUint8(e + 1);
    } else if (b === 0x80) {
      if (e + 5 > size - 1) return null;
      dataStart = e + 5;
      dataLen = view.getUint32(e + 1, false);
    } else {
      dataStart = e + 1;
      if (b === 0xc0) dataLen = 2;
      else if (b === 0xd0) dataLen = 4;
      else if (b === 0xe0) dataLen = 8;
      else if (b === 0xf0) dataLen = 3;
      else if (b === 0xfe) dataLen = 1;
      else if (b >= 0xf1 && b <= 0xfd) dataLen = 0;
      else return null;
      if (dataStart + dataLen > size - 1) return null;
      if (b === 0xc0) value = String(view.getInt16(dataStart, true));
      else if (b === 0xd0) value = String(view.getInt32(dataStart, true));
      else if (b === 0xe0) value = String(view.getBigInt64(dataStart, true));
      else if (b === 0xf0) {
        const u = view.getUint8(dataStart) | (view.getUint8(dataStart + 1) << 8) | (view.getUint8(dataStart + 2) << 16);
        value = String(u >= 1 << 23 ? u - (1 << 24) : u);
      } else if (b === 0xfe) value = String(view.getInt8(dataStart));
      else value = String((b & 0x0f) - 1);
    }
    if (dataStart + dataLen > size - 1) return null;
    if (value === null) value = latin1(bytes, start + dataStart, start + dataStart + dataLen);
    out.push(value);
    lastEntry = p;
    prevEntryLen = dataStart + dataLen - p;
    p = dataStart + dataLen;
  }
  if (p !== size - 1) return null;
  if (out.length > 0 ? tail !== lastEntry : tail !== HEADER) return null;
  if (count !== 0xffff && count !== out.length) return null;
  return out;
}
