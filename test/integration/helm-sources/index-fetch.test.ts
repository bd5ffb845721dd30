/**
 * fetchIndex against real servers: a static Helm repository holding charts the real `helm package` built and
 * the index `helm repo index` wrote, and a fixture server for the failure cases.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchIndex, HelmSourceError } from '../../../src/sources/helm/index.js';
import type { HelmRepoServer } from '../../harness/helm-repo.js';
import { startHelmRepo } from '../../harness/helm-repo.js';
import { body, endless, type FixtureServer, startFixtureServer } from './http-fixture.js';

const CHARTS = join(import.meta.dirname, '../../fixtures/helm/podinfo');
const REPOSITORY = 'HelmRepository default/podinfo';

let repo: HelmRepoServer;
let locked: HelmRepoServer;
let fixture: FixtureServer;

beforeAll(async () => {
  repo = await startHelmRepo();
  await repo.addChart(join(CHARTS, '1.0.0'));
  locked = await startHelmRepo({ basic: { username: 'reader', password: 's3cret-pass' } });
  await locked.addChart(join(CHARTS, '1.0.0'));
  fixture = await startFixtureServer();
}, 30_000);

afterAll(async () => {
  await repo?.stop();
  await locked?.stop();
  await fixture?.stop();
});

const base = { timeoutMs: 5_000, maxBytes: 1024 * 1024, insecure: true, repository: REPOSITORY };

async function failure(p: Promise<unknown>): Promise<HelmSourceError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HelmSourceError);
  return err as HelmSourceError;
}

describe('fetchIndex', () => {
  it('fetches and parses the index, then asks conditionally and gets a 304', async () => {
    const first = await fetchIndex({ ...base, url: repo.url });
    if (first.notModified) throw new Error('first fetch cannot be a 304');
    const served = await (await fetch(`${repo.url}/index.yaml`)).arrayBuffer();
    expect(first.digest).toBe(`sha256:${createHash('sha256').update(Buffer.from(served)).digest('hex')}`);
    expect(first.size).toBe(served.byteLength);
    expect(first.index.entries.get('podinfo')?.map((v) => v.version)).toEqual(['1.0.0']);
    expect(first.index.entries.get('podinfo')?.[0]?.urls[0]).toBe(`${repo.url}/podinfo-1.0.0.tgz`);
    expect(first.validators.etag).toMatch(/^".+"$/);

    const before = repo.requests().length;
    const second = await fetchIndex({
      ...base,
      url: repo.url,
      previous: { digest: first.digest, ...first.validators },
    });
    expect(second.notModified).toBe(true);
    const seen = repo.requests().slice(before);
    expect(seen.map((r) => [r.url, r.status])).toEqual([['/index.yaml', 304]]);
  });

  it('asks with If-Modified-Since alone when the server gave no ETag', async () => {
    const first = await fetchIndex({ ...base, url: repo.url });
    if (first.notModified) throw new Error('unexpected 304');
    const lastModified = first.validators.lastModified;
    expect(lastModified).toBeDefined();
    const before = repo.requests().length;
    const again = await fetchIndex({
      ...base,
      url: repo.url,
      previous: { digest: first.digest, ...(lastModified ? { lastModified } : {}) },
    });
    expect(again.notModified).toBe(true);
    expect(
      repo
        .requests()
        .slice(before)
        .map((r) => r.status),
    ).toEqual([304]);
  });

  it('sees a new index after a chart is added, with a new digest', async () => {
    const first = await fetchIndex({ ...base, url: repo.url });
    if (first.notModified) throw new Error('unexpected 304');
    await repo.addChart(join(CHARTS, '1.1.0'));
    const next = await fetchIndex({
      ...base,
      url: repo.url,
      previous: { digest: first.digest, ...first.validators },
    });
    if (next.notModified) throw new Error('the index changed');
    expect(next.digest).not.toBe(first.digest);
    expect(next.index.entries.get('podinfo')?.map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
  });

  it('sends basic auth to the repository and fails clearly without it', async () => {
    const denied = await failure(fetchIndex({ ...base, url: locked.url }));
    expect(denied.code).toBe('Unauthorized');
    expect(denied.message).toBe(`index.yaml of ${REPOSITORY}: authentication failed (HTTP 401)`);
    const wrong = await failure(
      fetchIndex({ ...base, url: locked.url, auth: { username: 'reader', password: 'wrong-pass' } }),
    );
    expect(wrong.code).toBe('Unauthorized');
    expect(wrong.message).not.toContain('wrong-pass');
    const ok = await fetchIndex({
      ...base,
      url: locked.url,
      auth: { username: 'reader', password: 's3cret-pass' },
    });
    expect(ok.notModified).toBe(false);
    expect(locked.requests().at(-1)).toMatchObject({
      url: '/index.yaml',
      status: 200,
      hasAuthorization: true,
    });
  });

  it('stops reading at the size cap and names the repository and the cap', async () => {
    fixture.route('/big/index.yaml', endless(64 * 1024 * 1024));
    const err = await failure(fetchIndex({ ...base, url: `${fixture.url}/big`, maxBytes: 256 * 1024 }));
    expect(err.code).toBe('TooLarge');
    expect(err.message).toBe(
      `index.yaml of ${REPOSITORY} is larger than the 262144 byte limit (helm.maxIndexBytes)`,
    );
    // The client hung up soon after the cap: the server got out far less than the 64 MiB it had to send.
    await new Promise((r) => setTimeout(r, 200));
    const served = fixture.requests.find((r) => r.path === '/big/index.yaml')?.written ?? 0;
    expect(served).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over the cap before reading', async () => {
    const err = await failure(fetchIndex({ ...base, url: repo.url, maxBytes: 100 }));
    expect(err.code).toBe('TooLarge');
  });

  it('refuses plain http without insecure, and times out on a server that never answers', async () => {
    const plain = await failure(fetchIndex({ ...base, url: repo.url, insecure: false }));
    expect(plain.code).toBe('InvalidURL');
    expect(plain.message).toMatch(/http:\/\/ is not allowed; use https/);
    fixture.route('/silent/index.yaml', () => new Promise(() => {}));
    const started = Date.now();
    const slow = await failure(fetchIndex({ ...base, url: `${fixture.url}/silent`, timeoutMs: 300 }));
    expect(slow.code).toBe('Timeout');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('follows a redirect to another host without the credentials, and refuses one to plain http', async () => {
    const other = await startFixtureServer();
    try {
      const index = 'apiVersion: v1\nentries: {}\n';
      other.route('/mirror/index.yaml', body(index));
      fixture.route('/moved/index.yaml', (_q, res) => {
        res.writeHead(302, { location: `${other.url}/mirror/index.yaml` }).end();
      });
      const auth = { username: 'reader', password: 'pw' };
      const r = await fetchIndex({ ...base, url: `${fixture.url}/moved`, auth });
      expect(r.notModified).toBe(false);
      expect(fixture.requests.find((q) => q.path === '/moved/index.yaml')?.authorization).toMatch(/^Basic /);
      const followed = other.requests.find((q) => q.path === '/mirror/index.yaml');
      expect(followed).toBeDefined();
      expect(followed?.authorization).toBeUndefined();
      const err = await failure(fetchIndex({ ...base, url: `${fixture.url}/moved`, insecure: false }));
      expect(err.code).toBe('InvalidURL');
    } finally {
      await other.stop();
    }
  });

  it('reports a missing index and a page that is not an index', async () => {
    const missing = await failure(fetchIndex({ ...base, url: `${fixture.url}/nothing` }));
    expect(missing.code).toBe('NotFound');
    expect(missing.message).toContain(`${fixture.url}/nothing/index.yaml not found (HTTP 404)`);
    fixture.route('/html/index.yaml', (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in</body></html>\n');
    });
    const html = await failure(fetchIndex({ ...base, url: `${fixture.url}/html` }));
    expect(html.code).toBe('InvalidIndex');
    expect(html.message).toMatch(/^index.yaml of HelmRepository default\/podinfo (has no apiVersion|is not)/);
  });
});
