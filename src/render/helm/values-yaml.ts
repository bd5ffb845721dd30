/**
 * Reads a values file the way Helm reads one (sigs.k8s.io/yaml over go-yaml v2, YAML 1.1), so that the values
 * Steward merges and hands to helm as one file mean what the original files would have meant to `helm -f`:
 * - `yes`, `no`, `on`, `off`, `y` and `n` are booleans, also as keys (`y:` is the key "true"); manifests keep
 *   YAML 1.2 booleans (src/plan/yaml-schema.ts), values must not;
 * - numbers as go-yaml v2 reads them (`0755` is octal, `1_000` is 1000, `1e3` a number) and a float too large
 *   for float64 stays the string it was written as;
 * - `!!binary` is decoded to text; timestamps stay strings; duplicate keys are allowed, the last one wins;
 * - every document of the file is a layer, merged in order (Helm 4 reads them all); empty ones are skipped.
 * Parsing is bounded (aliases, nesting), and problems are reported by position and kind, never by content:
 * the text may come from a Secret. Pure.
 */
import type { Document, ScalarTag, Tags } from 'yaml';
import { Composer, LineCounter, Parser } from 'yaml';
import { unresolvedAlias } from '../../plan/documents.js';
import { nonPrintable } from '../../plan/text.js';
import { goYamlNumber } from '../../plan/yaml-schema.js';
import type { Values } from './values-merge.js';
import { isValuesMap, mergeValues, setOwn } from './values-merge.js';

/** Alias expansions per document, as for manifests. */
export const MAX_VALUES_ALIASES = 100;
/** Nesting of mappings and lists. */
export const MAX_VALUES_DEPTH = 128;

const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);

const goBool: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  identify: (v) => typeof v === 'boolean',
  test: /^(?:[yYnN]|[Yy]es|YES|[Nn]o|NO|[Tt]rue|TRUE|[Ff]alse|FALSE|[Oo]n|ON|[Oo]ff|OFF)$/,
  resolve: (text) => TRUE.has(text),
};

/** go-yaml turns a float it cannot hold (`1e400`) back into the string; JavaScript would make it Infinity. */
function goNumber(text: string): number | string {
  const n = goYamlNumber(text);
  return typeof n === 'number' && !Number.isFinite(n) ? text : n;
}

const goInt: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  identify: (v) => typeof v === 'number' && Number.isInteger(v),
  test: /^[-+]?[0-9][0-9a-fA-FxXoObB_]*$/,
  resolve: goNumber,
};

const goFloat: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  identify: (v) => typeof v === 'number',
  test: /^(?:[-+][0-9_]*\.?|[0-9][0-9_]*\.?|\.(?=[0-9]))[0-9_]*(?:[eE][-+]?[0-9_]+)?$/,
  resolve: goNumber,
};

const HELM_SCHEMA = {
  schema: 'core',
  merge: true,
  uniqueKeys: false,
  customTags: (tags: Tags): Tags => [goBool, goInt, goFloat, ...tags, 'binary'],
} as const;

/** Why a values text was refused: a 1-based line when there is one, and what is wrong, content-free. */
export interface ValuesProblem {
  line?: number;
  message: string;
}

export type ValuesParse = { ok: true; values: Values } | { ok: false; problem: ValuesProblem };

/** What a value is, never what it holds. */
function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  return `a ${typeof v}`;
}

/**
 * Narrows a document's JS value to JSON as Helm sees it, iteratively (a hostile document cannot exhaust the
 * stack): `!!binary` bytes become text, NaN and infinities (`.inf`, `.nan`) are refused, as helm refuses them.
 */
function toHelmJson(root: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  const boxed: unknown[] = [root];
  const stack: { container: Record<string, unknown> | unknown[]; depth: number }[] = [
    { container: boxed, depth: 0 },
  ];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { container, depth } = top;
    const entries: [string | number, unknown][] = Array.isArray(container)
      ? [...container.entries()]
      : Object.entries(container);
    for (const [key, v] of entries) {
      let value = v;
      if (value instanceof Uint8Array) value = Buffer.from(value).toString('utf8');
      else if (typeof value === 'number' && !Number.isFinite(value)) {
        return { ok: false, message: `${value} (.inf or .nan) has no JSON form, so helm refuses it` };
      } else if (value instanceof Map || value instanceof Set || value instanceof Date) {
        return { ok: false, message: 'a value of a YAML type with no JSON form' };
      }
      if (value !== v) {
        if (Array.isArray(container)) container[key as number] = value;
        else setOwn(container, key as string, value);
      }
      if (typeof value === 'object' && value !== null) {
        if (depth + 1 > MAX_VALUES_DEPTH) {
          return { ok: false, message: `values nest deeper than ${MAX_VALUES_DEPTH} levels` };
        }
        stack.push({ container: value as Record<string, unknown> | unknown[], depth: depth + 1 });
      }
    }
  }
  return { ok: true, value: boxed[0] };
}

function documentValues(doc: Document.Parsed, lines: LineCounter): ValuesParse | undefined {
  const err = doc.errors[0];
  if (err) {
    const what =
      err.code === 'RESOURCE_EXHAUSTION' ? 'nested too deeply to parse' : `invalid YAML (${err.code})`;
    return { ok: false, problem: { line: lines.linePos(err.pos[0]).line, message: what } };
  }
  if (doc.contents === null) return undefined;
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: MAX_VALUES_ALIASES });
  } catch (e) {
    const alias = e instanceof ReferenceError ? unresolvedAlias(doc) : undefined;
    const line = lines.linePos(alias?.offset ?? doc.range[0]).line;
    const message = alias
      ? `invalid YAML: an alias refers to an anchor not defined before it`
      : e instanceof ReferenceError
        ? `expands more than ${MAX_VALUES_ALIASES} YAML aliases; refusing it as a resource exhaustion attack`
        : 'nested too deeply to parse';
    return { ok: false, problem: { line, message } };
  }
  const line = lines.linePos(doc.contents.range[0]).line;
  if (js === null || js === undefined) return undefined;
  if (!isValuesMap(js)) return { ok: false, problem: { line, message: `is ${describe(js)}, not a mapping` } };
  const json = toHelmJson(js);
  if (!json.ok) return { ok: false, problem: { line, message: json.message } };
  return { ok: true, values: json.value as Values };
}

/** Parses a values text into one mapping (an empty text is `{}`). */
export function parseValuesText(text: string): ValuesParse {
  // go-yaml refuses control characters; the parser here would keep them in the values.
  const bad = nonPrintable(text);
  if (bad) return { ok: false, problem: bad };
  const lines = new LineCounter();
  const parser = new Parser(lines.addNewLine);
  const layers: Values[] = [];
  for (const doc of new Composer(HELM_SCHEMA).compose(parser.parse(text))) {
    const result = documentValues(doc, lines);
    if (!result) continue;
    if (!result.ok) return result;
    layers.push(result.values);
  }
  return { ok: true, values: mergeValues(layers) };
}
