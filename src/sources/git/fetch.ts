/**
 * Produces the artifact for one resolved commit: a depth-1 fetch of exactly that commit into a fresh
 * workspace, a checkout without `.git`, then an atomic switch of `<dir>/current`. Anything failing leaves
 * the previous artifact in place.
 */
import * as fs from 'node:fs';
import { addRemote, fetch as gitFetch, init } from 'isomorphic-git';
import { checkoutTree } from './checkout.js';
import { classifyError, GitSourceError } from './errors.js';
import { authHeaders, checkUrl, Operation, redactUrl } from './http.js';
import type { StoredArtifact, Workspace } from './storage.js';
import { createWorkspace, discardWorkspace, publish } from './storage.js';
import type { Artifact, FetchOptions, GitAuth, ResolvedRevision } from './types.js';
import { DEFAULT_MAX_BYTES } from './types.js';

const SHA1 = /^[0-9a-f]{40}$/;

/**
 * Fetches `resolved.sha` and makes it the current artifact in `opts.dir`.
 *
 * The commit is requested by id rather than by ref, so a branch that moved since the poll still yields the
 * polled commit. Smart-HTTP servers run upload-pack statelessly and accept any reachable commit as a want
 * (git http-backend, GitHub, GitLab, Gitea); a commit the server does not have is RefNotFound.
 * The transfer is capped at twice `maxBytes`: isomorphic-git holds the whole pack in memory.
 */
export async function fetchArtifact(
  url: string,
  resolved: ResolvedRevision,
  auth: GitAuth | undefined,
  opts: FetchOptions,
): Promise<Artifact> {
  const insecure = opts.allowInsecureHttp ?? false;
  const remote = checkUrl(url, insecure);
  if (!SHA1.test(resolved.sha)) throw new GitSourceError('InvalidRef', 'resolved commit is not a SHA-1');
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const op = new Operation(opts.timeoutMs, maxBytes * 2, insecure);
  let ws: Workspace | undefined;
  try {
    ws = await createWorkspace(opts.dir);
    await init({ fs, gitdir: ws.gitdir, bare: true });
    await addRemote({ fs, gitdir: ws.gitdir, remote: 'origin', url: remote });
    await gitFetch({
      fs,
      http: op.client(),
      gitdir: ws.gitdir,
      url: remote,
      remoteRef: resolved.sha,
      singleBranch: true,
      depth: 1,
      tags: false,
      headers: authHeaders(auth),
    });
    op.check();
    const tree = await checkoutTree({
      gitdir: ws.gitdir,
      commit: resolved.sha,
      dest: ws.files,
      maxBytes,
      op,
    });
    op.check();
    const meta: Omit<StoredArtifact, 'path'> = {
      revision: resolved.revision,
      digest: tree.digest,
      size: tree.size,
      lastUpdateTime: new Date().toISOString(),
      ...(tree.skippedSymlinks.length > 0 ? { skippedSymlinks: tree.skippedSymlinks } : {}),
    };
    const artifact = await publish(opts.dir, ws, meta);
    ws = undefined;
    return artifact;
  } catch (err) {
    throw op.failed ?? classifyError(err, redactUrl(remote), `fetching ${resolved.revision}`);
  } finally {
    op.done();
    if (ws !== undefined) await discardWorkspace(ws);
  }
}
