/**
 * A `.properties` file (server.properties, producer.properties,
 * consumer.properties) read as java.util.Properties.load reads it, which is
 * how Kafka's tools read them (Utils.loadProps):
 *
 *   - Natural lines end at "\n", "\r" or "\r\n". A line whose first
 *     non-blank character is '#' or '!' is a comment; a blank line is skipped.
 *   - A line ending in an odd number of backslashes continues on the next;
 *     the next line's leading blanks (space, tab, form feed) are dropped.
 *   - The key runs to the first unescaped '=', ':' or blank; blanks around
 *     one '=' or ':' are skipped: `key=value`, `key: value`, `key value`.
 *   - Escapes: \t \n \r \f, \uXXXX, and a backslash before any other
 *     character stands for that character (`a\=b` is the key `a=b`).
 *   - The last of repeated keys wins.
 *
 * Kafka's ConfigDef trims each value before parsing it, so values come back
 * without trailing blanks. Each entry keeps the line it starts on.
 */

export interface PropertiesEntry {
  readonly key: string;
  readonly value: string;
  /** The line, from 1, the entry starts on. */
  readonly line: number;
}

export class PropertiesSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\f';

/** Entries in file order, repeated keys once (last value, first line kept as the last one's). */
export function parseJavaProperties(text: string): PropertiesEntry[] {
  const entries = new Map<string, PropertiesEntry>();
  for (const { text: logical, line } of logicalLines(text)) {
    const entry = splitEntry(logical, line);
    entries.delete(entry.key);
    entries.set(entry.key, entry);
  }
  return [...entries.values()];
}

function logicalLines(text: string): { text: string; line: number }[] {
  const natural = text.split(/\r\n|\r|\n/);
  const out: { text: string; line: number }[] = [];
  let buffer: string | null = null;
  let start = 0;
  for (let i = 0; i < natural.length; i++) {
    let raw = natural[i]!;
    let p = 0;
    while (isBlank(raw[p])) p++;
    raw = raw.slice(p);
    if (buffer === null) {
      if (raw === '' || raw[0] === '#' || raw[0] === '!') continue;
      start = i + 1;
      buffer = '';
    }
    let slashes = 0;
    while (slashes < raw.length && raw[raw.length - 1 - slashes] === '\\') slashes++;
    if (slashes % 2 === 1) {
      buffer += raw.slice(0, -1);
      continue;
    }
    out.push({ text: buffer + raw, line: start });
    buffer = null;
  }
  if (buffer !== null) out.push({ text: buffer, line: start });
  return out;
}

function splitEntry(logical: string, line: number): PropertiesEntry {
  const limit = logical.length;
  let keyLen = 0;
  let valueStart = limit;
  let hasSep = false;
  let precedingBackslash = false;
  while (keyLen < limit) {
    const c = logical[keyLen]!;
    if ((c === '=' || c === ':') && !precedingBackslash) {
      valueStart = keyLen + 1;
      hasSep = true;
      break;
    }
    if (isBlank(c) && !precedingBackslash) {
      valueStart = keyLen + 1;
      break;
    }
    precedingBackslash = c === '\\' ? !precedingBackslash : false;
    keyLen++;
  }
  while (valueStart < limit) {
    const c = logical[valueStart]!;
    if (!isBlank(c)) {
      if (!hasSep && (c === '=' || c === ':')) hasSep = true;
      else break;
    }
    valueStart++;
  }
  const key = unescape(logical.slice(0, keyLen), line);
  const value = unescape(logical.slice(valueStart), line).replace(/[\s]+$/, '');
  return { key, value, line };
}

/** Properties.loadConvert. */
function unescape(text: string, line: number): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = text[++i];
    if (e === undefined) break;
    if (e === 'u') {
      const hex = text.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new PropertiesSyntaxError('Malformed \\uxxxx encoding.', line);
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += e === 't' ? '\t' : e === 'r' ? '\r' : e === 'n' ? '\n' : e === 'f' ? '\f' : e;
    }
  }
  return out;
}
