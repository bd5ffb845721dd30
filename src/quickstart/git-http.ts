/**
 * A Git smart-HTTP server: a Node HTTP server on 127.0.0.1 that runs the git CLI's `git http-backend` as CGI
 * over a directory of bare repositories. The quick start serves its example repository with it, and the test
 * harness builds on it (adding auth, fault injection and a request log through the gate).
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Runs first for every request, synchronously up to its first await. It either answers the request itself
 * (a 401, an injected failure) and returns `false`, or returns the user name to hand the backend as
 * REMOTE_USER ('' for an anonymous request).
 */
export type GitHttpGate = (
  req: IncomingMessage,
  res: ServerResponse,
) => Promise<string | false> | string | false;

/** What to serve and how; see {@link startGitHttpServer}. */
export interface GitHttpServerOptions {
  /** The directory holding the bare repositories: `/<name>.git` serves `<root>/<name>.git`. */
  root: string;
  /**
   * The base environment of `git http-backend` (at least PATH); the CGI variables are added per request.
   * Leave out HOME and pass GIT_CONFIG_NOSYSTEM and GIT_CONFIG_GLOBAL to keep the machine's config out.
   */
  env: Readonly<Record<string, string>>;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  gate?: GitHttpGate;
}

/** A running server. */
export interface GitHttpServer {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  port: number;
  /** The clone URL of the bare repository `<root>/<name>.git`. */
  url(name: string): string;
  /** Closes every connection (ending running backends) and stops listening. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/** Starts the server; resolves once it listens. */
export async function startGitHttpServer(opts: GitHttpServerOptions): Promise<GitHttpServer> {
  const server = createServer((req, res) => {
    let admitted: Promise<string | false>;
    try {
      admitted = Promise.resolve(opts.gate ? opts.gate(req, res) : '');
    } catch (err) {
      admitted = Promise.reject(err);
    }
    admitted.then(
      (user) => {
        if (user !== false) runBackend(req, res, opts, user);
      },
      () => {
        req.resume();
        if (!res.headersSent) res.writeHead(500);
        res.end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://${HOST}:${port}`;
  return {
    baseUrl,
    port,
    url: (name) => `${baseUrl}/${name}.git`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Creates a bare repository that accepts pushes over HTTP, with `branch` as its default branch. */
export async function initBareRepo(
  git: (args: readonly string[]) => Promise<string>,
  path: string,
  branch: string,
): Promise<void> {
  await git(['init', '--quiet', '--bare', `--initial-branch=${branch}`, path]);
  // http-backend refuses receive-pack to anonymous users unless the repository enables it explicitly.
  await git(['--git-dir', path, 'config', 'http.receivepack', 'true']);
}

function runBackend(
  req: IncomingMessage,
  res: ServerResponse,
  opts: GitHttpServerOptions,
  user: string,
): void {
  const url = new URL(req.url ?? '/', `http://${HOST}`);
  let pathInfo: string;
  try {
    pathInfo = decodeURIComponent(url.pathname);
  } catch {
    req.resume();
    res.writeHead(400, { 'content-type': 'text/plain' }).end('bad path\n');
    return;
  }
  const env: Record<string, string> = {
    ...opts.env,
    GIT_PROJECT_ROOT: opts.root,
    GIT_HTTP_EXPORT_ALL: '1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: pathInfo,
    QUERY_STRING: url.search.slice(1),
    REMOTE_ADDR: HOST,
  };
  const optional: Record<string, string | undefined> = {
    CONTENT_TYPE: header(req, 'content-type'),
    // Only when present: http-backend reads a chunked body to EOF when CONTENT_LENGTH is unset.
    CONTENT_LENGTH: header(req, 'content-length'),
    GIT_PROTOCOL: header(req, 'git-protocol'),
    HTTP_CONTENT_ENCODING: header(req, 'content-encoding'),
    REMOTE_USER: user === '' ? undefined : user,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) env[k] = v;
  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  req.pipe(child.stdin);
  child.stdin.on('error', () => {});
  res.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const parsed = parseCgiHead(head);
    if (parsed === undefined) return;
    headersDone = true;
    res.writeHead(parsed.status, parsed.headers);
    if (parsed.rest.length > 0) res.write(parsed.rest);
  });
  child.on('close', () => {
    if (!headersDone) {
      if (!res.headersSent) res.writeHead(502);
      res.end('bad CGI response\n');
    } else res.end();
  });
  child.on('error', () => {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Splits CGI output into status, headers and the start of the body, once the blank line has arrived. */
function parseCgiHead(
  buf: Buffer,
): { status: number; headers: Record<string, string>; rest: Buffer } | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  const end = crlf !== -1 && (lf === -1 || crlf < lf) ? crlf + 4 : lf !== -1 ? lf + 2 : -1;
  if (end === -1) return undefined;
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of buf.subarray(0, end).toString('latin1').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const key = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else headers[key] = value;
  }
  return { status, headers, rest: buf.subarray(end) };
}
