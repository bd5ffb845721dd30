/**
 * A Sync's inventory as a tree, as `flux tree kustomization` draws one: the Sync at the root, the objects
 * it applied below it, grouped by kind (kinds in apply order, names sorted), and a Sync it applied with
 * that Sync's own objects below it. Pure.
 */
import type { ObjectRef } from '../core/types.js';
import { parseInventoryId, refString } from '../core/types.js';
import type { Obj } from '../kube/index.js';
import { compare } from './object-view.js';

export interface TreeNode {
  ref: ObjectRef;
  children: TreeNode[];
}

/** The objects in status.inventory, or undefined when the object has no inventory (nothing applied yet). */
export function inventoryRefs(obj: Obj): ObjectRef[] | undefined {
  const status = obj.status as { inventory?: { entries?: unknown } } | undefined;
  const entries = status?.inventory?.entries;
  if (!Array.isArray(entries)) return status?.inventory ? [] : undefined;
  const refs: ObjectRef[] = [];
  for (const e of entries) {
    const { id, v } = (e ?? {}) as { id?: unknown; v?: unknown };
    if (typeof id !== 'string' || typeof v !== 'string') continue;
    const ref = parseInventoryId(id, v);
    if (ref) refs.push(ref);
  }
  return refs;
}

/**
 * `refs` with each kind's objects together: kinds in the order they first appear (the inventory is in
 * apply order, so Namespaces and CRDs come first), and by namespace and name within a kind.
 */
export function groupByKind(refs: readonly ObjectRef[]): ObjectRef[] {
  const byKind = new Map<string, ObjectRef[]>();
  for (const r of refs) {
    const key = `${r.group}/${r.kind}`;
    const list = byKind.get(key) ?? [];
    list.push(r);
    byKind.set(key, list);
  }
  return [...byKind.values()].flatMap((list) =>
    list.sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name)),
  );
}

/** The tree as text: one `Kind/namespace/name` per line, with box-drawing branches. */
export function renderTree(root: TreeNode): string {
  const lines = [refString(root.ref)];
  const walk = (node: TreeNode, prefix: string) => {
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      lines.push(`${prefix}${last ? '└── ' : '├── '}${refString(child.ref)}`);
      walk(child, `${prefix}${last ? '    ' : '│   '}`);
    });
  };
  walk(root, '');
  return `${lines.join('\n')}\n`;
}

/**
 * The tree as data for `-o json|yaml`: each node's apiVersion, kind, namespace, name and the objects below
 * it (`resources`, always present on the root so that an empty inventory reads as an empty list).
 */
export function treeData(node: TreeNode, root = true): Obj {
  const { group, version, kind, namespace, name } = node.ref;
  return {
    apiVersion: group ? `${group}/${version}` : version,
    kind,
    ...(namespace ? { namespace } : {}),
    name,
    ...(root || node.children.length > 0 ? { resources: node.children.map((c) => treeData(c, false)) } : {}),
  };
}
