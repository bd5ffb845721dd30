/**
 * Go's string and character literals (strconv.Unquote, UnquoteChar) and Go's quoting (strconv.Quote,
 * QuoteRune, what printf's %q prints), for the commit message template. Pure.
 *
 * Go strings are bytes; ours are text. `\x` and octal escapes build bytes that are read back as UTF-8, so
 * `"\xc3\xa9"` is `é` as in Go, and a byte that is not valid UTF-8 becomes U+FFFD.
 */

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  '\\': 92,
};

const HEX_LENGTH: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

function utf8Bytes(cp: number, out: number[]): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

const validRune = (cp: number) => cp >= 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);

/**
 * One character or escape of a quoted literal at `i` (strconv.UnquoteChar). `byte` is set for `\x` and octal
 * escapes, which stand for one byte; `rune` otherwise. Undefined when the escape is invalid.
 */
function unquoteChar(
  s: string,
  i: number,
  quote: string,
): { rune?: number; byte?: number; next: number } | undefined {
  const cp = s.codePointAt(i);
  if (cp === undefined) return undefined;
  const c = String.fromCodePoint(cp);
  if (c !== '\\') {
    if (c === quote && (quote === "'" || quote === '"')) return undefined;
    return { rune: cp, next: i + c.length };
  }
  const e = s[i + 1];
  if (e === undefined) return undefined;
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) return { rune: simple, next: i + 2 };
  if (e === "'" || e === '"') return e === quote ? { rune: e.charCodeAt(0), next: i + 2 } : undefined;
  const hexLength = HEX_LENGTH[e];
  if (hexLength !== undefined) {
    const hex = s.slice(i + 2, i + 2 + hexLength);
    if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) return undefined;
    const v = Number.parseInt(hex, 16);
    if (e === 'x') return quote === "'" ? { rune: v, next: i + 4 } : { byte: v, next: i + 4 };
    return validRune(v) ? { rune: v, next: i + 2 + hexLength } : undefined;
  }
  if (e >= '0' && e <= '7') {
    const oct = s.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(oct)) return undefined;
    const v = Number.parseInt(oct, 8);
    if (v > 255) return undefined;
    return quote === "'" ? { rune: v, next: i + 4 } : { byte: v, next: i + 4 };
  }
  return undefined;
}

/** strconv.Unquote of a `"..."` or `` `...` `` literal; undefined when Go would say "invalid syntax". */
export function unquoteString(literal: string): string | undefined {
  if (literal.length < 2) return undefined;
  const quote = literal[0];
  if (literal[literal.length - 1] !== quote) return undefined;
  const body = literal.slice(1, -1);
  if (quote === '`') return body.includes('`') ? undefined : body.replaceAll('\r', '');
  if (quote !== '"') return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < body.length; ) {
    const c = unquoteChar(body, i, '"');
    if (!c) return undefined;
    if (c.byte !== undefined) bytes.push(c.byte);
    else utf8Bytes(c.rune ?? 0, bytes);
    i = c.next;
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

/** A `'x'` character constant's code point; undefined when malformed. */
export function unquoteRune(literal: string): number | undefined {
  if (literal.length < 3 || literal[0] !== "'") return undefined;
  const c = unquoteChar(literal, 1, "'");
  if (!c || c.rune === undefined || literal.slice(c.next) !== "'") return undefined;
  return c.rune;
}

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isPrint(c: string): boolean {
  return c === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(c);
}

const hex = (v: number, width: number) => v.toString(16).padStart(width, '0');

function escapeRune(c: string, quote: string): string {
  if (c === quote || c === '\\') return `\\${c}`;
  const cp = c.codePointAt(0) ?? 0;
  // A lone surrogate is not a character; Go would escape the bytes it stood for, we print U+FFFD.
  if (cp >= 0xd800 && cp <= 0xdfff) return '\ufffd';
  if (isPrint(c)) return c;
  switch (cp) {
    case 7:
      return '\\a';
    case 8:
      return '\\b';
    case 12:
      return '\\f';
    case 10:
      return '\\n';
    case 13:
      return '\\r';
    case 9:
      return '\\t';
    case 11:
      return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return `\\x${hex(cp, 2)}`;
  return cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
}

/** strconv.Quote: a double-quoted Go string literal. */
export function quoteString(s: string): string {
  let out = '"';
  for (const c of s) out += escapeRune(c, '"');
  return `${out}"`;
}

/** strconv.QuoteRune: a single-quoted Go character literal; what `%q` prints for an integer. */
export function quoteRune(cp: number): string {
  const r = validRune(cp) ? cp : 0xfffd;
  return `'${escapeRune(String.fromCodePoint(r), "'")}'`;
}
