/**
 * The Kubernetes object a YAML document describes, as far as its top level says, so a change can be reported as
 * "Deployment apps/web" (Flux's commit templates list changes by object the same way). Helm values files and
 * other non-manifests give an empty id; an object inside a `kind: List` is reported as the List. Pure.
 */
import { type Document, isMap } from 'yaml';

/** apiVersion, kind, metadata.name and metadata.namespace of a document, each only when it is a string. */
export interface ObjectId {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

/** The id of a parsed document's object. */
export function objectId(doc: Document): ObjectId {
  const id: ObjectId = {};
  const root = doc.contents;
  if (!isMap(root)) return id;
  const metadata = root.get('metadata');
  const fields: [keyof ObjectId, unknown][] = [
    ['apiVersion', root.get('apiVersion')],
    ['kind', root.get('kind')],
    ['name', isMap(metadata) ? metadata.get('name') : undefined],
    ['namespace', isMap(metadata) ? metadata.get('namespace') : undefined],
  ];
  for (const [field, value] of fields) {
    if (typeof value === 'string') id[field] = value;
  }
  return id;
}

/** `Deployment apps/web`, `Deployment web`, or undefined for a document that names no object. */
export function describeObject(id: ObjectId): string | undefined {
  if (id.kind === undefined || id.name === undefined) return undefined;
  return `${id.kind} ${id.namespace === undefined ? '' : `${id.namespace}/`}${id.name}`;
}
