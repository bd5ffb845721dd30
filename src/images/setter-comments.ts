/**
 * Finds the comments that may be setter markers in a parsed part of a YAML stream: the CST's comment tokens that
 * mention `$imagepolicy` and share their line with something else. Pure.
 */
import type { CST } from 'yaml';
import { MARKER_KEY } from './setter-marker.js';
import type { StreamPart } from './setter-split.js';

/** A comment token: where its `#` is, and its text. */
export interface Comment {
  offset: number;
  source: string;
}

/**
 * The comments of `part` (parsed into `tokens`) that mention the marker key, in source order, less those alone on
 * their line: commented-out YAML or prose, never a marker. Only top-level tokens whose text holds the key are
 * walked.
 */
export function markerComments(tokens: readonly CST.Token[], source: string, part: StreamPart): Comment[] {
  const keys: number[] = [];
  const { start, end } = part;
  for (
    let at = source.indexOf(MARKER_KEY, start);
    at !== -1 && at < end;
    at = source.indexOf(MARKER_KEY, at + 1)
  ) {
    keys.push(at);
  }
  const found: Comment[] = [];
  let k = 0;
  tokens.forEach((token, i) => {
    const next = tokens[i + 1]?.offset ?? end;
    while (k < keys.length && (keys[k] ?? 0) < token.offset) k++;
    if ((keys[k] ?? next) < next) collectComments(token, found);
  });
  return found.filter((comment) => !isOwnLine(source, comment.offset)).sort((a, b) => a.offset - b.offset);
}

/**
 * Walks a CST token tree by its documented shape; comments sit in item starts, separators, scalar ends, block
 * scalar headers and document starts and ends. A token of a type it does not know is walked field by field.
 */
function collectComments(token: CST.Token, found: Comment[]): void {
  switch (token.type) {
    case 'comment':
      if (token.source.includes(MARKER_KEY)) found.push({ offset: token.offset, source: token.source });
      return;
    case 'document':
      collectAll(token.start, found);
      if (token.value !== undefined) collectComments(token.value, found);
      collectAll(token.end, found);
      return;
    case 'doc-end':
    case 'alias':
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
      collectAll(token.end, found);
      return;
    case 'block-scalar':
      collectAll(token.props, found);
      return;
    case 'flow-collection':
      collectItems(token.items, found);
      collectAll(token.end, found);
      return;
    case 'block-map':
    case 'block-seq':
      collectItems(token.items, found);
      return;
    case 'byte-order-mark':
    case 'doc-mode':
    case 'doc-start':
    case 'space':
    case 'newline':
    case 'directive-line':
    case 'directive':
    case 'anchor':
    case 'tag':
    case 'seq-item-ind':
    case 'explicit-key-ind':
    case 'map-value-ind':
    case 'flow-map-start':
    case 'flow-map-end':
    case 'flow-seq-start':
    case 'flow-seq-end':
    case 'flow-error-end':
    case 'comma':
    case 'block-scalar-header':
    case 'error':
      return;
    default:
      collectAnywhere(token, found);
  }
}

function collectAll(tokens: readonly CST.Token[] | undefined, found: Comment[]): void {
  if (tokens === undefined) return;
  for (const token of tokens) collectComments(token, found);
}

function collectItems(items: readonly CST.CollectionItem[], found: Comment[]): void {
  for (const item of items) {
    collectAll(item.start, found);
    if (item.key) collectComments(item.key, found);
    collectAll(item.sep, found);
    if (item.value !== undefined) collectComments(item.value, found);
  }
}

/** The fallback for a token shape this walker does not know: every object below it. */
function collectAnywhere(value: unknown, found: Comment[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectAnywhere(item, found);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const token = value as { type?: unknown; offset?: unknown; source?: unknown };
  if (token.type === 'comment' && typeof token.offset === 'number' && typeof token.source === 'string') {
    if (token.source.includes(MARKER_KEY)) found.push({ offset: token.offset, source: token.source });
    return;
  }
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) collectAnywhere(child, found);
  }
}

/** Whether only blanks (or a byte order mark) come before `offset` on its line. */
function isOwnLine(source: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const c = source[i];
    if (c === '\n') return true;
    if (c !== ' ' && c !== '\t' && c !== '\uFEFF') return false;
  }
  return true;
}
