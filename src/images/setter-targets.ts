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

/** A node that ends where a marker's value would, with what its place in the tree says about it. */
export interface Ending {
  node: Node;
  key: boolean;
  flow: boolean;
}

/** What one document knows about the nodes its markers may sit on, built once per document that holds markers. */
export interface DocIndex {
  doc: Document;
  object: ObjectId;
  /** Scalars (not empty, not block), aliases and flow collections ending at a wanted offset, the first one wins. */
  byEnd: Map<number, Ending>;
  /** Every node in document order (their start offsets never decrease); walked only to explain a failure. */
  nodes?: Node[];
}

/**
 * The offsets where the value a marker comment sets would end: right before the comment, or before a `,` there.
 * Pass the union over a document's markers to {@link indexDocument}.
 */
export function wantedEnds(source: string, comment: number, into: Set<number>): void {
  const end = skipBack(source, comment);
  into.add(end);
  if (source[end - 1] === ',') into.add(skipBack(source, end - 1));
}

/**
 * Indexes a parsed document (composed with `keepSourceTokens`): only nodes ending at one of `ends` are kept, so a
 * large document with one marker costs one walk and no per-node allocation.
 */
export function indexDocument(doc: Document, ends: ReadonlySet<number>): DocIndex {
  const index: DocIndex = { doc, object: objectId(doc), byEnd: new Map() };
  walk(doc.contents, false, false, (node, key, flow) => {
    const end = node.range?.[1];
    if (end === undefined || !ends.has(end) || index.byEnd.has(end)) return;
    const ending = isScalar(node) ? flowScalarToken(node) !== undefined : isAlias(node) || node.flow === true;
    if (ending) index.byEnd.set(end, { node, key, flow });
  });
  return index;
}

/**
 * Visits every scalar, alias and collection below `node` in document order, parents first, as yaml's `visit` does,
 * saying whether it is a mapping key and whether its collection is a flow collection.
 */
function walk(
  node: unknown,
  key: boolean,
  flow: boolean,
  visitor: (node: Node, key: boolean, flow: boolean) => void,
): void {
  if (!(isScalar(node) || isAlias(node) || isCollection(node))) return;
  visitor(node, key, flow);
  if (!isCollection(node)) return;
  const inner = node.flow === true;
  for (const item of node.items) {
    if (isPair(item)) {
      walk(item.key, true, inner, visitor);
      walk(item.value, false, inner, visitor);
    } else walk(item, false, inner, visitor);
  }
}

/** The scalar a marker comment starting at `comment` sets, or why there is none. */
export function locate(index: DocIndex, source: string, comment: number): Located {
  let end = skipBack(source, comment);
  let ending = index.byEnd.get(end);
  if (ending === undefined && source[end - 1] === ',') {
    end = skipBack(source, end - 1);
    ending = index.byEnd.get(end);
  }
  if (ending !== undefined) return onSameLine(ending);
  return elsewhere(index, comment);
}

function onSameLine({ node, key, flow }: Ending): Located {
  if (key) return fail('is on a mapping key, not on a value');
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
      flow,
      value: resolved.value,
    },
  };
}

/** Nothing ends right before the comment: say what the marker sits on instead. */
function elsewhere(index: DocIndex, comment: number): Located {
  if (index.nodes === undefined) {
    const nodes: Node[] = [];
    walk(index.doc.contents, false, false, (node) => {
      if (node.range) nodes.push(node);
    });
    index.nodes = nodes;
  }
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
