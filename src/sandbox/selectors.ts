/**
 * Label selectors with the parsing, validation and error texts of apimachinery pkg/labels/selector.go and
 * pkg/api/validate/content/kube.go; field selectors live in field-selectors.ts and are re-exported here. A bad
 * selector in a list or watch is a 400 whose message is the parser's text (apiserver handlers/get.go:
 * `errors.NewBadRequest(err.Error())`).
 */
import { badRequest, renderValue } from './errors.js';
import { isObj } from './types.js';

/** selection.Operator values. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

/** One labels.Requirement. */
export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  /** Sorted and unique, as sets.String.List() gives them. */
  values: readonly string[];
}

/** A parsed label selector (labels.Selector). */
export interface LabelSelector {
  /** ANDed, sorted by key. Empty matches everything. */
  requirements: readonly LabelRequirement[];
  /** labels.Nothing(): what a nil metav1.LabelSelector converts to. */
  nothing?: boolean;
}

const byteLength = (s: string) => new TextEncoder().encode(s).length;

const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;
const full = (fmt: string) => new RegExp(`^${fmt}$`);

/** content.RegexError. */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  const eg = examples.length ? ` (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}` : ' (';
  return `${msg}${eg}regex used for validation is '${fmt}')`;
}

const maxLen = (n: number) => `must be no more than ${n} bytes`;

/** content.IsLabelKey: the problems with a label key, empty when it is valid. */
export function labelKeyErrors(key: string): string[] {
  const errs: string[] = [];
  const parts = key.split('/');
  if (parts.length > 2) {
    const re = regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc');
    return [
      `a valid label key ${re} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  const name = parts[parts.length - 1] as string;
  if (parts.length === 2) {
    const prefix = parts[0] as string;
    if (prefix === '') errs.push('prefix part must be non-empty');
    else {
      if (byteLength(prefix) > 253) errs.push(`prefix part ${maxLen(253)}`);
      if (!full(DNS1123_SUBDOMAIN_FMT).test(prefix)) {
        const msg =
          "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
        errs.push(`prefix part ${regexError(msg, DNS1123_SUBDOMAIN_FMT, 'example.com')}`);
      }
    }
  }
  if (name === '') errs.push('name part must be non-empty');
  else if (byteLength(name) > 63) errs.push(`name part ${maxLen(63)}`);
  if (!full(LABEL_KEY_FMT).test(name)) {
    errs.push(`name part ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

/** content.IsLabelValue. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLen(63));
  if (!full(LABEL_VALUE_FMT).test(value)) {
    const msg =
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    errs.push(regexError(msg, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

const invalidField = (field: string, value: unknown, detail: string) =>
  `${field}: Invalid value: ${renderValue(value)}: ${detail}`;

/** strconv.ParseInt(s, 10, 64). */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n >= 2n ** 63n || n < -(2n ** 63n) ? undefined : n;
}

/** labels.NewRequirement: validates and builds a requirement, or returns the aggregated error text. */
function newRequirement(
  key: string,
  operator: LabelOperator,
  values: readonly string[],
): LabelRequirement | string {
  const errs: string[] = [];
  const keyErrs = labelKeyErrors(key);
  if (keyErrs.length) errs.push(invalidField('key', key, keyErrs.join('; ')));
  // An empty Go slice built by append([]string(nil), ...) renders as null.
  const shown = values.length ? values : null;
  if ((operator === 'in' || operator === 'notin') && values.length === 0) {
    errs.push(invalidField('values', shown, "for 'in', 'notin' operators, values set can't be empty"));
  } else if ((operator === '=' || operator === '==' || operator === '!=') && values.length !== 1) {
    errs.push(invalidField('values', shown, 'exact-match compatibility requires one single value'));
  } else if ((operator === 'exists' || operator === '!') && values.length !== 0) {
    errs.push(invalidField('values', shown, 'values set must be empty for exists and does not exist'));
  } else if (operator === 'gt' || operator === 'lt') {
    if (values.length !== 1) {
      errs.push(invalidField('values', shown, "for 'Gt', 'Lt' operators, exactly one value is required"));
    }
    values.forEach((v, i) => {
      if (parseInt64(v) === undefined) {
        errs.push(invalidField(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      }
    });
  }
  values.forEach((v, i) => {
    const e = labelValueErrors(v);
    if (e.length) errs.push(invalidField(`values[${i}][${key}]`, v, e.join('; ')));
  });
  const unique = [...new Set(errs)];
  if (unique.length === 0) return { key, operator, values };
  return unique.length === 1 ? (unique[0] as string) : `[${unique.join(', ')}]`;
}

type Token = { t: 'id' | 'op' | 'end'; lit: string };

const SPECIAL = '=!(),><';
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const KEYWORDS = new Set([')', ',', '!', '==', '=', '>', 'in', '<', '!=', 'notin', '(']);

/**
 * The Lexer of selector.go: identifiers, the keywords `in`/`notin`, and the longest operator match. Go reads a NUL
 * byte like the end of input: it ends the current token, and at the start of a token it ends the selector.
 */
function lex(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && isSpace(s[i] as string)) i++;
    if (i >= s.length || s[i] === '\0') break;
    let lit = '';
    if (SPECIAL.includes(s[i] as string)) {
      while (i < s.length && SPECIAL.includes(s[i] as string) && KEYWORDS.has(lit + s[i])) lit += s[i++];
      out.push({ t: 'op', lit });
    } else {
      while (i < s.length && s[i] !== '\0' && !SPECIAL.includes(s[i] as string) && !isSpace(s[i] as string)) {
        lit += s[i++];
      }
      out.push({ t: lit === 'in' || lit === 'notin' ? 'op' : 'id', lit });
    }
    if (s[i] === '\0') i++;
  }
  out.push({ t: 'end', lit: '' });
  return out;
}

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';
const OPERATORS: Readonly<Record<string, LabelOperator>> = {
  in: 'in',
  notin: 'notin',
  '=': '=',
  '==': '==',
  '!=': '!=',
  '>': 'gt',
  '<': 'lt',
};

class Parser {
  pos = 0;
  constructor(readonly toks: Token[]) {}

  /** In the Values context the keywords `in` and `notin` are plain identifiers. */
  peek(): Token {
    const tok = this.toks[this.pos] as Token;
    return tok.lit === 'in' || tok.lit === 'notin' ? { t: 'id', lit: tok.lit } : tok;
  }

  next(): Token {
    const tok = this.peek();
    this.pos++;
    return tok;
  }

  requirement(): LabelRequirement {
    let tok = this.next();
    const negated = tok.lit === '!' && tok.t === 'op';
    if (negated) tok = this.next();
    if (tok.t !== 'id') throw new Error(`found '${tok.lit}', expected: identifier`);
    const key = tok.lit;
    const keyErrs = labelKeyErrors(key);
    if (keyErrs.length) throw new Error(invalidField('<nil>', key, keyErrs.join('; ')));
    const after = this.peek();
    if (negated || after.t === 'end' || after.lit === ',')
      return this.build(key, negated ? '!' : 'exists', []);
    const opTok = this.toks[this.pos++] as Token; // operators are read without the Values context
    const operator = opTok.t === 'op' ? OPERATORS[opTok.lit] : undefined;
    if (!operator) throw new Error(`found '${opTok.lit}', expected: ${BINARY_OPERATORS}`);
    return this.build(key, operator, operator === 'in' || operator === 'notin' ? this.set() : this.exact());
  }

  build(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
    const r = newRequirement(key, operator, [...new Set(values)].sort());
    if (typeof r === 'string') throw new Error(r);
    return r;
  }

  exact(): string[] {
    const tok = this.peek();
    if (tok.t === 'end' || tok.lit === ',') return [''];
    this.pos++;
    if (tok.t === 'id') return [tok.lit];
    throw new Error(`found '${tok.lit}', expected: identifier`);
  }

  /** parseValues and parseIdentifiersList, including their reading of `(,)` and `()` as the empty value. */
  set(): string[] {
    const open = this.next();
    if (open.lit !== '(' || open.t !== 'op') throw new Error(`found '${open.lit}' expected: '('`);
    const first = this.peek();
    if (first.lit === ')' && first.t === 'op') {
      this.pos++;
      return [''];
    }
    if (first.t !== 'id' && first.lit !== ',')
      throw new Error(`found '${first.lit}', expected: ',', ')' or identifier`);
    const values: string[] = [];
    for (;;) {
      const tok = this.next();
      if (tok.t === 'id') {
        values.push(tok.lit);
        const sep = this.peek();
        if (sep.lit === ')') break;
        if (sep.lit !== ',') throw new Error(`found '${sep.lit}', expected: ',' or ')'`);
      } else if (tok.lit === ',') {
        if (values.length === 0) values.push('');
        const sep = this.peek();
        if (sep.lit === ')') {
          values.push('');
          break;
        }
        if (sep.lit === ',') {
          this.pos++;
          values.push('');
        }
      } else throw new Error(`found '${tok.lit}', expected: ',', or identifier`);
    }
    const close = this.next();
    if (close.lit !== ')') throw new Error(`found '${first.lit}', expected: ')'`);
    return values;
  }
}

const byKey = (a: LabelRequirement, b: LabelRequirement) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** labels.Parse. Throws the 400 BadRequest the apiserver sends for a bad `labelSelector`. */
export function parseLabelSelector(s: string): LabelSelector {
  const p = new Parser(lex(s));
  const requirements: LabelRequirement[] = [];
  for (;;) {
    const tok = p.peek();
    if (tok.t === 'end') break;
    if (tok.t !== 'id' && tok.lit !== '!') {
      throw badRequest(`found '${tok.lit}', expected: !, identifier, or 'end of string'`);
    }
    try {
      requirements.push(p.requirement());
    } catch (e) {
      throw badRequest(`unable to parse requirement: ${(e as Error).message}`);
    }
    const sep = p.next();
    if (sep.t === 'end') break;
    if (sep.lit !== ',') throw badRequest(`found '${sep.lit}', expected: ',' or 'end of string'`);
    const after = p.peek();
    if (after.t !== 'id' && after.lit !== '!')
      throw badRequest(`found '${after.lit}', expected: identifier after ','`);
  }
  return { requirements: requirements.sort(byKey) };
}

/**
 * metav1.LabelSelectorAsSelector: null or undefined selects nothing, `{}` selects everything. Throws a 400 with
 * the validation text for an invalid selector (the same errors create and update report for it).
 */
export function fromLabelSelectorObject(obj: unknown): LabelSelector {
  if (!isObj(obj)) return { requirements: [], nothing: true };
  const reqs: LabelRequirement[] = [];
  const add = (r: LabelRequirement | string) => {
    if (typeof r === 'string') throw badRequest(r);
    reqs.push(r);
  };
  const matchLabels = isObj(obj.matchLabels) ? obj.matchLabels : {};
  for (const [k, v] of Object.entries(matchLabels)) add(newRequirement(k, '=', [String(v)]));
  const exprs = Array.isArray(obj.matchExpressions) ? obj.matchExpressions : [];
  const ops: Readonly<Record<string, LabelOperator>> = {
    In: 'in',
    NotIn: 'notin',
    Exists: 'exists',
    DoesNotExist: '!',
  };
  for (const e of exprs) {
    const x = isObj(e) ? e : {};
    const op = typeof x.operator === 'string' && Object.hasOwn(ops, x.operator) ? ops[x.operator] : undefined;
    if (!op)
      throw badRequest(`${JSON.stringify(String(x.operator ?? ''))} is not a valid label selector operator`);
    const values = Array.isArray(x.values) ? x.values.map(String) : [];
    add(newRequirement(String(x.key ?? ''), op, values));
  }
  return { requirements: reqs.sort(byKey) };
}

/** Requirement.Matches, ANDed. `labels` is metadata.labels. */
export function matchesLabels(
  sel: LabelSelector,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  if (sel.nothing) return false;
  const ls = labels ?? {};
  return sel.requirements.every((r) => {
    const has = Object.hasOwn(ls, r.key);
    const value = has ? ls[r.key] : undefined;
    switch (r.operator) {
      case 'in':
      case '=':
      case '==':
        return has && r.values.includes(value as string);
      case 'notin':
      case '!=':
        return !has || !r.values.includes(value as string);
      case 'exists':
        return has;
      case '!':
        return !has;
      default: {
        const got = has ? parseInt64(value as string) : undefined;
        const want = parseInt64(r.values[0] ?? '');
        if (got === undefined || want === undefined) return false;
        return r.operator === 'gt' ? got > want : got < want;
      }
    }
  });
}

/** Selector.String(): `a in (x,y),!b,c=d`, the form `/scale` reports in status.selector. */
export function labelSelectorString(sel: LabelSelector): string {
  const sym: Readonly<Record<LabelOperator, string>> = {
    in: ' in ',
    notin: ' notin ',
    '=': '=',
    '==': '==',
    '!=': '!=',
    exists: '',
    '!': '',
    gt: '>',
    lt: '<',
  };
  return sel.requirements
    .map((r) => {
      if (r.operator === 'exists') return r.key;
      if (r.operator === '!') return `!${r.key}`;
      const vals = [...r.values].sort().join(',');
      return `${r.key}${sym[r.operator]}${r.operator === 'in' || r.operator === 'notin' ? `(${vals})` : vals}`;
    })
    .join(',');
}

export * from './field-selectors.js';
