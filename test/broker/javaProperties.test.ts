import { describe, expect, it } from 'vitest';
import { parseJavaProperties, PropertiesSyntaxError } from '../../src/broker/javaProperties';

const entries = (text: string) => Object.fromEntries(parseJavaProperties(text).map((e) => [e.key, e.value]));

describe('.properties as java.util.Properties.load reads it', () => {
  it('separators: key=value, key: value, key value, and blanks around them', () => {
    expect(entries('a=1\nb: 2\nc 3\nd   =   4\ne\t:5\nf\n')).toEqual({ a: '1', b: '2', c: '3', d: '4', e: '5', f: '' });
  });

  it('comments with # and !, blank lines, and trailing blanks trimmed (ConfigDef trims values)', () => {
    expect(entries('# comment\n! also\n\n   \nacks = all   \t\n  linger.ms=5\n')).toEqual({ acks: 'all', 'linger.ms': '5' });
  });

  it('backslash continuation joins lines and drops the next line\'s indentation; an even count does not continue', () => {
    expect(entries('bootstrap.servers=a:9092,\\\n    b:9092,\\\n    c:9092\nx=ends\\\\\ny=2\n')).toEqual({ 'bootstrap.servers': 'a:9092,b:9092,c:9092', x: 'ends\\', y: '2' });
  });

  it('escapes: \\t \\n, \\uXXXX, and an escaped separator in a key', () => {
    expect(entries('k\\=ey=v\\tw\nu=\\u0041\\u00e9\nsp\\ ace=1\n')).toEqual({ 'k=ey': 'v\tw', u: 'Aé', 'sp ace': '1' });
  });

  it('a malformed \\u escape is an error at its line', () => {
    expect(() => parseJavaProperties('a=1\nb=\\u00zz\n')).toThrow(PropertiesSyntaxError);
    try {
      parseJavaProperties('a=1\nb=\\u00zz\n');
    } catch (error) {
      expect((error as PropertiesSyntaxError).line).toBe(2);
    }
  });

  it('the last of repeated keys wins; each entry keeps the line it starts on', () => {
    expect(parseJavaProperties('acks=1\n# c\nretries=3\nacks=all\n')).toEqual([
      { key: 'retries', value: '3', line: 3 },
      { key: 'acks', value: 'all', line: 4 },
    ]);
  });
});
