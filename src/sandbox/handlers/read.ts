/** GET and LIST (apiserver handlers/get.go), with selectors, pagination and Table output for kubectl. */
import { expired, notFound } from '../errors.js';
import { withoutTypeMeta, withTypeMeta } from '../objects.js';
import {
  customResourceFieldSupport,
  fieldSelectorSupport,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../selectors.js';
import { toTable, wantsTable } from '../table.js';
import type { Obj } from '../types.js';
import { groupVersion, meta } from '../types.js';
import type { Call, Reply } from './call.js';
import { json, namespaceOf } from './call.js';

export function getOne(call: Call): Reply {
  const obj = call.core.get(call.def, namespaceOf(call), call.info.name);
  if (!obj) throw notFound({ group: call.def.group, resource: call.def.plural }, call.info.name);
  const out = withTypeMeta(call.def, obj);
  const table = wantsTable(call.headers.accept);
  if (table) {
    const includeObject = includeObjectOf(call);
    return json(
      200,
      toTable(
        call.def,
        [out],
        { resourceVersion: meta(obj).resourceVersion ?? '' },
        includeObject,
        call.core.clock(),
        table,
      ),
    );
  }
  return json(200, out);
}

/** The objects a list or watch with these selectors sees, as a predicate. */
export function selectorPredicate(call: Call): (o: Obj) => boolean {
  const q = call.url.searchParams;
  const ls = parseLabelSelector(q.get('labelSelector') ?? '');
  const def = call.def;
  const support = def.crd
    ? customResourceFieldSupport(def.namespaced)
    : fieldSelectorSupport(def.group, def.kind);
  const fs = parseFieldSelector(q.get('fieldSelector') ?? '', support);
  return (o: Obj) => matchesLabels(ls, meta(o).labels ?? {}) && matchesFields(fs, o);
}

interface ContinueToken {
  rv: number;
  start: string;
}

export function list(call: Call): Reply {
  const q = call.url.searchParams;
  const match = selectorPredicate(call);
  const selected = call.core.list(call.def, namespaceOf(call) || undefined).filter(match);
  const listRV = call.core.store.currentRV();
  let items = selected;
  let start = 0;
  let rv = listRV;
  const cont = q.get('continue');
  if (cont) {
    const token = decodeContinue(cont);
    if (!token || token.rv < call.core.store.oldestResumableRV()) {
      throw expired(
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      );
    }
    rv = token.rv;
    start = items.findIndex((o) => keyOf(o) > token.start);
    if (start < 0) start = items.length;
  }
  const limit = Number(q.get('limit') ?? '0');
  const listMeta: Obj = { resourceVersion: String(rv) };
  items = items.slice(start);
  if (limit > 0 && items.length > limit) {
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    listMeta.continue = encodeContinue({ rv, start: last ? keyOf(last) : '' });
    const hasSelectors = Boolean(q.get('labelSelector') || q.get('fieldSelector'));
    if (!hasSelectors) listMeta.remainingItemCount = items.length - limit;
    items = page;
  }
  const table = wantsTable(call.headers.accept);
  if (table) {
    const typed = items.map((o) => withTypeMeta(call.def, o));
    return json(200, toTable(call.def, typed, listMeta, includeObjectOf(call), call.core.clock(), table));
  }
  // Built-in list items carry no kind/apiVersion; custom resource items do (kubernetes#3030).
  const out = items.map((o) => (call.def.crd ? withTypeMeta(call.def, o) : withoutTypeMeta(o)));
  return json(200, {
    kind: call.def.listKind,
    apiVersion: groupVersion(call.def),
    metadata: listMeta,
    items: out,
  });
}

export function includeObjectOf(call: Call): 'None' | 'Metadata' | 'Object' {
  const v = call.url.searchParams.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function keyOf(o: Obj): string {
  return `${meta(o).namespace ?? ''}/${meta(o).name ?? ''}`;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: t.start })).toString('base64url');
}

function decodeContinue(s: string): ContinueToken | undefined {
  try {
    const o = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { rv?: unknown; start?: unknown };
    if (typeof o.rv === 'number' && typeof o.start === 'string') return { rv: o.rv, start: o.start };
  } catch {
    // fall through: a malformed token is as good as an expired one
  }
  return undefined;
}
