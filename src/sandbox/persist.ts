/** The optional state file: a JSON snapshot of the store, written atomically (temp file + rename). */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { StoreSnapshot } from './store.js';

export async function loadState(file: string): Promise<StoreSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<StoreSnapshot>;
  if (typeof parsed.rv !== 'number' || !Array.isArray(parsed.objects)) {
    throw new Error(`state file ${file} is not a sandbox snapshot (expected {rv, objects})`);
  }
  return { rv: parsed.rv, objects: parsed.objects };
}

export async function saveState(file: string, snap: StoreSnapshot): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(snap), { mode: 0o600 });
  await rename(tmp, file);
}
