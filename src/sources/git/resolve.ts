/**
 * The cheap poll: one protocol v2 `ls-refs` (about 20 ms) narrowed to the refs the GitRef needs. Callers
 * compare the revision with the stored artifact and fetch only when it changed.
 */
import { listServerRefs } from 'isomorphic-git';
import { classifyError } from './errors.js';
import { authHeaders, checkUrl, Operation, redactUrl } from './http.js';
import { listPrefix, planRef, selectRevision } from './revision.js';
import type { GitAuth, GitRef, RemoteOptions, ResolvedRevision } from './types.js';

/** A ref listing larger than this is not a listing we want to hold in memory. */
const LISTING_BUDGET = 64 * 1024 * 1024;

/** Resolves a GitRef to the commit it names on the remote, in Flux's revision format. */
export async function resolveRevision(
  url: string,
  ref: GitRef,
  auth: GitAuth | undefined,
  opts: RemoteOptions,
): Promise<ResolvedRevision> {
  const insecure = opts.allowInsecureHttp ?? false;
  const remote = checkUrl(url, insecure);
  const plan = planRef(ref);
  const op = new Operation(opts.timeoutMs, LISTING_BUDGET, insecure);
  try {
    const refs = await listServerRefs({
      http: op.client(),
      url: remote,
      headers: authHeaders(auth),
      prefix: listPrefix(plan),
      symrefs: true,
      peelTags: true,
      protocolVersion: 2,
    });
    op.check();
    return selectRevision(plan, refs);
  } catch (err) {
    throw op.failed ?? classifyError(err, redactUrl(remote), 'listing refs');
  } finally {
    op.done();
  }
}
