/**
 * The webhook port against the agent in-process: GitLab, generic HMAC and generic Receivers, what is refused
 * (unknown paths, other methods, suspended Receivers, bodies over the cap, slow clients), label selectors, the
 * Receiver's status when its Secret is missing, and token rotation. A trigger is seen as a new
 * `steward.dev/reconcile-requested-at` on the target; the GitHub test shows what the reconcile then does.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { eventually, startSandbox } from '../../harness/sandbox.js';
import {
  annotationOf,
  apply,
  call,
  expectedPath,
  GROUP,
  get,
  hmacHeader,
  readyOf,
  secret,
  stewardPath,
  waitForPath,
} from './helpers.js';

const NS = 'default';
const MAX_BODY = 1024;
const TOKENS = { gitlab: 'gitlab-token-value', hmac: 'hmac-token-value', generic: 'generic-token-value' };

let sb: SandboxHandle;
let git: GitServer;
let agent: AgentHandle;
let port: number;

async function gitRepository(name: string, labels: Record<string, string> = {}): Promise<void> {
  await apply(sb, stewardPath('gitrepositories', NS, name), {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'GitRepository',
    metadata: { name, namespace: NS, labels },
    spec: { url: git.url('fleet'), insecure: true, interval: '1h', ref: { branch: 'main' } },
  });
}

async function receiver(name: string, spec: Record<string, unknown>): Promise<void> {
  await apply(sb, stewardPath('receivers', NS, name), {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Receiver',
    metadata: { name, namespace: NS },
    spec,
  });
}

async function requested(name: string): Promise<string | undefined> {
  return annotationOf(await get(sb, stewardPath('gitrepositories', NS, name)));
}

/** Waits until the target's request annotation differs from `before`. */
async function triggered(name: string, before: string | undefined): Promise<string> {
  return eventually(
    async () => {
      const now = await requested(name);
      return now !== undefined && now !== before ? now : undefined;
    },
    5_000,
    `a reconcile request on ${name}`,
  );
}

/**
 * Sends `head` and then `chunks` over a plain socket and returns what came back and whether the server closed
 * the connection, within `waitMs`.
 */
function rawExchange(
  head: string,
  chunks: string[],
  waitMs = 3_000,
): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closed });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (d) => {
      text += d.toString('latin1');
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.write(head);
    for (const c of chunks) socket.write(c);
  });
}

beforeAll(async () => {
  sb = await startSandbox();
  git = await startGitServer();
  await git.createRepo('fleet', { 'README.md': 'hello\n' });
  agent = await startTestAgent(sb, `receivers: {maxBodyBytes: ${MAX_BODY}, readTimeout: 1s}\n`);
  port = agent.agent.webhookPort;
  await eventually(async () =>
    (await sb.raw('GET', `${GROUP}/receivers`)).status === 200 ? true : undefined,
  );
  await gitRepository('repo');
  await gitRepository('labelled-a', { hooked: 'yes' });
  await gitRepository('labelled-b', { hooked: 'no' });
  await secret(sb, NS, 'gitlab-token', { token: TOKENS.gitlab });
  await secret(sb, NS, 'hmac-token', { token: TOKENS.hmac });
  await secret(sb, NS, 'generic-token', { token: TOKENS.generic });
  const target = [{ kind: 'GitRepository', name: 'repo' }];
  await receiver('gitlab', {
    type: 'gitlab',
    events: ['Push Hook'],
    secretRef: { name: 'gitlab-token' },
    resources: target,
  });
  await receiver('hmac', { type: 'generic-hmac', secretRef: { name: 'hmac-token' }, resources: target });
  await receiver('generic', {
    type: 'generic',
    secretRef: { name: 'generic-token' },
    resources: [{ kind: 'GitRepository', name: '*', matchLabels: { hooked: 'yes' } }],
  });
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await git?.stop();
  await sb?.stop();
});

describe('GitLab receiver', () => {
  it('triggers on X-Gitlab-Token equal to the token, and refuses another token with 401', async () => {
    const hook = await waitForPath(sb, NS, 'gitlab');
    expect(hook).toBe(expectedPath(TOKENS.gitlab, 'gitlab', NS));
    const before = await requested('repo');
    const bad = await call(port, hook, '{}', {
      'x-gitlab-token': 'gitlab-token-valuE',
      'x-gitlab-event': 'Push Hook',
    });
    expect([bad.status, bad.text]).toEqual([401, 'unauthorized\n']);
    expect(await requested('repo')).toBe(before);
    const ok = await call(port, hook, '{}', {
      'x-gitlab-token': TOKENS.gitlab,
      'x-gitlab-event': 'Push Hook',
    });
    expect([ok.status, ok.text]).toEqual([202, 'reconcile requested\n']);
    await triggered('repo', before);
  });

  it('ignores an event it does not list', async () => {
    const hook = await waitForPath(sb, NS, 'gitlab');
    const before = await requested('repo');
    const r = await call(port, hook, '{}', {
      'x-gitlab-token': TOKENS.gitlab,
      'x-gitlab-event': 'Tag Push Hook',
    });
    expect(r.status).toBe(200);
    await new Promise((res) => setTimeout(res, 300));
    expect(await requested('repo')).toBe(before);
  });
});

describe('generic-hmac receiver', () => {
  it.each(['sha256', 'sha512', 'sha1'])(
    'triggers on an X-Signature %s HMAC of the body',
    async (algorithm) => {
      const hook = await waitForPath(sb, NS, 'hmac');
      const before = await requested('repo');
      const body = JSON.stringify({ image: 'web:1.2.3', algorithm });
      const r = await call(port, hook, body, { 'x-signature': hmacHeader(algorithm, TOKENS.hmac, body) });
      expect(r.status).toBe(202);
      await triggered('repo', before);
    },
  );

  it('refuses an HMAC of another body or key, or none, with the same 401', async () => {
    const hook = await waitForPath(sb, NS, 'hmac');
    const before = await requested('repo');
    const body = '{"image":"web:1.2.4"}';
    const answers = await Promise.all([
      call(port, hook, body, { 'x-signature': hmacHeader('sha256', TOKENS.hmac, `${body} `) }),
      call(port, hook, body, { 'x-signature': hmacHeader('sha256', 'other', body) }),
      call(port, hook, body, { 'x-signature': 'md5=00' }),
      call(port, hook, body),
    ]);
    expect(new Set(answers.map((a) => `${a.status} ${a.text}`))).toEqual(new Set(['401 unauthorized\n']));
    await new Promise((res) => setTimeout(res, 300));
    expect(await requested('repo')).toBe(before);
  });
});

describe('generic receiver with a label selector', () => {
  it('triggers only the labelled objects of the kind', async () => {
    const hook = await waitForPath(sb, NS, 'generic');
    const beforeB = await requested('labelled-b');
    const beforeA = await requested('labelled-a');
    const r = await call(port, hook, '');
    expect(r.status).toBe(202);
    await triggered('labelled-a', beforeA);
    expect(await requested('labelled-b')).toBe(beforeB);
  });
});

describe('what the webhook port refuses', () => {
  it('answers 404 to unknown paths and serves nothing but hooks', async () => {
    for (const path of [`/hook/${'0'.repeat(64)}`, '/hook/', '/metrics', '/healthz', '/']) {
      const r = await call(port, path, '{}');
      expect([path, r.status, r.text]).toEqual([path, 404, 'not found\n']);
    }
    expect((await call(port, '/metrics', '', {}, 'GET')).status).toBe(404);
  });

  it('answers 405 with Allow: POST to another method on a known path', async () => {
    const hook = await waitForPath(sb, NS, 'generic');
    const r = await call(port, hook, '', {}, 'GET');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
  });

  it('answers 413 to a declared body over the cap without reading it, and closes the connection', async () => {
    const hook = await waitForPath(sb, NS, 'hmac');
    const before = await requested('repo');
    const r = await rawExchange(
      `POST ${hook} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`,
      ['x'.repeat(2048)],
    );
    expect(r.text).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.text).toMatch(/connection: close/i);
    expect(r.closed).toBe(true);
    expect(await requested('repo')).toBe(before);
  });

  it('answers 413 to a chunked body once it crosses the cap, without waiting for its end', async () => {
    const hook = await waitForPath(sb, NS, 'hmac');
    const chunk = 'y'.repeat(MAX_BODY);
    const size = chunk.length.toString(16);
    // Two chunks over the cap and no terminating chunk: the answer must not wait for the rest.
    const r = await rawExchange(`POST ${hook} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`, [
      `${size}\r\n${chunk}\r\n`,
      `${size}\r\n${chunk}\r\n`,
    ]);
    expect(r.text).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.closed).toBe(true);
  });

  it('accepts a body just under the cap', async () => {
    const hook = await waitForPath(sb, NS, 'hmac');
    const body = JSON.stringify({ pad: 'z'.repeat(MAX_BODY - 20) });
    expect(body.length).toBeLessThanOrEqual(MAX_BODY);
    const r = await call(port, hook, body, { 'x-signature': hmacHeader('sha256', TOKENS.hmac, body) });
    expect(r.status).toBe(202);
  });

  it('drops a client that does not finish its headers within readTimeout', async () => {
    const hook = await waitForPath(sb, NS, 'generic');
    const started = Date.now();
    const r = await rawExchange(`POST ${hook} HTTP/1.1\r\nHost: x\r\n`, [], 5_000);
    expect(r.closed).toBe(true);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('answers 503 while the Receiver is suspended, and triggers again when resumed', async () => {
    await secret(sb, NS, 'paused-token', { token: 'paused-token-value' });
    const spec = {
      type: 'generic',
      secretRef: { name: 'paused-token' },
      resources: [{ kind: 'GitRepository', name: 'repo' }],
    };
    await receiver('paused', { ...spec, suspend: true });
    const hook = await waitForPath(sb, NS, 'paused');
    const before = await requested('repo');
    const r = await call(port, hook, '{}');
    expect([r.status, r.text]).toEqual([503, 'receiver is suspended\n']);
    expect(await requested('repo')).toBe(before);
    await receiver('paused', { ...spec, suspend: false });
    await eventually(
      async () => ((await call(port, hook, '{}')).status === 202 ? true : undefined),
      5_000,
      'resume',
    );
    await triggered('repo', before);
  });
});

describe('Receiver status', () => {
  it('is not Ready while its Secret is missing, naming the Secret, and becomes Ready when it appears', async () => {
    await receiver('late', {
      type: 'generic',
      secretRef: { name: 'late-token' },
      resources: [{ kind: 'GitRepository', name: 'repo' }],
    });
    const notReady = await eventually(async () => {
      const r = await get(sb, stewardPath('receivers', NS, 'late'));
      return readyOf(r)?.status === 'False' ? r : undefined;
    });
    expect(readyOf(notReady)).toMatchObject({
      reason: 'TokenNotFound',
      message: "secret 'default/late-token' not found",
    });
    expect(notReady.status?.webhookPath).toBeUndefined();
    await secret(sb, NS, 'late-token', { token: 'late-token-value' });
    // Retried with backoff from 1 s: the Secret is not watched.
    const path = await waitForPath(sb, NS, 'late');
    expect(path).toBe(expectedPath('late-token-value', 'late', NS));
  });

  it('names a missing token key without showing what the Secret holds', async () => {
    await secret(sb, NS, 'keyless', { password: 'hunter2-do-not-show' });
    await receiver('keyless', {
      type: 'generic',
      secretRef: { name: 'keyless' },
      resources: [{ kind: 'GitRepository', name: 'repo' }],
    });
    const r = await eventually(async () => {
      const o = await get(sb, stewardPath('receivers', NS, 'keyless'));
      return readyOf(o)?.status === 'False' ? o : undefined;
    });
    expect(readyOf(r)?.message).toBe("secret 'default/keyless' has no key 'token'");
    expect(JSON.stringify(r)).not.toContain('hunter2');
  });

  it('stalls on a resource in another namespace', async () => {
    await receiver('cross', {
      type: 'generic',
      secretRef: { name: 'generic-token' },
      resources: [{ kind: 'GitRepository', name: 'repo', namespace: 'kube-system' }],
    });
    const r = await eventually(async () => {
      const o = await get(sb, stewardPath('receivers', NS, 'cross'));
      return readyOf(o)?.status === 'False' ? o : undefined;
    });
    const stalled = ((r.status?.conditions ?? []) as { type: string; status: string }[]).find(
      (c) => c.type === 'Stalled',
    );
    expect(stalled?.status).toBe('True');
    expect(readyOf(r)?.message).toContain("GitRepository 'kube-system/repo' is in another namespace");
  });

  it('moves to a new path when the token is rotated; the old path answers 404', async () => {
    await secret(sb, NS, 'rotating', { token: 'first-token' });
    const spec = {
      type: 'generic',
      secretRef: { name: 'rotating' },
      resources: [{ kind: 'GitRepository', name: 'repo' }],
    };
    await receiver('rotating', spec);
    const old = await waitForPath(sb, NS, 'rotating');
    await secret(sb, NS, 'rotating', { token: 'second-token' });
    // A reconcile request re-reads the Secret at once instead of at the interval.
    await sb.raw('PATCH', `${stewardPath('receivers', NS, 'rotating')}`, {
      body: { metadata: { annotations: { 'steward.dev/reconcile-requested-at': 'rotate-1' } } },
      contentType: 'application/merge-patch+json',
    });
    const now = await eventually(async () => {
      const p = await waitForPath(sb, NS, 'rotating');
      return p !== old ? p : undefined;
    });
    expect(now).toBe(expectedPath('second-token', 'rotating', NS));
    expect((await get(sb, stewardPath('receivers', NS, 'rotating')))?.status?.lastHandledReconcileAt).toBe(
      'rotate-1',
    );
    expect((await call(port, old, '{}')).status).toBe(404);
    expect((await call(port, now, '{}')).status).toBe(202);
  });
});

describe('observability', () => {
  it('counts calls by Receiver and result in /metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${agent.agent.port}/metrics`)).text();
    const line = (name: string, result: string) =>
      text
        .split('\n')
        .find(
          (l) =>
            l.startsWith('steward_receiver_requests_total{') &&
            l.includes(`name="${name}"`) &&
            l.includes(`result="${result}"`),
        );
    expect(line('gitlab', 'accepted')).toMatch(/ [1-9]\d*$/);
    expect(line('gitlab', 'unauthorized')).toMatch(/ [1-9]\d*$/);
    expect(line('paused', 'rejected')).toMatch(/ [1-9]\d*$/);
    expect(text).toMatch(/steward_receiver_requests_total\{[^}]*result="not_found"[^}]*\} [1-9]/);
  });

  it('keeps tokens and webhook paths out of every log line', () => {
    const text = agent.logs.map((l) => JSON.stringify(l)).join('\n');
    for (const t of [...Object.values(TOKENS), 'first-token', 'second-token', 'hunter2'])
      expect(text).not.toContain(t);
    expect(text).not.toContain(expectedPath(TOKENS.generic, 'generic', NS).slice('/hook/'.length));
    expect(agent.logs.some((l) => l.msg === 'webhook call unauthorized' && l.name === 'gitlab')).toBe(true);
  });
});
