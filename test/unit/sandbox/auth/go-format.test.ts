// Expected output is Go's: strconv.Quote for %q, fmt's %q on []string, utilerrors aggregate Error()
// (apimachinery pkg/util/errors/errors.go) and the responsewriters sanitizer.
import { describe, expect, it } from 'vitest';
import { aggregateMessage, goQuote, goQuoteList, sanitize } from '../../../../src/sandbox/auth/go-format.js';

describe('goQuote', () => {
  it.each<[string, string]>([
    ['alice', '"alice"'],
    ['', '""'],
    ['say "hi"\\', '"say \\"hi\\"\\\\"'],
    ['a\nb\tc\u0007\u000b\f\r\b', '"a\\nb\\tc\\a\\v\\f\\r\\b"'],
    ['\u0001\u007f', '"\\x01\\x7f"'],
    ['café ☃ 𝄞', '"café ☃ 𝄞"'],
    ['\u00a0\u200b\u0085', '"\\u00a0\\u200b\\u0085"'],
    ['\u{e0001}', '"\\U000e0001"'],
  ])('%j', (input, quoted) => {
    expect(goQuote(input)).toBe(quoted);
  });

  it('quotes lists the way %q prints a []string', () => {
    expect(goQuoteList(['dev', 'system:authenticated'])).toBe('["dev" "system:authenticated"]');
    expect(goQuoteList([])).toBe('[]');
  });
});

describe('aggregateMessage', () => {
  it.each<[string[], string]>([
    [[], ''],
    [['a'], 'a'],
    [['a', 'a'], 'a'],
    [['a', 'b', 'a'], '[a, b]'],
  ])('%j', (messages, text) => {
    expect(aggregateMessage(messages)).toBe(text);
  });
});

describe('sanitize', () => {
  it('escapes what could read as HTML and nothing else', () => {
    expect(sanitize('<a href="x">&</a>')).toBe('&lt;a href="x"&gt;&amp;&lt;/a&gt;');
  });
});
