/**
 * The OCI client against the real docker-registry in its three auth modes: charts pushed the way `helm push`
 * does, tags, manifests, blobs, caps, digests, auth failures and token caching.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MediaTypes,
  OciClient,
  type OciClientOptions,
  OciError,
  type RegistryAuth,
  TokenCache,
} from '../../../src/sources/oci/index.js';
import {
  buildChartTgz,
  type RegistryAuthMode,
  type RegistryHandle,
  startRegistry,
} from '../../harness/registry.js';

const VERSIONS = ['0.9.0+build.1', '1.0.0', '1.1.0', '1.2.0-rc.1', '2.0.0'];
const ACCEPT = [MediaTypes.ociManifest, MediaTypes.ociIndex, MediaTypes.dockerManifest];

async function rejection(p: Promise<unknown>): Promise<OciError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof OciError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

function newClient(
  reg: RegistryHandle,
  auth: RegistryAuth | undefined,
  extra: Partial<OciClientOptions> = {},
) {
  return new OciClient({
    registry: reg.host,
    insecure: true,
    timeoutMs: 5_000,
    userAgent: 'steward-test',
    ...(auth === undefined ? {} : { auth }),
    ...extra,
  });
}

describe.each<RegistryAuthMode>(['none', 'htpasswd', 'token'])(
  'OciClient against docker-registry, auth %s',
  (mode) => {
    let reg: RegistryHandle;
    let auth: RegistryAuth | undefined;
    const charts: {
      version: string;
      tgz: Buffer;
      digest: string;
      layerDigest: string;
      configDigest: string;
    }[] = [];

    beforeAll(async () => {
      reg = await startRegistry({ auth: mode });
      auth = mode === 'none' ? undefined : { username: reg.username, password: reg.password };
      for (const version of VERSIONS) {
        const tgz = await buildChartTgz(
          { name: 'app', version, description: 'a test chart' },
          { 'values.yaml': `version: ${version}\n` },
        );
        const pushed = await reg.pushHelmChart('charts/app', tgz, {
          name: 'app',
          version,
          description: 'a test chart',
        });
        charts.push({ version, tgz, ...pushed });
      }
    });
    afterAll(async () => {
      await reg?.stop();
    });

    it('lists every tag of the repository, with + written as _', async () => {
      const client = newClient(reg, auth);
      const tags = await client.listTags('charts/app');
      expect([...tags].sort()).toEqual(['0.9.0_build.1', '1.0.0', '1.1.0', '1.2.0-rc.1', '2.0.0']);
    });

    it('fetches a chart manifest by tag and by digest, then its config and layer blobs', async () => {
      const client = newClient(reg, auth);
      const chart = charts[1]!;
      const byTag = await client.getManifest('charts/app', '1.0.0', ACCEPT);
      expect(byTag.digest).toBe(chart.digest);
      expect(byTag.mediaType).toBe(MediaTypes.ociManifest);
      const config = byTag.manifest.config as { mediaType: string; digest: string };
      const layers = byTag.manifest.layers as { mediaType: string; digest: string; size: number }[];
      expect(config.mediaType).toBe(MediaTypes.helmConfig);
      expect(layers.map((l) => [l.mediaType, l.digest, l.size])).toEqual([
        [MediaTypes.helmChartContent, chart.layerDigest, chart.tgz.length],
      ]);

      const byDigest = await client.getManifest('charts/app', chart.digest, ACCEPT);
      expect(byDigest.digest).toBe(chart.digest);
      expect(byDigest.manifest).toEqual(byTag.manifest);

      const tgz = await client.getBlob('charts/app', chart.layerDigest, 1024 * 1024);
      expect(tgz.equals(chart.tgz)).toBe(true);
      const chartYaml = JSON.parse(
        (await client.getBlob('charts/app', config.digest, 4096)).toString('utf8'),
      );
      expect(chartYaml).toMatchObject({ name: 'app', version: '1.0.0', apiVersion: 'v2' });
      // Every request the registry saw came from this client, with its user agent.
      const sent = reg.requests().filter((r) => r.userAgent === 'steward-test');
      expect(sent.length).toBeGreaterThanOrEqual(4);
    });

    it('fetches an image pushed with pushImage', async () => {
      const { digest } = await reg.pushImage('apps/web', 'v1.2.3');
      const client = newClient(reg, auth);
      expect(await client.listTags('apps/web')).toEqual(['v1.2.3']);
      const m = await client.getManifest('apps/web', 'v1.2.3', ACCEPT);
      expect(m.digest).toBe(digest);
      const config = m.manifest.config as { mediaType: string; digest: string };
      expect(config.mediaType).toBe(MediaTypes.ociImageConfig);
      const image = JSON.parse((await client.getBlob('apps/web', config.digest, 4096)).toString('utf8'));
      expect(image).toMatchObject({ os: 'linux', rootfs: { type: 'layers' } });
    });

    it('reports a missing tag, blob and repository as not_found', async () => {
      const client = newClient(reg, auth);
      const tag = await rejection(client.getManifest('charts/app', '9.9.9', ACCEPT));
      expect([tag.code, tag.status]).toEqual(['not_found', 404]);
      expect(tag.message).toContain('MANIFEST_UNKNOWN');
      expect(tag.message).toContain(`${reg.host}/charts/app:9.9.9`);
      const blob = await rejection(client.getBlob('charts/app', `sha256:${'0'.repeat(64)}`, 100));
      expect(blob.code).toBe('not_found');
      const repo = await rejection(client.listTags('charts/nothing-here'));
      expect(repo.code).toBe('not_found');
    });

    it('stops at the byte cap: a blob over it is too_large', async () => {
      const client = newClient(reg, auth);
      const chart = charts[0]!;
      const err = await rejection(client.getBlob('charts/app', chart.layerDigest, chart.tgz.length - 1));
      expect(err.code).toBe('too_large');
      expect(err.message).toContain(`limit of ${chart.tgz.length - 1} bytes`);
      // Exactly at the cap is fine.
      const ok = await client.getBlob('charts/app', chart.layerDigest, chart.tgz.length);
      expect(ok.length).toBe(chart.tgz.length);
    });

    it('detects a blob whose stored bytes no longer match its digest', async () => {
      const repo = `tamper/${mode}`;
      const original = Buffer.from('{"name":"t","version":"1.0.0"}');
      const digest = await reg.pushBlob(repo, original);
      const tampered = Buffer.from(original);
      tampered[2] = 'N'.charCodeAt(0);
      await reg.tamperBlob(digest, tampered);
      const err = await rejection(newClient(reg, auth).getBlob(repo, digest, 4096));
      expect(err.code).toBe('digest_mismatch');
      expect(err.message).toContain(digest);
    });
  },
);

describe('auth failures against the real registry', () => {
  const canary = `canary-${Math.random().toString(36).slice(2)}-password`;

  it.each<RegistryAuthMode>(['htpasswd', 'token'])(
    '%s: a wrong password is unauthorized, no credentials too, and the password never shows',
    async (mode) => {
      const reg = await startRegistry({ auth: mode });
      try {
        const wrong = newClient(reg, { username: reg.username, password: canary });
        const err = await rejection(wrong.listTags('charts/app'));
        expect(err.code).toBe('unauthorized');
        expect(err.status).toBe(401);
        const anonymous = await rejection(newClient(reg, undefined).listTags('charts/app'));
        expect(anonymous.code).toBe('unauthorized');
        for (const e of [err, anonymous]) {
          const everything = `${e.message}\n${e.stack}\n${JSON.stringify(e)}\n${String(e)}`;
          expect(everything).not.toContain(canary);
          expect(everything).not.toContain(Buffer.from(`${reg.username}:${canary}`).toString('base64'));
          expect(everything).not.toContain(reg.password);
        }
        if (mode === 'token') {
          expect(err.message).toContain('token service refused the credentials');
          // The wrong password went to the token service, which refused it; the registry never saw a token.
          expect(reg.tokenRequests().map((t) => [t.authenticated, t.status])).toContainEqual([false, 401]);
          expect(reg.requests().some((r) => r.authorization === 'bearer')).toBe(false);
        } else {
          expect(err.message).toContain('authentication failed');
          expect(anonymous.message).toContain('requires credentials and none were given');
        }
      } finally {
        await reg.stop();
      }
    },
  );
});

describe('bearer tokens', () => {
  let reg: RegistryHandle;
  let auth: RegistryAuth;

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token', tokenTtlSeconds: 300 });
    auth = { username: reg.username, password: reg.password };
    for (const name of ['a', 'b']) {
      const tgz = await buildChartTgz({ name, version: '1.0.0' });
      await reg.pushHelmChart(`charts/${name}`, tgz, { name, version: '1.0.0' });
    }
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('asks for one token per scope, reuses it until its expiry minus a margin, and learns the realm once', async () => {
    let now = 1_000_000;
    const client = newClient(reg, auth, { now: () => now });
    const tokensBefore = reg.tokenRequests().length;
    const requestsBefore = reg.requests().length;

    expect(await client.listTags('charts/a')).toEqual(['1.0.0']);
    const m = await client.getManifest('charts/a', '1.0.0', ACCEPT);
    const layer = (m.manifest.layers as { digest: string }[])[0]!;
    await client.getBlob('charts/a', layer.digest, 1024 * 1024);
    const afterA = reg.tokenRequests().slice(tokensBefore);
    expect(afterA.map((t) => t.scopes)).toEqual([['repository:charts/a:pull']]);
    // One 401 to learn the realm, then the 3 calls: 4 registry requests, 5 in all with the token request.
    expect(
      reg
        .requests()
        .slice(requestsBefore)
        .map((r) => r.status),
    ).toEqual([401, 200, 200, 200]);
    expect(client.requests).toBe(5);

    // A new scope: one more token, fetched up front since the realm is known, so no 401 round trip.
    const beforeB = reg.requests().length;
    await client.listTags('charts/b');
    expect(
      reg
        .tokenRequests()
        .slice(tokensBefore)
        .map((t) => t.scopes),
    ).toEqual([['repository:charts/a:pull'], ['repository:charts/b:pull']]);
    expect(
      reg
        .requests()
        .slice(beforeB)
        .map((r) => r.status),
    ).toEqual([200]);

    // 300 s tokens with a 10 s margin: still cached at +289 s, renewed at +291 s.
    now += 289_000;
    await client.listTags('charts/a');
    expect(reg.tokenRequests().length - tokensBefore).toBe(2);
    now += 2_000;
    await client.listTags('charts/a');
    expect(reg.tokenRequests().length - tokensBefore).toBe(3);
  });

  it('shares tokens between clients through a TokenCache, but not between credentials', async () => {
    const cache = new TokenCache();
    const first = newClient(reg, auth, { tokenCache: cache });
    const second = newClient(reg, auth, { tokenCache: cache });
    const before = reg.tokenRequests().length;
    await first.listTags('charts/a');
    await second.listTags('charts/a');
    expect(reg.tokenRequests().length - before).toBe(1);
    // The second client knew no realm but had the token: it went straight to the registry.
    expect(second.requests).toBe(1);

    const other = newClient(
      reg,
      { username: reg.username, password: 'not-the-password' },
      { tokenCache: cache },
    );
    expect((await rejection(other.listTags('charts/a'))).code).toBe('unauthorized');
    expect(reg.tokenRequests().length - before).toBe(2);
  });

  it('asks for a token once when several requests for a scope start together', async () => {
    const client = newClient(reg, auth);
    const before = reg.tokenRequests().length;
    // The first call learns the realm; then five concurrent calls on a new scope share one token request.
    await client.listTags('charts/a');
    await Promise.all([1, 2, 3, 4, 5].map(() => client.listTags('charts/b')));
    expect(reg.tokenRequests().length - before).toBe(2);
  });
});

describe('rate limits (injected by the counting proxy in front of the registry)', () => {
  let reg: RegistryHandle;

  beforeAll(async () => {
    reg = await startRegistry();
    await reg.pushHelmChart('charts/rl', await buildChartTgz({ name: 'rl', version: '1.0.0' }), {
      name: 'rl',
      version: '1.0.0',
    });
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('waits out a short Retry-After once inside the client', async () => {
    reg.failNext(1, 429, { 'retry-after': '1' }, '/tags/list');
    const client = newClient(reg, undefined);
    const started = Date.now();
    expect(await client.listTags('charts/rl')).toEqual(['1.0.0']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(
      reg
        .requests()
        .slice(-2)
        .map((r) => [r.status, r.injected]),
    ).toEqual([
      [429, true],
      [200, false],
    ]);
    expect(client.requests).toBe(2);
  });

  it('throws rate_limited with the wait when Retry-After is long, without waiting', async () => {
    reg.failNext(1, 429, { 'retry-after': '30' }, '/manifests/');
    const waits: number[] = [];
    const client = newClient(reg, undefined, { sleep: async (ms) => void waits.push(ms) });
    const err = await rejection(client.getManifest('charts/rl', '1.0.0', ACCEPT));
    expect([err.code, err.status, err.retryAfterMs]).toEqual(['rate_limited', 429, 30_000]);
    expect(waits).toEqual([]);
    expect(client.requests).toBe(1);
  });

  it('takes an HTTP-date Retry-After on a 503, and retries only once', async () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    reg.failNext(2, 503, { 'retry-after': 'Tue, 01 Jan 2030 00:00:02 GMT' }, '/tags/list');
    const waits: number[] = [];
    const client = newClient(reg, undefined, { now: () => now, sleep: async (ms) => void waits.push(ms) });
    const err = await rejection(client.listTags('charts/rl'));
    expect([err.code, err.status, err.retryAfterMs]).toEqual(['rate_limited', 503, 2_000]);
    expect(waits).toEqual([2_000]);
    expect(client.requests).toBe(2);
  });
});
