/**
 * Cuts a YAML stream into parts that the yaml package reads alone exactly as it reads them inside the whole
 * stream, so that setters parse only the parts that hold a marker. A cheap scan over the text, no parse. Pure.
 *
 * A part starts at a line that begins, at column 0, with `---` followed by a space, a tab, a line break or the end
 * of the text. YAML 1.2 forbids such a line inside any node (c-forbidden), and the yaml package's lexer agrees:
 * plain, quoted and block scalars and flow collections all end before it (a `---` inside an indented block scalar
 * is not at column 0, so it is content), and the lexer starts a new document there with its indentation and flow
 * level reset. The tokens of a part parsed alone are therefore the tokens the whole parse gives at the same offsets.
 * `...` lines are not cut at: the document they end and any bare document after them stay in one part, which is
 * parsed as the whole stream would parse it.
 *
 * When a line starts with `%`, the scan gives up and the caller parses the whole stream: a directive (`%YAML`,
 * `%TAG`) changes how the documents after it are read.
 *
 * Two differences remain, each after text that is not valid YAML either way, where the yaml package's error
 * recovery lets the next `---` belong to the broken document: a quote never closed before the end of the file
 * (the rest of the file, later documents included, becomes that one scalar), and a line that only yields an error
 * (a stray `]`) at the start of a document (the next `---` joins that document instead of starting one). Here
 * the next part is read on its own, as YAML 1.2 reads it; the broken part is reported when it is parsed at all.
 */

/** `source.slice(start, end)` is one part; parts are in order, touch each other and cover the whole text. */
export interface StreamPart {
  start: number;
  end: number;
}

/** The parts of a YAML stream, or undefined when the stream must be parsed whole. */
export function splitStream(source: string): StreamPart[] | undefined {
  if (hasDirective(source)) return undefined;
  const parts: StreamPart[] = [];
  let start = 0;
  for (let at = source.indexOf('\n---'); at !== -1; at = source.indexOf('\n---', at + 4)) {
    if (!endsMarker(source[at + 4])) continue;
    parts.push({ start, end: at + 1 });
    start = at + 1;
  }
  parts.push({ start, end: source.length });
  return parts;
}

/** The characters that may follow `---` for it to start a document: the yaml lexer's `isEmpty`. */
function endsMarker(ch: string | undefined): boolean {
  return ch === undefined || ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/**
 * Whether any line starts with `%`, after a byte order mark or not (the lexer reads a directive after one).
 * Lines inside documents that start with `%` are rare, and a false alarm only costs a whole parse.
 */
function hasDirective(source: string): boolean {
  return (
    source.startsWith('%') ||
    source.startsWith('\uFEFF%') ||
    source.includes('\n%') ||
    source.includes('\n\uFEFF%')
  );
}
