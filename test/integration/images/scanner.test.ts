/**
 * The shared image scanner against the real docker-registry (anonymous, htpasswd and token auth) behind the
 * harness's counting proxy, so every request the scanner sends is counted where the registry receives it. What
 * the real registry cannot do (paginate tag lists: it ignores `n`; hold an answer) comes from small local HTTP
 * servers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseImageName } from '../../../src/images/image-name.js';
import { ImageScanner, type ScanRequest, type ScanResult } from '../../../src/images/scanner.js';
import { OciError, TokenCache } from '../../../src/sources/oci/index.js';
import { type RegistryHandle, startRegistry } from '../../harness/registry.js';

const MINUTE = 60_000;

/** A clock the test moves by hand. */
function clock(start = 1_700_000_000_000) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number): void => {
      t += ms;
    },
  };
}

function request(reg: { host: string }, repository: string, extra: Partial<ScanRequest> = {}): ScanRequest {
  return {
    image: parseImageName(`${reg.host}/${repository}`),
    insecure: true,
    timeoutMs: 10_000,
    maxAgeMs: MINUTE,
    ...extra,
  };
}

async function rejection(p: Promise<unknown>): Promise<OciError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof OciError) return err;
    throw err;
  }
  throw new Error('expected the scan to fail');
}

/** What the registry received since `mark` (an index into its request log). */
function since(reg: RegistryHandle, mark: number) {
  const log = reg.requests().slice(mark);
  return { all: log.length, tagLists: log.filter((r) => r.path.includes('/tags/list')).length };
}

describe('ImageScanner, anonymous registry', () => {
  let reg: RegistryHandle;
  const pushed = ['v10', 'v2', 'latest', '1.0.0', 'v1', '1.0.0.sig', 'v1.1', 'V3'];

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'none' });
    for (const tag of pushed) await reg.pushImage('team/app', tag);
    for (const tag of ['b', 'a']) await reg.pushImage('team/other', tag);
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('lists every tag, sorted byte-wise though the registry uses its own order', async () => {
    const raw = (await (await fetch(`${reg.url}/v2/team/app/tags/list`)).json()) as { tags: string[] };
    const sorted = [...pushed].sort();
    // The registry's own order is not ours (it is its storage's), so sorting is our doing.
    expect(raw.tags).not.toEqual(sorted);
    const time = clock();
    const counted: [string, number][] = [];
    const scanner = new ImageScanner({ now: time.now, onRegistryRequests: (r, n) => counted.push([r, n]) });
    const mark = reg.requests().length;
    const result = await scanner.scan(request(reg, 'team/app'));
    expect(result.tags).toEqual(sorted);
    expect(result.tags).toEqual(['1.0.0', '1.0.0.sig', 'V3', 'latest', 'v1', 'v1.1', 'v10', 'v2']);
    expect(result.revision).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result.shared).toBe(false);
    expect(result.scannedAt).toBe(time.now());
    expect(result.durationMs).toBeGreaterThan(0);
    expect(result.ignored).toBe(0);
    expect(Object.isFrozen(result.tags)).toBe(true);
    expect(since(reg, mark)).toEqual({ all: 1, tagLists: 1 });
    expect(scanner.requests).toBe(1);
    expect(counted).toEqual([[reg.host, 1]]);
  });

  it('answers 50 concurrent scans of one image with one registry request', async () => {
    const scanner = new ImageScanner();
    const mark = reg.requests().length;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => scanner.scan(request(reg, 'team/app'))),
    );
    expect(since(reg, mark)).toEqual({ all: 1, tagLists: 1 });
    expect(scanner.requests).toBe(1);
    expect(results.filter((r) => !r.shared)).toHaveLength(1);
    expect(new Set(results.map((r) => r.revision)).size).toBe(1);
    // One frozen list shared by every caller, not 50 copies.
    expect(new Set(results.map((r) => r.tags)).size).toBe(1);
  });

  it('reuses a scan younger than maxAgeMs and scans again once it is that old', async () => {
    const time = clock();
    const scanner = new ImageScanner({ now: time.now });
    const mark = reg.requests().length;
    const first = await scanner.scan(request(reg, 'team/other'));
    expect(first.tags).toEqual(['a', 'b']);

    time.advance(MINUTE - 1);
    await reg.pushImage('team/other', 'c');
    const reused = await scanner.scan(request(reg, 'team/other'));
    expect(reused).toEqual({ ...first, shared: true });
    // A caller with a shorter interval does not take the same scan as fresh.
    const shorter = await scanner.scan(request(reg, 'team/other', { maxAgeMs: 30_000 }));
    expect(shorter.shared).toBe(false);
    expect(shorter.tags).toEqual(['a', 'b', 'c']);
    expect(shorter.revision).not.toBe(first.revision);
    expect(since(reg, mark).tagLists).toBe(2);

    time.advance(MINUTE);
    const expired = await scanner.scan(request(reg, 'team/other'));
    expect(expired.shared).toBe(false);
    expect(expired.scannedAt).toBe(time.now());
    expect(expired.revision).toBe(shorter.revision);
    expect(since(reg, mark).tagLists).toBe(3);
  });

  it('rescans on force, but a forced scan joins one in flight', async () => {
    const scanner = new ImageScanner();
    const mark = reg.requests().length;
    await scanner.scan(request(reg, 'team/app'));
    const forced = await scanner.scan(request(reg, 'team/app', { force: true }));
    expect(forced.shared).toBe(false);
    expect(since(reg, mark).tagLists).toBe(2);

    const [a, b, c] = await Promise.all([
      scanner.scan(request(reg, 'team/app', { force: true })),
      scanner.scan(request(reg, 'team/app', { force: true })),
      scanner.scan(request(reg, 'team/app')),
    ]);
    expect([a.shared, b.shared, c.shared]).toEqual([false, true, true]);
    expect(since(reg, mark).tagLists).toBe(3);
  });

  it('scans separately per repository, insecure flag and credentials', async () => {
    const scanner = new ImageScanner();
    const mark = reg.requests().length;
    const anonymous = await scanner.scan(request(reg, 'team/app'));
    const alice = await scanner.scan(
      request(reg, 'team/app', { auth: { username: 'alice', password: 'a' } }),
    );
    const bob = await scanner.scan(request(reg, 'team/app', { auth: { username: 'alice', password: 'b' } }));
    const other = await scanner.scan(request(reg, 'team/other'));
    expect([anonymous.shared, alice.shared, bob.shared, other.shared]).toEqual([false, false, false, false]);
    expect(since(reg, mark).tagLists).toBe(4);
    // The same credentials again share.
    const again = await scanner.scan(
      request(reg, 'team/app', { auth: { username: 'alice', password: 'b' } }),
    );
    expect(again.shared).toBe(true);
    expect(since(reg, mark).tagLists).toBe(4);
    // Over https the same name is another registry (it fails here: nothing speaks TLS on that port).
    const tls = await rejection(
      scanner.scan(request(reg, 'team/app', { insecure: false, timeoutMs: 3_000 })),
    );
    expect(tls.code).toBe('network');
    expect(scanner.size).toBe(5);
  });

  it('remembers a 429 with Retry-After for every caller until it has passed, then scans once', async () => {
    const time = clock();
    const scanner = new ImageScanner({ now: time.now });
    reg.failNext(1, 429, { 'retry-after': '30' }, 'tags/list');
    const mark = reg.requests().length;
    const errors = await Promise.all(
      Array.from({ length: 10 }, () => rejection(scanner.scan(request(reg, 'team/app')))),
    );
    expect(since(reg, mark)).toEqual({ all: 1, tagLists: 1 });
    for (const e of errors) {
      expect(e.code).toBe('rate_limited');
      expect(e.retryAfterMs).toBe(30_000);
      expect(e.status).toBe(429);
    }

    time.advance(10_000);
    for (const force of [false, true]) {
      const later = await rejection(scanner.scan(request(reg, 'team/app', { force })));
      expect(later.code).toBe('rate_limited');
      expect(later.retryAfterMs).toBe(20_000);
      expect(later.message).toContain('not asking the registry again for 20 s');
    }
    time.advance(19_999);
    expect((await rejection(scanner.scan(request(reg, 'team/app')))).retryAfterMs).toBe(1);
    expect(since(reg, mark).all).toBe(1);
    // Another image of the same registry is not held back.
    await scanner.scan(request(reg, 'team/other'));

    time.advance(1);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => scanner.scan(request(reg, 'team/app'))),
    );
    expect(results.map((r) => r.shared).sort()).toEqual([false, true, true, true, true]);
    expect(results[0]?.tags).toEqual([...pushed].sort());
    expect(since(reg, mark).tagLists).toBe(3);
  });

  it('still answers from a fresh scan made before the 429; only new scans wait', async () => {
    const time = clock();
    const scanner = new ImageScanner({ now: time.now });
    const mark = reg.requests().length;
    const before = await scanner.scan(request(reg, 'team/app'));
    reg.failNext(1, 429, { 'retry-after': '120' }, 'tags/list');
    expect((await rejection(scanner.scan(request(reg, 'team/app', { force: true })))).code).toBe(
      'rate_limited',
    );
    time.advance(30_000);
    expect(await scanner.scan(request(reg, 'team/app'))).toEqual({ ...before, shared: true });
    const forced = await rejection(scanner.scan(request(reg, 'team/app', { force: true })));
    expect(forced.retryAfterMs).toBe(90_000);
    // Past maxAgeMs the old scan is not fresh any more, and the registry still may not be asked.
    time.advance(MINUTE);
    expect((await rejection(scanner.scan(request(reg, 'team/app')))).retryAfterMs).toBe(30_000);
    expect(since(reg, mark).tagLists).toBe(2);
  });

  it('does not remember other failures, nor a 503 without Retry-After', async () => {
    const scanner = new ImageScanner();
    const mark = reg.requests().length;
    reg.failNext(1, 500, {}, 'tags/list');
    expect((await rejection(scanner.scan(request(reg, 'team/app')))).code).toBe('network');
    expect((await scanner.scan(request(reg, 'team/app'))).shared).toBe(false);
    reg.failNext(1, 503, {}, 'tags/list');
    const unavailable = await rejection(scanner.scan(request(reg, 'team/app', { force: true })));
    expect(unavailable.code).toBe('rate_limited');
    expect(unavailable.retryAfterMs).toBeUndefined();
    expect((await scanner.scan(request(reg, 'team/app', { force: true }))).shared).toBe(false);
    expect(since(reg, mark).tagLists).toBe(4);
  });

  it('forgets the least recently used keys past maxEntries, and keys unused for long', async () => {
    const time = clock();
    const scanner = new ImageScanner({ now: time.now, maxEntries: 2 });
    const mark = reg.requests().length;
    await scanner.scan(request(reg, 'team/app'));
    await scanner.scan(request(reg, 'team/other'));
    expect((await scanner.scan(request(reg, 'team/app'))).shared).toBe(true); // now the most recently used
    // A third key pushes out team/other, the least recently used.
    await scanner.scan(request(reg, 'team/app', { auth: { username: 'carol', password: 'c' } }));
    expect(scanner.size).toBe(2);
    expect(since(reg, mark).tagLists).toBe(3);
    expect((await scanner.scan(request(reg, 'team/app'))).shared).toBe(true);
    expect((await scanner.scan(request(reg, 'team/other'))).shared).toBe(false);
    expect(since(reg, mark).tagLists).toBe(4);

    time.advance(10 * MINUTE);
    await scanner.scan(request(reg, 'team/other'));
    scanner.forgetUnused(5 * MINUTE);
    expect(scanner.size).toBe(1);
  });
});

describe('ImageScanner, htpasswd registry', () => {
  let reg: RegistryHandle;

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'htpasswd' });
    await reg.pushImage('team/app', 'v1');
    await reg.pushImage('team/app', 'v2');
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('scans with basic auth, sending the credentials up front after the first challenge', async () => {
    const scanner = new ImageScanner();
    const auth = { username: reg.username, password: reg.password };
    const mark = reg.requests().length;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => scanner.scan(request(reg, 'team/app', { auth }))),
    );
    expect(results.every((r) => r.tags.join() === 'v1,v2')).toBe(true);
    // The challenge, then the listing with Basic.
    expect(
      reg
        .requests()
        .slice(mark)
        .map((r) => [r.status, r.authorization]),
    ).toEqual([
      [401, undefined],
      [200, 'basic'],
    ]);
    await scanner.scan(request(reg, 'team/app', { auth, force: true }));
    expect(since(reg, mark)).toEqual({ all: 3, tagLists: 3 });
    expect(scanner.requests).toBe(3);
  });

  it('fails on a wrong password without naming it, and does not remember the failure', async () => {
    const scanner = new ImageScanner();
    const password = `${reg.password}-wrong`;
    const auth = { username: reg.username, password };
    const mark = reg.requests().length;
    for (let i = 0; i < 2; i++) {
      const err = await rejection(scanner.scan(request(reg, 'team/app', { auth })));
      expect(err.code).toBe('unauthorized');
      expect(err.message).toBe(`listing tags of ${reg.host}/team/app: authentication failed (HTTP 401)`);
      const shown = JSON.stringify({ ...err, message: err.message, stack: err.stack });
      expect(shown).not.toContain(password);
      expect(shown).not.toContain(Buffer.from(`${reg.username}:${password}`).toString('base64'));
    }
    expect(since(reg, mark).tagLists).toBeGreaterThanOrEqual(3);
    const none = await rejection(scanner.scan(request(reg, 'team/app')));
    expect(none.code).toBe('unauthorized');
    expect(none.message).toContain('the registry requires credentials and none were given');
  });
});

describe('ImageScanner, token registry', () => {
  let reg: RegistryHandle;

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token', tokenTtlSeconds: 300 });
    for (const tag of ['2.0.0', '10.0.0', '1.0.0']) await reg.pushImage('team/app', tag);
    await reg.pushImage('team/api', 'v1');
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('shares one token request between 50 concurrent scans, and the token between scanners', async () => {
    const time = clock(Date.now());
    const tokens = new TokenCache();
    const scanner = new ImageScanner({ now: time.now, tokenCache: tokens });
    const auth = { username: reg.username, password: reg.password };
    const mark = reg.requests().length;
    const tokenMark = reg.tokenRequests().length;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => scanner.scan(request(reg, 'team/app', { auth }))),
    );
    expect(results[0]?.tags).toEqual(['1.0.0', '10.0.0', '2.0.0']);
    // Anonymous first, the challenge names the token service, then the listing with the token.
    expect(
      reg
        .requests()
        .slice(mark)
        .map((r) => [r.status, r.authorization]),
    ).toEqual([
      [401, undefined],
      [200, 'bearer'],
    ]);
    expect(reg.tokenRequests().slice(tokenMark)).toEqual([
      expect.objectContaining({ authenticated: true, scopes: ['repository:team/app:pull'], status: 200 }),
    ]);
    expect(scanner.requests).toBe(3);

    // A forced rescan, and another scanner on the same TokenCache: the cached token goes up front.
    await scanner.scan(request(reg, 'team/app', { auth, force: true }));
    const second = new ImageScanner({ now: time.now, tokenCache: tokens });
    await second.scan(request(reg, 'team/app', { auth }));
    expect(since(reg, mark)).toEqual({ all: 4, tagLists: 4 });
    expect(reg.tokenRequests().length - tokenMark).toBe(1);
    expect(second.requests).toBe(1);

    // Once the token has expired (300 s, less the cache's margin) the next scan asks for a new one first.
    time.advance(300_000);
    await scanner.scan(request(reg, 'team/app', { auth, force: true }));
    expect(reg.tokenRequests().length - tokenMark).toBe(2);
    expect(since(reg, mark)).toEqual({ all: 5, tagLists: 5 });

    // Another image needs a token of its own scope.
    await scanner.scan(request(reg, 'team/api', { auth }));
    expect(reg.tokenRequests().at(-1)?.scopes).toEqual(['repository:team/api:pull']);
    expect(reg.tokenRequests().length - tokenMark).toBe(3);
  });

  it('fails on a wrong password without naming it', async () => {
    const scanner = new ImageScanner();
    const password = 'not-the-password-42';
    const err = await rejection(
      scanner.scan(request(reg, 'team/app', { auth: { username: reg.username, password } })),
    );
    expect(err.code).toBe('unauthorized');
    expect(err.message).toContain('the token service refused the credentials (HTTP 401)');
    expect(JSON.stringify({ ...err, message: err.message, stack: err.stack })).not.toContain(password);
    expect(reg.tokenRequests().at(-1)).toMatchObject({ authenticated: false, hadAuthorization: true });
  });
});

describe('ImageScanner, registries the real one cannot imitate', () => {
  interface Served {
    host: string;
    paths: string[];
    close(): Promise<void>;
  }
  const open: Served[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Served> {
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url ?? '/');
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const served: Served = {
      host: `127.0.0.1:${port}`,
      paths,
      close: async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
    open.push(served);
    return served;
  }

  it('follows every page, then de-duplicates, sorts and leaves out invalid names', async () => {
    const pages: Record<string, { tags: string[]; next?: string }> = {
      '/v2/team/app/tags/list': { tags: ['v3', 'v1', 'v10'], next: '/v2/team/app/tags/list?last=v10&n=3' },
      '/v2/team/app/tags/list?last=v10&n=3': {
        tags: ['v2', 'v1', '../escape'],
        next: '/v2/team/app/tags/list?last=v2&n=3',
      },
      '/v2/team/app/tags/list?last=v2&n=3': { tags: ['1.0', 'v2'] },
    };
    const reg = await serve((req, res) => {
      const page = pages[req.url ?? ''];
      if (!page) {
        res.writeHead(404).end();
        return;
      }
      const link = page.next ? { link: `<${page.next}>; rel="next"` } : {};
      res.writeHead(200, { 'content-type': 'application/json', ...link });
      res.end(JSON.stringify({ name: 'team/app', tags: page.tags }));
    });
    const scanner = new ImageScanner();
    const result = await scanner.scan(request(reg, 'team/app'));
    expect(result.tags).toEqual(['1.0', 'v1', 'v10', 'v2', 'v3']);
    expect(result.ignored).toBe(1);
    expect(reg.paths).toEqual(Object.keys(pages));
    expect(scanner.requests).toBe(3);
  });

  it('lets one caller stop waiting while the others get the answer, and aborts once all stopped', async () => {
    const held: ServerResponse[] = [];
    const closed: boolean[] = [];
    const reg = await serve((req, res) => {
      const i = held.push(res) - 1;
      closed[i] = false;
      req.on('close', () => {
        if (!res.writableEnded) closed[i] = true;
      });
    });
    const answer = (res: ServerResponse | undefined) => {
      res?.writeHead(200, { 'content-type': 'application/json' });
      res?.end(JSON.stringify({ name: 'team/app', tags: ['b', 'a'] }));
    };
    const waitFor = async (cond: () => boolean) => {
      for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(cond()).toBe(true);
    };
    const scanner = new ImageScanner();
    const quitter = new AbortController();
    const stays = scanner.scan(request(reg, 'team/app'));
    const leaves = scanner.scan(request(reg, 'team/app', { signal: quitter.signal }));
    await waitFor(() => held.length === 1);
    quitter.abort();
    const left = await rejection(leaves);
    expect(left.message).toBe(`listing tags of ${reg.host}/team/app: aborted`);
    answer(held[0]);
    expect((await stays).tags).toEqual(['a', 'b']);

    // Every caller stops waiting: the request to the registry is cancelled, and the next caller starts afresh.
    const all = [new AbortController(), new AbortController()];
    const both = all.map((c) =>
      rejection(scanner.scan(request(reg, 'team/app', { signal: c.signal, force: true }))),
    );
    await waitFor(() => held.length === 2);
    for (const c of all) c.abort();
    for (const e of await Promise.all(both)) expect(e.message).toContain('aborted');
    await waitFor(() => closed[1] === true);
    const fresh = scanner.scan(request(reg, 'team/app', { force: true }));
    await waitFor(() => held.length === 3);
    answer(held[2]);
    const result: ScanResult = await fresh;
    expect(result.shared).toBe(false);
  });
});
