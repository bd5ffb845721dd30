/**
 * Image automation end to end through the running agent: a real docker-registry, a real Git smart-HTTP server,
 * the sandbox API server and the agent in-process. A new tag in the registry must become a commit on the Git
 * server (by the configured author, changing the marked value and nothing else) and then the image of the
 * Deployment in the cluster, within seconds, as Flux's image-reflector-controller and image-automation-controller
 * do together with the kustomize-controller.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { RegistryHandle } from '../../harness/registry.js';
import { startRegistry } from '../../harness/registry.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';
import {
  apply,
  container,
  crdsServed,
  get,
  namespaces,
  type Obj,
  stewardPath,
  waitSync,
} from '../helm-e2e/helpers.js';
import {
  API,
  events,
  imagePolicy,
  imageRepository,
  isReady,
  readyOf,
  recordWatch,
  requestReconcile,
  scanOf,
  waitObject,
} from './helpers.js';

let sb: SandboxHandle;
let git: GitServer;
let registry: RegistryHandle;
let agent: AgentHandle;

const NS = 'team-a';
const AUTHOR = { name: 'Image Bot', email: 'image-bot@example.com' };
let image: string;
let original: string;

/** The manifest, with a comment and odd formatting that the automation must leave byte for byte. */
function deploymentYaml(tag: string): string {
  return `# The app of team A.   Only the marked value below is the automation's to change.
apiVersion: apps/v1
kind:   Deployment
metadata:
  name: app
  namespace: team-a
  labels: {app: app,   tier: "web"}    # a flow map, spaced oddly
spec:
  replicas: 1
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
        -   name: app
            image: ${image}:${tag} # {"$imagepolicy": "team-a:app"}
            args: [ "--port",   '8080' ]
            env:
              - {name: GREETING, value: 'hello,   world'}   # keep me
`;
}

/** Runs git on the server's bare repository `repo`. */
const gitIn = (repo: string, args: readonly string[]) =>
  git.git(['--git-dir', join(git.root, `${repo}.git`), ...args]);

async function head(repo: string, branch: string): Promise<string | undefined> {
  try {
    return await gitIn(repo, ['rev-parse', `refs/heads/${branch}`]);
  } catch {
    return undefined;
  }
}

const show = (repo: string, spec: string) => gitIn(repo, ['show', spec]);

/** The object id Git gives a file with this content. */
function blobId(content: string): string {
  const bytes = Buffer.from(content);
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]))
    .digest('hex');
}

async function deploymentImage(): Promise<string | undefined> {
  return container(await get(sb, `/apis/apps/v1/namespaces/${NS}/deployments/app`)).image;
}

function automation(ns: string, name: string, source: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: API,
    kind: 'ImageUpdateAutomation',
    metadata: { name, namespace: ns },
    spec: {
      sourceRef: { kind: 'GitRepository', name: source },
      interval: '1h',
      git: { commit: { author: AUTHOR }, ...extra },
      update: { path: './deploy', strategy: 'Setters' },
    },
  };
}

function gitRepository(ns: string, name: string) {
  return {
    apiVersion: API,
    kind: 'GitRepository',
    metadata: { name, namespace: ns },
    // An hour: only the automation's wake can bring its commit in within the test.
    spec: { url: git.url(name), insecure: true, interval: '1h', ref: { branch: 'main' } },
  };
}

/** A tenant namespace whose `deployer` service account may manage the namespace. */
async function tenant(ns: string): Promise<void> {
  await namespaces(sb, ns);
  await sb.raw('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, {
    body: { metadata: { name: 'deployer' } },
  });
  await sb.raw('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
    body: {
      metadata: { name: 'deployer-admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }],
    },
  });
}

beforeAll(async () => {
  [sb, git, registry] = await Promise.all([startSandbox(), startGitServer(), startRegistry()]);
  image = `${registry.host}/team/app`;
  original = deploymentYaml('1.0.0');
  await registry.pushImage('team/app', '1.0.0');
  await git.createRepo('fleet', {
    'deploy/deployment.yaml': original,
    'README.md': 'not YAML, never read by the automation\n',
  });
  agent = await startTestAgent(sb);
  await crdsServed(sb);
  await tenant(NS);
  await apply(sb, gitRepository(NS, 'fleet'));
  await apply(sb, {
    apiVersion: API,
    kind: 'Sync',
    metadata: { name: 'app', namespace: NS },
    spec: {
      sourceRef: { kind: 'GitRepository', name: 'fleet' },
      path: './deploy',
      interval: '1h',
      prune: true,
      serviceAccountName: 'deployer',
      timeout: '20s',
    },
  });
  await apply(sb, imageRepository(NS, 'app', image));
  await apply(sb, imagePolicy(NS, 'app', 'app', '>=1.0.0'));
  await apply(sb, automation(NS, 'app', 'fleet'));
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await Promise.all([git?.stop(), registry?.stop(), sb?.stop()]);
});

describe('a new tag reaches the cluster through Git', () => {
  let pushed: string;
  let before: string;

  it('deploys 1.0.0 first, with the policy settled and nothing committed', async () => {
    before = (await head('fleet', 'main')) ?? '';
    await waitSync(sb, NS, 'app', (v) => v.applied === `main@sha1:${before}`);
    expect(await deploymentImage()).toBe(`${image}:1.0.0`);
    const policy = await waitObject(
      sb,
      'imagepolicies',
      NS,
      'app',
      (o) => isReady(o) && (o.status?.latestRef as { tag?: string } | undefined)?.tag === '1.0.0',
      'the ImagePolicy to pick 1.0.0',
    );
    expect(policy.status?.latestRef).toEqual({ name: image, tag: '1.0.0' });
    // The automation ran with the pick and found the file already at 1.0.0.
    const auto = await waitObject(
      sb,
      'imageupdateautomations',
      NS,
      'app',
      (o) =>
        isReady(o) &&
        (o.status?.observedPolicies as Record<string, { tag: string }> | undefined)?.app?.tag === '1.0.0',
      'the automation to run with the pick 1.0.0',
    );
    expect(readyOf(auto)?.message).toMatch(/^no updates made/);
    expect(auto.status?.lastPushCommit).toBeUndefined();
    expect(await head('fleet', 'main')).toBe(before);
  });

  it('commits the new tag, wakes the source and updates the Deployment within seconds', async () => {
    await registry.pushImage('team/app', '1.1.0');
    const t0 = Date.now();
    const commit = await eventually(
      async () => {
        const h = await head('fleet', 'main');
        return h !== before ? h : undefined;
      },
      20_000,
      'a new commit on main',
    );
    const tCommit = Date.now();
    await eventually(
      async () => ((await deploymentImage()) === `${image}:1.1.0` ? true : undefined),
      20_000,
      'the Deployment to run 1.1.0',
    );
    const tDeploy = Date.now();
    console.info(
      `image automation: push→commit ${((tCommit - t0) / 1000).toFixed(2)} s, push→Deployment ${((tDeploy - t0) / 1000).toFixed(2)} s`,
    );
    pushed = commit ?? '';

    // The commit: one parent (the old head), the configured author and committer, the default message.
    const [parent, author, committer] = (
      await gitIn('fleet', ['log', '-1', '--format=%P%n%an <%ae>%n%cn <%ce>', pushed])
    ).split('\n');
    expect(parent).toBe(before);
    expect(author).toBe(`${AUTHOR.name} <${AUTHOR.email}>`);
    expect(committer).toBe(`${AUTHOR.name} <${AUTHOR.email}>`);
    const message = await gitIn('fleet', ['log', '-1', '--format=%B', pushed]);
    expect(message).toBe(
      [
        'Update from image update automation',
        '',
        'deploy/deployment.yaml',
        `- Deployment/team-a/app: ${image}:1.0.0 -> ${image}:1.1.0`,
      ].join('\n'),
    );
    // The file changed on that one value, every other byte kept; no other file changed.
    const changed = await gitIn('fleet', ['diff', '--name-only', before, pushed]);
    expect(changed).toBe('deploy/deployment.yaml');
    const expected = original.replace(`${image}:1.0.0 #`, `${image}:1.1.0 #`);
    expect(expected).toBe(deploymentYaml('1.1.0'));
    // Byte for byte: the blob Git stores is the one of the expected text (git show would trim the end).
    expect(await gitIn('fleet', ['rev-parse', `${pushed}:deploy/deployment.yaml`])).toBe(blobId(expected));

    await waitSync(sb, NS, 'app', (v) => v.applied === `main@sha1:${pushed}`);
  });

  it('reports the scan, the pick and the push in status and events', async () => {
    const repo = await get(sb, stewardPath('imagerepositories', NS, 'app'));
    expect(readyOf(repo)).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(repo?.status?.canonicalImageName).toBe(image);
    const scan = scanOf(repo);
    expect(scan?.tagCount).toBe(2);
    expect(scan?.latestTags).toEqual(['1.1.0', '1.0.0']);
    expect(scan?.revision).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(Math.abs(Date.parse(scan?.scanTime ?? '') - Date.now())).toBeLessThan(30_000);

    const policy = await get(sb, stewardPath('imagepolicies', NS, 'app'));
    expect(policy?.status?.latestRef).toEqual({ name: image, tag: '1.1.0' });
    expect(policy?.status?.observedPreviousRef).toEqual({ name: image, tag: '1.0.0' });

    const auto = await get(sb, stewardPath('imageupdateautomations', NS, 'app'));
    expect(auto?.status?.lastPushCommit).toBe(pushed);
    expect(Math.abs(Date.parse(String(auto?.status?.lastPushTime)) - Date.now())).toBeLessThan(30_000);
    expect(auto?.status?.observedPolicies).toEqual({ app: { name: image, tag: '1.1.0' } });
    expect(auto?.status?.observedSourceRevision).toBe(`main@sha1:${before}`);
    expect(readyOf(auto)?.message).toBe(`committed and pushed ${pushed} to main`);

    const recorded = await eventually(
      async () => {
        const list = await events(sb, NS);
        const pushEvent = list.find((e) => e.kind === 'ImageUpdateAutomation' && e.reason === 'Succeeded');
        const pickEvent = list.find((e) => e.kind === 'ImagePolicy' && /to 1\.1\.0$/.test(e.message));
        return pushEvent && pickEvent ? { pushEvent, pickEvent } : undefined;
      },
      10_000,
      'the push and pick events',
    );
    expect(recorded.pushEvent.message).toBe(
      `committed and pushed ${pushed} to main: deploy/deployment.yaml: ${image}:1.0.0 -> ${image}:1.1.0`,
    );
    expect(recorded.pickEvent.message).toBe(`Latest image tag for ${image} updated from 1.0.0 to 1.1.0`);
  });

  it('makes no commit when a requested run has nothing to change', async () => {
    const at = await requestReconcile(sb, 'imageupdateautomations', NS, 'app');
    const auto = await waitObject(
      sb,
      'imageupdateautomations',
      NS,
      'app',
      (o) => o.status?.lastHandledReconcileAt === at,
      'the automation to handle the request',
    );
    expect(readyOf(auto)).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(readyOf(auto)?.message).toBe(`no updates made; last commit ${pushed.slice(0, 12)} on main`);
    expect(auto.status?.lastPushCommit).toBe(pushed);
    expect(auto.status?.observedSourceRevision).toBe(`main@sha1:${pushed}`);
    expect(await head('fleet', 'main')).toBe(pushed);
  });
});

describe('push to another branch', () => {
  it('creates the push branch from the checkout branch and leaves the checkout branch alone', async () => {
    const ns = 'team-b';
    const version = (tag: string) =>
      `---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-version, namespace: ${ns}}\ndata:\n  version: "${tag}" # {"$imagepolicy": "${ns}:app:tag"}\n` +
      // A marker naming another tenant's policy: never this automation's to set.
      `  foreign: ${image}:1.0.0 # {"$imagepolicy": "team-a:app"}\n`;
    const files = {
      'deploy/deployment.yaml': original.replaceAll('team-a', ns),
      'deploy/version.yaml': version('1.0.0'),
    };
    const { head: mainHead } = await git.createRepo('fleet-b', files);
    await namespaces(sb, ns);
    await apply(sb, gitRepository(ns, 'fleet-b'));
    await apply(sb, imageRepository(ns, 'app', image));
    await apply(sb, imagePolicy(ns, 'app', 'app', '>=1.0.0'));
    await apply(
      sb,
      automation(ns, 'app', 'fleet-b', {
        push: { branch: 'image-updates' },
        commit: {
          author: AUTHOR,
          // Flux's template data: the automation, each change's setter name and values, .Values.
          messageTemplate:
            '{{ .AutomationObject }}: {{ .Values.ticket }}\n{{ range .Changed.Changes }}\n{{ .Setter }}: {{ .OldValue }} -> {{ .NewValue }}\n{{- end }}\n',
          messageTemplateValues: { ticket: 'OPS-42' },
        },
      }),
    );
    const commit = await eventually(() => head('fleet-b', 'image-updates'), 20_000, 'the push branch');
    const auto = await waitObject(
      sb,
      'imageupdateautomations',
      ns,
      'app',
      (o) => o.status?.lastPushCommit === commit,
      'the automation to report its push',
    );
    // The run that pushed may already be followed by one the new pick queued meanwhile, which finds nothing.
    expect(readyOf(auto)?.message).toMatch(
      new RegExp(
        `^(committed and pushed ${commit} to|no updates made; last commit ${commit.slice(0, 12)} on) image-updates$`,
      ),
    );
    await eventually(
      async () =>
        (await events(sb, ns)).some(
          (e) =>
            e.kind === 'ImageUpdateAutomation' &&
            e.message.startsWith(`committed and pushed ${commit} to image-updates: `),
        ) || undefined,
      10_000,
      'the push event',
    );
    expect(await head('fleet-b', 'main')).toBe(mainHead);
    expect(await gitIn('fleet-b', ['log', '-1', '--format=%P', commit])).toBe(mainHead);
    expect(await show('fleet-b', `${commit}:deploy/deployment.yaml`)).toContain(
      `image: ${image}:1.1.0 # {"$imagepolicy": "team-b:app"}`,
    );
    expect(await gitIn('fleet-b', ['rev-parse', `${commit}:deploy/version.yaml`])).toBe(
      blobId(version('1.1.0')),
    );
    expect(await gitIn('fleet-b', ['log', '-1', '--format=%B', commit])).toBe(
      [
        'team-b/app: OPS-42',
        '',
        // By file, then object: deploy/deployment.yaml before deploy/version.yaml.
        `team-b:app: ${image}:1.0.0 -> ${image}:1.1.0`,
        'team-b:app:tag: 1.0.0 -> 1.1.0',
      ].join('\n'),
    );

    // A second run builds on the push branch, finds nothing to change and pushes nothing.
    const at = await requestReconcile(sb, 'imageupdateautomations', ns, 'app');
    const again = await waitObject(
      sb,
      'imageupdateautomations',
      ns,
      'app',
      (o) => o.status?.lastHandledReconcileAt === at,
      'the second run',
    );
    expect(readyOf(again)?.message).toBe(
      `no updates made; last commit ${commit.slice(0, 12)} on image-updates`,
    );
    expect(await head('fleet-b', 'image-updates')).toBe(commit);
    expect(await head('fleet-b', 'main')).toBe(mainHead);
    // The GitRepository follows main: the automation did not wake it for a push elsewhere.
    const source = await get(sb, stewardPath('gitrepositories', ns, 'fleet-b'));
    expect(String((source?.status?.artifact as { revision?: string } | undefined)?.revision)).toBe(
      `main@sha1:${mainHead}`,
    );
  });
});

describe('policySelector', () => {
  it('runs only the automations whose selector picks the policy that changed', async () => {
    const ns = 'team-s';
    const repo = `${registry.host}/team/selected`;
    await registry.pushImage('team/selected', '1.0.0');
    const file = (tag: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: selected, namespace: ${ns}}\ndata:\n  image: ${repo}:${tag} # {"$imagepolicy": "${ns}:selected"}\n`;
    await git.createRepo('fleet-s', { 'deploy/cm.yaml': file('1.0.0') });
    await namespaces(sb, ns);
    await apply(sb, gitRepository(ns, 'fleet-s'));
    await apply(sb, imageRepository(ns, 'selected', repo));
    const policy = imagePolicy(ns, 'selected', 'selected', '>=1.0.0');
    await apply(sb, { ...policy, metadata: { ...policy.metadata, labels: { automation: 'yes' } } });
    await apply(sb, automation(ns, 'chosen', 'fleet-s'));
    const other = automation(ns, 'other', 'fleet-s');
    await apply(sb, {
      ...other,
      spec: { ...other.spec, policySelector: { matchLabels: { automation: 'no' } } },
    });
    const before = await waitObject(
      sb,
      'imageupdateautomations',
      ns,
      'other',
      (o) => isReady(o) && o.status?.lastAutomationRunTime !== undefined,
      'the unselected automation to run once',
    );
    await waitObject(
      sb,
      'imagepolicies',
      ns,
      'selected',
      (o) => (o.status?.latestRef as { tag?: string } | undefined)?.tag === '1.0.0',
      'the first pick',
    );
    await registry.pushImage('team/selected', '1.1.0');
    const commit = await eventually(
      async () => {
        const h = await head('fleet-s', 'main');
        return h !== undefined && (await show('fleet-s', `${h}:deploy/cm.yaml`)).includes(':1.1.0 #')
          ? h
          : undefined;
      },
      20_000,
      'the selected automation to commit 1.1.0',
    );
    // Long enough for a wrongly queued run of the other automation to show in its run time (second precision).
    await new Promise((r) => setTimeout(r, 1_500));
    const after = await get(sb, stewardPath('imageupdateautomations', ns, 'other'));
    expect(after?.status?.lastAutomationRunTime).toBe(before.status?.lastAutomationRunTime);
    expect(after?.status?.observedPolicies).toEqual({});
    const chosen = await get(sb, stewardPath('imageupdateautomations', ns, 'chosen'));
    expect(chosen?.status?.lastPushCommit).toBe(commit);
  });
});

describe('an ImagePolicy without a matching tag', () => {
  it('keeps its last pick and says why it is not Ready', async () => {
    const ns = 'team-c';
    await namespaces(sb, ns);
    await registry.pushImage('team/lib', '2.0.0');
    await registry.pushImage('team/lib', '2.1.0-rc.1');
    await apply(sb, imageRepository(ns, 'lib', `${registry.host}/team/lib`));
    await apply(sb, imagePolicy(ns, 'lib', 'lib', '>=2.0.0'));
    await waitObject(
      sb,
      'imagepolicies',
      ns,
      'lib',
      (o) => isReady(o) && (o.status?.latestRef as { tag?: string } | undefined)?.tag === '2.0.0',
      'the policy to pick 2.0.0',
    );
    // The repository now excludes every stable 2.x tag: the policy has nothing left to choose from.
    await apply(
      sb,
      imageRepository(ns, 'lib', `${registry.host}/team/lib`, { exclusionList: ['^2\\.0\\.'] }),
    );
    const failed = await waitObject(
      sb,
      'imagepolicies',
      ns,
      'lib',
      (o) => readyOf(o)?.status === 'False',
      'the policy to fail',
    );
    console.info(`policy without a match: ${JSON.stringify(readyOf(failed))}`);
    expect(readyOf(failed)?.reason).toBe('PolicyChoiceFailed');
    expect(readyOf(failed)?.message).toMatch(/>=2\.0\.0/);
    expect(failed.status?.latestRef).toEqual({ name: `${registry.host}/team/lib`, tag: '2.0.0' });
  });
});

describe('digest reflection', () => {
  it('resolves the picked tag to the digest of its manifest', async () => {
    const ns = 'team-c';
    const { digest } = await registry.pushImage('team/lib', '2.0.1');
    await apply(sb, imageRepository(ns, 'lib2', `${registry.host}/team/lib`));
    await apply(sb, imagePolicy(ns, 'lib2', 'lib2', '>=2.0.0', { digestReflectionPolicy: 'IfNotPresent' }));
    const policy = await waitObject(
      sb,
      'imagepolicies',
      ns,
      'lib2',
      // The first answer may come from the scan the `lib` repository shared a moment before the push.
      (o) => isReady(o) && (o.status?.latestRef as { tag?: string } | undefined)?.tag === '2.0.1',
      'the policy to pick 2.0.1 with a digest',
    );
    expect(policy.status?.latestRef).toEqual({ name: `${registry.host}/team/lib`, tag: '2.0.1', digest });
    expect(readyOf(policy)?.message).toContain(digest);
  });
});

describe('a registry error', () => {
  it('is retried with backoff, not at the next interval, when the registry names no time', async () => {
    const ns = 'team-c';
    await registry.pushImage('team/flaky', '1.0.0');
    registry.failNext(1, 503, {}, '/team/flaky/tags/list');
    const t0 = Date.now();
    await apply(sb, imageRepository(ns, 'flaky', `${registry.host}/team/flaky`, { interval: '1h' }));
    const repo = await waitObject(
      sb,
      'imagerepositories',
      ns,
      'flaky',
      (o) => isReady(o) && scanOf(o)?.tagCount === 1,
      'the repository to recover from the 503',
      10_000,
    );
    console.info(
      `registry 503 without Retry-After: Ready ${((Date.now() - t0) / 1000).toFixed(2)} s after creation`,
    );
    expect(registry.requests().some((r) => r.injected && r.path.includes('/team/flaky/'))).toBe(true);
    expect(readyOf(repo)?.message).toBe('successful scan: found 1 tags');
  });
});

describe('a generic Receiver naming an ImageRepository', () => {
  it('scans at once instead of at the next interval', async () => {
    const ns = 'team-c';
    await registry.pushImage('team/slow', '1.0.0');
    await apply(sb, imageRepository(ns, 'slow', `${registry.host}/team/slow`, { interval: '1h' }));
    const first = await waitObject(
      sb,
      'imagerepositories',
      ns,
      'slow',
      isReady,
      'the slow repository to scan',
    );
    expect(scanOf(first)?.tagCount).toBe(1);
    await registry.pushImage('team/slow', '1.1.0');
    await apply(
      sb,
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'hook-token', namespace: ns },
        stringData: { token: 'a-long-random-token-for-the-test' },
      } as Obj & { kind: string },
      `/api/v1/namespaces/${ns}/secrets/hook-token`,
    );
    await apply(sb, {
      apiVersion: API,
      kind: 'Receiver',
      metadata: { name: 'registry-hook', namespace: ns },
      spec: {
        type: 'generic',
        secretRef: { name: 'hook-token' },
        resources: [{ kind: 'ImageRepository', name: 'slow' }],
      },
    });
    const hook = String(
      (
        await waitObject(
          sb,
          'receivers',
          ns,
          'registry-hook',
          (o) => isReady(o) && typeof o.status?.webhookPath === 'string',
          'the Receiver to be Ready',
        )
      ).status?.webhookPath,
    );
    const t0 = Date.now();
    const res = await fetch(`http://127.0.0.1:${agent.agent.webhookPort}${hook}`, { method: 'POST' });
    expect(res.status).toBeLessThan(300);
    const repo = await waitObject(
      sb,
      'imagerepositories',
      ns,
      'slow',
      (o) => scanOf(o)?.tagCount === 2,
      'the hook to make the repository scan',
      10_000,
    );
    console.info(`receiver: call→new scan in status ${((Date.now() - t0) / 1000).toFixed(2)} s`);
    expect(repo.status?.lastHandledReconcileAt).toBeDefined();
    expect(scanOf(repo)?.latestTags).toEqual(['1.1.0', '1.0.0']);
  });
});

describe('an agent restart', () => {
  it('keeps the policies Ready with their picks and commits nothing', async () => {
    const policyPath = stewardPath('imagepolicies', NS, 'app');
    const autoPath = stewardPath('imageupdateautomations', NS, 'app');
    const before = readyOf(await get(sb, policyPath));
    const ranBefore = (await get(sb, autoPath))?.status?.lastAutomationRunTime;
    const mainHead = await head('fleet', 'main');
    expect(before?.status).toBe('True');
    const watch = recordWatch(
      sb,
      `/apis/steward.dev/v1alpha1/namespaces/${NS}/imagepolicies?fieldSelector=metadata.name%3Dapp`,
    );
    await eventually(() => (watch.seen.length > 0 ? true : undefined), 5_000, 'the watch to start');
    await agent.stop();
    // The registry fails the new agent's first scan: its policies meet an empty tag index for a second.
    const sent = registry.requests().length;
    registry.failNext(1, 503, {}, '/team/app/tags/list');
    agent = await startTestAgent(sb);
    // The new agent's automation ran once (its working clone is new) and found nothing to change.
    const auto = await waitObject(
      sb,
      'imageupdateautomations',
      NS,
      'app',
      (o) => o.status?.lastAutomationRunTime !== ranBefore,
      'the new agent to run the automation',
    );
    expect(readyOf(auto)?.message).toMatch(/^no updates made/);
    // The new agent scanned again after the injected failure (its tags are in memory only).
    await eventually(
      () => {
        const mine = registry
          .requests()
          .slice(sent)
          .filter((r) => r.path.startsWith('/v2/team/app/tags/list'));
        return mine.some((r) => r.injected) && mine.some((r) => r.status === 200) ? true : undefined;
      },
      10_000,
      'the new agent to scan after the failure',
    );
    // A request handled after that scan: the policy chose again from the new agent's tags.
    const at = await requestReconcile(sb, 'imagepolicies', NS, 'app');
    const after = await waitObject(
      sb,
      'imagepolicies',
      NS,
      'app',
      (o) => o.status?.lastHandledReconcileAt === at,
      'the policy to handle the request',
    );
    expect(after.status?.latestRef).toEqual({ name: image, tag: '1.1.0' });
    expect(await head('fleet', 'main')).toBe(mainHead);
    // Ready never left True: no version of the policy said otherwise, and its transition time is the old one.
    watch.stop();
    expect(watch.seen.length).toBeGreaterThan(1);
    expect(watch.seen.map((o) => readyOf(o)?.status).filter((st) => st !== 'True')).toEqual([]);
    expect(readyOf(after)?.lastTransitionTime).toBe(before?.lastTransitionTime);
  });
});
