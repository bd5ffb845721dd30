/**
 * The lexer of the commit message template, a port of Go's text/template/parse/lex.go with the default
 * delimiters: text, `{{ ... }}` actions, trim markers (`{{- ` and ` -}}`, the dash followed or preceded by a
 * space, tab, carriage return or newline, trimming every adjacent one of those), and comments
 * (`{{/* ... *\/}}`, right after the delimiter or its trim marker). Pure.
 *
 * Unlike Go's lexer, which runs alongside the parser, this one lexes the whole source first; it stops at its
 * first error with an `error` token in place, so the parser still reports whichever problem comes first.
 */

/** Token types, named after Go's item types; keywords are their own type. */
export type TokenType =
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'space'
  | 'field'
  | 'variable'
  | 'dot'
  | 'identifier'
  | 'bool'
  | 'number'
  | 'charConstant'
  | 'complex'
  | 'string'
  | 'rawString'
  | 'pipe'
  | 'leftParen'
  | 'rightParen'
  | 'assign'
  | 'declare'
  | 'char'
  | 'eof'
  | 'error'
  | Keyword;

const KEYWORDS = [
  'block',
  'break',
  'continue',
  'define',
  'else',
  'end',
  'if',
  'nil',
  'range',
  'template',
  'with',
] as const;

/** Go's template keywords; `nil` is one too. */
export type Keyword = (typeof KEYWORDS)[number];

/** One lexed item: its type, its offset in the source and its text (the reason, for an error token). */
export interface Token {
  type: TokenType;
  pos: number;
  val: string;
}

const LEFT = '{{';
const RIGHT = '}}';
const isKeyword = (word: string): word is Keyword => (KEYWORDS as readonly string[]).includes(word);

/** Go's isSpace: space, tab, carriage return, newline. */
export function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

/** Go's isAlphaNumeric: `_`, a Unicode letter or a Unicode decimal digit. */
export function isAlphaNumeric(c: string | undefined): boolean {
  return c !== undefined && /^[_\p{L}\p{Nd}]$/u.test(c);
}

/** The code point at `pos`, as a string ('' at the end). */
function charAt(input: string, pos: number): string {
  const cp = input.codePointAt(pos);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

/** Go's %#U: `U+002F '/'`. */
export function describeChar(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${c}'`;
}

/** Lexes `input` into tokens ending with `eof`, or with an `error` token at the first lexical error. */
export function lex(input: string): Token[] {
  return new Lexer(input).run();
}

class LexError {
  constructor(
    readonly pos: number,
    readonly reason: string,
  ) {}
}

class Lexer {
  private readonly tokens: Token[] = [];
  private pos = 0;
  private start = 0;
  private parenDepth = 0;
  /** Where the action being lexed starts, so an unclosed one is reported at its `{{`. */
  private actionStart = 0;

  constructor(private readonly input: string) {}

  run(): Token[] {
    try {
      this.lexText();
      this.tokens.push({ type: 'eof', pos: this.input.length, val: '' });
    } catch (e) {
      if (!(e instanceof LexError)) throw e;
      this.tokens.push({ type: 'error', pos: e.pos, val: e.reason });
    }
    return this.tokens;
  }

  private emit(type: TokenType): void {
    this.tokens.push({ type, pos: this.start, val: this.input.slice(this.start, this.pos) });
    this.start = this.pos;
  }

  private fail(reason: string, pos = this.start): never {
    throw new LexError(pos, reason);
  }

  private peek(): string {
    return charAt(this.input, this.pos);
  }

  private next(): string {
    const c = this.peek();
    this.pos += c.length;
    return c;
  }

  private accept(valid: string): boolean {
    const c = this.peek();
    if (c !== '' && valid.includes(c)) {
      this.pos += c.length;
      return true;
    }
    return false;
  }

  private acceptRun(valid: string): void {
    while (this.accept(valid)) {
      // absorb
    }
  }

  /** `{{- ` at `pos`: a dash followed by a space character. */
  private leftTrimAt(pos: number): boolean {
    return this.input[pos] === '-' && isSpace(this.input[pos + 1]);
  }

  /** At a right delimiter, with or without the ` -` trim marker before it. */
  private atRightDelim(): { delim: boolean; trim: boolean } {
    const { input, pos } = this;
    if (isSpace(input[pos]) && input[pos + 1] === '-' && input.startsWith(RIGHT, pos + 2)) {
      return { delim: true, trim: true };
    }
    return { delim: input.startsWith(RIGHT, pos), trim: false };
  }

  private skipLeadingSpace(): void {
    while (isSpace(this.input[this.pos])) this.pos++;
    this.start = this.pos;
  }

  private lexText(): void {
    for (;;) {
      const x = this.input.indexOf(LEFT, this.pos);
      if (x < 0) {
        this.pos = this.input.length;
        if (this.pos > this.start) this.emit('text');
        return;
      }
      let end = x;
      if (this.leftTrimAt(x + LEFT.length)) {
        while (end > this.start && isSpace(this.input[end - 1])) end--;
      }
      if (end > this.start) {
        this.pos = end;
        this.emit('text');
      }
      this.pos = x;
      this.start = x;
      this.lexLeftDelim();
    }
  }

  private lexLeftDelim(): void {
    this.actionStart = this.pos;
    this.pos += LEFT.length;
    const afterMarker = this.leftTrimAt(this.pos) ? 2 : 0;
    if (this.input.startsWith('/*', this.pos + afterMarker)) {
      this.pos += afterMarker;
      this.lexComment();
      return;
    }
    this.emit('leftDelim');
    this.pos += afterMarker;
    this.start = this.pos;
    this.parenDepth = 0;
    this.lexInsideAction();
  }

  private lexComment(): void {
    const close = this.input.indexOf('*/', this.pos + 2);
    if (close < 0) this.fail('unclosed comment', this.actionStart);
    this.pos = close + 2;
    const { delim, trim } = this.atRightDelim();
    if (!delim) this.fail('comment ends before closing delimiter', this.pos);
    this.pos += (trim ? 2 : 0) + RIGHT.length;
    if (trim) this.skipLeadingSpace();
    this.start = this.pos;
  }

  private lexRightDelim(): void {
    const { trim } = this.atRightDelim();
    if (trim) {
      this.pos += 2;
      this.start = this.pos;
    }
    this.pos += RIGHT.length;
    this.emit('rightDelim');
    if (trim) this.skipLeadingSpace();
  }

  private lexInsideAction(): void {
    for (;;) {
      if (this.atRightDelim().delim) {
        if (this.parenDepth === 0) {
          this.lexRightDelim();
          return;
        }
        this.fail('unclosed left paren', this.pos);
      }
      const c = this.next();
      if (c === '') this.fail('unclosed action', this.actionStart);
      if (isSpace(c)) {
        this.pos -= c.length;
        if (this.lexSpace()) {
          this.lexRightDelim();
          return;
        }
      } else if (c === '=') {
        this.emit('assign');
      } else if (c === ':') {
        if (this.next() !== '=') this.fail('expected :=');
        this.emit('declare');
      } else if (c === '|') {
        this.emit('pipe');
      } else if (c === '"') {
        this.lexQuote();
      } else if (c === '`') {
        this.lexRawQuote();
      } else if (c === '$') {
        this.lexFieldOrVariable('variable');
      } else if (c === "'") {
        this.lexChar();
      } else if (c === '.' && !/^[0-9]$/.test(this.peek())) {
        this.lexFieldOrVariable('field');
      } else if (c === '.' || c === '+' || c === '-' || /^[0-9]$/.test(c)) {
        this.pos = this.start;
        this.lexNumber();
      } else if (isAlphaNumeric(c)) {
        this.pos = this.start;
        this.lexIdentifier();
      } else if (c === '(') {
        this.parenDepth++;
        this.emit('leftParen');
      } else if (c === ')') {
        this.parenDepth--;
        if (this.parenDepth < 0) this.fail('unexpected right paren');
        this.emit('rightParen');
      } else if (/^[\x20-\x7e]$/.test(c)) {
        this.emit('char');
      } else {
        this.fail(`unrecognized character in action: ${describeChar(c)}`);
      }
    }
  }

  /** A run of spaces; true when it ended on the ` -}}` marker with nothing else to emit. */
  private lexSpace(): boolean {
    let count = 0;
    while (isSpace(this.peek())) {
      this.next();
      count++;
    }
    // The last space may belong to a ` -}}` trim marker.
    const last = this.pos - 1;
    if (this.input[this.pos] === '-' && this.input.startsWith(RIGHT, this.pos + 1)) {
      this.pos = last;
      if (count === 1) return true;
    }
    this.emit('space');
    return false;
  }

  /** Go's atTerminator: what may follow a word. */
  private atTerminator(): boolean {
    const c = this.peek();
    if (c === '' || isSpace(c) || '.,|:)('.includes(c)) return true;
    return this.input.startsWith(RIGHT, this.pos);
  }

  private lexFieldOrVariable(type: 'field' | 'variable'): void {
    if (this.atTerminator()) {
      this.emit(type === 'variable' ? 'variable' : 'dot');
      return;
    }
    while (isAlphaNumeric(this.peek())) this.next();
    if (!this.atTerminator()) this.fail(`bad character ${describeChar(this.peek())}`, this.pos);
    this.emit(type);
  }

  private lexIdentifier(): void {
    while (isAlphaNumeric(this.peek())) this.next();
    if (!this.atTerminator()) this.fail(`bad character ${describeChar(this.peek())}`, this.pos);
    const word = this.input.slice(this.start, this.pos);
    if (isKeyword(word)) this.emit(word);
    else if (word === 'true' || word === 'false') this.emit('bool');
    else this.emit('identifier');
  }

  private lexQuote(): void {
    for (;;) {
      let c = this.next();
      if (c === '\\') {
        c = this.next();
        if (c !== '' && c !== '\n') continue;
      }
      if (c === '' || c === '\n') this.fail('unterminated quoted string');
      if (c === '"') break;
    }
    this.emit('string');
  }

  private lexRawQuote(): void {
    const close = this.input.indexOf('`', this.pos);
    if (close < 0) this.fail('unterminated raw quoted string');
    this.pos = close + 1;
    this.emit('rawString');
  }

  private lexChar(): void {
    for (;;) {
      let c = this.next();
      if (c === '\\') {
        c = this.next();
        if (c !== '' && c !== '\n') continue;
      }
      if (c === '' || c === '\n') this.fail('unterminated character constant');
      if (c === "'") break;
    }
    this.emit('charConstant');
  }

  private lexNumber(): void {
    if (!this.scanNumber()) this.fail(`bad number syntax: "${this.input.slice(this.start, this.pos)}"`);
    const sign = this.peek();
    if (sign === '+' || sign === '-') {
      // Go reads 1+2i as one complex constant.
      if (!this.scanNumber() || this.input[this.pos - 1] !== 'i') {
        this.fail(`bad number syntax: "${this.input.slice(this.start, this.pos)}"`);
      }
      this.emit('complex');
      return;
    }
    this.emit('number');
  }

  private scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }
}
