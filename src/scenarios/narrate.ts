/**
 * Narration of trace records: the sentence a learner reads for each thing
 * the simulated systems did. Records without a sentence are not narrated
 * (they are still in the JSONL trace). `verbose` sentences (every append,
 * every index entry) are shown only with --verbose.
 */
import type { TraceRecord } from '../sim/Trace';
import { formatDuration, formatInstant } from './duration';

/** A sentence, or null when this record is not worth one (a narrator may decide per record). */
type Narrator = (record: TraceRecord) => string | null;

const narrators = new Map<string, { narrate: Narrator; verbose: boolean }>();

export function defineNarration(type: string, narrate: Narrator, options: { verbose?: boolean } = {}): void {
  narrators.set(type, { narrate, verbose: options.verbose ?? false });
}

/** The sentence for a record, or null when it is not narrated at this verbosity. */
export function narrate(record: TraceRecord, verbose: boolean): string | null {
  const narrator = narrators.get(record.type);
  if (narrator === undefined || (narrator.verbose && !verbose)) return null;
  return narrator.narrate(record);
}

const n = (r: TraceRecord, k: string): number => r[k] as number;
const s = (r: TraceRecord, k: string): string => String(r[k]);
const segmentFile = (offset: number): string => String(offset).padStart(20, '0');

defineNarration('topic.create', (r) => `topic ${s(r, 'topic')} created: ${n(r, 'partitions')} partition(s), replication factor ${n(r, 'replicationFactor')}`);
defineNarration('topic.add-partitions', (r) => `topic ${s(r, 'topic')} grew from ${n(r, 'from')} to ${n(r, 'to')} partitions`);
defineNarration('topic.delete', (r) => `topic ${s(r, 'topic')} deleted`);
defineNarration(
  'log.append',
  (r) => `${s(r, 'partition')}: appended offsets ${n(r, 'firstOffset')}..${n(r, 'lastOffset')} (${n(r, 'bytes')} bytes) at position ${n(r, 'position')} of segment ${segmentFile(n(r, 'segment'))}`,
  { verbose: true },
);
defineNarration(
  'log.index',
  (r) =>
    s(r, 'index') === 'offset'
      ? `${s(r, 'partition')}: offset index entry (offset ${n(r, 'offset')} → position ${n(r, 'position')}) in segment ${segmentFile(n(r, 'segment'))}`
      : `${s(r, 'partition')}: time index entry (${formatInstant(n(r, 'timestampMs'))} → offset ${n(r, 'offset')}) in segment ${segmentFile(n(r, 'segment'))}`,
  { verbose: true },
);
defineNarration(
  'log.roll',
  (r) => `${s(r, 'partition')}: rolled a new segment ${segmentFile(n(r, 'newSegment'))} (${s(r, 'reason')}); segment ${segmentFile(n(r, 'closedSegment'))} closed at ${n(r, 'closedSizeBytes')} bytes`,
);
defineNarration('log.segment.deleted', (r) => {
  const age = r.t - n(r, 'largestTimestampMs');
  const why =
    s(r, 'reason') === 'retention.ms'
      ? `its newest record is ${formatDuration(age)} old > retention.ms ${n(r, 'retentionMs')} (${formatDuration(n(r, 'retentionMs'))})`
      : s(r, 'reason');
  return `${s(r, 'partition')}: retention deleted segment ${segmentFile(n(r, 'segment'))} (offsets ${n(r, 'segment')}..${n(r, 'nextOffset') - 1}, ${n(r, 'sizeBytes')} bytes): ${why}; files renamed .deleted`;
});
defineNarration('log.segment.files-removed', (r) => `${s(r, 'partition')}: removed the .deleted files of segment ${segmentFile(n(r, 'segment'))} (file.delete.delay.ms passed)`, { verbose: true });
defineNarration('log.start-offset', (r) => `${s(r, 'partition')}: logStartOffset ${n(r, 'from')} → ${n(r, 'to')} (${s(r, 'reason')})`);
defineNarration('log.truncate', (r) => `${s(r, 'partition')} on broker ${n(r, 'broker')}: truncated log end ${n(r, 'from')} → ${n(r, 'to')}`);
defineNarration('log.flush', (r) => `${s(r, 'partition')} on broker ${n(r, 'broker')}: flushed offsets ${n(r, 'from')}..${n(r, 'to') - 1} to disk`, { verbose: true });
defineNarration(
  'log.recover',
  (r) => `${s(r, 'partition')} on broker ${n(r, 'broker')}: log recovery: log end ${n(r, 'logEndOffsetBefore')} → ${n(r, 'logEndOffset')}, ${n(r, 'lostRecords')} record(s) lost, high watermark ${n(r, 'highWatermark')}`,
);
defineNarration('offsets.store', (r) => `offset store: group ${s(r, 'group')} ${s(r, 'topic')}-${n(r, 'partition')} = ${n(r, 'offset')}`, { verbose: true });
