/**
 * Notifications end to end on real parts: the agent, the sandbox API server, a real Git server, and a local
 * HTTP server standing in for Slack, Teams, Discord and generic webhooks. One Provider of each type, plus three
 * generic ones whose Alerts filter by severity, inclusion and exclusion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import { parseExposition } from '../../harness/prometheus.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';
import { annotate, apply, configMap, get, readyOf, waitApplied, waitReady } from './cluster.js';
import { type ReceivedRequest, type Recorder, startRecorder, waitFor } from './recorder.js';

let sb: SandboxHandle;
let git: GitServer;
let agent: AgentHandle;
let rec: Recorder;

const HMAC_KEY = 'HMACKEY-0b1f2e';
const SLACK_SECRET_PATH = '/slack/T000/B000/SLACKSECRET';
const PATHS = {
  slack: SLACK_SECRET_PATH,
  msteams: '/teams',
  discord: '/discord/api/webhooks/1/tok/slack',
  generic: '/generic',
  'generic-hmac': '/hmac',
} as const;
const MAIN = Object.keys(PATHS) as (keyof typeof PATHS)[];

const files = {
  'app/kustomization.yaml': 'resources: [namespace.yaml, config.yaml]\n',
  'app/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n',
  'app/config.yaml': configMap('settings', 'demo', 'blue'),
  'late/kustomization.yaml': 'resources: [config.yaml]\n',
  'late/config.yaml': configMap('late', 'late-ns', 'x'),
};

let revision = '';

function generic(path: string, name: string) {
  return provider(name, { type: 'generic', address: `${rec.url}${path}` });
}

function provider(name: string, spec: Record<string, unknown>) {
  return {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Provider',
    metadata: { name, namespace: 'default' },
    spec,
  };
}

function alert(name: string, spec: Record<string, unknown>) {
  return {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Alert',
    metadata: { name, namespace: 'default' },
    spec: { providerRef: { name }, eventSources: [{ kind: 'Sync', name: 'app' }], ...spec },
  };
}

/** What a request says, whatever the provider type: severity and reason, or the chat title. */
function genericBody(r: ReceivedRequest) {
  return r.json as {
    involvedObject: { kind: string; namespace: string; name: string };
    severity: string;
    reason: string;
    message: string;
    metadata: Record<string, string>;
  };
}

/** Generic requests about Sync default/<name>. */
function about(name: string) {
  return (r: ReceivedRequest) => genericBody(r).involvedObject.name === name;
}

beforeAll(async () => {
  sb = await startSandbox();
  git = await startGitServer();
  rec = await startRecorder();
  rec.hmacKey(PATHS['generic-hmac'], HMAC_KEY);
  const repo = await git.createRepo('fleet', files);
  revision = `main@sha1:${repo.head}`;
  agent = await startTestAgent(sb);
  await eventually(async () =>
    (await sb.raw('GET', '/apis/steward.dev/v1alpha1/providers')).status === 200 ? true : undefined,
  );
  await apply(sb, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'slack-hook', namespace: 'default' },
    stringData: { address: `${rec.url}${SLACK_SECRET_PATH}` },
  });
  await apply(sb, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'hmac', namespace: 'default' },
    stringData: { address: `${rec.url}${PATHS['generic-hmac']}`, token: HMAC_KEY },
  });
  const providers = [
    provider('slack', { type: 'slack', secretRef: { name: 'slack-hook' }, channel: '#deploys' }),
    provider('msteams', { type: 'msteams', address: `${rec.url}${PATHS.msteams}` }),
    provider('discord', { type: 'discord', address: `${rec.url}/discord/api/webhooks/1/tok` }),
    generic(PATHS.generic, 'generic'),
    provider('generic-hmac', { type: 'generic-hmac', secretRef: { name: 'hmac' } }),
    generic('/errors-only', 'errors-only'),
    generic('/included', 'included'),
    generic('/excluded', 'excluded'),
    provider('no-secret', { type: 'slack', secretRef: { name: 'missing' } }),
  ];
  for (const p of providers) await apply(sb, p);
  const alerts = [
    alert('slack', { summary: 'test cluster' }),
    alert('msteams', {}),
    alert('discord', {}),
    alert('generic', { eventSources: [{ kind: 'Sync', name: '*' }], eventMetadata: { cluster: 'it' } }),
    alert('generic-hmac', {}),
    alert('errors-only', { eventSeverity: 'error' }),
    alert('included', { inclusionList: ['^Applied revision'] }),
    alert('excluded', { exclusionList: ['^Applied revision'] }),
    alert('no-provider', { providerRef: { name: 'nowhere' } }),
    alert('risky', { exclusionList: ['(a+)+$'] }),
    alert('cross', {
      providerRef: { name: 'generic' },
      eventSources: [{ kind: 'Sync', name: '*', namespace: 'other' }],
    }),
  ];
  for (const a of alerts) await apply(sb, a);
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await rec?.stop();
  await git?.stop();
  await sb?.stop();
});

describe('notifications to every provider type', () => {
  it('reports Providers and Alerts Ready, or why not', async () => {
    for (const name of [...MAIN, 'errors-only', 'included', 'excluded']) {
      await waitReady(sb, 'Provider', 'default', name, 'True');
      await waitReady(sb, 'Alert', 'default', name, 'True');
    }
    const noSecret = await waitReady(sb, 'Provider', 'default', 'no-secret', 'False', 'SecretNotFound');
    expect(noSecret.message).toBe("Secret 'default/missing' not found");
    expect(
      (await waitReady(sb, 'Alert', 'default', 'no-provider', 'False', 'ProviderNotFound')).message,
    ).toBe("Provider 'default/nowhere' not found");
    expect((await waitReady(sb, 'Alert', 'default', 'risky', 'False', 'ValidationFailed')).message).toContain(
      'spec.exclusionList[0]',
    );
    expect((await waitReady(sb, 'Alert', 'default', 'cross', 'False', 'AccessDenied')).message).toContain(
      'spec.eventSources[0]',
    );
    const stalled = (await get(sb, 'Alert', 'default', 'risky'))?.status as {
      conditions: { type: string; status: string }[];
    };
    expect(stalled.conditions.find((c) => c.type === 'Stalled')?.status).toBe('True');
  });

  it('sends a new revision applied as info, in each provider type’s shape', async () => {
    await apply(sb, {
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'GitRepository',
      metadata: { name: 'fleet', namespace: 'default' },
      spec: { url: git.url('fleet'), insecure: true, interval: '1s', ref: { branch: 'main' } },
    });
    await apply(sb, {
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'Sync',
      metadata: { name: 'app', namespace: 'default' },
      spec: {
        sourceRef: { kind: 'GitRepository', name: 'fleet' },
        path: './app',
        interval: '10m',
        prune: true,
      },
    });
    await waitApplied(sb, 'default', 'app', revision.slice(-40));
    for (const type of MAIN)
      await waitFor(() => (rec.requests(PATHS[type]).length >= 1 ? true : undefined), 10_000, `${type} info`);

    const slack = rec.requests(PATHS.slack)[0]?.json as {
      channel: string;
      text: string;
      attachments: {
        color: string;
        title: string;
        text: string;
        fields: { title: string; value: string }[];
      }[];
    };
    expect(slack.channel).toBe('#deploys');
    expect(slack.text).toBe('test cluster');
    expect(slack.attachments[0]).toMatchObject({
      color: '#2eb886',
      title: 'Sync default/app: ReconciliationSucceeded',
    });
    expect(slack.attachments[0]?.text).toMatch(/^Applied revision: main@sha1:[0-9a-f]{40}/);
    expect(slack.attachments[0]?.fields).toContainEqual({ title: 'Revision', value: revision, short: false });

    const teams = rec.requests(PATHS.msteams)[0]?.json as {
      type: string;
      attachments: {
        contentType: string;
        content: { type: string; body: { items: { text?: string }[] }[] };
      }[];
    };
    expect(teams.type).toBe('message');
    expect(teams.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(teams.attachments[0]?.content.type).toBe('AdaptiveCard');
    expect(teams.attachments[0]?.content.body[0]?.items.map((i) => i.text)).toContain(
      'Sync default/app: ReconciliationSucceeded',
    );

    const discord = rec.requests(PATHS.discord)[0]?.json as {
      username: string;
      attachments: { title: string }[];
    };
    expect(discord.username).toBe('steward');
    expect(discord.attachments[0]?.title).toBe('Sync default/app: ReconciliationSucceeded');

    const body = genericBody(rec.requests(PATHS.generic)[0] as ReceivedRequest);
    expect(body).toMatchObject({
      involvedObject: { kind: 'Sync', namespace: 'default', name: 'app' },
      severity: 'info',
      reason: 'ReconciliationSucceeded',
      metadata: { revision, cluster: 'it' },
      reportingController: 'steward',
    });

    const hmac = rec.requests(PATHS['generic-hmac'])[0] as ReceivedRequest;
    expect(hmac.signatureValid).toBe(true);
    expect(genericBody(hmac).reason).toBe('ReconciliationSucceeded');

    await waitFor(() => (rec.requests('/included').length === 1 ? true : undefined), 5_000, 'included info');
    // Give deliveries that should not happen the time they would take.
    await new Promise((r) => setTimeout(r, 300));
    expect(rec.requests('/included')).toHaveLength(1);
    expect(rec.requests('/errors-only')).toHaveLength(0);
    expect(rec.requests('/excluded')).toHaveLength(0);
  });

  it('sends a broken manifest once as an error naming object, revision, reason, message and file', async () => {
    const before = Object.fromEntries(MAIN.map((t) => [t, rec.requests(PATHS[t]).length]));
    const sha = await git.commit(
      'fleet',
      { 'app/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\ndata: [' },
      'break it',
    );
    await waitReady(sb, 'Sync', 'default', 'app', 'False');
    // Run the failing Sync twice more with the same error: neither run may notify again.
    for (const request of ['again-1', 'again-2']) {
      await annotate(sb, 'Sync', 'default', 'app', { 'steward.dev/reconcile-requested-at': request });
      await eventually(
        async () =>
          (
            (await get(sb, 'Sync', 'default', 'app'))?.status as
              | { lastHandledReconcileAt?: string }
              | undefined
          )?.lastHandledReconcileAt === request
            ? true
            : undefined,
        15_000,
        `reconcile request ${request}`,
      );
    }
    for (const type of MAIN)
      await waitFor(
        () => (rec.requests(PATHS[type]).length > (before[type] ?? 0) ? true : undefined),
        10_000,
        `${type} error`,
      );
    await new Promise((r) => setTimeout(r, 500));
    for (const type of MAIN) expect(rec.requests(PATHS[type]).length - (before[type] ?? 0), type).toBe(1);

    const error = genericBody(rec.requests(PATHS.generic).at(-1) as ReceivedRequest);
    const ready = await readyOf(sb, 'Sync', 'default', 'app');
    expect(error).toMatchObject({
      involvedObject: { kind: 'Sync', namespace: 'default', name: 'app' },
      severity: 'error',
      reason: ready?.reason,
      message: ready?.message,
      metadata: { revision: `main@sha1:${sha}` },
    });
    expect(error.message).toContain('config.yaml');
    // A render failure names the path it rendered; the file is in the message.
    expect(error.metadata['failing-objects']).toBe('app');
    const slack = rec.requests(PATHS.slack).at(-1)?.json as {
      attachments: { color: string; title: string; fields: { title: string; value: string }[] }[];
    };
    expect(slack.attachments[0]).toMatchObject({ color: '#a30200', title: 'Sync default/app failed' });
    expect(slack.attachments[0]?.fields.find((f) => f.title === 'Failing objects')?.value).toBe('app');
    expect(rec.requests(PATHS['generic-hmac']).every((r) => r.signatureValid)).toBe(true);

    expect(rec.requests('/errors-only').map((r) => genericBody(r).severity)).toEqual(['error']);
    expect(rec.requests('/excluded').map((r) => genericBody(r).severity)).toEqual(['error']);
    expect(rec.requests('/included')).toHaveLength(1);
  });

  it('sends the fix once as a recovery, also to Alerts that filter info out', async () => {
    const before = Object.fromEntries(MAIN.map((t) => [t, rec.requests(PATHS[t]).length]));
    const sha = await git.commit(
      'fleet',
      { 'app/config.yaml': configMap('settings', 'demo', 'green') },
      'fix it',
    );
    await waitApplied(sb, 'default', 'app', sha);
    for (const type of MAIN)
      await waitFor(
        () => (rec.requests(PATHS[type]).length > (before[type] ?? 0) ? true : undefined),
        10_000,
        `${type} recovery`,
      );
    await new Promise((r) => setTimeout(r, 500));
    for (const type of MAIN) expect(rec.requests(PATHS[type]).length - (before[type] ?? 0), type).toBe(1);
    const slack = rec.requests(PATHS.slack).at(-1)?.json as {
      attachments: { color: string; title: string }[];
    };
    expect(slack.attachments[0]).toMatchObject({ color: '#2eb886', title: 'Sync default/app recovered' });
    expect(genericBody(rec.requests(PATHS.generic).at(-1) as ReceivedRequest)).toMatchObject({
      severity: 'info',
      reason: 'ReconciliationSucceeded',
      metadata: { revision: `main@sha1:${sha}` },
    });
    // eventSeverity error and an exclusion of the message still get the recovery of a failure they were sent.
    await waitFor(
      () => (rec.requests('/errors-only').length === 2 ? true : undefined),
      5_000,
      'errors-only recovery',
    );
    expect(rec.requests('/errors-only').map((r) => genericBody(r).reason)).toEqual([
      'BuildFailed',
      'ReconciliationSucceeded',
    ]);
    expect(rec.requests('/excluded').map((r) => genericBody(r).severity)).toEqual(['error', 'info']);
    // The inclusion list saw no failure, so the fix is a plain new revision to it.
    expect(rec.requests('/included').map((r) => genericBody(r).reason)).toEqual([
      'ReconciliationSucceeded',
      'ReconciliationSucceeded',
    ]);
  });

  it('alerts once for a Sync failing on every retry, and sends its recovery without a new revision', async () => {
    const late = about('late');
    await apply(sb, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'late-ns' } });
    await apply(sb, {
      apiVersion: 'steward.dev/v1alpha1',
      kind: 'Sync',
      metadata: { name: 'late', namespace: 'default' },
      spec: {
        sourceRef: { kind: 'GitRepository', name: 'fleet' },
        path: './late',
        interval: '10m',
        prune: false,
      },
    });
    await waitReady(sb, 'Sync', 'default', 'late', 'True');
    await waitFor(
      () => (rec.requests(PATHS.generic).filter(late).length === 1 ? true : undefined),
      5_000,
      'late applied',
    );

    // Break it from outside, on the same revision: its namespace goes away, so every apply fails.
    const ns = await sb.raw('DELETE', '/api/v1/namespaces/late-ns');
    expect(ns.status).toBeLessThan(300);
    await eventually(
      async () => ((await sb.raw('GET', '/api/v1/namespaces/late-ns')).status === 404 ? true : undefined),
      15_000,
      'late-ns deleted',
    );
    await annotate(sb, 'Sync', 'default', 'late', {
      'steward.dev/reconcile-requested-at': 'namespace-deleted',
    });
    // Backoff retries after 1 s and 2 s: three failures of the same apply.
    await eventually(
      () =>
        agent.logs.filter((l) => l.msg === 'reconcile failed' && l.name === 'late').length >= 3
          ? true
          : undefined,
      20_000,
      'three failed reconciles of Sync default/late',
    );
    await new Promise((r) => setTimeout(r, 300));
    const sent = () => rec.requests(PATHS.generic).filter(late).map(genericBody);
    expect(sent().map((b) => `${b.severity} ${b.reason}`)).toEqual([
      'info ReconciliationSucceeded',
      'error ReconciliationFailed',
    ]);
    expect(sent()[1]?.metadata['failing-objects']).toBe('ConfigMap/late-ns/late');
    const metrics = parseExposition(await agent.agent.metrics.registry.metrics());
    const dropped = metrics
      .get('steward_notifications_total')
      ?.samples.find((s) => s.labels.provider === 'generic' && s.labels.result === 'dropped');
    expect(dropped?.value).toBeGreaterThanOrEqual(2);

    await apply(sb, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'late-ns' } });
    // Run it now rather than at the next backoff retry; the revision and the spec stay the same either way.
    await annotate(sb, 'Sync', 'default', 'late', {
      'steward.dev/reconcile-requested-at': 'namespace-created',
    });
    await waitReady(sb, 'Sync', 'default', 'late', 'True');
    await waitFor(() => (sent().length === 3 ? true : undefined), 5_000, 'late recovery');
    await new Promise((r) => setTimeout(r, 300));
    expect(sent().map((b) => `${b.severity} ${b.reason}`)).toEqual([
      'info ReconciliationSucceeded',
      'error ReconciliationFailed',
      'info ReconciliationSucceeded',
    ]);
    // All three about one revision: the recovery was announced although nothing new was applied.
    expect(new Set(sent().map((b) => b.metadata.revision)).size).toBe(1);
  });

  it('counts what was sent, and never logs or reports a webhook address or token', async () => {
    const metrics = parseExposition(await agent.agent.metrics.registry.metrics());
    const sent =
      metrics.get('steward_notifications_total')?.samples.filter((s) => s.labels.result === 'sent') ?? [];
    expect(sent.find((s) => s.labels.provider === 'slack' && s.labels.type === 'slack')?.value).toBe(3);
    expect(metrics.get('steward_notification_delivery_duration_seconds')?.samples.length).toBeGreaterThan(0);
    // Provider specs may hold an address (that is the user's choice); logs, metrics, events and status never do.
    const statuses = JSON.parse(
      (await sb.kubectl(['get', 'providers,alerts', '-A', '-o', 'json'])).stdout,
    ) as {
      items: { status?: unknown }[];
    };
    const places = {
      logs: JSON.stringify(agent.logs),
      metrics: await agent.agent.metrics.registry.metrics(),
      status: JSON.stringify(statuses.items.map((i) => i.status)),
      events: (await sb.raw('GET', '/api/v1/namespaces/default/events')).text,
    };
    for (const [where, text] of Object.entries(places)) {
      for (const secret of ['SLACKSECRET', HMAC_KEY, rec.url])
        expect(text.includes(secret), `${secret} in ${where}`).toBe(false);
    }
  });
});
