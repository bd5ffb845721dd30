/**
 * The status page's only script, inlined and allowed by its hash in the page's Content-Security-Policy. It
 * fetches the JSON API and renders it with DOM calls: every value from the API becomes a text node or an
 * attribute value through createElement/append/setAttribute, never markup (no innerHTML).
 * Plain ES2020 in a string: no build step, and the hash covers exactly these bytes.
 */
export const PAGE_SCRIPT = `
'use strict';
(() => {
  const REFRESH_MS = 5000;
  const API = 'api/v1/status';
  const $ = (id) => document.getElementById(id);
  let timer;
  let announced = '';

  // An element whose children are nodes or strings; strings become text nodes, never markup.
  function h(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') node.className = String(v);
      else node.setAttribute(k, String(v));
    }
    for (const c of [].concat(children === undefined ? [] : children)) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : String(c));
    }
    return node;
  }

  function ago(iso, nowMs) {
    const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
    if (s < 60) return s + 's ago';
    if (s < 3600) return Math.floor(s / 60) + 'm ago';
    if (s < 86400) return Math.floor(s / 3600) + 'h ago';
    return Math.floor(s / 86400) + 'd ago';
  }

  function duration(ms) {
    if (ms < 1000) return ms + ' ms';
    if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
    return Math.floor(ms / 60000) + 'm ' + Math.round((ms % 60000) / 1000) + 's';
  }

  function when(iso, nowMs) {
    if (!iso) return h('span', { class: 'muted' }, 'never');
    return h('time', { datetime: iso, title: iso }, ago(iso, nowMs));
  }

  // main@sha1:<40 hex> reads as main@<8 hex>, a bare sha256:<64 hex> as sha256:<8 hex>; the full revision is
  // in the title.
  function revision(rev) {
    if (!rev) return h('span', { class: 'muted' }, 'none');
    const m = /^(.*)@sha(?:1|256):([0-9a-f]{8})[0-9a-f]*$/.exec(rev);
    const d = /^(sha256:[0-9a-f]{8})[0-9a-f]*$/.exec(rev);
    return h('code', { class: 'rev', title: rev }, m ? m[1] + '@' + m[2] : d ? d[1] : rev);
  }

  function state(o) {
    if (o.suspended) return ['suspended', 'Suspended'];
    if (o.ready.status === 'True') return ['ready', 'Ready'];
    if (o.ready.status === 'False') return ['failed', o.stalled ? 'Stalled' : 'Failing'];
    return o.reconciling ? ['progressing', 'Progressing'] : ['unknown', 'Unknown'];
  }

  function badge(cls, text) {
    return h('span', { class: 'badge ' + cls, 'data-state': cls }, text);
  }

  function stateBadge(o) {
    const [cls, text] = state(o);
    return badge(cls, text);
  }

  function table(caption, headers, rows, empty) {
    const body = rows.length
      ? rows
      : h('tr', null, h('td', { colspan: headers.length, class: 'muted' }, empty));
    return h('div', { class: 'table-wrap' }, h('table', null, [
      h('caption', { class: 'vh' }, caption),
      h('thead', null, h('tr', null, headers.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', null, body),
    ]));
  }

  function message(o) {
    if (o.ready.message) return o.ready.message;
    return o.ready.status === 'Unknown' && !o.lastReconcile ? 'not reconciled yet' : '';
  }

  function lastReconcile(last, nowMs) {
    if (!last) return h('span', { class: 'muted' }, 'not since the agent started');
    return [
      when(last.at, nowMs),
      ', took ' + duration(last.durationMs),
      last.result === 'success' ? null : h('div', { class: 'muted small' }, last.result),
    ];
  }

  function canaries(list) {
    if (!list.length) return h('span', { class: 'muted' }, 'none');
    return h('ul', { class: 'plain' }, list.map((c) =>
      h('li', null, [c.kind + ' ' + c.name + ': ', h('strong', { class: 'phase' }, c.phase)])));
  }

  function syncRow(s, nowMs) {
    const attempted = s.revision.attempted && s.revision.attempted !== s.revision.applied
      ? h('div', { class: 'muted small' }, ['attempted ', revision(s.revision.attempted)])
      : null;
    return h('tr', { 'data-sync': s.namespace + '/' + s.name }, [
      h('th', { scope: 'row' }, [s.name, h('div', { class: 'muted small' }, s.path)]),
      h('td', null, stateBadge(s)),
      h('td', null, [revision(s.revision.applied), attempted]),
      h('td', { class: 'message' }, message(s)),
      h('td', null, lastReconcile(s.lastReconcile, nowMs)),
      h('td', null, canaries(s.canaries)),
    ]);
  }

  function countText(c) {
    return c.total + (c.total === 1 ? ' object, ' : ' objects, ') + c.ready + ' ready, ' + c.notReady +
      ' not ready' + (c.suspended ? ', ' + c.suspended + ' suspended' : '');
  }

  // A namespace may hold only image automation: it then has no Syncs table.
  function tenant(t, syncs, nowMs) {
    const id = 'tenant-' + t.namespace;
    const who = !t.syncs.length
      ? 'no Syncs'
      : t.serviceAccounts.length
        ? 'applies as ' + t.serviceAccounts.join(', ')
        : 'applies as the agent';
    return h('section', { class: 'tenant', 'aria-labelledby': id, 'data-tenant': t.namespace }, [
      h('h3', { id }, [t.namespace, h('span', { class: 'role ' + t.role }, t.role), h('span', { class: 'muted who' }, who)]),
      t.images && t.images.total
        ? h('p', { class: 'muted small images' }, 'Image automation: ' + countText(t.images) + '.')
        : null,
      syncs.length
        ? table('Syncs in namespace ' + t.namespace,
          ['Sync', 'Status', 'Revision', 'Message', 'Last reconcile', 'Canary'],
          syncs.map((s) => syncRow(s, nowMs)), 'No Syncs')
        : null,
    ]);
  }

  function tile(label, value, cls) {
    return h('li', { class: 'tile ' + (cls || '') }, [h('span', { class: 'value' }, value), h('span', { class: 'label' }, label)]);
  }

  // The three image kinds together; absent counts (an older agent) read as none.
  function imageCounts(summary) {
    const sum = { total: 0, ready: 0, notReady: 0, suspended: 0 };
    for (const c of [summary.imageRepositories, summary.imagePolicies, summary.imageUpdateAutomations]) {
      if (!c) continue;
      for (const k of Object.keys(sum)) sum[k] += c[k];
    }
    return sum;
  }

  function tiles(summary) {
    const s = summary.syncs;
    const src = summary.sources;
    const img = imageCounts(summary);
    return [
      tile('Syncs', s.total),
      tile('Ready', s.ready, 'ready'),
      tile('Not ready', s.notReady, s.notReady ? 'failed' : ''),
      tile('Suspended', s.suspended, s.suspended ? 'suspended' : ''),
      tile('Sources ready', src.ready + ' of ' + src.total, src.notReady ? 'failed' : ''),
      img.total ? tile('Image automation ready', img.ready + ' of ' + img.total, img.notReady ? 'failed' : '') : null,
    ].filter(Boolean);
  }

  function sources(list, nowMs) {
    return table('Sources', ['Source', 'URL', 'Revision', 'Status', 'Last fetch', 'Message'], list.map((g) =>
      h('tr', { 'data-source': g.kind + '/' + g.namespace + '/' + g.name }, [
        h('th', { scope: 'row' }, [g.namespace + '/' + g.name, h('div', { class: 'muted small' }, g.kind)]),
        h('td', { class: 'url' }, [h('code', null, g.url), g.ref || g.type ? h('div', { class: 'muted small' }, g.ref || g.type) : null]),
        h('td', null, revision(g.revision)),
        h('td', null, stateBadge(g)),
        h('td', null, g.lastFetch ? when(g.lastFetch.at, nowMs) : when(g.artifactUpdatedAt, nowMs)),
        h('td', { class: 'message' }, g.ready.message),
      ])), 'No sources');
  }

  function policyText(p) {
    if (p.kind === 'semver') return 'semver ' + p.range;
    return p.kind ? p.kind + ' ' + p.order : '';
  }

  function shortCommit(sha) {
    return h('code', { class: 'rev', title: sha }, sha.slice(0, 8));
  }

  function muted(text) {
    return h('span', { class: 'muted' }, text);
  }

  function imageRepositories(list, nowMs) {
    return table('Image repositories',
      ['Image repository', 'Image', 'Tags', 'Last scan', 'Status', 'Message'], list.map((r) =>
        h('tr', { 'data-image-repository': r.namespace + '/' + r.name }, [
          h('th', { scope: 'row' }, r.namespace + '/' + r.name),
          h('td', { class: 'url' }, [h('code', null, r.image),
            r.canonicalName && r.canonicalName !== r.image ? h('div', { class: 'muted small' }, r.canonicalName) : null]),
          h('td', null, r.tagCount === null ? muted('none') : String(r.tagCount)),
          h('td', null, when(r.lastScanTime, nowMs)),
          h('td', null, stateBadge(r)),
          h('td', { class: 'message' }, message(r)),
        ])), 'No image repositories');
  }

  function imagePolicies(list) {
    return table('Image policies',
      ['Image policy', 'Repository', 'Policy', 'Pick', 'Status', 'Message'], list.map((p) =>
        h('tr', { 'data-image-policy': p.namespace + '/' + p.name }, [
          h('th', { scope: 'row' }, p.namespace + '/' + p.name),
          h('td', null, p.repository),
          h('td', null, policyText(p.policy)),
          h('td', { class: 'pick' }, [p.pick ? h('code', null, p.pick) : muted('none'),
            p.previousPick ? h('div', { class: 'muted small' }, ['was ', h('code', null, p.previousPick)]) : null]),
          h('td', null, stateBadge(p)),
          h('td', { class: 'message' }, message(p)),
        ])), 'No image policies');
  }

  function imageAutomations(list, nowMs) {
    return table('Image update automations',
      ['Image update automation', 'Writes to', 'Branch', 'Last run', 'Last push', 'Status', 'Message'], list.map((a) =>
        h('tr', { 'data-image-automation': a.namespace + '/' + a.name }, [
          h('th', { scope: 'row' }, [a.namespace + '/' + a.name, h('div', { class: 'muted small' }, a.path)]),
          h('td', null, a.source.kind + ' ' + a.source.name),
          h('td', null, a.checkoutBranch
            ? [a.checkoutBranch, a.pushBranch && a.pushBranch !== a.checkoutBranch
              ? h('div', { class: 'muted small' }, 'pushes to ' + a.pushBranch) : null]
            : muted('unknown')),
          h('td', null, when(a.lastRunTime, nowMs)),
          h('td', null, a.lastPushCommit
            ? [shortCommit(a.lastPushCommit), h('div', { class: 'muted small' }, when(a.lastPushTime, nowMs))]
            : muted('never')),
          h('td', null, stateBadge(a)),
          h('td', { class: 'message' }, message(a)),
        ])), 'No image update automations');
  }

  // Three small tables, each under its own heading; the section is hidden when there is nothing to show.
  function images(img, nowMs) {
    const parts = [
      ['h-image-repositories', 'Image repositories', imageRepositories(img.repositories, nowMs), img.repositories],
      ['h-image-policies', 'Image policies', imagePolicies(img.policies), img.policies],
      ['h-image-automations', 'Image update automations', imageAutomations(img.automations, nowMs), img.automations],
    ];
    $('images-section').hidden = parts.every((p) => p[3].length === 0);
    return parts.flatMap(([id, title, t]) => [h('h3', { id }, title), t]);
  }

  function notifications(n) {
    const rows = []
      .concat(n.providers.map((p) => ['Provider', p, p.type]))
      .concat(n.alerts.map((a) => ['Alert', a, a.severity + ' events to ' + a.provider]))
      .concat(n.receivers.map((r) => ['Receiver', r, r.type]))
      .map(([kind, o, what]) => h('tr', null, [
        h('th', { scope: 'row' }, o.namespace + '/' + o.name),
        h('td', null, kind),
        h('td', null, what),
        h('td', null, stateBadge(o)),
        h('td', { class: 'message' }, o.ready.message),
      ]));
    $('notifications-section').hidden = rows.length === 0;
    return table('Notifications', ['Name', 'Kind', 'Type', 'Status', 'Message'], rows, 'None');
  }

  function events(list, nowMs) {
    return table('Recent events, newest first', ['Time', 'Object', 'Type', 'Reason', 'Message'], list.map((e) =>
      h('tr', null, [
        h('td', null, when(e.time, nowMs)),
        h('td', null, e.object.kind + ' ' + e.object.namespace + '/' + e.object.name),
        h('td', null, badge(e.type === 'Warning' ? 'failed' : 'neutral', e.type)),
        h('td', null, e.reason),
        h('td', { class: 'message' }, [e.message, e.count > 1 ? h('span', { class: 'muted' }, ' (' + e.count + ' times)') : null]),
      ])), 'No events since the agent started');
  }

  function announce(summary) {
    const s = summary.syncs;
    const text = s.total + ' Syncs: ' + s.ready + ' ready, ' + s.notReady + ' not ready, ' +
      s.suspended + ' suspended.';
    if (text !== announced) $('announce').textContent = text;
    announced = text;
  }

  function render(data) {
    const nowMs = Date.parse(data.generatedAt);
    const bySync = new Map();
    for (const s of data.syncs) bySync.set(s.namespace, (bySync.get(s.namespace) || []).concat([s]));
    $('version').textContent = 'agent ' + data.agent.version;
    $('updated').replaceChildren('updated ', h('time', { datetime: data.generatedAt }, new Date(nowMs).toLocaleTimeString()));
    $('tiles').replaceChildren(...tiles(data.summary));
    $('tenants').replaceChildren(...(data.tenants.length
      ? data.tenants.map((t) => tenant(t, bySync.get(t.namespace) || [], nowMs))
      : [h('p', { class: 'muted' }, 'No Syncs or image automation yet.')]));
    $('sources').replaceChildren(sources(data.sources, nowMs));
    $('images').replaceChildren(...images(data.images || { repositories: [], policies: [], automations: [] }, nowMs));
    $('notifications').replaceChildren(notifications(data.notifications));
    $('events').replaceChildren(events(data.events, nowMs));
    announce(data.summary);
    document.documentElement.setAttribute('data-loaded', 'true');
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      const res = await fetch(API, { cache: 'no-store', headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error('the agent answered HTTP ' + res.status);
      render(await res.json());
      $('error').hidden = true;
    } catch (err) {
      $('error').textContent = 'Could not load the status (' + (err && err.message ? err.message : err) +
        '); retrying.';
      $('error').hidden = false;
    } finally {
      // A hidden tab stops polling; it refreshes at once when shown again.
      if ($('auto').checked && !document.hidden) timer = setTimeout(refresh, REFRESH_MS);
    }
  }

  $('auto').addEventListener('change', () => ($('auto').checked ? refresh() : clearTimeout(timer)));
  $('refresh').addEventListener('click', refresh);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && $('auto').checked) refresh();
  });
  refresh();
})();
`;
