/**
 * JSON decoding that fails the way Go's encoding/json does, because kube-apiserver puts those messages verbatim
 * into its 400 responses (apiserver handlers/patch.go wraps them; sigs.k8s.io/json keeps the scanner of
 * encoding/json/scanner.go and the type errors of encoding/json/decode.go).
 */

/** A body that is not valid JSON, or valid JSON of the wrong type, with Go's message. */
export class GoJsonError extends Error {
  override readonly name = 'GoJsonError';
}

/** Go's name for the JSON kind of a decoded value in UnmarshalTypeError ("array", "object", ...). */
export function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // 'string' | 'number'
}

/** `json: cannot unmarshal array into Go value of type map[string]interface {}` (decode.go UnmarshalTypeError). */
export function unmarshalTypeError(value: unknown, goType: string, structField?: string): GoJsonError {
  const into = structField ? `Go struct field ${structField}` : 'Go value';
  return new GoJsonError(`json: cannot unmarshal ${jsonKind(value)} into ${into} of type ${goType}`);
}

/** Parses JSON text, throwing Go's syntax error message (checkValid runs over the whole input first). */
export function parseJsonLikeGo(text: string): unknown {
  const msg = goSyntaxError(text);
  if (msg !== undefined) throw new GoJsonError(msg);
  return JSON.parse(text);
}

const EOF = -1;
const MAX_DEPTH = 10000; // scanner.go maxNestingDepth

/** strconv.Quote of one byte read as a rune, in single quotes (scanner.go quoteChar). */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const named: Record<number, string> = {
    7: '\\a',
    8: '\\b',
    9: '\\t',
    10: '\\n',
    11: '\\v',
    12: '\\f',
    13: '\\r',
  };
  const esc = named[c];
  if (esc) return `'${esc}'`;
  if (c === 0x5c) return "'\\\\'";
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  // C1 controls, no-break space and soft hyphen are not printable for strconv.IsPrint.
  if ((c >= 0x80 && c < 0xa0) || c === 0xa0 || c === 0xad) return `'\\u00${c.toString(16)}'`;
  return `'${String.fromCharCode(c)}'`;
}

class Scan {
  i = 0;
  constructor(readonly b: Uint8Array) {}

  at(): number {
    return this.i < this.b.length ? (this.b[this.i] as number) : EOF;
  }

  /** At the end, Go's checkValid feeds one space to finish numbers and literals (scanner.go eof). */
  fail(c: number, context: string): never {
    throw new GoJsonError(`invalid character ${quoteChar(c === EOF ? 0x20 : c)} ${context}`);
  }

  end(): never {
    throw new GoJsonError('unexpected end of JSON input');
  }

  ws(): number {
    let c = this.at();
    while (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      this.i++;
      c = this.at();
    }
    return c;
  }

  value(depth: number): void {
    const c = this.ws();
    if (c === EOF) this.end();
    if (c === 0x7b || c === 0x5b) {
      if (depth >= MAX_DEPTH) throw new GoJsonError('exceeded max depth');
      if (c === 0x7b) this.object(depth + 1);
      else this.array(depth + 1);
    } else if (c === 0x22) this.string();
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) this.number();
    else if (c === 0x74) this.literal('true');
    else if (c === 0x66) this.literal('false');
    else if (c === 0x6e) this.literal('null');
    else this.fail(c, 'looking for beginning of value');
  }

  object(depth: number): void {
    this.i++;
    let c = this.ws();
    if (c === EOF) this.end();
    if (c === 0x7d) {
      this.i++;
      return;
    }
    for (;;) {
      if (c === EOF) this.end();
      if (c !== 0x22) this.fail(c, 'looking for beginning of object key string');
      this.string();
      c = this.ws();
      if (c === EOF) this.end();
      if (c !== 0x3a) this.fail(c, 'after object key');
      this.i++;
      this.value(depth);
      c = this.ws();
      if (c === EOF) this.end();
      if (c === 0x7d) {
        this.i++;
        return;
      }
      if (c !== 0x2c) this.fail(c, 'after object key:value pair');
      this.i++;
      c = this.ws();
    }
  }

  array(depth: number): void {
    this.i++;
    let c = this.ws();
    if (c === EOF) this.end();
    if (c === 0x5d) {
      this.i++;
      return;
    }
    for (;;) {
      this.value(depth);
      c = this.ws();
      if (c === EOF) this.end();
      if (c === 0x5d) {
        this.i++;
        return;
      }
      if (c !== 0x2c) this.fail(c, 'after array element');
      this.i++;
    }
  }

  string(): void {
    this.i++;
    for (;;) {
      const c = this.at();
      if (c === EOF) this.end();
      this.i++;
      if (c === 0x22) return;
      if (c === 0x5c) {
        const e = this.at();
        this.i++;
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            const h = this.at();
            const hex = (h >= 0x30 && h <= 0x39) || (h >= 0x61 && h <= 0x66) || (h >= 0x41 && h <= 0x46);
            if (!hex) this.fail(h, 'in \\u hexadecimal character escape');
            this.i++;
          }
        } else if (e === EOF || !'bfnrt\\/"'.includes(String.fromCharCode(e))) {
          this.fail(e, 'in string escape code');
        }
      } else if (c < 0x20) this.fail(c, 'in string literal');
    }
  }

  digits(): void {
    let c = this.at();
    while (c >= 0x30 && c <= 0x39) {
      this.i++;
      c = this.at();
    }
  }

  number(): void {
    let c = this.at();
    if (c === 0x2d) {
      this.i++;
      c = this.at();
      if (!(c >= 0x30 && c <= 0x39)) this.fail(c, 'in numeric literal');
    }
    this.i++;
    if (c !== 0x30) this.digits();
    c = this.at();
    if (c === 0x2e) {
      this.i++;
      c = this.at();
      if (!(c >= 0x30 && c <= 0x39)) this.fail(c, 'after decimal point in numeric literal');
      this.digits();
      c = this.at();
    }
    if (c === 0x65 || c === 0x45) {
      this.i++;
      c = this.at();
      if (c === 0x2b || c === 0x2d) {
        this.i++;
        c = this.at();
      }
      if (!(c >= 0x30 && c <= 0x39)) this.fail(c, 'in exponent of numeric literal');
      this.digits();
    }
  }

  literal(word: string): void {
    this.i++;
    for (let k = 1; k < word.length; k++) {
      const want = word.charCodeAt(k);
      const c = this.at();
      if (c !== want) this.fail(c, `in literal ${word} (expecting '${word[k]}')`);
      this.i++;
    }
  }
}

/** The message Go's checkValid gives for `text`, or undefined when it is valid JSON. */
export function goSyntaxError(text: string): string | undefined {
  const s = new Scan(new TextEncoder().encode(text));
  try {
    s.value(0);
    const c = s.ws();
    if (c !== EOF) s.fail(c, 'after top-level value');
    return undefined;
  } catch (e) {
    if (e instanceof GoJsonError) return e.message;
    throw e;
  }
}
