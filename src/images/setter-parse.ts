/**
 * Parses one part of a YAML stream with the yaml package, its offsets counted from the start of the whole file,
 * and finds its first error; counts whole-file lines. Pure.
 */
import { Composer, type CST, type Document, Parser, type YAMLError } from 'yaml';
import type { StreamPart } from './setter-split.js';

/** A part's CST tokens and documents, or its first error. */
export type Parsed =
  | { ok: true; tokens: CST.Token[]; docs: Document[] }
  | { ok: false; offset: number; message: string };

/** Parses `source.slice(part.start, part.end)`; every offset in the result is an offset in `source`. */
export function parsePart(source: string, part: StreamPart): Parsed {
  let tokens: CST.Token[];
  let docs: Document[];
  const composer = new Composer({ keepSourceTokens: true, prettyErrors: false });
  try {
    const parser = new Parser();
    parser.offset = part.start;
    const text = part.start === 0 && part.end === source.length ? source : source.slice(part.start, part.end);
    tokens = Array.from(parser.parse(text));
    docs = Array.from(composer.compose(tokens));
  } catch (err) {
    // The yaml package reports bad input as document errors; this only keeps a bug of its own from stopping
    // a whole automation run on one file.
    return { ok: false, offset: part.start, message: (err as Error).message };
  }
  const invalid = firstError(docs, composer.streamInfo().errors);
  return invalid === undefined ? { ok: true, tokens, docs } : { ok: false, ...invalid };
}

/** The first error of any document, or of the stream outside them, by position. */
function firstError(
  docs: readonly Document[],
  outside: readonly YAMLError[],
): { offset: number; message: string } | undefined {
  let first: { offset: number; message: string } | undefined;
  for (const error of [...docs.flatMap((doc) => doc.errors), ...outside]) {
    if (first === undefined || error.pos[0] < first.offset) {
      first = { offset: error.pos[0], message: error.message };
    }
  }
  return first;
}

/**
 * The 1-based line of an offset: one more than the line feeds before it, which is how the yaml package counts
 * (a lone carriage return does not end a line). The line starts are found once, on the first question.
 */
export function lineCounter(source: string): (offset: number) => number {
  let starts: number[] | undefined;
  return (offset) => {
    if (starts === undefined) {
      starts = [0];
      for (let at = source.indexOf('\n'); at !== -1; at = source.indexOf('\n', at + 1)) starts.push(at + 1);
    }
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
