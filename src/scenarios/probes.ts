/**
 * Probes: the quantities an `expect` step can check, written as a short
 * phrase — `logStartOffset events-0`, `partitions events`,
 * `storedOffset spark-job events-0`, or `<result>.<path>` for what an earlier
 * step saved with `as:` (e.g. `restart.error`, `correction.events-0.skipped`).
 */
import type { TraceValue } from '../sim/Trace';
import type { World } from './World';

export interface ProbeDefinition {
  readonly name: string;
  readonly usage: string;
  readonly arity: number;
  read(world: World, args: readonly string[]): TraceValue | undefined;
}

/** `events-0` ⇒ { topic: 'events', partition: 0 } (topic names may contain dashes). */
export function parseTopicPartition(text: string): { topic: string; partition: number } | null {
  const match = /^(.+)-(\d+)$/.exec(text);
  return match === null ? null : { topic: match[1]!, partition: Number(match[2]) };
}

const probes = new Map<string, ProbeDefinition>();

export function defineProbe(probe: ProbeDefinition): void {
  probes.set(probe.name, probe);
}

export function probeNames(): string[] {
  return [...probes.keys()].sort();
}

export function probeUsages(): string[] {
  return [...probes.values()].map((p) => p.usage).sort();
}

/** A parsed `that:` phrase: a probe with arguments, or a path into a saved result. */
export type ProbeRef = { kind: 'probe'; probe: ProbeDefinition; args: string[] } | { kind: 'result'; name: string; path: string[] };

export function parseProbe(text: string): ProbeRef | { error: string } {
  const words = text.trim().split(/\s+/);
  const head = words[0] ?? '';
  const probe = probes.get(head);
  if (probe !== undefined) {
    if (words.length - 1 !== probe.arity) return { error: `'${head}' takes ${probe.arity} argument(s): ${probe.usage}` };
    return { kind: 'probe', probe, args: words.slice(1) };
  }
  if (words.length === 1 && /^[A-Za-z_][\w-]*(\.[\w-]+)*$/.test(head)) {
    const [name, ...path] = head.split('.');
    return { kind: 'result', name: name!, path };
  }
  return { error: `'${text}' is neither a probe (${probeUsages().join('; ')}) nor a saved result path like 'name.field'` };
}

export function readProbe(world: World, ref: ProbeRef): { value: TraceValue | undefined; error?: string } {
  if (ref.kind === 'probe') return { value: ref.probe.read(world, ref.args) };
  let value: TraceValue | undefined = world.results.get(ref.name);
  if (value === undefined) return { value: undefined, error: `no result named '${ref.name}' was saved` };
  for (const key of ref.path) {
    if (value === null || typeof value !== 'object') return { value: undefined, error: `'${ref.name}.${ref.path.join('.')}': '${key}' is not in ${JSON.stringify(value)}` };
    const next: TraceValue | undefined = Array.isArray(value) ? (value as readonly TraceValue[])[Number(key)] : (value as { [k: string]: TraceValue })[key];
    if (next === undefined) return { value: undefined, error: `'${ref.name}.${ref.path.join('.')}': no field '${key}' (has ${Object.keys(value).join(', ')})` };
    value = next;
  }
  return { value };
}

function logOf(world: World, tpText: string) {
  const tp = parseTopicPartition(tpText);
  if (tp === null || !world.hasKafka) return undefined;
  const partition = world.kafka.partition(tp);
  return partition?.hasLeader ? partition.leaderLog() : undefined;
}

defineProbe({ name: 'logStartOffset', usage: 'logStartOffset <topic>-<partition>', arity: 1, read: (w, [tp]) => logOf(w, tp!)?.logStartOffset });
defineProbe({ name: 'logEndOffset', usage: 'logEndOffset <topic>-<partition>', arity: 1, read: (w, [tp]) => logOf(w, tp!)?.logEndOffset });
defineProbe({ name: 'highWatermark', usage: 'highWatermark <topic>-<partition>', arity: 1, read: (w, [tp]) => logOf(w, tp!)?.highWatermark });
defineProbe({ name: 'segments', usage: 'segments <topic>-<partition>', arity: 1, read: (w, [tp]) => logOf(w, tp!)?.logSegments.length });
defineProbe({
  name: 'partitions',
  usage: 'partitions <topic>',
  arity: 1,
  read: (w, [topic]) => (w.hasKafka ? w.kafka.topic(topic!)?.partitions.length : undefined),
});
defineProbe({
  name: 'storedOffset',
  usage: 'storedOffset <group> <topic>-<partition>',
  arity: 2,
  read: (w, [group, tpText]) => {
    const tp = parseTopicPartition(tpText!);
    return tp === null ? undefined : (w.storedOffsetsFor(group!, tp.topic).get(tp.partition) ?? null);
  },
});
defineProbe({ name: 'counter', usage: 'counter <name>', arity: 1, read: (w, [name]) => w.counters.get(name!) ?? 0 });
