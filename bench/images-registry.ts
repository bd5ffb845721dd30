/**
 * The image bench's registry: the test harness's real docker-registry in token mode (its counting proxy and its
 * token issuer), holding one image under a few tags, behind a small front of the bench's own that lets several
 * accounts log in. The harness's token issuer knows one username and password; a registry with several
 * accounts is what the "per credentials" row needs, so the front rewrites the registry's token realm to its own
 * `/token` and passes a token request on with the harness's credentials when it carries any of the bench's
 * accounts (and without credentials otherwise, which the issuer refuses). Everything else goes to the harness's
 * proxy unchanged, so its request log and the issuer's log count exactly what the clients sent.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { type RegistryHandle, startRegistry } from '../test/harness/registry.js';

/** The repository every ImageRepository of the bench watches. */
export const BENCH_REPOSITORY = 'bench/app';
/** Tags pushed; the bench's ImagePolicies pick the highest 1.x release. */
export const BENCH_TAGS = ['1.0.0', '1.1.0', '1.2.0', '1.3.0-rc.1', '2.0.0-rc.1', 'latest'] as const;
export const BENCH_RANGE = '>=1.0.0 <2.0.0';
export const BENCH_PICK = '1.2.0';

export interface Account {
  username: string;
  password: string;
}

/** Cumulative counts since the registry started. */
export interface RegistryCounts {
  /** tags/list requests the registry served or is serving (401 challenges are in `other`). */
  tagLists: number;
  /** Requests to the token service. */
  tokens: number;
  /** Every other registry request: 401 challenges, `/v2/` probes, manifests. */
  other: number;
}

export interface BenchRegistry {
  /** `127.0.0.1:<port>` of the front: the registry host clients use. */
  host: string;
  /** `<host>/bench/app` */
  image: string;
  accounts: readonly Account[];
  counts(): RegistryCounts;
  stop(): Promise<void>;
}

/** Starts the registry, pushes the bench's tags, and puts the front with `accounts` accounts before it. */
export async function startBenchRegistry(accounts: number): Promise<BenchRegistry> {
  const reg = await startRegistry({ auth: 'token', tokenTtlSeconds: 300 });
  try {
    for (const tag of BENCH_TAGS) await reg.pushImage(BENCH_REPOSITORY, tag);
    const list = Array.from({ length: accounts }, (_, i) => ({
      username: `tenant-account-${i}`,
      password: randomBytes(12).toString('hex'),
    }));
    const front = await startFront(reg, list);
    const counts = (): RegistryCounts => {
      let tagLists = 0;
      let other = 0;
      for (const r of reg.requests()) {
        if (r.path.includes('/tags/list') && r.status !== 401) tagLists += 1;
        else other += 1;
      }
      return { tagLists, tokens: reg.tokenRequests().length, other };
    };
    return {
      host: front.host,
      image: `${front.host}/${BENCH_REPOSITORY}`,
      accounts: list,
      counts,
      async stop() {
        await closeServer(front.server);
        await reg.stop();
      },
    };
  } catch (err) {
    await reg.stop();
    throw err;
  }
}

interface Front {
  server: Server;
  host: string;
}

async function startFront(reg: RegistryHandle, accounts: readonly Account[]): Promise<Front> {
  const tokenUrl = reg.tokenUrl;
  if (tokenUrl === undefined) throw new Error('the registry has no token service');
  const upstream = new URL(reg.url);
  const accepted = new Set(accounts.map(basic));
  const harness = basic({ username: reg.username, password: reg.password });
  let ownToken = '';
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/token' || path.startsWith('/token?')) {
      const authorization = req.headers.authorization;
      const headers: Record<string, string> = { accept: 'application/json' };
      if (authorization !== undefined && accepted.has(authorization)) headers.authorization = harness;
      req.resume();
      relay(new URL(path, tokenUrl), 'GET', headers, undefined, res, (_name, value) => value);
      return;
    }
    // The Host header goes through unchanged, so the registry's own URLs point at the front.
    relay(
      new URL(path, upstream),
      req.method ?? 'GET',
      req.headers as Record<string, string>,
      req,
      res,
      (name, value) =>
        name.toLowerCase() === 'www-authenticate' ? value.replace(tokenUrl, ownToken) : value,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const host = `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  ownToken = `http://${host}`;
  return { server, host };
}

/** Sends one request upstream and pipes the answer back, each header value passed through `rewrite`. */
function relay(
  url: URL,
  method: string,
  headers: Record<string, string | string[] | undefined>,
  body: IncomingMessage | undefined,
  res: ServerResponse,
  rewrite: (name: string, value: string) => string,
): void {
  const out = request(
    { host: url.hostname, port: url.port, method, path: `${url.pathname}${url.search}`, headers },
    (answer) => {
      const raw = answer.rawHeaders;
      const rewritten: string[] = [];
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const name = raw[i] ?? '';
        rewritten.push(name, rewrite(name, raw[i + 1] ?? ''));
      }
      res.writeHead(answer.statusCode ?? 502, rewritten);
      answer.pipe(res);
    },
  );
  out.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  if (body) body.pipe(out);
  else out.end();
}

function basic(a: Account): string {
  return `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
