/** The Receivers this replica answers for, by webhook path: what the Receiver controller keeps up to date. */
import type { ReceiverEntry } from './types.js';

/** Path → Receiver, and Receiver (`namespace/name`) → path, so a new token or a deletion drops the old path. */
export class ReceiverTable {
  private readonly byPath = new Map<string, ReceiverEntry>();
  private readonly pathByKey = new Map<string, string>();

  /** Serves `entry` at `path`, replacing whatever path the same Receiver had. */
  set(path: string, entry: ReceiverEntry): void {
    const key = keyOf(entry);
    this.remove(key);
    this.byPath.set(path, entry);
    this.pathByKey.set(key, path);
  }

  /** Stops serving Receiver `key` (`namespace/name`). */
  remove(key: string): void {
    const path = this.pathByKey.get(key);
    if (path === undefined) return;
    this.pathByKey.delete(key);
    const entry = this.byPath.get(path);
    // Two Receivers can only share a path if their token, name and namespace concatenate alike; the later one
    // holds it then, and removing the earlier one must not take it away.
    if (entry !== undefined && keyOf(entry) === key) this.byPath.delete(path);
  }

  lookup(path: string): ReceiverEntry | undefined {
    return this.byPath.get(path);
  }

  /** How many Receivers are served. */
  size(): number {
    return this.byPath.size;
  }
}

function keyOf(entry: ReceiverEntry): string {
  return `${entry.namespace}/${entry.name}`;
}
