/**
 * The "Setters" update strategy of an ImageUpdateAutomation: rewrites the scalars that carry an image-policy
 * marker (`image: ghcr.io/org/app:v1 # {"$imagepolicy": "apps:podinfo"}`) in one YAML file's text, changing
 * only those scalars' characters. Pure: text in, text out.
 *
 * Differences from Flux (which runs kyaml over the parsed tree and writes the file back out):
 * - every other byte stays as it was: comments, indentation, quoting, CRLF, document markers, anchors;
 * - markers that cannot be read or sit on something other than a scalar value are reported as problems instead
 *   of being skipped without a word (markers naming policies not given are still left alone);
 * - a marker after an item of a flow collection written over several lines (`[\n  app:v1, # {...}\n]`) is set;
 * - a file without `$imagepolicy` in it is not parsed at all, so only files with markers are checked for valid
 *   YAML; a file that is not valid YAML is returned unchanged with one problem.
 */
import { Composer, type CST, type Document, LineCounter, Parser } from 'yaml';
import { MARKER_KEY, readMarker, type SetterKind } from './setter-marker.js';
import type { ObjectId } from './setter-object.js';
import { type DocIndex, indexDocument, locate } from './setter-targets.js';
import { type PolicyValue, renderScalar, setterValue } from './setter-value.js';

export type { SetterKind } from './setter-marker.js';
export { describeObject, type ObjectId } from './setter-object.js';
export type { PolicyValue } from './setter-value.js';

/** One scalar rewritten; `line` is 1-based, `policy` is `namespace:name`. */
export interface SetterChange {
  file: string;
  line: number;
  policy: string;
  setter: SetterKind;
  object: ObjectId;
  oldValue: string;
  newValue: string;
}

/** A marker that could not be applied, or a file that is not valid YAML; `message` is the reason alone. */
export interface SetterProblem {
  file: string;
  line: number;
  message: string;
}

/** The new text (identical to the source when nothing changed), what changed, and what could not be done. */
export interface SetterResult {
  text: string;
  changes: SetterChange[];
  problems: SetterProblem[];
}

/** Cheap pre-check so callers skip files without markers. */
export function hasSetterMarker(source: string): boolean {
  return source.includes(MARKER_KEY);
}

/** `file:line: message`, for logs and events. */
export function formatSetterProblem(problem: SetterProblem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`;
}

interface Comment {
  offset: number;
  source: string;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * Applies the policies (keyed `namespace:name`) at the setter markers of one YAML file. `file` only labels
 * changes and problems.
 */
export function applySetters(
  source: string,
  file: string,
  policies: ReadonlyMap<string, PolicyValue>,
): SetterResult {
  const unchanged = (problems: SetterProblem[]): SetterResult => ({ text: source, changes: [], problems });
  if (!hasSetterMarker(source)) return unchanged([]);

  const lines = new LineCounter();
  let tokens: CST.Token[];
  let docs: Document[];
  try {
    tokens = Array.from(new Parser(lines.addNewLine).parse(source));
    docs = Array.from(new Composer({ keepSourceTokens: true, prettyErrors: false }).compose(tokens));
  } catch (err) {
    // The yaml package reports bad input as document errors; this only keeps a bug of its own from stopping
    // a whole automation run on one file.
    return unchanged([{ file, line: 1, message: `not valid YAML: ${(err as Error).message}` }]);
  }
  const lineOf = (offset: number): number => lines.linePos(offset).line;

  const invalid = firstError(docs);
  if (invalid !== undefined) {
    return unchanged([{ file, line: lineOf(invalid.offset), message: `not valid YAML: ${invalid.message}` }]);
  }

  const changes: SetterChange[] = [];
  const problems: SetterProblem[] = [];
  const edits: Edit[] = [];
  const indexes = new Map<Document, DocIndex>();
  for (const comment of markerComments(tokens, source)) {
    if (isOwnLine(source, comment.offset)) continue;
    const read = readMarker(comment.source);
    if (read === undefined) continue;
    const line = lineOf(comment.offset);
    if (!read.ok) {
      problems.push({ file, line, message: read.reason });
      continue;
    }
    const { policy, setter } = read.ref;
    const value = policies.get(policy);
    if (value === undefined) continue;
    const doc = documentAt(docs, comment.offset);
    if (doc === undefined) continue;
    let index = indexes.get(doc);
    if (index === undefined) {
      index = indexDocument(doc);
      indexes.set(doc, index);
    }
    const located = locate(index, source, comment.offset);
    if (!located.ok) {
      problems.push({ file, line, message: `the marker for ${policy} ${located.reason}` });
      continue;
    }
    const newValue = setterValue(value, setter);
    if (newValue === undefined) {
      problems.push({
        file,
        line,
        message: `the policy ${policy} has no digest for the marker's :digest setter`,
      });
      continue;
    }
    const { target } = located;
    if (target.value === newValue) continue;
    edits.push({
      start: target.start,
      end: target.end,
      text: renderScalar(newValue, target.style, target.flow),
    });
    changes.push({ file, line, policy, setter, object: index.object, oldValue: target.value, newValue });
  }
  return { text: applyEdits(source, edits), changes, problems };
}

/** The first error of any document, by position. */
function firstError(docs: readonly Document[]): { offset: number; message: string } | undefined {
  let first: { offset: number; message: string } | undefined;
  for (const doc of docs) {
    for (const error of doc.errors) {
      if (first === undefined || error.pos[0] < first.offset)
        first = { offset: error.pos[0], message: error.message };
    }
  }
  return first;
}

/**
 * The comments that mention the marker key, in source order. Only top-level tokens (documents) whose text holds
 * the key are walked, so a large file with a few markers costs little more than its parse.
 */
function markerComments(tokens: readonly CST.Token[], source: string): Comment[] {
  const keys: number[] = [];
  for (let at = source.indexOf(MARKER_KEY); at !== -1; at = source.indexOf(MARKER_KEY, at + 1)) keys.push(at);
  const found: Comment[] = [];
  let k = 0;
  tokens.forEach((token, i) => {
    const end = tokens[i + 1]?.offset ?? source.length;
    while (k < keys.length && (keys[k] ?? 0) < token.offset) k++;
    if ((keys[k] ?? end) < end) collectComments(token, found);
  });
  return found.sort((a, b) => a.offset - b.offset);
}

/** Walks any CST token tree: comments can sit in many of its arrays (item starts, separators, scalar ends). */
function collectComments(value: unknown, found: Comment[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectComments(item, found);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const token = value as { type?: unknown; offset?: unknown; source?: unknown };
  if (token.type === 'comment' && typeof token.offset === 'number' && typeof token.source === 'string') {
    if (token.source.includes(MARKER_KEY)) found.push({ offset: token.offset, source: token.source });
    return;
  }
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) collectComments(child, found);
  }
}

/** A comment alone on its line is commented-out YAML or prose, never a marker. */
function isOwnLine(source: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const c = source[i];
    if (c === '\n') return true;
    if (c !== ' ' && c !== '\t' && c !== '\uFEFF') return false;
  }
  return true;
}

/** The last document starting at or before `offset` (binary search; documents come in source order). */
function documentAt(docs: readonly Document[], offset: number): Document | undefined {
  let lo = 0;
  let hi = docs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((docs[mid]?.range?.[0] ?? 0) <= offset) lo = mid + 1;
    else hi = mid;
  }
  return docs[lo - 1];
}

function applyEdits(source: string, edits: readonly Edit[]): string {
  if (edits.length === 0) return source;
  const parts: string[] = [];
  let at = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    parts.push(source.slice(at, edit.start), edit.text);
    at = edit.end;
  }
  parts.push(source.slice(at));
  return parts.join('');
}
