/** Builds tar.gz archives entry by entry, including the malformed ones no archiver would write. */
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';

export interface TarEntry {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice' | 'FIFO';
  body?: string | Buffer;
  /** The target of a link entry. */
  linkpath?: string;
}

/** A gzip-compressed ustar archive of `entries`, in order. */
export function tarball(entries: readonly TarEntry[], level = 6): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = typeof e.body === 'string' ? Buffer.from(e.body) : (e.body ?? Buffer.alloc(0));
    const type = e.type ?? 'File';
    const header = new Header({
      path: e.path,
      type,
      size: type === 'File' ? body.byteLength : 0,
      mode: type === 'Directory' ? 0o755 : 0o644,
      mtime: new Date(0),
      uid: 0,
      gid: 0,
      ...(e.linkpath !== undefined ? { linkpath: e.linkpath } : {}),
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block);
    if (type === 'File' && body.byteLength > 0) {
      blocks.push(body, Buffer.alloc((512 - (body.byteLength % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks), { level });
}

/** The files of a minimal valid chart under `top/`. */
export function chartEntries(top = 'demo'): TarEntry[] {
  return [
    { path: `${top}/`, type: 'Directory' },
    { path: `${top}/Chart.yaml`, body: `apiVersion: v2\nname: ${top}\nversion: 1.0.0\n` },
    { path: `${top}/values.yaml`, body: 'replicas: 1\n' },
    { path: `${top}/templates/cm.yaml`, body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' },
  ];
}
