/**
 * Durations and instants as scenario authors write them: `500ms`, `30s`,
 * `3m`, `1h30m`, `7d`, or a number of milliseconds; instants as ISO-8601
 * (`2024-01-01T00:30:00Z`). Parsing is strict: a typo is an error, never a
 * silent zero.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** Milliseconds, or null when `text` is not a duration. */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim().replace(/\s+/g, '');
  if (/^\d+$/.test(text)) return Number(text);
  if (!DURATION.test(text)) return null;
  let total = 0;
  for (const match of text.matchAll(PART)) total += Number(match[1]) * UNIT_MS[match[2]!]!;
  return Math.round(total);
}

/** A compact human duration: `3m`, `5m 7s`, `1.5s`, `7d`, `250ms`. */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 1000) return `${ms}ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(rest % 1000 === 0 ? `${rest / 1000}s` : `${(rest / 1000).toFixed(3).replace(/0+$/, '')}s`);
  return parts.join(' ');
}

/** Elapsed simulated time as `+00:03:00.000` (with days when needed). */
export function formatElapsed(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  let rest = ms % 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest %= 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest %= 60_000;
  const s = Math.floor(rest / 1000);
  const milli = rest % 1000;
  const clock = `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(milli, 3)}`;
  return days > 0 ? `+${days}d ${clock}` : `+${clock}`;
}

/** Milliseconds since the epoch for an ISO-8601 instant with a zone, or null. */
export function parseInstant(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

export function formatInstant(ms: number): string {
  return new Date(ms).toISOString();
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
