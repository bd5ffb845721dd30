/**
 * Concatenates rendered files into one YAML stream, recording where each file starts so that parse errors
 * and duplicates can name the file and the line within it. Pure.
 */
import { Parser } from 'yaml';

/** One input to the stream: a file's text, or the output of a renderer. */
export interface RenderedPart {
  file: string;
  text: string;
}

/** A file in the stream: its document count and the 1-based line of the stream where its text starts. */
export interface RenderedFile {
  file: string;
  documents: number;
  line: number;
}

function countDocuments(text: string): number {
  let n = 0;
  for (const token of new Parser().parse(text)) if (token.type === 'document') n++;
  return n;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** A file that already ends its last document with a `...` marker needs no separator after it. */
const ENDS_WITH_DOC_END = /(^|\n)\.\.\.[ \t]*\n$/;

/**
 * Joins parts, ending each one's last document with a `...` marker rather than starting the next with `---`:
 * that keeps document counts exact when a file starts with its own `---` or with a `%YAML` directive. Parts
 * without documents (empty or comment-only files) are left out.
 */
export function joinParts(parts: readonly RenderedPart[]): { yaml: string; files: RenderedFile[] } {
  const chunks: string[] = [];
  const files: RenderedFile[] = [];
  let line = 1;
  for (const part of parts) {
    const text = part.text.replace(/^\uFEFF/, '');
    const documents = countDocuments(text);
    if (documents === 0) continue;
    const previous = chunks.at(-1);
    if (previous !== undefined && !ENDS_WITH_DOC_END.test(previous)) {
      chunks.push('...\n');
      line += 1;
    }
    files.push({ file: part.file, documents, line });
    const body = text.endsWith('\n') ? text : `${text}\n`;
    chunks.push(body);
    line += countLines(body);
  }
  return { yaml: chunks.join(''), files };
}
