/**
 * Steps for the application's own offset store and its start-up correction
 * (the plain map here; the Redis-backed store builds on the same steps).
 */
import { correctOffsets, type PartitionDecision } from '../../app/offsetCorrection';
import { topicPartitionName } from '../../broker/UnifiedLog';
import type { TraceValue } from '../../sim/Trace';
import { formatDuration, formatInstant } from '../duration';
import { defineStep } from '../Step';
import { StepFailure } from './kafkaSteps';

export const storeOffsetStep = defineStep<{ group: string; topic: string; partition?: number; offset: number }>({
  kind: 'store-offset',
  summary: "write a group's next offset for a partition into the application's offset store",
  fields: {
    group: { type: 'string', required: true, description: 'consumer group' },
    topic: { type: 'string', required: true, description: 'topic' },
    partition: { type: 'integer', min: 0, description: 'partition (default 0)' },
    offset: { type: 'integer', required: true, min: 0, description: 'the next offset to read' },
  },
  describe: (a) => `Store offset ${a.offset} for group ${a.group} on ${a.topic}-${a.partition ?? 0}`,
  run: (world, a) => world.storeOffset(a.group, a.topic, a.partition ?? 0, a.offset),
});

interface CorrectArgs {
  group: string;
  topic: string;
  'out-of-range'?: 'earliest' | 'latest';
  'start-ago'?: number;
  'start-at'?: number;
  apply?: boolean;
  as?: string;
}

export const correctOffsetsStep = defineStep<CorrectArgs>({
  kind: 'correct-offsets',
  summary: 'turn stored offsets into start offsets at job start-up, with a per-partition report of each decision',
  fields: {
    group: { type: 'string', required: true, description: 'consumer group' },
    topic: { type: 'string', required: true, description: 'topic' },
    'out-of-range': { type: 'string', choices: ['earliest', 'latest'], description: 'where to go when retention deleted the stored offset (default earliest)' },
    'start-ago': { type: 'duration', description: 'ignore stored offsets and start from this long ago (offsetsForTimes)' },
    'start-at': { type: 'instant', description: 'ignore stored offsets and start from this instant (offsetsForTimes)' },
    apply: { type: 'boolean', description: 'store the corrected offsets (default true)' },
    as: { type: 'string', description: 'save the report under this name' },
  },
  check: (a) => (a['start-ago'] !== undefined && a['start-at'] !== undefined ? ["give at most one of 'start-ago' and 'start-at'"] : []),
  describe: (a) =>
    `Correct the offsets group ${a.group} stored for ${a.topic}` +
    (a['start-ago'] !== undefined ? `, starting from ${formatDuration(a['start-ago'])} ago` : a['start-at'] !== undefined ? `, starting from ${formatInstant(a['start-at'])}` : ''),
  run: (world, a) => {
    const topic = world.kafka.topic(a.topic);
    if (topic === undefined) throw new StepFailure(`topic '${a.topic}' does not exist`);
    const partitions = topic.partitions.map((p) => {
      // The correction lists the log start and the high watermark, as the job's start-up does (StreamJob).
      if (!p.hasLeader) throw new StepFailure(`cannot list the offsets of ${topicPartitionName(p.topicPartition)}: it has no available leader`);
      const log = p.leaderLog();
      return { partition: p.topicPartition.partition, logStartOffset: log.logStartOffset, highWatermark: log.highWatermark };
    });
    const startFromMs = a['start-ago'] !== undefined ? world.nowMs - a['start-ago'] : a['start-at'];
    const decisions = correctOffsets({
      topic: a.topic,
      stored: world.storedOffsetsFor(a.group, a.topic),
      partitions,
      outOfRange: a['out-of-range'] ?? 'earliest',
      startFromMs,
      offsetForTime: (partition, timestampMs) => {
        const r = world.kafka.listOffsets({ topic: a.topic, partition }, timestampMs);
        return r.error !== null || r.offset < 0 ? null : r.offset;
      },
    });
    const report: { [key: string]: TraceValue } = {};
    for (const d of decisions) {
      const name = topicPartitionName({ topic: a.topic, partition: d.partition });
      world.sim.trace.emit('offsets.correct', { group: a.group, partition: name, ...decisionFields(d) });
      world.say('detail', `${name}: ${d.warning ? 'WARNING: ' : ''}${d.action} → ${d.startOffset ?? '-'}: ${d.reason}`);
      report[name] = decisionFields(d);
      if ((a.apply ?? true) && d.startOffset !== null) world.storeOffset(a.group, a.topic, d.partition, d.startOffset);
    }
    report.skipped = decisions.reduce((sum, d) => sum + d.skipped, 0);
    report.reread = decisions.reduce((sum, d) => sum + d.reread, 0);
    // Records passed over because the log no longer had them (or by the
    // latest policy) were never processed: lost. A start time before the
    // stored offset re-reads records: duplicated.
    world.count('lost', decisions.filter((d) => d.action.startsWith('reset-')).reduce((sum, d) => sum + d.skipped, 0));
    world.count('duplicated', decisions.reduce((sum, d) => sum + d.reread, 0));
    world.saveResult(a.as, report);
  },
});

function decisionFields(d: PartitionDecision): { [key: string]: TraceValue } {
  return {
    stored: d.stored,
    logStartOffset: d.logStartOffset,
    highWatermark: d.highWatermark,
    startOffset: d.startOffset,
    action: d.action,
    skipped: d.skipped,
    reread: d.reread,
    reason: d.reason,
  };
}
