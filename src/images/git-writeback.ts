/**
 * The Git side of ImageUpdateAutomation: bring a working clone to the right branch tip, let a callback edit
 * the files, commit what it changed and push, starting over on the new tip when the remote moved meanwhile.
 *
 * Differences from Flux's image-automation-controller, on purpose:
 * - the clone is kept in `dir` between runs (Flux clones afresh each time); see git-clone.ts;
 * - a push the remote refused because the branch moved is retried on the fresh tip, with the callback run
 *   again, up to `maxAttempts` (Flux fails the run and waits for the next interval);
 * - HTTPS only (isomorphic-git), no commit signing, author and committer are the same signature.
 */

import { GitSourceError } from '../sources/git/errors.js';
import { authHeaders, checkUrl, Operation, redactUrl } from '../sources/git/http.js';
import { checkRefPart } from '../sources/git/revision.js';
import type { GitAuth } from '../sources/git/types.js';
import { DEFAULT_MAX_BYTES } from '../sources/git/types.js';
import type { Remote, WorkClone } from './git-clone.js';
import { branchTips, fetchBranch, freshClone, openClone, setPushBase } from './git-clone.js';
import { commitChanges, isEmpty, pendingChanges } from './git-commit.js';
import { pushBranch } from './git-push.js';
import { markClean, resetTree } from './git-worktree.js';

export interface WriteBackOptions {
  url: string;
  auth?: GitAuth;
  allowInsecureHttp: boolean;
  /** The whole run, every attempt included. */
  timeoutMs: number;
  /** Cap on the checked-out tree (default {@link DEFAULT_MAX_BYTES}); the transfer is capped at twice this. */
  maxBytes?: number;
  checkoutBranch: string;
  /** Equal to `checkoutBranch` to push in place. */
  pushBranch: string;
  /** A directory this automation owns: the working clone is kept in it between runs. One run at a time. */
  dir: string;
  author: { name: string; email: string };
  now: () => Date;
  signal?: AbortSignal;
  /** Push attempts when the remote branch keeps moving; default 3. */
  maxAttempts?: number;
}

/** What the callback returns: undefined = nothing changed, no commit. */
export interface EditOutcome {
  message: string;
}

/**
 * `head` (nothing pushed) and `parent` (pushed) are the base commit, on `baseBranch` (the push branch when it
 * existed, else the checkout branch); `bytesReceived` counts everything the remote sent during the run.
 */
export type WriteBackResult =
  | { pushed: false; head: string; baseBranch: string; bytesReceived: number }
  | {
      pushed: true;
      commit: string;
      branch: string;
      attempts: number;
      parent: string;
      baseBranch: string;
      bytesReceived: number;
    };

/** The commit the callback edits on top of. */
export interface WriteBackBase {
  branch: string;
  commit: string;
}

const DEFAULT_ATTEMPTS = 3;

/** Local failures worth one more try from a fresh clone; remote ones would only fail again. */
const REMOTE_CODES = new Set([
  'AuthenticationFailed',
  'NotFound',
  'Network',
  'Timeout',
  'TooLarge',
  'Aborted',
]);

/**
 * Runs one write-back.
 *
 * The base: when `pushBranch` differs from `checkoutBranch` and already exists on the remote, the callback
 * works on top of the push branch, so a branch for a pull request accumulates commits (as in Flux); otherwise
 * it starts from the tip of `checkoutBranch`, and a new push branch is created from there.
 *
 * The callback edits files under `workTree` (symlinks are checked out as links: it must not follow them out
 * of the tree) and returns a commit message, or undefined when it changed nothing. Only the files it added,
 * modified or deleted are committed, with `author` as author and committer at `now()`; a run that changed
 * nothing makes no commit and no push request, whatever the callback returned. The push is never forced: when
 * the remote branch moved since the fetch, the run fetches again, resets to the new tip, runs the callback
 * again and retries, up to `maxAttempts`, then fails with PushRejected. Every failure is a GitSourceError
 * (AuthenticationFailed, Network, Timeout, Aborted, RefNotFound, TooLarge, PushRejected, ...) with the URL
 * redacted; an error the callback throws is passed on as it is.
 */
export async function writeBack(
  opts: WriteBackOptions,
  edit: (workTree: string, base: WriteBackBase) => Promise<EditOutcome | undefined>,
): Promise<WriteBackResult> {
  const url = checkUrl(opts.url, opts.allowInsecureHttp);
  const where = redactUrl(url);
  const checkoutBranch = checkRefPart(opts.checkoutBranch, 'checkoutBranch');
  const pushTo = checkRefPart(opts.pushBranch, 'pushBranch');
  const maxAttempts = opts.maxAttempts ?? DEFAULT_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError('maxAttempts must be a positive integer');
  }
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const op = new Operation(opts.timeoutMs, maxBytes * 2, opts.allowInsecureHttp);
  const onAbort = () => op.fail(new GitSourceError('Aborted', `write-back to ${where} was aborted`));
  if (opts.signal?.aborted === true) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const remote: Remote = { url, where, headers: authHeaders(opts.auth), op };
  const run: Run = { opts, remote, checkoutBranch, pushTo, maxBytes, clone: undefined, cache: {} };
  try {
    op.check();
    for (let attempt = 1; ; attempt++) {
      const { clone, base } = await prepare(run);
      const outcome = await edit(clone.tree, base);
      op.check();
      const commit = await local(`committing on branch ${pushTo}`, () => commitEdit(run, clone, outcome));
      op.check();
      if (commit === undefined) {
        return { pushed: false, head: base.commit, baseBranch: base.branch, bytesReceived: op.receivedBytes };
      }
      const pushed = await pushBranch({ clone, remote, branch: pushTo, cache: run.cache });
      if (pushed.ok) {
        return {
          pushed: true,
          commit,
          branch: pushTo,
          attempts: attempt,
          parent: base.commit,
          baseBranch: base.branch,
          bytesReceived: op.receivedBytes,
        };
      }
      if (attempt >= maxAttempts) {
        throw new GitSourceError(
          'PushRejected',
          `push to branch ${pushTo} of ${where} was rejected ${attempt} times: the branch kept moving (${pushed.reason})`,
        );
      }
    }
  } catch (err) {
    throw op.failed ?? err;
  } finally {
    op.done();
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Commits what the callback changed; undefined when it changed nothing. A callback that returns undefined
 * gets no commit, and its tree is marked clean only when it really changed nothing, so the next run starts
 * over from a fresh checkout otherwise.
 */
async function commitEdit(
  run: Run,
  clone: WorkClone,
  outcome: EditOutcome | undefined,
): Promise<string | undefined> {
  const changes = await pendingChanges(clone, run.cache);
  if (isEmpty(changes)) {
    await markClean(clone);
    return undefined;
  }
  if (outcome === undefined) return undefined;
  const commit = await commitChanges({
    clone,
    cache: run.cache,
    changes,
    branch: run.pushTo,
    message: outcome.message,
    signature: run.opts.author,
    when: run.opts.now(),
  });
  await markClean(clone);
  return commit;
}

interface Run {
  opts: WriteBackOptions;
  remote: Remote;
  checkoutBranch: string;
  pushTo: string;
  maxBytes: number;
  clone: WorkClone | undefined;
  /** isomorphic-git's object cache, shared by every step of the run so packs are read once. */
  cache: object;
}

/** Lists the branches, picks the base, and brings the clone and its work tree to it. */
async function prepare(run: Run): Promise<{ clone: WorkClone; base: WriteBackBase }> {
  const { remote, checkoutBranch, pushTo } = run;
  const branches = pushTo === checkoutBranch ? [checkoutBranch] : [checkoutBranch, pushTo];
  const tips = await branchTips(remote, branches);
  const checkoutTip = tips.get(checkoutBranch);
  if (checkoutTip === undefined) {
    throw new GitSourceError('RefNotFound', `branch ${checkoutBranch} not found on ${remote.where}`);
  }
  const pushTip = tips.get(pushTo);
  const [branch, tip] = pushTip === undefined ? [checkoutBranch, checkoutTip] : [pushTo, pushTip];
  let clone = run.clone;
  let reused = true;
  if (clone === undefined) {
    const opened = await local('opening the working clone', () => openClone(run.opts.dir, remote.url));
    clone = opened.clone;
    reused = opened.reused;
    run.clone = clone;
  }
  try {
    return { clone, base: await bringTo(run, clone, branch, tip) };
  } catch (err) {
    if (!reused || remote.op.failed !== undefined) throw err;
    if (err instanceof GitSourceError && REMOTE_CODES.has(err.code)) throw err;
    // A clone that fails locally (a damaged object, a ref that points nowhere) is not worth diagnosing.
    const fresh = await local('recreating the working clone', () => freshClone(run.opts.dir, remote.url));
    run.clone = fresh;
    run.cache = {};
    return { clone: fresh, base: await bringTo(run, fresh, branch, tip) };
  }
}

async function bringTo(
  run: Run,
  clone: WorkClone,
  branch: string,
  listedTip: string,
): Promise<WriteBackBase> {
  const commit = await fetchBranch({ clone, remote: run.remote, branch, listedTip, cache: run.cache });
  await local('recording the push base', () =>
    setPushBase(clone, branch === run.pushTo ? undefined : branch),
  );
  await local(`checking out branch ${branch}`, () =>
    resetTree({
      clone,
      op: run.remote.op,
      branch: run.pushTo,
      commit,
      maxBytes: run.maxBytes,
      cache: run.cache,
    }),
  );
  return { branch, commit };
}

/** Runs a local step; whatever it throws that is not ours becomes a Storage error naming the step. */
async function local<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof GitSourceError) throw err;
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'unknown';
    throw new GitSourceError('Storage', `${what} failed (${code})`, { causeCode: code });
  }
}
