/**
 * Pushes the automation's branch, never forced, and tells a remote that moved under us (worth another
 * attempt on the new tip) from one that refuses the push (a hook, branch protection, a broken pack).
 */
import * as fs from 'node:fs';
import { push } from 'isomorphic-git';
import { classifyError, GitSourceError } from '../sources/git/errors.js';
import type { Remote, WorkClone } from './git-clone.js';

export type PushOutcome = { ok: true } | { ok: false; reason: string };

/**
 * What `git receive-pack` and forges answer when the ref is no longer at the value the push expected:
 * `fetch first`, `non-fast-forward`, `failed to update ref`, `cannot lock ref ... but expected ...`; and
 * isomorphic-git's own `not-fast-forward`, when the ref advertisement already shows the branch moved.
 */
const MOVED =
  /not-fast-forward|non-fast-forward|fetch first|failed to (update|lock)|cannot lock ref|stale info|incorrect old value/i;

/** Pushes local `branch` to the same branch on the remote; `{ ok: false }` when the remote branch moved. */
export async function pushBranch(args: {
  clone: WorkClone;
  remote: Remote;
  branch: string;
  cache: object;
}): Promise<PushOutcome> {
  const { clone, remote, branch } = args;
  const ref = `refs/heads/${branch}`;
  try {
    await push({
      fs,
      http: remote.op.client(),
      gitdir: clone.gitdir,
      url: remote.url,
      remote: 'origin',
      ref,
      remoteRef: ref,
      // isomorphic-git adds its protocol header to the object it is given.
      headers: { ...remote.headers },
      cache: args.cache,
    });
    // No deadline check here: the push landed, and that is what the caller must hear.
    return { ok: true };
  } catch (err) {
    if (remote.op.failed !== undefined) throw remote.op.failed;
    const refused = refusal(err, ref);
    if (refused === undefined) throw classifyError(err, remote.where, `pushing branch ${branch}`);
    if (MOVED.test(refused)) return { ok: false, reason: refused };
    throw new GitSourceError(
      'PushRejected',
      `${remote.where} refused the push to branch ${branch}: ${refused}`,
      {
        causeCode: errorCode(err) ?? 'GitPushError',
      },
    );
  }
}

/**
 * The reason of a refused push, or undefined for any other failure. isomorphic-git throws PushRejectedError
 * when it sees from the ref advertisement that the push cannot fast-forward, and GitPushError carrying the
 * server's report when receive-pack refused. Server text is cut to one short line: it is not ours to log whole.
 */
function refusal(err: unknown, ref: string): string | undefined {
  const code = errorCode(err);
  const data = typeof err === 'object' && err !== null && 'data' in err ? err.data : undefined;
  if (code === 'PushRejectedError') {
    const reason = field(data, 'reason');
    return typeof reason === 'string' ? reason : 'rejected';
  }
  if (code !== 'GitPushError') return undefined;
  const result = field(data, 'result');
  const perRef = field(field(result, 'refs'), ref);
  const text = field(perRef, 'error') ?? field(result, 'error');
  return typeof text === 'string' ? oneLine(text) : 'rejected';
}

function field(v: unknown, key: string): unknown {
  return typeof v === 'object' && v !== null && key in v ? (v as Record<string, unknown>)[key] : undefined;
}

function errorCode(err: unknown): string | undefined {
  const code = field(err, 'code');
  return typeof code === 'string' ? code : undefined;
}

function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: server text may carry terminal escapes
  const line = (text.split('\n')[0] ?? '').replace(/[\x00-\x1f\x7f]/g, '').trim();
  return line.length > 200 ? `${line.slice(0, 200)}...` : line || 'rejected';
}
