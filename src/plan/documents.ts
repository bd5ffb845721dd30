/**
 * Streams the documents of a YAML text one at a time. `parseAllDocuments` builds them all first, and a
 * render of a few megabytes of `---` lines would hold millions of empty documents in memory at once.
 */
import type { Document, LineCounter } from 'yaml';
import { Composer, Parser } from 'yaml';

/** Yields each document of `yaml` in order; `lineCounter` learns line starts as the text is read. */
export function* streamDocuments(yaml: string, lineCounter?: LineCounter): Generator<Document.Parsed> {
  const parser = new Parser(lineCounter?.addNewLine);
  // Merge keys (`<<: *base`), which the Kubernetes YAML decoder resolves too.
  yield* new Composer({ merge: true }).compose(parser.parse(yaml));
}
