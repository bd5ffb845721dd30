/**
 * The parser of the commit message template, a port of Go's text/template/parse/parse.go for the subset Flux
 * users write: text, actions, pipelines, variables (declared, assigned, scoped as in Go: to the end of the
 * enclosing if, with or range, else branches included), `if`/`else if`/`else`, `with`/`else with`/`else`,
 * `range` with one or two variables and `else`, and the functions of ./template-funcs.ts. Pure.
 *
 * Refused here with a TemplateError, where Go would accept them: `define`, `template`, `block`, `break`,
 * `continue`, the builtins `call`, `html`, `js`, `urlquery` and `slice`, complex numbers, and a literal printf
 * format outside %s %d %v %q %%. Nesting deeper than `maxDepth` is refused too, so a hostile template cannot
 * exhaust the stack.
 */
import type { Arg, Command, ControlNode, FieldChain, Node, Pipe, VariableDecl } from './template-ast.js';
import { positionOf, TemplateError } from './template-error.js';
import { checkFormat } from './template-fmt.js';
import { BUILTINS, UNSUPPORTED_BUILTINS } from './template-funcs.js';
import type { Token, TokenType } from './template-lex.js';
import { lex } from './template-lex.js';
import { unquoteRune, unquoteString } from './template-strconv.js';

/** How deep if/with/range and parentheses may nest. */
export const MAX_DEPTH = 64;

const UNSUPPORTED_KEYWORDS: Partial<Record<TokenType, string>> = {
  define: '{{define}}',
  template: '{{template}}',
  block: '{{block}}',
  break: '{{break}}',
  continue: '{{continue}}',
};

/** What an itemList stopped at. */
type Stop = { type: 'end'; pos: number } | { type: 'else'; pos: number };

/** Parses `source` into the list of nodes of the template named `name`; throws a TemplateError. */
export function parseTemplate(source: string, name: string): Node[] {
  return new Parser(source, name).parse();
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  /** Variables in scope, innermost last; `$` is the data. */
  private vars: string[] = ['$'];
  private depth = 0;

  constructor(
    private readonly source: string,
    private readonly name: string,
  ) {
    this.tokens = lex(source);
  }

  parse(): Node[] {
    const root: Node[] = [];
    while (this.peek().type !== 'eof') {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.fail(n.pos, `unexpected {{${n.type}}}`);
      root.push(n);
    }
    return root;
  }

  // --- tokens

  private fail(pos: number, reason: string): never {
    const { line, column } = positionOf(this.source, pos);
    throw new TemplateError(this.name, line, column, reason, 'parse');
  }

  private next(): Token {
    // Past the end, the last token (eof or error) repeats.
    const t = this.tokens[Math.min(this.index, this.tokens.length - 1)];
    if (!t) throw new Error('template lexer produced no tokens');
    this.index++;
    if (t.type === 'error') this.fail(t.pos, t.val);
    return t;
  }

  private backup(n = 1): void {
    this.index -= n;
  }

  private peek(): Token {
    const t = this.next();
    this.backup();
    return t;
  }

  private nextNonSpace(): Token {
    let t = this.next();
    while (t.type === 'space') t = this.next();
    return t;
  }

  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  private expect(type: TokenType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }

  private unexpected(t: Token, context: string): never {
    this.fail(t.pos, `unexpected ${describe(t)} in ${context}`);
  }

  private enter(pos: number): void {
    if (++this.depth > MAX_DEPTH) this.fail(pos, `nesting deeper than ${MAX_DEPTH} levels`);
  }

  // --- lists and actions

  private textOrAction(): Node | Stop {
    const t = this.nextNonSpace();
    if (t.type === 'text') return { type: 'text', pos: t.pos, text: t.val };
    if (t.type === 'leftDelim') return this.action(t);
    this.unexpected(t, 'input');
  }

  /** The nodes up to an `{{end}}` or `{{else}}` closing the block `opener` opened at `openPos`. */
  private itemList(opener: string, openPos: number): { list: Node[]; stop: Stop } {
    const list: Node[] = [];
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return { list, stop: n };
      list.push(n);
    }
    this.fail(openPos, `unexpected EOF: {{${opener}}} has no matching {{end}}`);
  }

  private action(delim: Token): Node | Stop {
    const t = this.nextNonSpace();
    const unsupported = UNSUPPORTED_KEYWORDS[t.type];
    if (unsupported) this.fail(t.pos, `${unsupported} is not supported in commit message templates`);
    switch (t.type) {
      case 'else':
        return this.elseControl(t);
      case 'end':
        this.expect('rightDelim', 'end');
        return { type: 'end', pos: t.pos };
      case 'if':
      case 'with':
      case 'range':
        return this.control(t.type, delim.pos);
    }
    this.backup();
    // Variables declared here stay in scope until the end of the enclosing block, as in Go.
    return { type: 'action', pos: delim.pos, pipe: this.pipeline('command', 'rightDelim') };
  }

  private elseControl(t: Token): Stop {
    const peek = this.peekNonSpace();
    // "{{else if ...}}" and "{{else with ...}}" leave the if or with pending for the enclosing control.
    if (peek.type === 'if' || peek.type === 'with') return { type: 'else', pos: t.pos };
    this.expect('rightDelim', 'else');
    return { type: 'else', pos: t.pos };
  }

  private control(type: ControlNode['type'], pos: number): ControlNode {
    this.enter(pos);
    const scope = this.vars.length;
    const pipe = this.pipeline(type, 'rightDelim');
    const { list, stop } = this.itemList(type, pos);
    let elseList: Node[] | undefined;
    if (stop.type === 'else') {
      const chained = this.peek().type;
      if ((type === 'if' && chained === 'if') || (type === 'with' && chained === 'with')) {
        // {{if a}}x{{else if b}}y{{end}} is {{if a}}x{{else}}{{if b}}y{{end}}{{end}}: the inner block
        // consumes the one {{end}}.
        const inner = this.next();
        elseList = [this.control(type, inner.pos)];
      } else {
        const rest = this.itemList(type, pos);
        if (rest.stop.type !== 'end') this.fail(rest.stop.pos, `expected {{end}}; found {{else}}`);
        elseList = rest.list;
      }
    }
    this.vars.length = scope;
    this.depth--;
    return { type, pos, pipe, list, elseList };
  }

  // --- pipelines

  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): Pipe {
    const start = this.peekNonSpace().pos;
    const decl: VariableDecl[] = [];
    let isAssign = false;
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') break;
      this.nextNonSpace();
      const afterVariable = this.peek();
      const next = this.peekNonSpace();
      if (next.type === 'assign' || next.type === 'declare') {
        isAssign = next.type === 'assign';
        this.nextNonSpace();
        decl.push({ name: v.val, pos: v.pos });
        this.vars.push(v.val);
        break;
      }
      if (next.type === 'char' && next.val === ',') {
        this.nextNonSpace();
        decl.push({ name: v.val, pos: v.pos });
        this.vars.push(v.val);
        if (context === 'range' && decl.length < 2) {
          const t = this.peekNonSpace().type;
          if (t === 'variable' || t === 'rightDelim' || t === 'rightParen') continue;
          this.fail(next.pos, 'range can only initialize variables');
        }
        this.fail(next.pos, `too many declarations in ${context}`);
      }
      // Not a declaration: "$x" is an operand; put it (and the space after it) back.
      this.backup(afterVariable.type === 'space' ? 2 : 1);
      break;
    }
    const cmds: Command[] = [];
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        const pipe: Pipe = { pos: start, end: cmds.at(-1)?.end ?? t.pos, decl, isAssign, cmds };
        this.checkPipeline(pipe, context, t.pos);
        return pipe;
      }
      switch (t.type) {
        case 'bool':
        case 'charConstant':
        case 'complex':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.backup();
          cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private checkPipeline(pipe: Pipe, context: string, pos: number): void {
    if (pipe.cmds.length === 0) this.fail(pos, `missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const first = c.args[0];
      if (first && ['bool', 'dot', 'nil', 'number', 'string'].includes(first.type)) {
        this.fail(c.pos, `non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private command(): Command {
    const start = this.peekNonSpace().pos;
    const args: Arg[] = [];
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) args.push(operand);
      const t = this.next();
      if (t.type === 'space') continue;
      if (t.type === 'rightDelim' || t.type === 'rightParen') this.backup();
      else if (t.type !== 'pipe') this.unexpected(t, 'operand');
      break;
    }
    const first = args[0];
    if (!first) this.fail(start, 'empty command');
    const last = args[args.length - 1] ?? first;
    const cmd: Command = { pos: start, end: last.end, args };
    this.checkPrintf(cmd);
    return cmd;
  }

  /** A literal printf format is checked now, so an unsupported verb fails when the template is saved. */
  private checkPrintf(cmd: Command): void {
    const [fn, format] = cmd.args;
    if (fn?.type !== 'identifier' || fn.name !== 'printf' || format?.type !== 'string') return;
    const problem = checkFormat(format.value);
    if (problem) this.fail(format.pos, problem);
  }

  private operand(): Arg | undefined {
    const node = this.term();
    if (!node || this.peek().type !== 'field') return node;
    const chain: FieldChain = { names: [], positions: [] };
    let end = node.end;
    while (this.peek().type === 'field') {
      const f = this.next();
      chain.names.push(f.val.slice(1));
      chain.positions.push(f.pos);
      end = f.pos + f.val.length;
    }
    switch (node.type) {
      case 'field':
      case 'variable':
        // Go puts more fields on a field or a variable rather than making a chain.
        node.chain.names.push(...chain.names);
        node.chain.positions.push(...chain.positions);
        node.end = end;
        return node;
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.fail(chain.positions[0] ?? node.pos, `unexpected . after term "${this.text(node)}"`);
        break;
      default:
        return { type: 'chain', pos: node.pos, end, node, chain };
    }
  }

  private text(n: { pos: number; end: number }): string {
    return this.source.slice(n.pos, n.end);
  }

  private term(): Arg | undefined {
    const t = this.nextNonSpace();
    const end = t.pos + t.val.length;
    switch (t.type) {
      case 'identifier':
        if (UNSUPPORTED_BUILTINS.includes(t.val)) {
          this.fail(t.pos, `function "${t.val}" is not supported in commit message templates`);
        }
        if (!Object.hasOwn(BUILTINS, t.val)) this.fail(t.pos, `function "${t.val}" not defined`);
        return { type: 'identifier', pos: t.pos, end, name: t.val };
      case 'dot':
        return { type: 'dot', pos: t.pos, end };
      case 'nil':
        return { type: 'nil', pos: t.pos, end };
      case 'variable':
        if (!this.vars.includes(t.val)) this.fail(t.pos, `undefined variable "${t.val}"`);
        return { type: 'variable', pos: t.pos, end, name: t.val, chain: { names: [], positions: [] } };
      case 'field':
        return { type: 'field', pos: t.pos, end, chain: { names: [t.val.slice(1)], positions: [t.pos] } };
      case 'bool':
        return { type: 'bool', pos: t.pos, end, value: t.val === 'true' };
      case 'charConstant':
      case 'complex':
      case 'number':
        return this.number(t);
      case 'leftParen': {
        this.enter(t.pos);
        const pipe = this.pipeline('parenthesized pipeline', 'rightParen');
        this.depth--;
        const close = this.tokens[this.index - 1]?.pos ?? pipe.end;
        return { type: 'pipe', pos: t.pos, end: close + 1, pipe };
      }
      case 'string':
      case 'rawString': {
        const value = unquoteString(t.val);
        if (value === undefined) this.fail(t.pos, `invalid syntax in string ${t.val}`);
        return { type: 'string', pos: t.pos, end, value };
      }
    }
    this.backup();
    return undefined;
  }

  private number(t: Token): Arg {
    const end = t.pos + t.val.length;
    if (t.type === 'complex' || t.val.endsWith('i')) {
      this.fail(t.pos, `complex number ${t.val} is not supported in commit message templates`);
    }
    if (t.type === 'charConstant') {
      const rune = unquoteRune(t.val);
      if (rune === undefined) this.fail(t.pos, `malformed character constant: ${t.val}`);
      return { type: 'number', pos: t.pos, end, value: rune, isFloat: false };
    }
    const parsed = parseNumber(t.val);
    if (!parsed) this.fail(t.pos, `illegal number syntax: "${t.val}"`);
    if (!parsed.isFloat && !Number.isSafeInteger(parsed.value) && Math.abs(parsed.value) >= 2 ** 63) {
      this.fail(t.pos, `${t.val} overflows int`);
    }
    return { type: 'number', pos: t.pos, end, ...parsed };
  }
}

/** A Go number literal's value, and whether Go gives it the type float64 rather than int. */
export function parseNumber(text: string): { value: number; isFloat: boolean } | undefined {
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[+-]/, '');
  if (/^_|_$|__/.test(body)) return undefined;
  const digits = body.replaceAll('_', '');
  const radix = /^0[xX]/.test(digits)
    ? 16
    : /^0[bB]/.test(digits)
      ? 2
      : /^0[oO]?[0-7]+$/.test(digits)
        ? 8
        : 10;
  if (radix !== 10 || /^[0-9]+$/.test(digits)) {
    const plain = radix === 8 ? digits.replace(/^0[oO]?/, '') : radix === 10 ? digits : digits.slice(2);
    const valid = { 16: /^[0-9a-fA-F]+$/, 8: /^[0-7]*$/, 2: /^[01]+$/, 10: /^[0-9]+$/ }[radix];
    if (radix === 16 && /[.pP]/.test(plain)) return undefined; // hexadecimal floats: not in the subset
    if (!valid?.test(plain)) return undefined;
    const prefix = { 16: '0x', 8: '0o', 2: '0b', 10: '' }[radix];
    return { value: sign * Number(BigInt(`${prefix}${plain || '0'}`)), isFloat: false };
  }
  if (!/^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(digits)) return undefined;
  const value = sign * Number(digits);
  if (!Number.isFinite(value)) return undefined;
  // Go gives 1.0 and 1e3 the type float64, and an integral constant without . or exponent the type int.
  return { value, isFloat: /[.eE]/.test(digits) };
}

function describe(t: Token): string {
  switch (t.type) {
    case 'eof':
      return 'EOF';
    case 'rightDelim':
      return '"}}"';
    case 'leftDelim':
      return '"{{"';
    case 'space':
      return 'space';
    case 'if':
    case 'else':
    case 'end':
    case 'range':
    case 'with':
    case 'nil':
      return `<${t.type}>`;
    default:
      return t.val.length > 10 ? `"${t.val.slice(0, 10)}"...` : `"${t.val}"`;
  }
}
