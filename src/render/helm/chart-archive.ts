/**
 * Reads a chart archive (a vendored `charts/<name>.tgz` subchart) in memory, without writing anything to disk:
 * helm loads such archives itself at render time, so their entries are checked where they lie.
 */
import { Parser } from 'tar';

/** One entry of the archive, as its header describes it. */
export interface ArchiveEntry {
  path: string;
  /** node-tar's entry type: `File`, `Directory`, `SymbolicLink`, `Link`, ... */
  type: string;
  size: number;
}

/** What to do with an entry: read its content, or skip it. Throwing from the visitor stops the read. */
export type ArchiveVisitor = (entry: ArchiveEntry) => 'read' | 'skip';

/** Reads `data` (gzipped tar), calling `visit` for every entry; returns the content of the entries it read. */
export function readArchive(data: Uint8Array, visit: ArchiveVisitor): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const read = new Map<string, Buffer>();
    let failed = false;
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry) => {
        if (failed) {
          entry.resume();
          return;
        }
        let action: 'read' | 'skip';
        try {
          action = visit({ path: entry.path, type: entry.type, size: entry.size });
        } catch (e) {
          failed = true;
          entry.resume();
          parser.abort(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        if (action === 'skip') {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => read.set(entry.path, Buffer.concat(chunks)));
      },
    });
    parser.on('error', (e: unknown) => {
      failed = true;
      reject(e);
    });
    parser.on('end', () => {
      if (!failed) resolve(read);
    });
    parser.end(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
}
