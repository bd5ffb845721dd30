import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/metrics/metrics.js';
import { type Route, type RunningHttpServer, startHttpServer } from '../../../src/server/server.js';

const servers: RunningHttpServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(opts: Partial<Parameters<typeof startHttpServer>[0]> = {}) {
  const metrics = createMetrics({ version: '0.1.0-test' });
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, metrics, ready: () => true, ...opts });
  servers.push(server);
  return { metrics, server, url: (path: string) => `http://127.0.0.1:${server.port}${path}` };
}

/** Sends raw bytes and returns whatever the server answers before it closes the connection. */
function raw(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(payload));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      data += d;
    });
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('agent HTTP server', () => {
  it('serves the metrics registry in the Prometheus text format', async () => {
    const { metrics, url } = await start();
    metrics.reconciled('Sync', 'team-a', 'web', 'success', 0.5);
    const res = await fetch(url('/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('steward_build_info{version="0.1.0-test"} 1');
    expect(text).toContain(
      'steward_reconcile_total{kind="Sync",namespace="team-a",name="web",result="success"} 1',
    );
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
  });

  it('answers /healthz while running and /readyz only once ready', async () => {
    let ready = false;
    const { url } = await start({ ready: () => ready });
    expect((await fetch(url('/healthz'))).status).toBe(200);
    const notReady = await fetch(url('/readyz'));
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toBe('not ready\n');
    ready = true;
    expect((await fetch(url('/readyz'))).status).toBe(200);
    expect((await fetch(url('/readyz?verbose'))).status).toBe(200);
  });

  it('reports not ready when the readiness check throws', async () => {
    const { url } = await start({
      ready: () => {
        throw new Error('cache not built');
      },
    });
    expect((await fetch(url('/readyz'))).status).toBe(503);
  });

  it('answers 404 for unknown paths and 405 with Allow for a wrong method', async () => {
    const { url } = await start();
    expect((await fetch(url('/nope'))).status).toBe(404);
    const res = await fetch(url('/metrics'), { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    const head = await fetch(url('/healthz'), { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('routes extra handlers with the raw body, query and prefix paths', async () => {
    const seen: { path: string; token: string | null; body: string }[] = [];
    const routes: Route[] = [
      {
        method: 'POST',
        path: '/hook/',
        prefix: true,
        handler: (req) => {
          seen.push({ path: req.path, token: req.query.get('t'), body: req.body.toString('utf8') });
          return { status: 202, headers: { 'content-type': 'application/json' }, body: '{"accepted":true}' };
        },
      },
    ];
    const { url } = await start({ routes });
    const res = await fetch(url('/hook/abc123?t=x'), { method: 'POST', body: '{"ref":"refs/heads/main"}' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: true });
    expect(seen).toEqual([{ path: '/hook/abc123', token: 'x', body: '{"ref":"refs/heads/main"}' }]);
    expect((await fetch(url('/hook/abc123'))).status).toBe(405);
  });

  it('aborts the handler signal when the client goes away', async () => {
    let called = false;
    let aborted: Promise<void> = Promise.resolve();
    const { url } = await start({
      routes: [
        {
          method: 'GET',
          path: '/slow',
          handler: (_req, signal) => {
            called = true;
            aborted = new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
            return aborted.then(() => ({ status: 200 }));
          },
        },
      ],
    });
    const client = new AbortController();
    const res = fetch(url('/slow'), { signal: client.signal });
    await expect.poll(() => called).toBe(true);
    client.abort();
    await expect(res).rejects.toThrow();
    await aborted;
  });

  it('refuses routes that would shadow a built-in endpoint', async () => {
    const route: Route = { method: 'GET', path: '/metrics', handler: () => ({ status: 200 }) };
    await expect(start({ routes: [route] })).rejects.toThrow(/shadow/);
  });

  it('answers 500 without details when a handler throws, and reports the error', async () => {
    const errors: string[] = [];
    const { url } = await start({
      routes: [
        {
          method: 'GET',
          path: '/boom',
          handler: () => {
            throw new Error('secret token abc');
          },
        },
      ],
      onError: (err, req) => errors.push(`${req.method} ${req.path}: ${(err as Error).message}`),
    });
    const res = await fetch(url('/boom'));
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('internal error\n');
    expect(errors).toEqual(['GET /boom: secret token abc']);
  });

  it('refuses bodies over the limit, declared or chunked', async () => {
    const handled: number[] = [];
    const { url, server } = await start({
      maxBodyBytes: 16,
      routes: [
        {
          method: 'POST',
          path: '/in',
          handler: (req) => {
            handled.push(req.body.length);
            return { status: 204 };
          },
        },
      ],
    });
    expect((await fetch(url('/in'), { method: 'POST', body: 'x'.repeat(16) })).status).toBe(204);
    const declared = await fetch(url('/in'), { method: 'POST', body: 'x'.repeat(17) });
    expect(declared.status).toBe(413);
    const chunked = await raw(
      server.port,
      'POST /in HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n4\r\nmore\r\n0\r\n\r\n',
    );
    expect(chunked).toMatch(/^HTTP\/1\.1 413 /);
    expect(chunked).toMatch(/connection: close/i);
    expect(handled).toEqual([16]);
  });

  it('drops a client that does not finish its headers in time', async () => {
    const { server } = await start({ timeouts: { headersMs: 200, requestMs: 400 } });
    const started = Date.now();
    const answer = await raw(server.port, 'GET /metrics HTTP/1.1\r\nHost: x\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('closes promptly with an idle keep-alive connection open, and close is idempotent', async () => {
    const { url, server } = await start();
    expect((await fetch(url('/healthz'))).status).toBe(200);
    const closed = server.close();
    expect(server.close()).toBe(closed);
    await closed;
    servers.length = 0;
    await expect(fetch(url('/healthz'))).rejects.toThrow();
  });

  it('fails to start on a port already taken', async () => {
    const { server } = await start();
    await expect(
      startHttpServer({ host: '127.0.0.1', port: server.port, metrics: createMetrics(), ready: () => true }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});
