/**
 * Start-up offset correction, as the common "offsets in Redis" stream job
 * does it, plus the cases that job misses.
 *
 * Input: the offsets an application stored for a topic (partition ⇒ next
 * offset to read), and what the cluster says about each partition now
 * (logStartOffset and high watermark, plus an offsetsForTimes lookup). Output:
 * for every partition, where to start and why — a report a human can read,
 * so no decision is silent:
 *   - stored offset inside [logStartOffset, HW]: keep it;
 *   - below logStartOffset (retention deleted it): earliest, or latest by
 *     policy, counting the records skipped (never processed, now gone or
 *     passed over);
 *   - missing (the topic grew, or the job never stored one): earliest;
 *   - above the high watermark (topic deleted and recreated, or an unclean
 *     election truncated the log): clamp to the end and warn;
 *   - stored for a partition that no longer exists: reported, not dropped;
 *   - a start time instead of stored offsets: offsetsForTimes, or the end of
 *     the log when no record is that recent, said so.
 * Pure: no clock, no I/O; the caller supplies the lookups.
 *
 * `mode: 'tutorial'` reproduces the correction of the common tutorial program
 * (getEffectiveOffsets) exactly, to show what it misses: it only raises an
 * offset below the earliest to the earliest and starts missing partitions at
 * the earliest; an offset beyond the end, or stored for a partition that is
 * gone, is kept as it is. From a start time it takes max(stored, the time's
 * offset), and skips partitions for which offsetsForTimes gave null.
 */

export type OutOfRangePolicy = 'earliest' | 'latest';

export type CorrectionAction =
  | 'keep'
  | 'reset-to-earliest'
  | 'reset-to-latest'
  | 'start-at-earliest'
  | 'clamp-to-end'
  | 'from-time'
  | 'end-no-record-after-time'
  | 'partition-gone'
  /** Tutorial mode: an offset the tutorial keeps although it cannot be read. */
  | 'keep-unchecked';

export interface PartitionOffsets {
  readonly partition: number;
  readonly logStartOffset: number;
  readonly highWatermark: number;
}

export interface PartitionDecision {
  readonly partition: number;
  readonly stored: number | null;
  readonly logStartOffset: number | null;
  readonly highWatermark: number | null;
  /** Where consumption starts; null for a partition that no longer exists. */
  readonly startOffset: number | null;
  readonly action: CorrectionAction;
  /** Records between the stored offset and the start offset that will never be read. */
  readonly skipped: number;
  /** Records that will be read a second time (start below the stored offset). */
  readonly reread: number;
  readonly warning: boolean;
  readonly reason: string;
}

export interface CorrectionInput {
  readonly topic: string;
  readonly stored: ReadonlyMap<number, number>;
  readonly partitions: readonly PartitionOffsets[];
  readonly outOfRange: OutOfRangePolicy;
  /** `complete` (default) or the tutorial program's own rules. */
  readonly mode?: 'complete' | 'tutorial';
  /** Start from this instant instead of the stored offsets. */
  readonly startFromMs?: number;
  /** offsetsForTimes for one partition: the first offset at or after the time, or null. */
  readonly offsetForTime?: (partition: number, timestampMs: number) => number | null;
}

export function correctOffsets(input: CorrectionInput): PartitionDecision[] {
  const decisions: PartitionDecision[] = [];
  const existing = new Set(input.partitions.map((p) => p.partition));
  const tutorial = input.mode === 'tutorial';
  for (const p of [...input.partitions].sort((a, b) => a.partition - b.partition)) {
    const stored = input.stored.get(p.partition) ?? null;
    if (tutorial) decisions.push(input.startFromMs !== undefined ? tutorialFromTime(input, p, stored, input.startFromMs) : tutorialFromStored(input, p, stored));
    else decisions.push(input.startFromMs !== undefined ? fromTime(input, p, stored, input.startFromMs) : fromStored(input, p, stored));
  }
  for (const [partition, stored] of [...input.stored].sort((a, b) => a[0] - b[0])) {
    if (existing.has(partition)) continue;
    if (tutorial) {
      decisions.push({
        partition,
        stored,
        logStartOffset: null,
        highWatermark: null,
        startOffset: stored,
        action: 'keep-unchecked',
        skipped: 0,
        reread: 0,
        warning: false,
        reason: `the tutorial keeps offset ${stored} for ${input.topic}-${partition} without noticing the partition no longer exists`,
      });
      continue;
    }
    decisions.push({
      partition,
      stored,
      logStartOffset: null,
      highWatermark: null,
      startOffset: null,
      action: 'partition-gone',
      skipped: 0,
      reread: 0,
      warning: true,
      reason: `an offset (${stored}) is stored for ${input.topic}-${partition}, which no longer exists (topic deleted or recreated with fewer partitions)`,
    });
  }
  return decisions;
}

function fromStored(input: CorrectionInput, p: PartitionOffsets, stored: number | null): PartitionDecision {
  const base = { partition: p.partition, stored, logStartOffset: p.logStartOffset, highWatermark: p.highWatermark };
  const tp = `${input.topic}-${p.partition}`;
  if (stored === null) {
    return {
      ...base,
      startOffset: p.logStartOffset,
      action: 'start-at-earliest',
      skipped: 0,
      reread: 0,
      warning: false,
      reason: `no offset stored for ${tp} (a new partition, or never consumed): start at the earliest offset ${p.logStartOffset}`,
    };
  }
  if (stored < p.logStartOffset) {
    const latest = input.outOfRange === 'latest';
    const start = latest ? p.highWatermark : p.logStartOffset;
    return {
      ...base,
      startOffset: start,
      action: latest ? 'reset-to-latest' : 'reset-to-earliest',
      skipped: start - stored,
      reread: 0,
      warning: true,
      reason:
        `stored offset ${stored} is below logStartOffset ${p.logStartOffset}: retention deleted records ${stored}..${p.logStartOffset - 1} before they were read; ` +
        (latest
          ? `reset to the latest offset ${start}, skipping ${start - stored} record(s) in all`
          : `reset to the earliest offset ${start}; ${p.logStartOffset - stored} record(s) were lost`),
    };
  }
  if (stored > p.highWatermark) {
    return {
      ...base,
      startOffset: p.highWatermark,
      action: 'clamp-to-end',
      skipped: 0,
      reread: 0,
      warning: true,
      reason: `stored offset ${stored} is beyond the end of ${tp} (${p.highWatermark}): the log was truncated or the topic recreated; clamped to the end, and records written since will be read as new`,
    };
  }
  return { ...base, startOffset: stored, action: 'keep', skipped: 0, reread: 0, warning: false, reason: `stored offset ${stored} is within [${p.logStartOffset}, ${p.highWatermark}]: keep it` };
}

function fromTime(input: CorrectionInput, p: PartitionOffsets, stored: number | null, startFromMs: number): PartitionDecision {
  const base = { partition: p.partition, stored, logStartOffset: p.logStartOffset, highWatermark: p.highWatermark };
  const found = input.offsetForTime?.(p.partition, startFromMs) ?? null;
  const start = found ?? p.highWatermark;
  const skipped = stored === null ? 0 : Math.max(0, start - Math.max(stored, p.logStartOffset));
  const reread = stored === null ? 0 : Math.max(0, Math.min(stored, p.highWatermark) - start);
  if (found === null) {
    return {
      ...base,
      startOffset: start,
      action: 'end-no-record-after-time',
      skipped,
      reread,
      warning: false,
      reason: `no record in ${input.topic}-${p.partition} at or after the start time (offsetsForTimes gave null): start at the end, ${start}`,
    };
  }
  return {
    ...base,
    startOffset: start,
    action: 'from-time',
    skipped,
    reread,
    warning: false,
    reason: `offsetsForTimes gave ${found}, the first record at or after the start time` + (reread > 0 ? `; ${reread} record(s) before the stored offset will be read again` : ''),
  };
}

/** The tutorial's getEffectiveOffsets: only the lower bound and missing partitions. */
function tutorialFromStored(input: CorrectionInput, p: PartitionOffsets, stored: number | null): PartitionDecision {
  if (stored === null || stored < p.logStartOffset) return fromStored({ ...input, outOfRange: 'earliest' }, p, stored);
  if (stored <= p.highWatermark) return fromStored(input, p, stored);
  return {
    partition: p.partition,
    stored,
    logStartOffset: p.logStartOffset,
    highWatermark: p.highWatermark,
    startOffset: stored,
    action: 'keep-unchecked',
    skipped: 0,
    reread: 0,
    warning: false,
    reason: `the tutorial keeps stored offset ${stored} because it is not below the earliest offset ${p.logStartOffset}; it never compares it with the end (${p.highWatermark})`,
  };
}

/** The tutorial's getEffectiveOffsets_SpecifiedTime: max(stored, offsetsForTimes), null partitions skipped. */
function tutorialFromTime(input: CorrectionInput, p: PartitionOffsets, stored: number | null, startFromMs: number): PartitionDecision {
  const found = input.offsetForTime?.(p.partition, startFromMs) ?? null;
  const base = { partition: p.partition, stored, logStartOffset: p.logStartOffset, highWatermark: p.highWatermark, skipped: 0, reread: 0, warning: false };
  if (found === null) {
    return stored === null
      ? { ...base, startOffset: p.logStartOffset, action: 'start-at-earliest', reason: `offsetsForTimes gave null and nothing is stored: the tutorial leaves the partition to auto.offset.reset=earliest (${p.logStartOffset})` }
      : { ...base, startOffset: stored, action: 'keep-unchecked', reason: `offsetsForTimes gave null: the tutorial silently keeps the stored offset ${stored}` };
  }
  if (stored === null || stored < found) {
    return { ...base, startOffset: found, action: 'from-time', skipped: stored === null ? 0 : Math.max(0, found - stored), reason: `offsetsForTimes gave ${found}; the tutorial takes it over the stored ${stored ?? 'nothing'}` };
  }
  return { ...base, startOffset: stored, action: 'keep', reason: `the tutorial keeps the stored ${stored}, later than offsetsForTimes' ${found}` };
}
