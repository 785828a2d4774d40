/**
 * The trace: every meaningful event of a run as a structured record stamped
 * with simulated time. Serialised as JSON Lines with a stable key order
 * (`t`, `type`, then the other keys sorted), so the same scenario with the same
 * seed gives a byte-identical file.
 *
 * Records are kept as plain objects and serialised only on demand. Property
 * tests that run thousands of clusters turn recording off; `position` still
 * counts, so a checker can name "the 1234th event" either way.
 */
export type TraceValue = string | number | boolean | null | readonly TraceValue[] | { readonly [key: string]: TraceValue };

export interface TraceRecord {
  readonly t: number;
  readonly type: string;
  readonly [field: string]: TraceValue;
}

export type TraceListener = (record: TraceRecord, position: number) => void;

export class Trace {
  readonly records: TraceRecord[] = [];
  private count = 0;
  private readonly listeners: TraceListener[] = [];

  constructor(
    private readonly clock: { readonly nowMs: number },
    public recording = true,
  ) {}

  /** False when nobody would see a record: hot paths skip building one. */
  get active(): boolean {
    return this.recording || this.listeners.length > 0;
  }

  /** How many records have been emitted so far (recorded or not). */
  get position(): number {
    return this.count;
  }

  emit(type: string, fields: { readonly [field: string]: TraceValue } = {}): void {
    const position = this.count++;
    if (!this.recording && this.listeners.length === 0) return;
    const record: TraceRecord = { t: this.clock.nowMs, type, ...fields };
    if (this.recording) this.records.push(record);
    for (const listener of this.listeners) listener(record, position);
  }

  /** Follow records as they are emitted (the CLI narrates with this). */
  listen(listener: TraceListener): void {
    this.listeners.push(listener);
  }

  toJsonl(): string {
    let out = '';
    for (const record of this.records) out += serialiseRecord(record) + '\n';
    return out;
  }
}

export function serialiseRecord(record: TraceRecord): string {
  const { t, type, ...rest } = record;
  return `{"t":${JSON.stringify(t)},"type":${JSON.stringify(type)}${serialiseFields(rest, true)}}`;
}

function serialiseFields(fields: { readonly [key: string]: TraceValue }, leadingComma: boolean): string {
  let out = '';
  let first = !leadingComma;
  for (const key of Object.keys(fields).sort()) {
    const value = fields[key];
    if (value === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${serialiseValue(value)}`;
    first = false;
  }
  return out;
}

function serialiseValue(value: TraceValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => serialiseValue(v as TraceValue)).join(',')}]`;
  return `{${serialiseFields(value as { readonly [key: string]: TraceValue }, false)}}`;
}
