/**
 * The `replication-offset-checkpoint` file: every partition's high watermark,
 * written every `replica.high.watermark.checkpoint.interval.ms` (5000) and
 * read back when the broker restarts (ReplicaManager.checkpointHighWatermarks,
 * OffsetCheckpointFile). Its lag behind the real high watermark is what
 * KIP-101's scenarios turn into data loss under high-watermark truncation.
 *
 * The format is Kafka's, in text:
 *
 *   0                      version
 *   2                      number of entries
 *   orders 0 42            topic partition offset
 *   orders 1 17
 *
 * Written as Kafka's CheckpointFile does: to `<file>.tmp`, fsync, rename over
 * the file, fsync the directory; so a power loss leaves the old or the new
 * file, never a torn one.
 */
import { assert } from '../sim/assert';
import type { SimDisk } from '../sim/SimDisk';

export const HW_CHECKPOINT_FILE = 'replication-offset-checkpoint';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeHighWatermarks(entries: ReadonlyMap<string, number>): string {
  const lines = ['0', String(entries.size)];
  for (const [name, offset] of [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const dash = name.lastIndexOf('-');
    lines.push(`${name.slice(0, dash)} ${name.slice(dash + 1)} ${offset}`);
  }
  return lines.join('\n') + '\n';
}

export function decodeHighWatermarks(text: string): Map<string, number> {
  const lines = text.split('\n').filter((l) => l.length > 0);
  assert(lines[0] === '0', () => `${HW_CHECKPOINT_FILE}: unknown version ${JSON.stringify(lines[0])}`);
  const count = Number(lines[1]);
  assert(Number.isInteger(count) && lines.length === count + 2, () => `${HW_CHECKPOINT_FILE}: expected ${lines[1]} entries, found ${lines.length - 2}`);
  const out = new Map<string, number>();
  for (const line of lines.slice(2)) {
    const [topic, partition, offset] = line.split(' ');
    assert(topic !== undefined && partition !== undefined && offset !== undefined, () => `${HW_CHECKPOINT_FILE}: malformed line ${JSON.stringify(line)}`);
    out.set(`${topic}-${partition}`, Number(offset));
  }
  return out;
}

export function writeHighWatermarkCheckpoint(disk: SimDisk, dir: string, entries: ReadonlyMap<string, number>): void {
  const path = `${dir}/${HW_CHECKPOINT_FILE}`;
  const temp = `${path}.tmp`;
  const handle = disk.open(temp, { create: true, truncate: true });
  disk.append(handle, encoder.encode(encodeHighWatermarks(entries)));
  disk.fsync(handle);
  disk.rename(temp, path);
  disk.fsyncDir(dir);
}

export function readHighWatermarkCheckpoint(disk: SimDisk, dir: string): Map<string, number> {
  const path = `${dir}/${HW_CHECKPOINT_FILE}`;
  if (!disk.exists(path)) return new Map();
  return decodeHighWatermarks(decoder.decode(disk.readFile(path)));
}
