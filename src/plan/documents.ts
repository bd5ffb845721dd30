/**
 * Streams the documents of a YAML text one at a time. `parseAllDocuments` builds them all first, and a
 * render of a few megabytes of `---` lines would hold millions of empty documents in memory at once.
 */
import type { Document, LineCounter } from 'yaml';
import { Composer, isAlias, Parser, visit } from 'yaml';
import { KUBERNETES_SCALARS } from './yaml-schema.js';

/** Yields each document of `yaml` in order; `lineCounter` learns line starts as the text is read. */
export function* streamDocuments(yaml: string, lineCounter?: LineCounter): Generator<Document.Parsed> {
  const parser = new Parser(lineCounter?.addNewLine);
  // Merge keys (`<<: *base`), which the Kubernetes YAML decoder resolves too, and its octal numbers.
  yield* new Composer({ ...KUBERNETES_SCALARS, merge: true }).compose(parser.parse(yaml));
}

/**
 * The first alias whose anchor is not defined before it, in document order as the `yaml` package resolves
 * them; undefined when every alias resolves. Tells a typo apart from an alias bomb, since `toJS` throws a
 * ReferenceError for both. The name is cut short: it is structure, not content, but a message stays one line.
 */
export function unresolvedAlias(doc: Document): { name: string; offset: number } | undefined {
  const anchors = new Set<string>();
  let found: { name: string; offset: number } | undefined;
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      if (anchors.has(node.source)) return undefined;
      found = { name: node.source.slice(0, 64), offset: node.range?.[0] ?? 0 };
      return visit.BREAK;
    }
    const anchor = typeof node === 'object' && node !== null && 'anchor' in node ? node.anchor : undefined;
    if (typeof anchor === 'string') anchors.add(anchor);
    return undefined;
  });
  return found;
}
