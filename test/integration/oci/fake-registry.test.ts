/**
 * What the real docker-registry cannot be made to do, from small local HTTP servers speaking the Distribution
 * API: paginated tag lists, redirects to storage on another origin, endless and lying bodies, stalls, token
 * realms on other hosts, and answers that echo secrets.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaTypes, OciClient, type OciClientOptions, OciError } from '../../../src/sources/oci/index.js';

interface Served {
  host: string;
  url: string;
  seen: { path: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

const open: Served[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Served> {
  const seen: Served['seen'] = [];
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? '/', authorization: req.headers.authorization });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const served: Served = {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  open.push(served);
  return served;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function client(host: string, extra: Partial<OciClientOptions> = {}): OciClient {
  return new OciClient({ registry: host, insecure: true, timeoutMs: 3_000, ...extra });
}

async function rejection(p: Promise<unknown>): Promise<OciError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof OciError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('tag list pagination', () => {
  it('follows relative and absolute Link rel="next" headers to the last page', async () => {
    const reg = await serve((req, res) => {
      const url = req.url ?? '';
      if (url === '/v2/team/app/tags/list') {
        return json(
          res,
          200,
          { name: 'team/app', tags: ['b', 'a'] },
          {
            link: '</v2/team/app/tags/list?last=a&n=2>; rel="next"',
          },
        );
      }
      if (url === '/v2/team/app/tags/list?last=a&n=2') {
        return json(
          res,
          200,
          { name: 'team/app', tags: ['d', 'c'] },
          {
            link: `<${reg.url}/v2/team/app/tags/list?last=c&n=2>; rel="next"`,
          },
        );
      }
      if (url === '/v2/team/app/tags/list?last=c&n=2')
        return json(res, 200, { name: 'team/app', tags: ['e'] });
      return json(res, 404, { errors: [{ code: 'NAME_UNKNOWN' }] });
    });
    const c = client(reg.host);
    expect(await c.listTags('team/app')).toEqual(['b', 'a', 'd', 'c', 'e']);
    expect(reg.seen.map((s) => s.path)).toEqual([
      '/v2/team/app/tags/list',
      '/v2/team/app/tags/list?last=a&n=2',
      '/v2/team/app/tags/list?last=c&n=2',
    ]);
    expect(c.requests).toBe(3);
  });

  it('takes an empty repository (tags: null) as no tags', async () => {
    const reg = await serve((_req, res) => json(res, 200, { name: 'r', tags: null }));
    expect(await client(reg.host).listTags('r')).toEqual([]);
  });

  it('refuses pages that loop and next links to another host', async () => {
    const looping = await serve((_req, res) =>
      json(res, 200, { tags: ['x'] }, { link: '</v2/r/tags/list?last=x>; rel="next"' }),
    );
    const loop = await rejection(client(looping.host).listTags('r'));
    expect([loop.code, loop.message]).toEqual([
      'protocol',
      `listing tags of ${looping.host}/r: the pages loop`,
    ]);

    const elsewhere = await serve((_req, res) =>
      json(res, 200, { tags: ['x'] }, { link: '<http://203.0.113.1/v2/r/tags/list?last=x>; rel="next"' }),
    );
    const away = await rejection(client(elsewhere.host).listTags('r'));
    expect(away.code).toBe('protocol');
    expect(away.message).toContain('another host');
  });
});

describe('blobs', () => {
  it('follows a redirect to storage on another origin without sending the credentials there', async () => {
    const content = Buffer.from('chart bytes '.repeat(100));
    const storage = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(content);
    });
    const reg = await serve((req, res) => {
      if (req.headers.authorization === undefined) {
        return json(
          res,
          401,
          { errors: [{ code: 'UNAUTHORIZED' }] },
          { 'www-authenticate': 'Basic realm="r"' },
        );
      }
      res.writeHead(307, { location: `${storage.url}/data?X-Signature=secret-signature` });
      res.end();
    });
    const c = client(reg.host, { auth: { username: 'u', password: 'p' } });
    const blob = await c.getBlob('r', sha256(content), 1 << 20);
    expect(blob.equals(content)).toBe(true);
    expect(reg.seen.map((s) => s.authorization?.split(' ')[0])).toEqual([undefined, 'Basic']);
    expect(storage.seen).toEqual([{ path: '/data?X-Signature=secret-signature', authorization: undefined }]);
    expect(c.requests).toBe(3);
  });

  it('never names the signed storage URL in an error', async () => {
    const storage = await serve((_req, res) =>
      json(res, 403, { errors: [{ code: 'DENIED', message: 'expired' }] }),
    );
    const reg = await serve((_req, res) => {
      res.writeHead(302, { location: `${storage.url}/data?X-Signature=secret-signature` });
      res.end();
    });
    const err = await rejection(client(reg.host).getBlob('r', sha256('x'), 100));
    expect(err.code).toBe('denied');
    expect(`${err.message} ${JSON.stringify(err)}`).not.toContain('secret-signature');
  });

  it('stops reading an endless body at the cap and closes the connection', async () => {
    let written = 0;
    let closed = false;
    const chunk = Buffer.alloc(64 * 1024, 1);
    const reg = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.on('close', () => {
        closed = true;
      });
      const pump = () => {
        while (!closed && res.write(chunk)) written += chunk.length;
        if (!closed) res.once('drain', pump);
      };
      pump();
    });
    const cap = 1 << 20;
    const started = Date.now();
    const err = await rejection(client(reg.host).getBlob('r', sha256('whatever'), cap));
    expect(err.code).toBe('too_large');
    expect(err.message).toContain('more sent');
    await expect.poll(() => closed, { timeout: 2_000 }).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    // What the server got out before it noticed: the cap plus what sat in socket buffers, nowhere near endless.
    expect(written).toBeLessThan(cap + 16 * 1024 * 1024);
  });

  it('refuses a body whose Content-Length is over the cap before reading it', async () => {
    const reg = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
      res.write(Buffer.alloc(1024));
    });
    const err = await rejection(client(reg.host).getBlob('r', sha256('x'), 4096));
    expect(err.code).toBe('too_large');
    expect(err.message).toContain('10485760 bytes announced');
  });

  it('rejects a blob whose content does not match its digest', async () => {
    const reg = await serve((_req, res) => res.end('not what was asked for'));
    const digest = sha256('the real content');
    const err = await rejection(client(reg.host).getBlob('r', digest, 1024));
    expect(err.code).toBe('digest_mismatch');
    expect(err.message).toContain(`the content's digest is ${sha256('not what was asked for')}`);
  });
});

describe('manifests', () => {
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, layers: [] });

  it('sends the Accept header and returns the served digest', async () => {
    let accept: string | undefined;
    const reg = await serve((req, res) => {
      accept = req.headers.accept;
      res.writeHead(200, {
        'content-type': MediaTypes.ociManifest,
        'docker-content-digest': sha256(manifest),
      });
      res.end(manifest);
    });
    const m = await client(reg.host).getManifest('r', 'v1', [
      MediaTypes.ociManifest,
      MediaTypes.dockerManifest,
    ]);
    expect(accept).toBe(`${MediaTypes.ociManifest}, ${MediaTypes.dockerManifest}`);
    expect([m.digest, m.mediaType]).toEqual([sha256(manifest), MediaTypes.ociManifest]);
  });

  it('computes the digest when the registry sends none, and takes the media type from Content-Type', async () => {
    const bare = JSON.stringify({ schemaVersion: 2, layers: [] });
    const reg = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': `${MediaTypes.dockerManifest}; charset=utf-8` });
      res.end(bare);
    });
    const m = await client(reg.host).getManifest('r', 'v1', [MediaTypes.dockerManifest]);
    expect([m.digest, m.mediaType]).toEqual([sha256(bare), MediaTypes.dockerManifest]);
  });

  it('rejects a tampered manifest: a Docker-Content-Digest or a digest reference the bytes do not match', async () => {
    const claimed = sha256('the original manifest');
    const reg = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': MediaTypes.ociManifest, 'docker-content-digest': claimed });
      res.end(manifest);
    });
    const byTag = await rejection(client(reg.host).getManifest('r', 'v1', [MediaTypes.ociManifest]));
    expect(byTag.code).toBe('digest_mismatch');

    const plain = await serve((_req, res) => res.end(manifest));
    const byDigest = await rejection(client(plain.host).getManifest('r', claimed, [MediaTypes.ociManifest]));
    expect(byDigest.code).toBe('digest_mismatch');
    expect(byDigest.message).toContain(`r@${claimed}`);
  });
});

describe('time limits and failures', () => {
  it('times out a registry that never answers, and one that stalls mid-body', async () => {
    const silent = await serve(() => undefined);
    const started = Date.now();
    const err = await rejection(client(silent.host, { timeoutMs: 300 }).listTags('r'));
    expect([err.code, err.message]).toEqual([
      'timeout',
      `listing tags of ${silent.host}/r: timed out after 300 ms`,
    ]);
    expect(Date.now() - started).toBeLessThan(1_500);

    const stalling = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write(Buffer.alloc(10));
    });
    const mid = await rejection(client(stalling.host, { timeoutMs: 300 }).getBlob('r', sha256('x'), 4096));
    expect(mid.code).toBe('timeout');
  });

  it('stops when the caller aborts', async () => {
    const silent = await serve(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await rejection(client(silent.host).listTags('r', { signal: controller.signal }));
    expect([err.code, err.message]).toEqual(['network', `listing tags of ${silent.host}/r: aborted`]);
  });

  it('reports a refused connection as a network error', async () => {
    const gone = await serve(() => undefined);
    await gone.close();
    const err = await rejection(client(gone.host).listTags('r'));
    expect([err.code, err.causeCode]).toEqual(['network', 'ECONNREFUSED']);
  });

  it('maps a 5xx to network and quotes only the registry error codes', async () => {
    const reg = await serve((req, res) =>
      json(res, 500, { errors: [{ code: 'UNKNOWN', message: `echo ${req.headers.authorization}` }] }),
    );
    const err = await rejection(client(reg.host, { auth: { username: 'u', password: 'p' } }).listTags('r'));
    expect([err.code, err.status]).toEqual(['network', 500]);
    expect(err.message).toBe(`listing tags of ${reg.host}/r: the registry failed (HTTP 500 UNKNOWN)`);
  });
});

describe('token realms', () => {
  const password = 'canary-password-7f3a';
  const issuedToken = 'canary-token-0c91';

  async function tokenService() {
    return serve((req, res) => {
      if (req.headers.authorization === undefined)
        return json(res, 401, { errors: [{ code: 'UNAUTHORIZED' }] });
      json(res, 200, { token: issuedToken, expires_in: 300 });
    });
  }

  async function registryWithRealm(realm: string, accept: (authorization: string | undefined) => boolean) {
    return serve((req, res) => {
      if (accept(req.headers.authorization)) return json(res, 200, { tags: ['1.0.0'] });
      json(
        res,
        401,
        { errors: [{ code: 'UNAUTHORIZED' }] },
        {
          'www-authenticate': `Bearer realm="${realm}",service="svc",scope="repository:r:pull"`,
        },
      );
    });
  }

  it('sends credentials to a plain-http realm on the same host as a plain-http registry', async () => {
    const tokens = await tokenService();
    const reg = await registryWithRealm(`${tokens.url}/token`, (a) => a === `Bearer ${issuedToken}`);
    const c = client(reg.host, { auth: { username: 'u', password } });
    expect(await c.listTags('r')).toEqual(['1.0.0']);
    expect(tokens.seen).toEqual([
      {
        path: '/token?service=svc&scope=repository%3Ar%3Apull',
        authorization: `Basic ${Buffer.from(`u:${password}`).toString('base64')}`,
      },
    ]);
  });

  it('withholds credentials from a plain-http realm on another host', async () => {
    const tokens = await tokenService();
    const port = tokens.host.split(':')[1];
    const reg = await registryWithRealm(`http://localhost:${port}/token`, () => false);
    const err = await rejection(client(reg.host, { auth: { username: 'u', password } }).listTags('r'));
    expect(tokens.seen.map((s) => s.authorization)).toEqual([undefined]);
    expect(err.code).toBe('unauthorized');
    expect(err.message).toContain('credentials are only sent to an https token service');
  });

  it('never puts the password or a token in an error, and maps insufficient_scope to denied', async () => {
    const tokens = await tokenService();
    const refusing = await registryWithRealm(`${tokens.url}/token`, () => false);
    const err = await rejection(client(refusing.host, { auth: { username: 'u', password } }).listTags('r'));
    expect(err.code).toBe('unauthorized');
    const everything = `${err.message}\n${err.stack}\n${JSON.stringify(err)}`;
    for (const secret of [password, issuedToken, Buffer.from(`u:${password}`).toString('base64')]) {
      expect(everything).not.toContain(secret);
    }
    // A token refused right after it was issued is not asked for again.
    expect(tokens.seen.length).toBe(1);

    const scoped = await serve((req, res) => {
      const error = req.headers.authorization === undefined ? '' : ',error="insufficient_scope"';
      json(
        res,
        401,
        { errors: [{ code: 'DENIED' }] },
        {
          'www-authenticate': `Bearer realm="${tokens.url}/token",service="svc",scope="repository:r:pull"${error}`,
        },
      );
    });
    const denied = await rejection(client(scoped.host, { auth: { username: 'u', password } }).listTags('r'));
    expect([denied.code, denied.status]).toEqual(['denied', 401]);
  });

  it('drops a cached token the registry no longer takes and asks for a new one, once', async () => {
    let issued = 0;
    const tokens = await serve((_req, res) => json(res, 200, { token: `t${++issued}`, expires_in: 300 }));
    let valid = 't1';
    const reg = await registryWithRealm(`${tokens.url}/token`, (a) => a === `Bearer ${valid}`);
    const c = client(reg.host, { auth: { username: 'u', password } });
    await c.listTags('r');
    valid = 't2'; // t1 revoked
    expect(await c.listTags('r')).toEqual(['1.0.0']);
    expect(reg.seen.map((s) => s.authorization)).toEqual([undefined, 'Bearer t1', 'Bearer t1', 'Bearer t2']);
    expect(issued).toBe(2);
  });

  it('asks for an anonymous token when no credentials are given (public repositories)', async () => {
    const tokens = await serve((_req, res) => json(res, 200, { access_token: 'anon', expires_in: 60 }));
    const reg = await registryWithRealm(`${tokens.url}/token`, (a) => a === 'Bearer anon');
    expect(await client(reg.host).listTags('r')).toEqual(['1.0.0']);
    expect(tokens.seen.map((s) => s.authorization)).toEqual([undefined]);
  });
});

describe('rate limits from a small local server', () => {
  it('retries once after a short Retry-After and surfaces a long one', async () => {
    let calls = 0;
    const reg = await serve((_req, res) => {
      calls++;
      if (calls === 1) return json(res, 429, {}, { 'retry-after': '0' });
      if (calls === 2) return json(res, 200, { tags: ['a'] });
      json(res, 429, {}, { 'retry-after': '120' });
    });
    const c = client(reg.host);
    expect(await c.listTags('r')).toEqual(['a']);
    const err = await rejection(c.listTags('r'));
    expect([err.code, err.retryAfterMs, err.message]).toEqual([
      'rate_limited',
      120_000,
      `listing tags of ${reg.host}/r: rate limited (HTTP 429, retry after 120 s)`,
    ]);
    expect(calls).toBe(3);
  });
});
