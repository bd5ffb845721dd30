/**
 * WATCH (apiserver handlers/watch.go, storage/cacher): newline-delimited JSON events over a chunked 200,
 * resuming after a resourceVersion from the event history, synthetic ADDED events for the current state when
 * no resourceVersion is given, WatchList (`sendInitialEvents`) with the `k8s.io/initial-events-end` bookmark,
 * periodic bookmarks when asked, selector transitions (a change into the selector is ADDED, out of it DELETED),
 * 410 Expired as an ERROR event for a resourceVersion older than the history, and timeoutSeconds.
 */
import type { ServerResponse } from 'node:http';
import { invalid } from '../errors.js';
import { withTypeMeta } from '../objects.js';
import { storageKey } from '../registry.js';
import type { StoreEvent } from '../store.js';
import { toTable, wantsTable } from '../table.js';
import type { Obj } from '../types.js';
import { groupVersion } from '../types.js';
import type { Call } from './call.js';
import { namespaceOf } from './call.js';
import { includeObjectOf, selectorPredicate } from './read.js';

export interface WatchOptions {
  /** How often a bookmark goes out when the client allows them. */
  bookmarkIntervalMs: number;
}

/** Validates the watch parameters before the 200 goes out, so errors still get a Status response. */
export function checkWatchParams(call: Call): void {
  const q = call.url.searchParams;
  const sie = q.get('sendInitialEvents');
  if (sie === 'true' && q.get('resourceVersionMatch') !== 'NotOlderThan') {
    throw invalid({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', [
      {
        type: 'FieldValueForbidden',
        field: 'resourceVersionMatch',
        detail: 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
      },
    ]);
  }
  // Evaluates the selectors now, so a bad one is a 400 and not a broken stream.
  selectorPredicate(call);
}

export function serveWatch(call: Call, res: ServerResponse, opts: WatchOptions): void {
  const q = call.url.searchParams;
  const resource = storageKey(call.def);
  const ns = namespaceOf(call);
  const match = selectorPredicate(call);
  const nameFilter = call.info.name;
  const inScope = (e: { namespace: string; name: string }) =>
    (!ns || e.namespace === ns) && (!nameFilter || e.name === nameFilter);
  const store = call.core.store;
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache, private',
  });
  res.flushHeaders();
  let lastRV = store.currentRV();
  const write = (type: string, object: Obj) => {
    res.write(`${JSON.stringify({ type, object })}\n`);
  };
  // `kubectl get -w` asks for Table rows in watch events too: headers on the first, rows only afterwards.
  const table = wantsTable(call.headers.accept);
  let headersSent = false;
  const typed = (o: Obj): Obj => {
    const obj = withTypeMeta(call.def, o);
    if (!table) return obj;
    const rv = String((o.metadata as Obj | undefined)?.resourceVersion ?? '');
    const t = toTable(call.def, [obj], { resourceVersion: rv }, includeObjectOf(call), call.core.clock(), {
      version: table,
      noHeaders: headersSent,
    });
    headersSent = true;
    return t;
  };
  const bookmark = (annotations?: Record<string, string>) =>
    write('BOOKMARK', {
      kind: call.def.kind,
      apiVersion: groupVersion(call.def),
      metadata: { resourceVersion: String(lastRV), ...(annotations ? { annotations } : {}) },
    });
  const deliver = (e: StoreEvent) => {
    if (e.resource !== resource || !inScope(e)) return;
    lastRV = e.rv;
    const now = e.type !== 'DELETED' && match(e.object);
    const before = e.previous !== undefined && match(e.previous);
    if (e.type === 'ADDED' && now) write('ADDED', typed(e.object));
    else if (e.type === 'MODIFIED' && now && before) write('MODIFIED', typed(e.object));
    else if (e.type === 'MODIFIED' && now && !before) write('ADDED', typed(e.object));
    else if (e.type === 'MODIFIED' && !now && before) write('DELETED', typed(e.object));
    else if (e.type === 'DELETED' && before) write('DELETED', typed(e.object));
  };

  const rvParam = q.get('resourceVersion');
  const sendInitial = q.get('sendInitialEvents') === 'true';
  if (sendInitial || !rvParam || rvParam === '0') {
    for (const o of call.core.list(call.def, ns || undefined)) {
      if (
        inScope({
          namespace: String((o.metadata as Obj | undefined)?.namespace ?? ''),
          name: String((o.metadata as Obj | undefined)?.name ?? ''),
        }) &&
        match(o)
      ) {
        write('ADDED', typed(o));
      }
    }
    if (sendInitial) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const from = Number(rvParam);
    const history = Number.isFinite(from) ? store.eventsSince(resource, from) : undefined;
    if (!history) {
      write('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${rvParam} (${store.oldestResumableRV() + 1})`,
        reason: 'Expired',
        code: 410,
      });
      res.end();
      return;
    }
    for (const e of history) deliver(e);
  }
  const unsubscribe = store.subscribe(deliver);
  const timers: NodeJS.Timeout[] = [];
  const timeoutSeconds = Number(q.get('timeoutSeconds') ?? '0');
  // Without timeoutSeconds the server picks 1-2x minRequestTimeout (30 min by default).
  const timeoutMs = timeoutSeconds > 0 ? timeoutSeconds * 1000 : (1800 + Math.random() * 1800) * 1000;
  const finish = () => {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    if (!res.writableEnded) res.end();
  };
  timers.push(setTimeout(finish, timeoutMs));
  if (q.get('allowWatchBookmarks') === 'true') {
    const t = setInterval(() => bookmark(), opts.bookmarkIntervalMs);
    timers.push(t);
  }
  res.on('close', finish);
}
