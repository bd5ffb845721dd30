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
 * - only the documents whose text holds `$imagepolicy` are parsed (a file without it not at all), so only they are
 *   checked for valid YAML: a syntax error in a document without markers goes unnoticed where kyaml would fail
 *   the whole file. A parsed document that is not valid YAML leaves the file unchanged with one problem.
 */
import type { CST, Document } from 'yaml';
import { type Comment, markerComments } from './setter-comments.js';
import { MARKER_KEY, type MarkerRef, readMarker, type SetterKind } from './setter-marker.js';
import type { ObjectId } from './setter-object.js';
import { lineCounter, parsePart } from './setter-parse.js';
import { type StreamPart, splitStream } from './setter-split.js';
import { type DocIndex, indexDocument, locate, wantedEnds } from './setter-targets.js';
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

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * Applies the policies (keyed `namespace:name`) at the setter markers of one YAML file. `file` only labels
 * changes and problems; lines are 1-based lines of the whole file.
 *
 * Only the documents whose text holds `$imagepolicy` are parsed, each part of the stream on its own (see
 * setter-split.ts for where the stream is cut and why a part reads exactly as in a whole parse). A parsed document
 * that is not valid YAML leaves the whole file unchanged with one problem. A syntax error in a document without
 * markers is not seen and the marked documents around it are still set: only marked documents are ever touched,
 * and they are checked. (Flux's kyaml reads the whole file and would fail it. And where such a broken document
 * ends in an unclosed quote, or in a line that is nothing but an error, the yaml package would read the next
 * `---` as part of it; here the next document is read on its own, as YAML 1.2 says.) A stream with directives
 * (`%YAML`, `%TAG`) is parsed whole, as {@link applySettersWhole} does, so an error anywhere in it counts.
 */
export function applySetters(
  source: string,
  file: string,
  policies: ReadonlyMap<string, PolicyValue>,
): SetterResult {
  if (!hasSetterMarker(source)) return { text: source, changes: [], problems: [] };
  const parts = splitStream(source);
  return setParts(source, file, policies, parts === undefined ? [whole(source)] : markedParts(source, parts));
}

/**
 * {@link applySetters} parsing the whole stream at once, so that an error in any document counts: the reference
 * the split is tested against, and the path of streams with directives. The reconciler calls applySetters.
 */
export function applySettersWhole(
  source: string,
  file: string,
  policies: ReadonlyMap<string, PolicyValue>,
): SetterResult {
  if (!hasSetterMarker(source)) return { text: source, changes: [], problems: [] };
  return setParts(source, file, policies, [whole(source)]);
}

function whole(source: string): StreamPart {
  return { start: 0, end: source.length };
}

/** The parts whose text holds the marker key, in order. */
function markedParts(source: string, parts: readonly StreamPart[]): StreamPart[] {
  const marked: StreamPart[] = [];
  let at = source.indexOf(MARKER_KEY);
  for (const part of parts) {
    if (at === -1) break;
    if (at >= part.end) continue;
    marked.push(part);
    at = source.indexOf(MARKER_KEY, part.end);
  }
  return marked;
}

interface Found {
  changes: SetterChange[];
  problems: SetterProblem[];
  edits: Edit[];
}

/** Parses the parts one at a time, so a large stream never holds more than one part's syntax trees. */
function setParts(
  source: string,
  file: string,
  policies: ReadonlyMap<string, PolicyValue>,
  parts: readonly StreamPart[],
): SetterResult {
  const lineOf = lineCounter(source);
  const found: Found = { changes: [], problems: [], edits: [] };
  for (const part of parts) {
    const parsed = parsePart(source, part);
    if (!parsed.ok) {
      // One problem for the file; what was found in earlier parts is dropped with the edits. An error at the end
      // of a part that stops before a `---` (an unclosed quote) belongs on the part's last line, where a whole
      // parse puts it, not on the `---` line.
      const at = parsed.offset >= part.end && part.end < source.length ? part.end - 1 : parsed.offset;
      const problem = { file, line: lineOf(at), message: `not valid YAML: ${parsed.message}` };
      return { text: source, changes: [], problems: [problem] };
    }
    setPart(source, file, policies, part, parsed, lineOf, found);
  }
  return { text: applyEdits(source, found.edits), changes: found.changes, problems: found.problems };
}

/** Sets the markers of one parsed part, adding to `found`. */
function setPart(
  source: string,
  file: string,
  policies: ReadonlyMap<string, PolicyValue>,
  part: StreamPart,
  { tokens, docs }: { tokens: readonly CST.Token[]; docs: readonly Document[] },
  lineOf: (offset: number) => number,
  found: Found,
): void {
  const marked: { comment: Comment; line: number; ref: MarkerRef; value: PolicyValue; doc: Document }[] = [];
  for (const comment of markerComments(tokens, source, part)) {
    const read = readMarker(comment.source);
    if (read === undefined) continue;
    const line = lineOf(comment.offset);
    if (!read.ok) {
      found.problems.push({ file, line, message: read.reason });
      continue;
    }
    const value = policies.get(read.ref.policy);
    if (value === undefined) continue;
    const doc = documentAt(docs, comment.offset);
    if (doc === undefined) continue;
    marked.push({ comment, line, ref: read.ref, value, doc });
  }
  const ends = new Set<number>();
  for (const { comment } of marked) wantedEnds(source, comment.offset, ends);
  const indexes = new Map<Document, DocIndex>();
  for (const { comment, line, ref, value, doc } of marked) {
    const { policy, setter } = ref;
    let index = indexes.get(doc);
    if (index === undefined) {
      index = indexDocument(doc, ends);
      indexes.set(doc, index);
    }
    const located = locate(index, source, comment.offset);
    if (!located.ok) {
      found.problems.push({ file, line, message: `the marker for ${policy} ${located.reason}` });
      continue;
    }
    const newValue = setterValue(value, setter);
    if (newValue === undefined) {
      found.problems.push({
        file,
        line,
        message: `the policy ${policy} has no digest for the marker's :digest setter`,
      });
      continue;
    }
    const { target } = located;
    if (target.value === newValue) continue;
    found.edits.push({
      start: target.start,
      end: target.end,
      text: renderScalar(newValue, target.style, target.flow),
    });
    found.changes.push({
      file,
      line,
      policy,
      setter,
      object: index.object,
      oldValue: target.value,
      newValue,
    });
  }
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
