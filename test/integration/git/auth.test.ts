/** Credentials against a real `git http-backend` behind bearer or basic auth, and where they must not go. */

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitAuth } from '../../../src/sources/git/index.js';
import { fetchArtifact, GitSourceError, resolveRevision } from '../../../src/sources/git/index.js';
import type { GitServer } from '../../harness/git-server.js';
import { startGitServer } from '../../harness/git-server.js';

const TOKEN = 'tok-3f9a1c77e2b54d0d';
const PASSWORD = 'pw-8c1e55aa90d3';
const opts = { timeoutMs: 10_000, allowInsecureHttp: true };

let bearer: GitServer;
let basic: GitServer;
let tmp: string;

beforeAll(async () => {
  [bearer, basic] = await Promise.all([
    startGitServer({ token: TOKEN }),
    startGitServer({ basic: { username: 'deploy', password: PASSWORD } }),
  ]);
  await bearer.createRepo('private', { 'app.yaml': 'kind: ConfigMap\n' });
  await basic.createRepo('private', { 'app.yaml': 'kind: ConfigMap\n' });
  tmp = await mkdtemp(join(tmpdir(), 'steward-git-auth-'));
});
afterAll(async () => {
  await Promise.all([bearer.stop(), basic.stop()]);
  await rm(tmp, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<GitSourceError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof GitSourceError)) throw new Error(`expected a GitSourceError, got ${String(err)}`);
  return err;
}

function expectNoSecret(err: GitSourceError): void {
  for (const text of [err.message, String(err), JSON.stringify(err), err.stack ?? '']) {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(Buffer.from(`deploy:${PASSWORD}`).toString('base64'));
  }
}

describe.each<[string, () => GitServer, GitAuth, GitAuth]>([
  ['bearer token', () => bearer, { bearerToken: TOKEN }, { bearerToken: 'tok-wrong' }],
  [
    'basic auth',
    () => basic,
    { username: 'deploy', password: PASSWORD },
    { username: 'deploy', password: 'pw-wrong' },
  ],
])('%s', (name, server, good, wrong) => {
  it('resolves and fetches with the right credentials, sent pre-emptively', async () => {
    const url = server().url('private');
    const start = server().requests().length;
    const resolved = await resolveRevision(url, {}, good, opts);
    const art = await fetchArtifact(url, resolved, good, { ...opts, dir: join(tmp, name) });
    expect(await readFile(join(art.path, 'app.yaml'), 'utf8')).toBe('kind: ConfigMap\n');
    const seen = server().requests().slice(start);
    expect(seen.every((r) => r.status === 200 && r.hasAuthorization)).toBe(true);
  });

  it.each<[string, GitAuth | undefined]>([
    ['missing', undefined],
    ['wrong', wrong],
  ])('reports AuthenticationFailed for %s credentials without leaking them', async (_kind, auth) => {
    const url = server().url('private');
    const err = await failure(resolveRevision(url, {}, auth, opts));
    expect(err.code).toBe('AuthenticationFailed');
    expect(err.data.statusCode).toBe(401);
    expect(err.retry).toBe('transient');
    expectNoSecret(err);
    const resolved = { ref: 'HEAD', sha: 'c'.repeat(40), revision: `sha1:${'c'.repeat(40)}` };
    const fetchErr = await failure(fetchArtifact(url, resolved, auth, { ...opts, dir: join(tmp, 'denied') }));
    expect(fetchErr.code).toBe('AuthenticationFailed');
    expectNoSecret(fetchErr);
  });
});

describe('redirects', () => {
  it('follows a redirect to another origin without the credentials', async () => {
    const open = await startGitServer();
    await open.createRepo('moved', { 'a.txt': 'a' });
    // A front that sends ref discovery elsewhere, as a forge does for a renamed repository.
    const front = createServer((req, res) => {
      res.writeHead(req.method === 'GET' ? 302 : 404, { location: `${open.baseUrl}${req.url}` }).end();
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      const frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}/moved.git`;
      const err = await failure(resolveRevision(frontUrl, {}, { bearerToken: TOKEN }, opts));
      // isomorphic-git posts ls-refs to the original URL, which the front refuses.
      expect(err.code).toBe('NotFound');
      expectNoSecret(err);
      const reached = open.requests();
      expect(reached.map((r) => `${r.method} ${r.url}`)).toEqual([
        'GET /moved.git/info/refs?service=git-upload-pack',
      ]);
      expect(reached[0]?.hasAuthorization).toBe(false);
    } finally {
      front.closeAllConnections();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await open.stop();
    }
  });
});
