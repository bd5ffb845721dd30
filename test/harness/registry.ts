/**
 * A real OCI registry for tests: the Debian `docker-registry` (distribution 2.8) with a config of its own,
 * filesystem storage in a temp dir, on 127.0.0.1. Three auth modes: none, htpasswd (basic auth, a bcrypt hash
 * made here), and token (a token service of the harness's own issuing RS256 JWTs the registry verifies against
 * a self-signed certificate in its `rootcertbundle`). Both auth modes accept one account or several (tests and
 * benches of per-credentials behaviour), every one of them with a random password.
 *
 * Clients talk to a small counting proxy in front of the registry (`host`, `url`): it records every request
 * the registry receives (method, path, status, whether it carried credentials) the moment it arrives, which an
 * access log read from the registry's output cannot promise, and it can answer the next requests itself with an
 * injected status (429 with Retry-After, 503). The push helpers go to the registry directly, so the request log
 * holds only what the code under test sent.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID, sign, X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { hashSync } from 'bcryptjs';
import { generate } from 'selfsigned';
import { create as createTar } from 'tar';
import { stringify as toYaml } from 'yaml';
import { terminate, waitReady } from './process.js';
import { freePort } from './prometheus.js';

export type RegistryAuthMode = 'none' | 'htpasswd' | 'token';

/** A username and password the registry (htpasswd) or its token service (token) accepts. */
export interface RegistryAccount {
  username: string;
  password: string;
}

export interface RegistryOptions {
  auth?: RegistryAuthMode;
  /**
   * The accounts accepted: a number of generated ones (`steward-test`, `steward-test-1`, ..., each with a random
   * password), or these. Default 1. The push helpers use the first.
   */
  accounts?: number | readonly RegistryAccount[];
  /** Lifetime of the tokens the token service issues (token mode). Default 300 s. */
  tokenTtlSeconds?: number;
  /** How long to wait for `GET /v2/` to answer. Default 15 s. */
  readyTimeoutMs?: number;
}

/** One request the registry received through the proxy. */
export interface RegistryRequest {
  method: string;
  /** Path and query, e.g. `/v2/charts/x/tags/list`. */
  path: string;
  /** Whether it carried an Authorization header, and of which scheme (`basic`, `bearer`). */
  authorization: string | undefined;
  userAgent: string | undefined;
  /** 0 until the answer has started. */
  status: number;
  /** Answered by an injected fault rather than the registry. */
  injected: boolean;
}

/** One request the token service received (token mode). */
export interface TokenRequest {
  service: string | undefined;
  scopes: string[];
  /** The username its basic credentials named, right password or not (the password is never kept). */
  username: string | undefined;
  /** Whether it carried the username and password of one of the accounts. */
  authenticated: boolean;
  /** Whether it carried an Authorization header at all. */
  hadAuthorization: boolean;
  status: number;
}

/** Chart.yaml fields; `name` and `version` are required, the rest is copied into the config blob as is. */
export interface ChartYaml {
  name: string;
  version: string;
  apiVersion?: string;
  [field: string]: unknown;
}

export interface PushedManifest {
  digest: string;
}

export interface RegistryHandle {
  /** `127.0.0.1:<port>` of the proxy, the address clients use. */
  host: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The first account's credentials; the password is random per registry. */
  username: string;
  password: string;
  /** Every account the registry (htpasswd) or the token service (token) accepts, the first one first. */
  accounts: readonly RegistryAccount[];
  /** The token service's base URL (token mode). */
  tokenUrl: string | undefined;
  /** Uploads a blob (POST, then PUT with the digest); returns its `sha256:` digest. */
  pushBlob(repository: string, bytes: Buffer): Promise<string>;
  /** PUTs a manifest under a tag or digest; returns the digest of the exact bytes sent. */
  pushManifest(
    repository: string,
    reference: string,
    manifest: Record<string, unknown> | Buffer,
    mediaType: string,
  ): Promise<PushedManifest>;
  /**
   * Pushes a chart as `helm push` does: an OCI manifest with the Chart.yaml fields as the config
   * (`application/vnd.cncf.helm.config.v1+json`) and the .tgz as its one layer, tagged with the version (`+`
   * written as `_`). `repository` is the chart's full repository, ending in the chart's name (`charts/x` for
   * `oci://host/charts/x`).
   */
  pushHelmChart(
    repository: string,
    tgz: Buffer,
    chartYaml: ChartYaml,
  ): Promise<PushedManifest & { tag: string; configDigest: string; layerDigest: string }>;
  /** Pushes a minimal OCI image (an image config and one small gzip layer) under `tag`. */
  pushImage(repository: string, tag: string): Promise<PushedManifest>;
  /**
   * Overwrites a stored blob's bytes behind the registry's back, so it serves content that no longer matches
   * its digest (what a corrupted or malicious store would do).
   */
  tamperBlob(digest: string, bytes: Buffer): Promise<void>;
  /** Every request the registry received through the proxy, in order of arrival. */
  requests(): readonly RegistryRequest[];
  /** Every request the token service received (empty unless token mode). */
  tokenRequests(): readonly TokenRequest[];
  /** Answers the next `n` requests whose path contains `pathContains` (all when omitted) with `status`. */
  failNext(n: number, status: number, headers?: Record<string, string>, pathContains?: string): void;
  /** What the registry wrote so far (its log), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** The first generated account's username; the others get `-1`, `-2`, ... after it. */
const USERNAME = 'steward-test';
const SERVICE = 'steward-test-registry';
const ISSUER = 'steward-test-issuer';
const LOG_LIMIT = 64 * 1024;
/** Fixed so that pushing the same chart twice gives the same digest, as with SOURCE_DATE_EPOCH. */
const CREATED = '2000-01-01T00:00:00Z';
/** Archive entry times, fixed for the same reason: the same files always pack to the same bytes. */
const FIXED_MTIME = new Date(CREATED);

/** Starts a registry (and its token service in token mode) and resolves once `GET /v2/` answers. */
export async function startRegistry(opts: RegistryOptions = {}): Promise<RegistryHandle> {
  const mode = opts.auth ?? 'none';
  const accounts = registryAccounts(opts.accounts ?? 1);
  const first = accounts[0] as RegistryAccount;
  const dir = await mkdtemp(join(tmpdir(), 'steward-registry-'));
  const cleanups: (() => Promise<void>)[] = [async () => rm(dir, { recursive: true, force: true })];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  };
  try {
    let auth: Record<string, unknown> | undefined;
    let issuer: TokenIssuer | undefined;
    if (mode === 'htpasswd') {
      const htpasswd = join(dir, 'htpasswd');
      // Cost 4, the lowest bcrypt allows: the registry checks it on every request.
      const lines = accounts.map((a) => `${a.username}:${hashSync(a.password, 4)}\n`);
      await writeFile(htpasswd, lines.join(''));
      auth = { htpasswd: { realm: 'steward-test', path: htpasswd } };
    } else if (mode === 'token') {
      issuer = await startTokenIssuer(accounts, opts.tokenTtlSeconds ?? 300);
      const server = issuer.server;
      cleanups.push(() => closeServer(server));
      const bundle = join(dir, 'token-ca.pem');
      await writeFile(bundle, issuer.certPem);
      auth = {
        token: { realm: `${issuer.url}/token`, service: SERVICE, issuer: ISSUER, rootcertbundle: bundle },
      };
    }
    const registry = await spawnRegistry(dir, auth, opts.readyTimeoutMs ?? 15_000);
    cleanups.push(() => terminate(registry.child, 5_000));
    const proxy = await startProxy(registry.port);
    cleanups.push(() => closeServer(proxy.server));
    const direct = `http://127.0.0.1:${registry.port}`;

    const authHeaders = (repository: string): Record<string, string> => {
      if (mode === 'htpasswd') {
        return { authorization: basicAuthorization(first) };
      }
      if (mode === 'token' && issuer) {
        const token = issuer.issue([`repository:${repository}:pull,push`], SERVICE, first.username);
        return { authorization: `Bearer ${token}` };
      }
      return {};
    };

    const pushBlob = async (repository: string, bytes: Buffer): Promise<string> => {
      const digest = sha256(bytes);
      const start = await fetch(`${direct}/v2/${repository}/blobs/uploads/`, {
        method: 'POST',
        headers: authHeaders(repository),
      });
      await expectStatus(start, 202, `starting an upload to ${repository}`);
      const location = start.headers.get('location');
      if (location === null) throw new Error(`starting an upload to ${repository}: no Location`);
      const put = new URL(location, direct);
      put.searchParams.set('digest', digest);
      const done = await fetch(put, {
        method: 'PUT',
        headers: { ...authHeaders(repository), 'content-type': 'application/octet-stream' },
        body: bytes,
      });
      await expectStatus(done, 201, `uploading ${digest} to ${repository}`);
      return digest;
    };

    const pushManifest = async (
      repository: string,
      reference: string,
      manifest: Record<string, unknown> | Buffer,
      mediaType: string,
    ): Promise<PushedManifest> => {
      const bytes = Buffer.isBuffer(manifest) ? manifest : Buffer.from(JSON.stringify(manifest));
      const res = await fetch(`${direct}/v2/${repository}/manifests/${reference}`, {
        method: 'PUT',
        headers: { ...authHeaders(repository), 'content-type': mediaType },
        body: bytes,
      });
      await expectStatus(res, 201, `pushing manifest ${repository}:${reference}`);
      return { digest: sha256(bytes) };
    };

    const pushHelmChart: RegistryHandle['pushHelmChart'] = async (repository, tgz, chartYaml) => {
      if (repository.split('/').at(-1) !== chartYaml.name) {
        throw new Error(
          `pushHelmChart: repository ${repository} must end in the chart's name ${chartYaml.name}`,
        );
      }
      const config = Buffer.from(JSON.stringify({ apiVersion: 'v2', ...chartYaml }));
      const configDigest = await pushBlob(repository, config);
      const layerDigest = await pushBlob(repository, tgz);
      const tag = chartYaml.version.replaceAll('+', '_');
      const annotations: Record<string, string> = {
        'org.opencontainers.image.created': CREATED,
        'org.opencontainers.image.title': chartYaml.name,
        'org.opencontainers.image.version': chartYaml.version,
      };
      if (typeof chartYaml.description === 'string') {
        annotations['org.opencontainers.image.description'] = chartYaml.description;
      }
      const { digest } = await pushManifest(
        repository,
        tag,
        {
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          config: { mediaType: HELM_CONFIG, digest: configDigest, size: config.length },
          layers: [{ mediaType: HELM_CHART_CONTENT, digest: layerDigest, size: tgz.length }],
          annotations,
        },
        OCI_MANIFEST,
      );
      return { digest, tag, configDigest, layerDigest };
    };

    const pushImage = async (repository: string, tag: string): Promise<PushedManifest> => {
      const work = await mkdtemp(join(dir, 'image-'));
      await mkdir(join(work, 'content'));
      await writeFile(join(work, 'content', 'hello.txt'), `${repository}:${tag}\n`);
      const tarFile = join(work, 'layer.tar');
      await createTar({ file: tarFile, cwd: join(work, 'content'), portable: true, mtime: FIXED_MTIME }, [
        'hello.txt',
      ]);
      const layerTar = await readFile(tarFile);
      await rm(work, { recursive: true, force: true });
      const layer = gzipSync(layerTar);
      const config = Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          created: CREATED,
          config: {},
          rootfs: { type: 'layers', diff_ids: [sha256(layerTar)] },
        }),
      );
      const configDigest = await pushBlob(repository, config);
      const layerDigest = await pushBlob(repository, layer);
      return pushManifest(
        repository,
        tag,
        {
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          config: {
            mediaType: 'application/vnd.oci.image.config.v1+json',
            digest: configDigest,
            size: config.length,
          },
          layers: [
            {
              mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
              digest: layerDigest,
              size: layer.length,
            },
          ],
        },
        OCI_MANIFEST,
      );
    };

    let stopping: Promise<void> | undefined;
    return {
      host: proxy.host,
      url: `http://${proxy.host}`,
      username: first.username,
      password: first.password,
      accounts,
      tokenUrl: issuer?.url,
      pushBlob,
      pushManifest,
      pushHelmChart,
      pushImage,
      async tamperBlob(digest, bytes) {
        const [algorithm = '', hex = ''] = digest.split(':');
        const data = join(
          dir,
          'storage',
          'docker',
          'registry',
          'v2',
          'blobs',
          algorithm,
          hex.slice(0, 2),
          hex,
          'data',
        );
        await readFile(data); // throws if the blob was never pushed
        await writeFile(data, bytes);
      },
      requests: () => proxy.log,
      tokenRequests: () => issuer?.log ?? [],
      failNext(n, status, headers = {}, pathContains = '') {
        for (let i = 0; i < n; i++) proxy.faults.push({ status, headers, pathContains });
      },
      log: registry.output,
      stop() {
        stopping ??= cleanup();
        return stopping;
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * Packs a chart directory (Chart.yaml from `chart`, plus `files` relative to the chart root) as `helm package`
 * does, reproducibly: the same input gives the same bytes, and so the same digest.
 */
export async function buildChartTgz(chart: ChartYaml, files: Record<string, string> = {}): Promise<Buffer> {
  const work = await mkdtemp(join(tmpdir(), 'steward-chart-'));
  try {
    const root = join(work, chart.name);
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'Chart.yaml'), toYaml({ apiVersion: 'v2', ...chart }));
    for (const [path, content] of Object.entries(files)) {
      const target = join(root, path);
      await mkdir(join(target, '..'), { recursive: true });
      await writeFile(target, content);
    }
    const file = join(work, 'chart.tgz');
    await createTar({ file, cwd: work, gzip: true, portable: true, mtime: FIXED_MTIME }, [chart.name]);
    return await readFile(file);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
const HELM_CHART_CONTENT = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

/** The accounts a registry accepts: `n` generated ones, or the given ones once checked. */
function registryAccounts(spec: number | readonly RegistryAccount[]): RegistryAccount[] {
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 1)
      throw new Error(`startRegistry: accounts must be a whole number of at least 1, not ${spec}`);
    return Array.from({ length: spec }, (_, i) => ({
      username: i === 0 ? USERNAME : `${USERNAME}-${i}`,
      password: randomBytes(12).toString('hex'),
    }));
  }
  if (spec.length === 0) throw new Error('startRegistry: accounts must name at least one account');
  const seen = new Set<string>();
  for (const a of spec) {
    // Basic auth and htpasswd lines both end the username at the first colon.
    if (a.username === '' || a.username.includes(':') || a.username.includes('\n'))
      throw new Error(
        `startRegistry: account username ${JSON.stringify(a.username)} must be one line, not empty, without a colon`,
      );
    if (a.password === '' || a.password.includes('\n'))
      throw new Error(`startRegistry: account ${a.username} has an empty or multi-line password`);
    if (seen.has(a.username)) throw new Error(`startRegistry: account ${a.username} is listed twice`);
    seen.add(a.username);
  }
  return spec.map((a) => ({ username: a.username, password: a.password }));
}

function basicAuthorization(account: RegistryAccount): string {
  return `Basic ${Buffer.from(`${account.username}:${account.password}`).toString('base64')}`;
}

/** The username and password of a basic Authorization header, if it is one. */
function basicCredentials(header: string | undefined): RegistryAccount | undefined {
  const match = /^basic\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function expectStatus(res: Response, status: number, what: string): Promise<void> {
  const body = await res.text();
  if (res.status !== status)
    throw new Error(`${what}: HTTP ${res.status} (wanted ${status}): ${body.slice(0, 500)}`);
}

interface SpawnedRegistry {
  child: ChildProcess;
  port: number;
  output: () => string;
}

async function spawnRegistry(
  dir: string,
  auth: Record<string, unknown> | undefined,
  readyTimeoutMs: number,
): Promise<SpawnedRegistry> {
  // A port picked by binding :0 can be taken again before the registry binds it; try a fresh one then.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const config = {
      version: 0.1,
      log: { level: 'info', formatter: 'text', accesslog: { disabled: true } },
      storage: {
        filesystem: { rootdirectory: join(dir, 'storage') },
        delete: { enabled: true },
        maintenance: { uploadpurging: { enabled: false } },
      },
      http: { addr: `127.0.0.1:${port}`, secret: randomBytes(16).toString('hex') },
      ...(auth === undefined ? {} : { auth }),
    };
    const configPath = join(dir, 'config.yml');
    // JSON is YAML, and it spares us quoting.
    await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
    let output = '';
    const child = spawn('docker-registry', ['serve', configPath], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-LOG_LIMIT);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const outcome = await waitReady(child, {
      program: 'docker-registry',
      url: `http://127.0.0.1:${port}/v2/`,
      statuses: [200, 401],
      timeoutMs: readyTimeoutMs,
      pollMs: 50,
    });
    if (outcome === 'ready') return { child, port, output: () => output };
    await terminate(child, 5_000);
    if (outcome === 'exited' && attempt < 3 && output.includes('address already in use')) continue;
    throw new Error(`docker-registry did not become ready (${outcome}):\n${output.slice(-4000)}`);
  }
}

interface Fault {
  status: number;
  headers: Record<string, string>;
  pathContains: string;
}

interface Proxy {
  server: Server;
  host: string;
  log: RegistryRequest[];
  faults: Fault[];
}

async function startProxy(registryPort: number): Promise<Proxy> {
  const log: RegistryRequest[] = [];
  const faults: Fault[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    const scheme = req.headers.authorization?.split(' ')[0]?.toLowerCase();
    const record: RegistryRequest = {
      method: req.method ?? 'GET',
      path,
      authorization: scheme,
      userAgent: req.headers['user-agent'],
      status: 0,
      injected: false,
    };
    log.push(record);
    const fault = faults.findIndex((f) => path.includes(f.pathContains));
    if (fault >= 0) {
      const [f] = faults.splice(fault, 1);
      record.injected = true;
      record.status = f?.status ?? 500;
      req.resume();
      res.writeHead(record.status, { 'content-type': 'application/json', ...f?.headers });
      res.end('{"errors":[{"code":"TOOMANYREQUESTS","message":"injected by the test"}]}');
      return;
    }
    forward(req, res, registryPort, record);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { server, host: `127.0.0.1:${port}`, log, faults };
}

function forward(req: IncomingMessage, res: ServerResponse, port: number, record: RegistryRequest): void {
  // The Host header goes through unchanged, so the registry's own URLs (upload Locations) point at the proxy.
  const upstream = request(
    { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      record.status = answer.statusCode ?? 502;
      res.writeHead(record.status, answer.rawHeaders);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    record.status = 502;
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
}

interface TokenIssuer {
  server: Server;
  url: string;
  certPem: string;
  log: TokenRequest[];
  /** Signs a token for `subject` granting `scopes` (`repository:<name>:<actions>`). */
  issue(scopes: readonly string[], service: string, subject: string): string;
}

/**
 * The token service of the Docker/Distribution token spec, reduced to what the registry checks: an RS256 JWT
 * whose `x5c` header carries a certificate in the registry's root bundle, with iss, aud (the service), exp, nbf
 * and the granted `access`. It grants every requested scope to any of the accounts, with its username as `sub`.
 */
async function startTokenIssuer(
  accounts: readonly RegistryAccount[],
  ttlSeconds: number,
): Promise<TokenIssuer> {
  const pems = await generate([{ name: 'commonName', value: ISSUER }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 60_000),
    notAfterDate: new Date(Date.now() + 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
    ],
  });
  const x5c = new X509Certificate(pems.cert).raw.toString('base64');
  const issue = (scopes: readonly string[], service: string, subject: string): string => {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'RS256', x5c: [x5c] };
    const claims = {
      iss: ISSUER,
      sub: subject,
      aud: service,
      exp: now + ttlSeconds,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access: scopes.map(parseScope).filter((a) => a !== undefined),
    };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    return `${signingInput}.${sign('sha256', Buffer.from(signingInput), pems.private).toString('base64url')}`;
  };
  const log: TokenRequest[] = [];
  const passwords = new Map(accounts.map((a) => [a.username, a.password]));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://issuer');
    const asked = basicCredentials(req.headers.authorization);
    const record: TokenRequest = {
      service: url.searchParams.get('service') ?? undefined,
      scopes: url.searchParams.getAll('scope'),
      username: asked?.username,
      authenticated: asked !== undefined && passwords.get(asked.username) === asked.password,
      hadAuthorization: req.headers.authorization !== undefined,
      status: 0,
    };
    log.push(record);
    const answer = (status: number, body: unknown) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/token' || req.method !== 'GET')
      return answer(404, { errors: [{ code: 'NOT_FOUND' }] });
    if (!record.authenticated) {
      res.setHeader('www-authenticate', 'Basic realm="steward-test-issuer"');
      return answer(401, { errors: [{ code: 'UNAUTHORIZED', message: 'wrong or missing credentials' }] });
    }
    if (record.service === undefined) return answer(400, { errors: [{ code: 'INVALID_REQUEST' }] });
    const token = issue(record.scopes, record.service, asked?.username ?? '');
    return answer(200, {
      token,
      access_token: token,
      expires_in: ttlSeconds,
      issued_at: new Date().toISOString(),
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { server, url: `http://127.0.0.1:${port}`, certPem: pems.cert, log, issue };
}

function parseScope(scope: string): { type: string; name: string; actions: string[] } | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope.slice(last + 1).split(','),
  };
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
