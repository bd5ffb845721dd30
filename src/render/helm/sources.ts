/**
 * Where each template's output starts in `helm template`'s stream, from the `# Source: chart/templates/x.yaml`
 * comment helm writes after the `---` that opens every manifest, so that a later YAML or validation error names
 * the template. A template can print such a line itself: that only changes what messages call the file. Pure.
 */
import type { RenderedFile } from '../join.js';

const DOC_START = /^---[ \t]*$/;
const SOURCE = /^# Source: (.+?)[ \t]*$/;

/**
 * The files of a helm stream: one entry per `# Source:` block, whose `line` is the first line after the
 * comment, so that line numbers count within the template's rendered output. A template that renders several
 * documents (or a crds/ file holding several) counts them all.
 */
export function helmSourceFiles(yaml: string): RenderedFile[] {
  const lines = yaml.split('\n');
  const files: RenderedFile[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const source = i > 0 && DOC_START.test(lines[i - 1] as string) ? SOURCE.exec(line) : null;
    if (source) {
      files.push({ file: source[1] as string, documents: 1, line: i + 2 });
      continue;
    }
    const current = files.at(-1);
    // A `---` opening the next block belongs to that block, not to this one.
    const opensBlock = SOURCE.test(lines[i + 1] ?? '');
    if (current && DOC_START.test(line) && !opensBlock) current.documents++;
  }
  return files;
}

/** One `# Source:` block of a helm stream: the template and the text it rendered. */
export interface SourceBlock {
  /** The template, or '' for text before the first block. */
  file: string;
  text: string;
}

/** Splits a helm stream into its `# Source:` blocks, in order; the `---` and comment lines are left out. */
export function helmSourceBlocks(yaml: string): SourceBlock[] {
  const lines = yaml.split('\n');
  const blocks: SourceBlock[] = [];
  let current: { file: string; lines: string[] } = { file: '', lines: [] };
  const flush = () => {
    if (current.lines.some((l) => l.trim() !== '')) {
      blocks.push({ file: current.file, text: `${current.lines.join('\n')}\n` });
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const source = DOC_START.test(line) ? SOURCE.exec(lines[i + 1] ?? '') : null;
    if (source) {
      flush();
      current = { file: source[1] as string, lines: [] };
      i++;
      continue;
    }
    current.lines.push(line);
  }
  flush();
  return blocks;
}
