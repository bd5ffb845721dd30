/**
 * What a person wants to know about a Steward object at a glance: Ready, the revision, suspended, age and
 * the status message, read from plain JSON whatever the kind. Pure.
 */
import type { Obj } from '../kube/index.js';
import { ageOf, oneLine } from './table.js';

/** A kstatus condition as read from status.conditions. */
export interface ConditionView {
  type: string;
  status: string;
  reason: string;
  message: string;
}

/** The metadata the CLI reads. */
export interface MetaView {
  name: string;
  namespace: string;
  creationTimestamp?: string;
  annotations: Readonly<Record<string, string>>;
}

export function metaOf(obj: Obj): MetaView {
  const m = isRecord(obj.metadata) ? obj.metadata : {};
  return {
    name: str(m.name),
    namespace: str(m.namespace),
    ...(typeof m.creationTimestamp === 'string' ? { creationTimestamp: m.creationTimestamp } : {}),
    annotations: isRecord(m.annotations) ? (m.annotations as Record<string, string>) : {},
  };
}

/** status.conditions[type], if the object has it. */
export function conditionOf(obj: Obj, type: string): ConditionView | undefined {
  const status = isRecord(obj.status) ? obj.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  const c = conditions.find((x: unknown) => isRecord(x) && x.type === type);
  if (!isRecord(c)) return undefined;
  return { type, status: str(c.status), reason: str(c.reason), message: str(c.message) };
}

/**
 * The revision a kind reports, by the field names Flux uses for it: what a Sync applied, what a source
 * stored, the image a policy chose (latestRef as `name:tag[@digest]`), the commit an automation pushed, the
 * tags an image repository found (as `flux get images repository` shows them). Empty when there is none yet.
 */
export function revisionOf(obj: Obj): string {
  const s = isRecord(obj.status) ? obj.status : {};
  const artifact = isRecord(s.artifact) ? s.artifact : {};
  const scan = isRecord(s.lastScanResult) ? s.lastScanResult : {};
  const ref = isRecord(s.latestRef) ? s.latestRef : {};
  const picked =
    typeof ref.name === 'string' && typeof ref.tag === 'string'
      ? `${ref.name}:${ref.tag}${typeof ref.digest === 'string' ? `@${ref.digest}` : ''}`
      : undefined;
  const tags = typeof scan.tagCount === 'number' ? `${scan.tagCount} tags` : undefined;
  for (const v of [s.lastAppliedRevision, artifact.revision, picked, s.latestImage, s.lastPushCommit, tags]) {
    if (typeof v === 'string' && v !== '') return v;
  }
  return '';
}

export function isSuspended(obj: Obj): boolean {
  return isRecord(obj.spec) && obj.spec.suspend === true;
}

/** `Kind/namespace/name` (`Kind/name` when cluster-scoped): how every message names an object. */
export function subjectOf(kind: string, namespace: string, name: string): string {
  return namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`;
}

/** The columns of `steward get`: kubectl's printer columns of Steward's CRDs, plus SUSPENDED as Flux shows it. */
export const OBJECT_COLUMNS = ['NAME', 'READY', 'REVISION', 'SUSPENDED', 'AGE', 'STATUS'] as const;

/** The header and rows of a table of objects; NAMESPACE first when listing every namespace. */
export function objectTable(
  objs: readonly Obj[],
  o: { allNamespaces: boolean; now: Date; namePrefix?: string },
): { header: string[]; rows: string[][] } {
  const header = [...(o.allNamespaces ? ['NAMESPACE'] : []), ...OBJECT_COLUMNS];
  const rows = sortObjects(objs).map((obj) => {
    const m = metaOf(obj);
    const ready = conditionOf(obj, 'Ready');
    return [
      ...(o.allNamespaces ? [m.namespace] : []),
      `${o.namePrefix ?? ''}${m.name}`,
      ready?.status || 'Unknown',
      revisionOf(obj),
      isSuspended(obj) ? 'True' : 'False',
      ageOf(m.creationTimestamp, o.now),
      oneLine(ready?.message ?? ''),
    ];
  });
  return { header, rows };
}

/** Objects ordered by namespace, then name, as the API server lists them. */
export function sortObjects(objs: readonly Obj[]): Obj[] {
  const key = (o: Obj) => metaOf(o);
  return [...objs].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return compare(ka.namespace, kb.namespace) || compare(ka.name, kb.name);
  });
}

/** Code-point order: the same on every machine, whatever its locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
