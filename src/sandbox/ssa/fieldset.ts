/**
 * A set of field paths, stored as a trie (smd fieldpath/set.go). `members` are the elements owned at this
 * level; `children` lead to deeper members. Appearing as a child does not make an element a member: the
 * FieldsV1 `".": {}` marker is how a node that is both gets written.
 *
 * Operations return new sets and never share subtrees with their inputs, so a set may be mutated with
 * `insert` by whoever built it without affecting any other set.
 */
import { compareElements, type Path, type PathElement, pathString, serializeElement } from './path.js';

interface Child {
  readonly pe: PathElement;
  readonly set: FieldSet;
}

export class FieldSet {
  readonly #members = new Map<string, PathElement>();
  readonly #children = new Map<string, Child>();

  /** A set holding the given paths. */
  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds `path`; its parents are not added (Set.Insert). The empty path (the whole object) is never owned. */
  insert(path: Path): void {
    const [head, ...rest] = path;
    if (head === undefined) return;
    if (rest.length === 0) this.#members.set(serializeElement(head), head);
    else this.descend(head).insert(rest);
  }

  /** The child set under `pe`, created if missing. */
  descend(pe: PathElement): FieldSet {
    const k = serializeElement(pe);
    const existing = this.#children.get(k);
    if (existing) return existing.set;
    const set = new FieldSet();
    this.#children.set(k, { pe, set });
    return set;
  }

  has(path: Path): boolean {
    const [head, ...rest] = path;
    if (head === undefined) return false;
    const k = serializeElement(head);
    if (rest.length === 0) return this.#members.has(k);
    return this.#children.get(k)?.set.has(rest) ?? false;
  }

  hasMember(pe: PathElement): boolean {
    return this.#members.has(serializeElement(pe));
  }

  /** The paths below `pe`, without the prefix (Set.WithPrefix). */
  withPrefix(pe: PathElement): FieldSet {
    return this.#children.get(serializeElement(pe))?.set.clone() ?? new FieldSet();
  }

  isEmpty(): boolean {
    if (this.#members.size > 0) return false;
    for (const c of this.#children.values()) if (!c.set.isEmpty()) return false;
    return true;
  }

  /** Members at this level, in smd's sorted order. */
  members(): PathElement[] {
    return [...this.#members.values()].sort(compareElements);
  }

  /** Non-empty children at this level, in smd's sorted order. */
  children(): [PathElement, FieldSet][] {
    return [...this.#children.values()]
      .filter((c) => !c.set.isEmpty())
      .sort((a, b) => compareElements(a.pe, b.pe))
      .map((c) => [c.pe, c.set]);
  }

  clone(): FieldSet {
    return this.union(new FieldSet());
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of [...this.#members, ...other.#members]) out.#members.set(k, pe);
    for (const [k, c] of [...this.#children, ...other.#children]) {
      const prev = out.#children.get(k);
      out.#children.set(k, { pe: c.pe, set: prev ? prev.set.union(c.set) : c.set.clone() });
    }
    return out;
  }

  /** Members in both sets, level by level (Set.Intersection). */
  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.#members) if (other.#members.has(k)) out.#members.set(k, pe);
    for (const [k, c] of this.#children) {
      const o = other.#children.get(k);
      if (!o) continue;
      const sub = c.set.intersection(o.set);
      if (!sub.isEmpty()) out.#children.set(k, { pe: c.pe, set: sub });
    }
    return out;
  }

  /**
   * Members of this set not in `other` (Set.Difference). Removing a parent leaves its children alone:
   * parent - child = parent, child - parent = child.
   */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.#members) if (!other.#members.has(k)) out.#members.set(k, pe);
    for (const [k, c] of this.#children) {
      const o = other.#children.get(k);
      const sub = o ? c.set.difference(o.set) : c.set.clone();
      if (!sub.isEmpty()) out.#children.set(k, { pe: c.pe, set: sub });
    }
    return out;
  }

  /** Like difference, but a member of `other` also removes everything below it (Set.RecursiveDifference). */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.#members) if (!other.#members.has(k)) out.#members.set(k, pe);
    for (const [k, c] of this.#children) {
      if (other.#members.has(k)) continue;
      const o = other.#children.get(k);
      const sub = o ? c.set.recursiveDifference(o.set) : c.set.clone();
      if (!sub.isEmpty()) out.#children.set(k, { pe: c.pe, set: sub });
    }
    return out;
  }

  equals(other: FieldSet): boolean {
    const a = this.members();
    const b = other.members();
    if (
      a.length !== b.length ||
      a.some((pe, i) => serializeElement(pe) !== serializeElement(b[i] as PathElement))
    ) {
      return false;
    }
    const ca = this.children();
    const cb = other.children();
    return (
      ca.length === cb.length &&
      ca.every(([pe, s], i) => {
        const [ope, os] = cb[i] as [PathElement, FieldSet];
        return serializeElement(pe) === serializeElement(ope) && s.equals(os);
      })
    );
  }

  /** Every member path, members of a level before its children (Set.Iterate, preorder). */
  paths(): PathElement[][] {
    const out: PathElement[][] = this.members().map((pe) => [pe]);
    for (const [pe, set] of this.children()) for (const p of set.paths()) out.push([pe, ...p]);
    return out;
  }

  /** One path per line, as smd's Set.String. */
  toString(): string {
    return this.paths().map(pathString).join('\n');
  }
}
