/**
 * Finds the scalar a setter marker belongs to: the value that ends, on the marker's line, right before the
 * comment (or before a `,` in a flow collection spread over several lines). Anything else (a mapping, a sequence,
 * an alias, a key, an empty value, a block scalar, a value on another line) is a reason the caller reports. Pure.
 *
 * kyaml reads a setter from the line comment yaml.v3 attaches to a node, so Flux quietly sets or skips some of
 * these shapes; here only a scalar value on the marker's own line is set, and the rest is reported.
 */
import {
  type Alias,
  CST,
  type Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Scalar,
  visit,
} from 'yaml';
import type { ObjectId } from './setter-object.js';
import { objectId } from './setter-object.js';
import type { ScalarStyle } from './setter-value.js';

/** A scalar a marker sets: where its source text is, its style and current value. */
export interface SetterTarget {
  start: number;
  end: number;
  style: ScalarStyle;
  flow: boolean;
  value: string;
}

export type Located = { ok: true; target: SetterTarget } | { ok: false; reason: string };

/** What one document knows about its nodes' positions, built once per document that holds markers. */
export interface DocIndex {
  object: ObjectId;
  /** Scalars (not empty, not block), aliases and flow collections, by the offset where their value ends. */
  byEnd: Map<number, Node>;
  /** Every node in document order (their start offsets never decrease). */
  nodes: Node[];
  keys: Set<Node>;
  inFlow: Set<Node>;
}

/** Indexes a parsed document (composed with `keepSourceTokens`). */
export function indexDocument(doc: Document): DocIndex {
  const index: DocIndex = {
    object: objectId(doc),
    byEnd: new Map(),
    nodes: [],
    keys: new Set(),
    inFlow: new Set(),
  };
  visit(doc, (_, node, path) => {
    if (isPair(node)) {
      if (isScalar(node.key) || isAlias(node.key) || isCollection(node.key)) index.keys.add(node.key);
      return;
    }
    if (!(isScalar(node) || isAlias(node) || isCollection(node)) || !node.range) return;
    index.nodes.push(node);
    const parent = path.at(-1);
    const owner = isPair(parent) ? path.at(-2) : parent;
    if (isCollection(owner) && owner.flow) index.inFlow.add(node);
    const ends = isScalar(node) ? flowScalarToken(node) !== undefined : isAlias(node) || node.flow === true;
    if (ends && !index.byEnd.has(node.range[1])) index.byEnd.set(node.range[1], node);
  });
  return index;
}

/** The scalar a marker comment starting at `comment` sets, or why there is none. */
export function locate(index: DocIndex, source: string, comment: number): Located {
  let end = skipBack(source, comment);
  let node = index.byEnd.get(end);
  if (node === undefined && source[end - 1] === ',') {
    end = skipBack(source, end - 1);
    node = index.byEnd.get(end);
  }
  if (node !== undefined) return onSameLine(index, node);
  return elsewhere(index, comment);
}

function onSameLine(index: DocIndex, node: Node): Located {
  if (index.keys.has(node)) return fail('is on a mapping key, not on a value');
  if (isAlias(node)) return fail(`is on the alias *${(node as Alias).source}; put it on the anchored value`);
  if (isMap(node)) return fail('is on a flow mapping, not on a scalar value');
  if (isSeq(node)) return fail('is on a flow sequence, not on a scalar value');
  const token = isScalar(node) ? flowScalarToken(node) : undefined;
  if (token === undefined) return fail('is not on a scalar value');
  const resolved = CST.resolveAsScalar(token);
  return {
    ok: true,
    target: {
      start: token.offset,
      end: token.offset + token.source.length,
      style:
        token.type === 'single-quoted-scalar'
          ? 'single'
          : token.type === 'double-quoted-scalar'
            ? 'double'
            : 'plain',
      flow: index.inFlow.has(node),
      value: resolved.value,
    },
  };
}

/** Nothing ends right before the comment: say what the marker sits on instead. */
function elsewhere(index: DocIndex, comment: number): Located {
  const at = firstStartingAt(index.nodes, comment);
  const before = index.nodes[at - 1];
  if (isScalar(before) && isBlock(before) && before.range && before.range[1] > comment) {
    return fail('is on a block scalar (| or >); use a plain or quoted scalar');
  }
  const next = index.nodes[at];
  if (next === undefined) return fail('is not next to a value');
  if (isScalar(next) && next.range?.[0] === next.range?.[1]) return fail('is on an empty value');
  if (isMap(next)) return fail('is on a mapping, not on a scalar value');
  if (isSeq(next)) return fail('is on a sequence, not on a scalar value');
  if (isAlias(next)) return fail('is on an alias, not on a scalar value');
  return fail('must be on the same line as the scalar value it sets');
}

function fail(reason: string): Located {
  return { ok: false, reason };
}

/** The first node starting at or after `offset` (binary search; the nodes are in document order). */
function firstStartingAt(nodes: readonly Node[], offset: number): number {
  let lo = 0;
  let hi = nodes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const start = nodes[mid]?.range?.[0] ?? 0;
    if (start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The offset just past the last character before `offset` that is not a space or a tab. */
function skipBack(source: string, offset: number): number {
  let i = offset;
  while (i > 0 && (source[i - 1] === ' ' || source[i - 1] === '\t')) i--;
  return i;
}

function isBlock(node: Scalar): boolean {
  return node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
}

function flowScalarToken(node: Scalar): CST.FlowScalar | undefined {
  const token = node.srcToken;
  const flow =
    token?.type === 'scalar' ||
    token?.type === 'single-quoted-scalar' ||
    token?.type === 'double-quoted-scalar';
  return flow && token.source !== '' ? token : undefined;
}
