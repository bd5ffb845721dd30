/**
 * ImageRepositories against real registries that require credentials, through the running agent: a token
 * registry (the Docker/Distribution token flow, as Docker Hub, GHCR and Harbor use) and an htpasswd registry
 * (basic auth), with credentials from kubernetes.io/dockerconfigjson Secrets as Flux reads them. Wrong
 * credentials must say AuthenticationFailed and leave the password out of status, events and logs. Five
 * tenants watching one image with the same credentials must cost one tag list per interval, not five.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '../../harness/agent.js';
import { startTestAgent } from '../../harness/agent.js';
import type { RegistryHandle } from '../../harness/registry.js';
import { startRegistry } from '../../harness/registry.js';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { startSandbox } from '../../harness/sandbox.js';
import { apply, crdsServed, namespaces, type Obj } from '../helm-e2e/helpers.js';
import {
  dockerConfigSecret,
  events,
  imagePolicy,
  imageRepository,
  isReady,
  readyOf,
  scanOf,
  secretPath,
  waitObject,
} from './helpers.js';

let sb: SandboxHandle;
let tokenRegistry: RegistryHandle;
let basicRegistry: RegistryHandle;
let agent: AgentHandle;

const WRONG_PASSWORD = 'not-the-password-3f9a1c';

async function secret(ns: string, name: string, registry: RegistryHandle, password: string): Promise<void> {
  await apply(
    sb,
    dockerConfigSecret(ns, name, registry.host, registry.username, password),
    secretPath(ns, name),
  );
}

/** Everything a user or an operator can read about the objects: status, events and the agent's log lines. */
async function everythingVisible(ns: string, objects: Obj[]): Promise<string> {
  return JSON.stringify([objects, await events(sb, ns), agent.logs]);
}

/** Tag lists the registry answered (a first request without a token is answered 401 and is not counted). */
const tagLists = (r: RegistryHandle, repository: string) =>
  r.requests().filter((q) => q.path.startsWith(`/v2/${repository}/tags/list`) && q.status === 200).length;

beforeAll(async () => {
  [sb, tokenRegistry, basicRegistry] = await Promise.all([
    startSandbox(),
    startRegistry({ auth: 'token' }),
    startRegistry({ auth: 'htpasswd' }),
  ]);
  await Promise.all([
    tokenRegistry.pushImage('team/app', '1.0.0'),
    basicRegistry.pushImage('team/app', '1.0.0'),
  ]);
  await tokenRegistry.pushImage('team/app', '1.2.0');
  await tokenRegistry.pushImage('team/shared', '1.0.0');
  await tokenRegistry.pushImage('team/shared', '1.0.1');
  await basicRegistry.pushImage('team/app', '2.0.0');
  agent = await startTestAgent(sb);
  await crdsServed(sb);
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await Promise.all([tokenRegistry?.stop(), basicRegistry?.stop(), sb?.stop()]);
});

describe('token auth', () => {
  const ns = 'token-auth';

  it('scans with the credentials of a dockerconfigjson Secret', async () => {
    await namespaces(sb, ns);
    await secret(ns, 'creds', tokenRegistry, tokenRegistry.password);
    await apply(
      sb,
      imageRepository(ns, 'app', `${tokenRegistry.host}/team/app`, { secretRef: { name: 'creds' } }),
    );
    const repo = await waitObject(sb, 'imagerepositories', ns, 'app', isReady, 'the repository to scan');
    expect(repo.status?.lastScanResult).toMatchObject({ tagCount: 2, latestTags: ['1.2.0', '1.0.0'] });
    // The registry was asked with a bearer token the token service issued for the right credentials.
    expect(tokenRegistry.tokenRequests().some((t) => t.authenticated && t.status === 200)).toBe(true);
    expect(
      tokenRegistry.requests().some((r) => r.path.includes('/tags/list') && r.authorization === 'bearer'),
    ).toBe(true);
    expect(await everythingVisible(ns, [repo])).not.toContain(tokenRegistry.password);
  });

  it('says AuthenticationFailed for a wrong password and never shows it', async () => {
    await secret(ns, 'wrong', tokenRegistry, WRONG_PASSWORD);
    await apply(
      sb,
      imageRepository(ns, 'denied', `${tokenRegistry.host}/team/app`, { secretRef: { name: 'wrong' } }),
    );
    const repo = await waitObject(
      sb,
      'imagerepositories',
      ns,
      'denied',
      (o) => readyOf(o)?.status === 'False',
      'the repository to fail',
    );
    console.info(`token auth, wrong password: ${readyOf(repo)?.message}`);
    expect(readyOf(repo)?.reason).toBe('AuthenticationFailed');
    expect(repo.status?.lastScanResult).toBeUndefined();
    expect(tokenRegistry.tokenRequests().some((t) => t.hadAuthorization && !t.authenticated)).toBe(true);
    const visible = await everythingVisible(ns, [repo]);
    expect(visible).toContain('AuthenticationFailed');
    expect(visible).not.toContain(WRONG_PASSWORD);
    expect(visible).not.toContain(
      Buffer.from(`${tokenRegistry.username}:${WRONG_PASSWORD}`).toString('base64'),
    );
    expect(visible).not.toContain(tokenRegistry.password);
  });

  it('tells a policy of a failing or missing repository why it has no tags', async () => {
    await apply(sb, imagePolicy(ns, 'denied', 'denied', '>=1.0.0'));
    await apply(sb, imagePolicy(ns, 'orphan', 'missing', '>=1.0.0'));
    const denied = await waitObject(
      sb,
      'imagepolicies',
      ns,
      'denied',
      (o) => readyOf(o) !== undefined,
      'the policy of the failing repository to report',
    );
    expect(readyOf(denied)).toMatchObject({ status: 'Unknown', reason: 'DependencyNotReady' });
    expect(readyOf(denied)?.message).toMatch(
      new RegExp(`^ImageRepository '${ns}/denied' is not ready: .*refused the credentials`),
    );
    const orphan = await waitObject(
      sb,
      'imagepolicies',
      ns,
      'orphan',
      (o) => readyOf(o) !== undefined,
      'the policy of the missing repository to report',
    );
    expect(readyOf(orphan)?.message).toBe(`ImageRepository '${ns}/missing' not found`);
    expect(await everythingVisible(ns, [denied])).not.toContain(WRONG_PASSWORD);
  });
});

describe('basic auth (htpasswd)', () => {
  const ns = 'basic-auth';

  it('scans and picks with the right credentials, and fails with the wrong ones', async () => {
    await namespaces(sb, ns);
    await secret(ns, 'creds', basicRegistry, basicRegistry.password);
    await secret(ns, 'wrong', basicRegistry, WRONG_PASSWORD);
    const image = `${basicRegistry.host}/team/app`;
    await apply(sb, imageRepository(ns, 'app', image, { secretRef: { name: 'creds' } }));
    await apply(sb, imagePolicy(ns, 'app', 'app', '>=1.0.0'));
    await apply(sb, imageRepository(ns, 'denied', image, { secretRef: { name: 'wrong' } }));
    const policy = await waitObject(
      sb,
      'imagepolicies',
      ns,
      'app',
      (o) => isReady(o) && o.status?.latestRef !== undefined,
      'the policy to pick',
    );
    expect(policy.status?.latestRef).toEqual({ name: image, tag: '2.0.0' });
    const denied = await waitObject(
      sb,
      'imagerepositories',
      ns,
      'denied',
      (o) => readyOf(o)?.status === 'False',
      'the wrong credentials to fail',
    );
    console.info(`basic auth, wrong password: ${readyOf(denied)?.message}`);
    expect(readyOf(denied)?.reason).toBe('AuthenticationFailed');
    expect(basicRegistry.requests().some((r) => r.authorization === 'basic' && r.status === 200)).toBe(true);
    const visible = await everythingVisible(ns, [policy, denied]);
    expect(visible).not.toContain(WRONG_PASSWORD);
    expect(visible).not.toContain(basicRegistry.password);
  });
});

describe('five tenants watching one image with the same credentials', () => {
  it('share one tag list per interval', async () => {
    const names = ['share-1', 'share-2', 'share-3', 'share-4', 'share-5'];
    const intervalS = 3;
    const tokenGrants = () =>
      tokenRegistry
        .tokenRequests()
        .filter((t) => t.status === 200 && t.scopes.some((x) => x.includes('team/shared'))).length;
    await namespaces(sb, ...names);
    for (const ns of names) await secret(ns, 'creds', tokenRegistry, tokenRegistry.password);
    const before = tagLists(tokenRegistry, 'team/shared');
    await Promise.all(
      names.map((ns) =>
        apply(
          sb,
          imageRepository(ns, 'app', `${tokenRegistry.host}/team/shared`, {
            secretRef: { name: 'creds' },
            interval: `${intervalS}s`,
          }),
        ),
      ),
    );
    const first = await Promise.all(
      names.map((ns) => waitObject(sb, 'imagerepositories', ns, 'app', isReady, `${ns} to scan`)),
    );
    const created = tagLists(tokenRegistry, 'team/shared') - before;
    // Two full intervals of steady state, each ImageRepository reconciling about twice.
    const start = tagLists(tokenRegistry, 'team/shared');
    const tokensStart = tokenGrants();
    await new Promise((r) => setTimeout(r, 2 * intervalS * 1000 + 300));
    const steady = tagLists(tokenRegistry, 'team/shared') - start;
    const tokens = tokenGrants() - tokensStart;
    const later = await Promise.all(
      names.map((ns) => waitObject(sb, 'imagerepositories', ns, 'app', isReady, `${ns} to stay Ready`)),
    );
    console.info(
      `sharing: ${created} tag list(s) for 5 new ImageRepositories; ${steady} over 2 intervals of ${intervalS} s; ${tokens} token request(s)`,
    );
    expect(created).toBeLessThanOrEqual(2);
    expect(steady).toBeGreaterThanOrEqual(1);
    expect(steady).toBeLessThanOrEqual(4);
    // The token from the first scan is still valid (5 minutes): no tenant asked for another.
    expect(tokens).toBe(0);
    // Every tenant got fresh results: each one's scan time moved, though the registry was asked once a round.
    for (const [i, o] of later.entries()) {
      const scanTime = scanOf(o)?.scanTime ?? '';
      const firstTime = scanOf(first[i])?.scanTime ?? '';
      expect(Date.parse(scanTime)).toBeGreaterThan(Date.parse(firstTime));
      expect(o.status?.lastScanResult).toMatchObject({ tagCount: 2 });
    }
  });
});
