import { describe, expect, it } from 'vitest';
import { decodeUtf8, nonPrintable } from '../../../src/plan/text.js';

describe('decodeUtf8', () => {
  it('decodes UTF-8, keeping a byte order mark for the caller to strip', () => {
    expect(decodeUtf8(Buffer.from('\uFEFFkind: Café ✓ 😀\n'))).toEqual({
      ok: true,
      text: '\uFEFFkind: Café ✓ 😀\n',
    });
  });

  // Node's default decoding turns these into U+FFFD without a word; the Kubernetes decoder refuses them.
  it.each<[string, number[], number]>([
    ['a lone continuation byte', [0x80], 3],
    ['a truncated sequence at the end', [0xe2, 0x82], 3],
    ['a truncated sequence before ASCII', [0xe2, 0x28, 0xa1], 3],
    ['an overlong encoding', [0xc0, 0xaf], 3],
    ['a surrogate', [0xed, 0xa0, 0x80], 3],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 3],
    ['Latin-1', [0xe9], 3],
  ])('refuses %s, naming its line', (_, bad, line) => {
    const bytes = Buffer.concat([Buffer.from('a: ✓\nb: é\nc: "'), Buffer.from(bad), Buffer.from('"\n')]);
    expect(decodeUtf8(bytes)).toEqual({
      ok: false,
      problem: { line, message: 'invalid UTF-8 (the file must be UTF-8 text)' },
    });
  });
});

describe('nonPrintable', () => {
  it.each(['tab\there', 'crlf\r\n', 'nel\u0085', 'nbsp\u00a0', 'bom\ufeff', 'emoji 😀', 'cjk 漢字'])(
    'allows %j',
    (text) => {
      expect(nonPrintable(text)).toBeUndefined();
    },
  );

  it.each<[string, number, string]>([
    ['a\u0000b', 1, 'NUL character (U+0000) is not allowed'],
    ['ok\nbell\u0007', 2, 'control character U+0007 is not allowed'],
    ['del\u007f', 1, 'control character U+007F is not allowed'],
    ['c1\u0090', 1, 'control character U+0090 is not allowed'],
    ['\n\nnot a char\ufffe', 3, 'control character U+FFFE is not allowed'],
    ['lone \ud800 surrogate', 1, 'control character U+D800 is not allowed'],
  ])('refuses %j on line %i', (text, line, message) => {
    expect(nonPrintable(text)).toEqual({ line, message });
  });
});
