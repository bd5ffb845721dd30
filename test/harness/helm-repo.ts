/**
 * A static Helm chart repository for tests: a plain node:http server over a temp directory holding the
 * `.tgz` archives the real `helm package` built and the `index.yaml` the real `helm repo index` wrote. It
 * answers conditional requests (ETag / If-None-Match, Last-Modified / If-Modified-Since) as a static web
 * server does, can require basic auth, and logs every request so tests can count downloads.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';

export interface HelmRepoOptions {
  /** Require `Authorization: Basic` with these credentials. */
  basic?: { username: string; password: string };
}

export interface HelmRepoRequest {
  method: string;
  /** Path and query, e.g. `/index.yaml`. */
  url: string;
  status: number;
  hasAuthorization: boolean;
}

export interface PackagedChart {
  name: string;
  version: string;
  /** The archive's file name in the repository. */
  file: string;
  /** `sha256:<hex>` of the archive, as Steward reports it. */
  digest: string;
  bytes: Buffer;
}

export interface HelmRepoServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  /** Packages a chart directory with `helm package` (its Chart.yaml version, or `version`), then re-indexes. */
  addChart(chartDir: string, opts?: { version?: string }): Promise<PackagedChart>;
  /** Every request served so far, in order. */
  requests(): readonly HelmRepoRequest[];
  stop(): Promise<void>;
}

/** Runs the real helm with its own config, cache and data homes, as the agent does. */
export async function runHelm(args: readonly string[], home: string): Promise<string> {
  const r = await execa('helm', args, {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_DATA_HOME: join(home, 'data'),
    },
    extendEnv: false,
  });
  return r.stdout;
}

/** `helm package` of `chartDir` into `outDir`; returns the archive. */
export async function packageChart(
  chartDir: string,
  outDir: string,
  home: string,
  version?: string,
): Promise<PackagedChart> {
  const out = await runHelm(
    ['package', chartDir, '-d', outDir, ...(version ? ['--version', version] : [])],
    home,
  );
  const path = out.match(/saved it to: (.+\.tgz)\s*$/m)?.[1];
  if (!path) throw new Error(`helm package printed no archive path: ${out}`);
  const bytes = await readFile(path);
  const chart = parse(await runHelm(['show', 'chart', path], home)) as { name: string; version: string };
  return {
    name: chart.name,
    version: chart.version,
    file: basename(path),
    digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
    bytes,
  };
}

export async function startHelmRepo(opts: HelmRepoOptions = {}): Promise<HelmRepoServer> {
  const base = await mkdtemp(join(tmpdir(), 'steward-helm-repo-'));
  const root = join(base, 'repo');
  const home = join(base, 'home');
  await mkdir(root);
  await mkdir(home);
  const log: HelmRepoRequest[] = [];
  const expected = opts.basic
    ? Buffer.from(`Basic ${Buffer.from(`${opts.basic.username}:${opts.basic.password}`).toString('base64')}`)
    : undefined;

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    if (expected) {
      const got = Buffer.from(req.headers.authorization ?? '');
      if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' }).end();
        return 401;
      }
    }
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return 405;
    }
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.')) {
      res.writeHead(404).end();
      return 404;
    }
    let bytes: Buffer;
    let mtime: Date;
    try {
      bytes = await readFile(join(root, name));
      mtime = (await stat(join(root, name))).mtime;
    } catch {
      res.writeHead(404).end();
      return 404;
    }
    const etag = `"${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}"`;
    const lastModified = new Date(Math.floor(mtime.getTime() / 1000) * 1000);
    const since = req.headers['if-modified-since'];
    const notModified =
      req.headers['if-none-match'] !== undefined
        ? req.headers['if-none-match'] === etag
        : since !== undefined && Date.parse(since) >= lastModified.getTime();
    const headers = {
      etag,
      'last-modified': lastModified.toUTCString(),
      'content-type': name.endsWith('.yaml') ? 'application/x-yaml' : 'application/gzip',
    };
    if (notModified) {
      res.writeHead(304, headers).end();
      return 304;
    }
    res.writeHead(200, { ...headers, 'content-length': String(bytes.length) });
    res.end(req.method === 'HEAD' ? undefined : bytes);
    return 200;
  };

  const server = createServer((req, res) => {
    serve(req, res).then(
      (status) =>
        log.push({
          method: req.method ?? '',
          url: req.url ?? '',
          status,
          hasAuthorization: req.headers.authorization !== undefined,
        }),
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    async addChart(chartDir, o = {}) {
      const chart = await packageChart(chartDir, root, home, o.version);
      await runHelm(['repo', 'index', root, '--url', `${url}/`], home);
      return chart;
    },
    requests: () => log,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(base, { recursive: true, force: true });
    },
  };
}
