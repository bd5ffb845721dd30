/**
 * The one error type of the commit message template: where (line and column of the template source) and why.
 * Pure.
 *
 * Go reports parse errors with a line only and execution errors with a 0-based byte column; here both carry a
 * 1-based line and a 1-based column counted in characters, which is what an editor shows.
 */

/** A template that cannot be parsed, or that failed while rendering. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';

  constructor(
    /** The template's name, as given to compileTemplate. */
    readonly template: string,
    /** 1-based line of the template source. */
    readonly line: number,
    /** 1-based column (characters) of the template source. */
    readonly column: number,
    /** What went wrong, without the position. */
    readonly reason: string,
    /** `parse` when the template is refused as written, `execute` when rendering it with data failed. */
    readonly phase: 'parse' | 'execute',
  ) {
    super(`template: ${template}:${line}:${column}: ${reason}`);
  }
}

/** Line and column (both 1-based, the column in characters) of an offset into `source`. */
export function positionOf(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, Math.max(0, Math.min(offset, source.length)));
  const lastNewline = before.lastIndexOf('\n');
  let line = 1;
  for (let i = before.indexOf('\n'); i >= 0; i = before.indexOf('\n', i + 1)) line++;
  let column = 1;
  for (const _ of before.slice(lastNewline + 1)) column++;
  return { line, column };
}
