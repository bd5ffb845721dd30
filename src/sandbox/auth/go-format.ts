/**
 * The few Go formatting rules the API server's auth messages depend on. Messages are the contract with
 * kubectl and client libraries, so strings are rendered exactly as Go's fmt would render them.
 */

const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\u000b': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

// Go's unicode.IsPrint accepts letters, marks, numbers, punctuation, symbols and the ASCII space only.
const NON_PRINTABLE = /^[\p{C}\p{Z}]$/u;

/** Go's `%q` for a string (strconv.Quote): printable runes kept, the rest escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const named = NAMED_ESCAPES[ch];
    const cp = ch.codePointAt(0) ?? 0;
    if (named !== undefined) {
      out += named;
    } else if (cp < 0x20 || cp === 0x7f) {
      out += `\\x${cp.toString(16).padStart(2, '0')}`;
    } else if (ch !== ' ' && NON_PRINTABLE.test(ch)) {
      // A lone surrogate cannot come from valid UTF-8; Go would print the replacement rune.
      const r = cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp;
      out += r < 0x10000 ? `\\u${r.toString(16).padStart(4, '0')}` : `\\U${r.toString(16).padStart(8, '0')}`;
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}

/** Go's `%q` for a `[]string`: `["a" "b"]`. */
export function goQuoteList(list: readonly string[]): string {
  return `[${list.map(goQuote).join(' ')}]`;
}

/**
 * `utilerrors.NewAggregate(errs).Error()` (apimachinery pkg/util/errors/errors.go): one message as is,
 * several de-duplicated, comma-joined and bracketed.
 */
export function aggregateMessage(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  if (unique.length <= 1) return unique[0] ?? '';
  return `[${unique.join(', ')}]`;
}

/**
 * The responsewriters sanitizer (apiserver pkg/endpoints/handlers/responsewriters/errors.go): keeps
 * error text from looking like HTML. Quotes are left alone.
 */
export function sanitize(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
