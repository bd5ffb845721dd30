/**
 * `steward events` against the sandbox API server: only events about Steward objects, oldest first, one
 * namespace or all, `--for kind/name`, and `--watch` printing what arrives (a new event, a repeat) without
 * printing the existing ones twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crds } from '../../../src/api/index.js';
import { eventsCommand } from '../../../src/cli/events.js';
import { eventually, type SandboxHandle, startSandbox } from '../../harness/sandbox.js';
import { captureIO, runCommandLine } from './helpers.js';

let sb: SandboxHandle;

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');

async function createEvent(
  namespace: string,
  name: string,
  involved: { apiVersion: string; kind: string; name: string },
  o: { type?: string; reason: string; message: string; count?: number; first?: string; last?: string },
): Promise<Record<string, unknown>> {
  const r = await sb.raw('POST', `/api/v1/namespaces/${namespace}/events`, {
    body: {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: { ...involved, namespace },
      type: o.type ?? 'Normal',
      reason: o.reason,
      message: o.message,
      count: o.count ?? 1,
      firstTimestamp: o.first ?? o.last ?? minutesAgo(0),
      lastTimestamp: o.last ?? minutesAgo(0),
      source: { component: 'steward' },
    },
  });
  if (r.status !== 201) throw new Error(`create event ${name}: ${r.status} ${r.text}`);
  return r.json();
}

const SYNC = { apiVersion: 'steward.dev/v1alpha1', kind: 'Sync', name: 'app' };
const REPO = { apiVersion: 'steward.dev/v1alpha1', kind: 'GitRepository', name: 'fleet' };

async function events(argv: string[], signal?: AbortSignal) {
  const io = Object.assign(captureIO(), signal ? { signal } : {});
  return runCommandLine(eventsCommand(io), [...argv, '--kubeconfig', sb.kubeconfigPath], io);
}

beforeAll(async () => {
  sb = await startSandbox({ simulator: { enabled: false, settleMs: 0, failImagePatterns: [] } });
  for (const crd of crds()) {
    const name = (crd as { metadata: { name: string } }).metadata.name;
    await sb.raw(
      'PATCH',
      `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}?fieldManager=test`,
      {
        body: crd,
        contentType: 'application/apply-patch+yaml',
      },
    );
  }
  await eventually(async () =>
    (await sb.raw('GET', '/apis/steward.dev/v1alpha1')).status === 200 ? true : undefined,
  );
  await sb.raw('POST', '/api/v1/namespaces', { body: { metadata: { name: 'team-a' } } });
  await createEvent('default', 'app.1', SYNC, {
    reason: 'ReconciliationSucceeded',
    message: 'Applied revision: main@sha1:1',
    last: minutesAgo(2),
  });
  await createEvent('default', 'fleet.1', REPO, {
    type: 'Warning',
    reason: 'GitOperationFailed',
    message: 'fetch failed:\nconnection refused',
    count: 3,
    first: minutesAgo(30),
    last: minutesAgo(5),
  });
  await createEvent(
    'default',
    'web.1',
    { apiVersion: 'v1', kind: 'Pod', name: 'web' },
    {
      reason: 'Scheduled',
      message: 'not about Steward',
    },
  );
  await createEvent('team-a', 'app.2', SYNC, {
    reason: 'ReconciliationSucceeded',
    message: 'team-a applied',
  });
}, 60_000);

afterAll(async () => {
  await sb?.stop();
});

const cells = (line: string) => line.split(/ {2,}/);

describe('steward events', () => {
  it("lists events about Steward objects in the context's namespace, oldest first", async () => {
    const r = await events([]);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n').map(cells);
    expect(lines).toEqual([
      ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
      [
        '5m (x3 over 30m)',
        'Warning',
        'GitOperationFailed',
        'GitRepository/fleet',
        'fetch failed: connection refused',
      ],
      ['2m', 'Normal', 'ReconciliationSucceeded', 'Sync/app', 'Applied revision: main@sha1:1'],
    ]);
  });

  it('adds NAMESPACE with -A and narrows to one object with --for', async () => {
    const all = await events(['-A']);
    expect(
      all.out
        .trimEnd()
        .split('\n')
        .map((l) => `${cells(l)[0]} ${cells(l)[4]}`),
    ).toEqual(['NAMESPACE OBJECT', 'default GitRepository/fleet', 'default Sync/app', 'team-a Sync/app']);
    const one = await events(['--for', 'sync/app', '-n', 'team-a']);
    expect(
      one.out
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => cells(l)[4]),
    ).toEqual(['team-a applied']);
    const none = await events(['--for', 'gitrepo/other']);
    expect(none).toEqual({ code: 0, out: '', err: 'No events found in default namespace.\n' });
  });

  it('exits 2 for a malformed --for or a kind that is not Steward', async () => {
    const malformed = await events(['--for', 'app']);
    expect(malformed.code).toBe(2);
    expect(malformed.err).toBe('error: --for takes <kind>/<name>, got "app"\n');
    const pods = await events(['--for', 'pods/web']);
    expect(pods.code).toBe(2);
    expect(pods.err).toMatch(/^error: the server has no Steward resource type "pods"/);
  });

  it('--watch prints new events and repeats once each, until stopped', async () => {
    const stop = new AbortController();
    const io = Object.assign(captureIO(), { signal: stop.signal });
    const running = runCommandLine(eventsCommand(io), ['--watch', '--kubeconfig', sb.kubeconfigPath], io);
    await eventually(() => (io.out.includes('Sync/app') ? true : undefined), 10_000, 'the existing events');
    const created = await createEvent('default', 'app.3', SYNC, {
      type: 'Warning',
      reason: 'HealthCheckFailed',
      message: 'Deployment/demo/web not ready',
    });
    await eventually(
      () => (io.out.includes('Deployment/demo/web not ready') ? true : undefined),
      10_000,
      'the new event',
    );
    // The agent records a repeat by bumping count and lastTimestamp on the same Event.
    const repeat = { ...created, count: 2, lastTimestamp: minutesAgo(0) };
    const put = await sb.raw('PUT', '/api/v1/namespaces/default/events/app.3', { body: repeat });
    expect(put.status).toBe(200);
    await eventually(() => (io.out.includes('(x2 over') ? true : undefined), 10_000, 'the repeat');
    // A Pod's event never shows, however it arrives.
    await createEvent(
      'default',
      'web.2',
      { apiVersion: 'v1', kind: 'Pod', name: 'web' },
      { reason: 'Pulled', message: 'pod noise' },
    );
    stop.abort();
    const r = await running;
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).not.toContain('pod noise');
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE$/);
    // The replay a new watch starts with is not printed again.
    expect(lines.filter((l) => l.includes('Applied revision: main@sha1:1'))).toHaveLength(1);
    const seen = lines.filter((l) => l.includes('Deployment/demo/web not ready')).map((l) => cells(l)[0]);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatch(/^\ds$/);
    expect(seen[1]).toMatch(/^\ds \(x2 over \ds\)$/);
  });
});
