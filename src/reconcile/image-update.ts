/**
 * The ImageUpdateAutomation reconciler (Flux image-automation-controller, Setters strategy). It checks out the
 * GitRepository's branch into a working clone it keeps, rewrites the values at setter markers from the picks
 * of the ImagePolicies of its namespace, commits with the configured author and message, and pushes. Nothing
 * to change means no commit; a push the remote rejects is redone on a fresh fetch (in git-writeback.ts).
 *
 * After a push the GitRepository is reconciled at once, so the commit reaches its Syncs within seconds instead
 * of at the next poll (Flux leaves that to the GitRepository's interval or a Receiver).
 *
 * Tenancy: the GitRepository (URL and credentials) and the ImagePolicies are read from the automation's own
 * namespace only, and a marker naming a policy of another namespace is left alone.
 */
import { lstat, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import type { GitRepository, ImagePolicy, ImageUpdateAutomation } from '../api/index.js';
import { parseDuration, validateGitRepository, validateImageUpdateAutomation } from '../api/index.js';
import { GROUP_VERSION } from '../core/constants.js';
import { Reasons, ReconcileError } from '../core/types.js';
import { writeBack } from '../images/git-writeback.js';
import {
  compileTemplate,
  DEFAULT_MESSAGE_TEMPLATE,
  TemplateError,
  templateData,
} from '../images/message-template.js';
import {
  applySetters,
  formatSetterProblem,
  hasSetterMarker,
  type PolicyValue,
  type SetterChange,
  type SetterProblem,
} from '../images/setters.js';
import { GitSourceError, toReconcileError } from '../sources/git/index.js';
import type { Condition } from './conditions.js';
import type { ReconcileContext } from './context.js';
import { rfc3339 } from './context.js';
import { authOf, type ReconcileResult } from './git-repository.js';
import { recordOutcome } from './observe.js';
import { admitSource, readyFields, recordFailure, writeSourceStatus } from './source-object.js';

const KIND = 'ImageUpdateAutomation';
/** A YAML file larger than this is not read: manifests are small, and the agent's memory is shared. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;
const MAX_FILES = 20_000;
const COMMIT_MESSAGE_LIMITS = { maxOutputBytes: 1024 * 1024, maxRangeIterations: 100_000 };

type ObservedPolicies = Record<string, { name: string; tag: string; digest?: string }>;

export async function reconcileImageUpdateAutomation(
  ctx: ReconcileContext,
  raw: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<ReconcileResult> {
  const admitted = await admitSource(ctx, KIND, raw, validateImageUpdateAutomation);
  if (!admitted) return {}; // stalled until the spec changes
  const { src, value: auto } = admitted;
  const { meta, subject, log, involved, started } = src;
  const prevStatus = (raw.status ?? {}) as NonNullable<ImageUpdateAutomation['status']>;
  const intervalMs = parseDuration(auto.spec.interval);
  if (auto.spec.suspend) return { requeueAfterMs: intervalMs };
  const conditions = (prevStatus.conditions ?? []) as Condition[];
  const now = () => rfc3339(ctx.now());
  try {
    const template = compileMessage(auto);
    const repo = await gitRepositoryOf(ctx, auto, subject);
    const checkoutBranch = auto.spec.git.checkout?.ref.branch ?? repo.spec.ref?.branch;
    if (checkoutBranch === undefined)
      throw new ReconcileError(
        Reasons.ValidationFailed,
        'terminal',
        `GitRepository '${meta.namespace}/${repo.metadata.name}' follows no branch: set spec.git.checkout.ref.branch`,
        subject,
      );
    const pushBranch = auto.spec.git.push?.branch ?? checkoutBranch;
    const policies = await policiesOf(ctx, auto);
    const observed: ObservedPolicies = {};
    for (const [key, value] of policies)
      observed[key.slice(key.indexOf(':') + 1)] = {
        name: value.image,
        tag: value.tag,
        ...(value.digest ? { digest: value.digest } : {}),
      };
    const auth = await authOf(ctx, repo, meta.namespace);
    const updatePath = auto.spec.update?.path ?? './';
    let problems: SetterProblem[] = [];
    let changes: SetterChange[] = [];
    const result = await writeBack(
      {
        url: repo.spec.url,
        ...(auth ? { auth } : {}),
        allowInsecureHttp: ctx.allowInsecureHttp,
        timeoutMs: parseDuration(repo.spec.timeout ?? '60s'),
        maxBytes: ctx.config.render.maxArtifactBytes,
        checkoutBranch,
        pushBranch,
        dir: join(ctx.config.artifactsDir, 'image-automation', meta.namespace, meta.name),
        author: {
          name: auto.spec.git.commit.author.name ?? 'Steward',
          email: auto.spec.git.commit.author.email,
        },
        now: ctx.now,
        ...(signal ? { signal } : {}),
      },
      async (workTree) => {
        const edit = await updateTree(workTree, updatePath, policies, subject);
        problems = edit.problems;
        changes = edit.changes;
        if (changes.length === 0) return undefined;
        return {
          message: template.render(
            templateData({
              namespace: meta.namespace,
              name: meta.name,
              // `.Setter` is the marker's setter name as in Flux (`ns:name`, `ns:name:tag`), not its kind.
              changes: changes.map((c) => ({
                ...c,
                setter: c.setter === 'image' ? c.policy : `${c.policy}:${c.setter}`,
              })),
              ...(auto.spec.git.commit.messageTemplateValues
                ? { values: auto.spec.git.commit.messageTemplateValues }
                : {}),
            }),
          ),
        };
      },
    );
    for (const p of problems.slice(0, 5))
      ctx.events.record(involved, 'Warning', 'InvalidMarker', formatSetterProblem(p));
    const runTime = now();
    const base = result.pushed ? result.parent : result.head;
    let message: string;
    const extra: Record<string, unknown> = {
      lastAutomationRunTime: runTime,
      observedSourceRevision: `${result.baseBranch}@sha1:${base}`,
      observedPolicies: observed,
    };
    if (result.pushed) {
      message = `committed and pushed ${result.commit} to ${result.branch}`;
      extra.lastPushCommit = result.commit;
      extra.lastPushTime = runTime;
      const listed = changes
        .slice(0, 20)
        .map((c) => `${c.file}: ${c.oldValue} -> ${c.newValue}`)
        .join('; ');
      log.info(
        { commit: result.commit, branch: result.branch, changes: changes.length, attempts: result.attempts },
        'pushed image updates',
      );
      ctx.events.record(involved, 'Normal', 'Succeeded', `${message}: ${listed}`, {
        'steward.dev/revision': `${result.branch}@sha1:${result.commit}`,
      });
    } else {
      message = `no updates made; last commit ${base.slice(0, 12)} on ${result.baseBranch}`;
    }
    const ready = readyFields(ctx, src, conditions, message);
    await writeSourceStatus(ctx, KIND, meta, { ...prevStatus, ...extra, ...ready });
    recordOutcome(ctx, KIND, meta, ready.conditions, 'success', started);
    // The pushed commit reaches the Syncs now, not at the GitRepository's next poll.
    const wake =
      result.pushed && pushBranch === repo.spec.ref?.branch
        ? [`GitRepository/${meta.namespace}/${repo.metadata.name}`]
        : [];
    return { requeueAfterMs: intervalMs, wake };
  } catch (err) {
    const e = errorOf(err, subject);
    await recordFailure(ctx, KIND, src, prevStatus, e, 'image update failed', {
      lastAutomationRunTime: now(),
    });
    if (e.retry === 'terminal') return {};
    throw e;
  }
}

/** A template that does not parse is a TemplateError, which errorOf turns into a stalled spec error. */
function compileMessage(auto: ImageUpdateAutomation) {
  return compileTemplate(
    auto.spec.git.commit.messageTemplate ?? DEFAULT_MESSAGE_TEMPLATE,
    'messageTemplate',
    // A commit that bumps many images must not fail on its message: the default lists every change.
    COMMIT_MESSAGE_LIMITS,
  );
}

async function gitRepositoryOf(
  ctx: ReconcileContext,
  auto: ImageUpdateAutomation,
  subject: string,
): Promise<GitRepository> {
  const ns = auto.metadata.namespace;
  const name = auto.spec.sourceRef.name;
  const raw = await ctx.client.get({
    group: 'steward.dev',
    version: 'v1alpha1',
    kind: 'GitRepository',
    namespace: ns,
    name,
  });
  if (!raw)
    throw new ReconcileError(
      Reasons.DependencyNotReady,
      'transient',
      `GitRepository '${ns}/${name}' not found`,
      subject,
    );
  const checked = validateGitRepository(raw);
  if (!checked.ok)
    throw new ReconcileError(
      Reasons.DependencyNotReady,
      'transient',
      `GitRepository '${ns}/${name}' is invalid: ${checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      subject,
    );
  return checked.value;
}

/** The picks of the namespace's ImagePolicies that match the selector, keyed `namespace:name` as markers name them. */
async function policiesOf(
  ctx: ReconcileContext,
  auto: ImageUpdateAutomation,
): Promise<Map<string, PolicyValue>> {
  const ns = auto.metadata.namespace;
  const selector = auto.spec.policySelector?.matchLabels;
  const list = await ctx.client.list(GROUP_VERSION, 'ImagePolicy', {
    namespace: ns,
    ...(selector && Object.keys(selector).length > 0
      ? {
          labelSelector: Object.entries(selector)
            .map(([k, v]) => `${k}=${v}`)
            .join(','),
        }
      : {}),
  });
  const out = new Map<string, PolicyValue>();
  for (const raw of list) {
    const p = raw as unknown as ImagePolicy;
    const ref = p.status?.latestRef;
    if (!ref) continue; // not chosen yet: its markers stay as they are
    out.set(`${ns}:${p.metadata.name}`, {
      image: ref.name,
      tag: ref.tag,
      ...(ref.digest ? { digest: ref.digest } : {}),
    });
  }
  return out;
}

/** Applies the setters to every YAML file under `path` of the work tree; writes the files that changed. */
async function updateTree(
  workTree: string,
  path: string,
  policies: ReadonlyMap<string, PolicyValue>,
  subject: string,
): Promise<{ changes: SetterChange[]; problems: SetterProblem[] }> {
  const root = join(workTree, posix.normalize(path.startsWith('/') ? `.${path}` : path));
  const changes: SetterChange[] = [];
  const problems: SetterProblem[] = [];
  if (policies.size === 0) return { changes, problems };
  const files = await yamlFiles(root, workTree, subject);
  for (const file of files) {
    const rel = relative(workTree, file).split(sep).join('/');
    const size = (await lstat(file)).size;
    if (size > MAX_FILE_BYTES) {
      problems.push({ file: rel, line: 0, message: `larger than ${MAX_FILE_BYTES} bytes, not updated` });
      continue;
    }
    const text = await readFile(file, 'utf8');
    if (!hasSetterMarker(text)) continue;
    const result = applySetters(text, rel, policies);
    problems.push(...result.problems);
    if (result.changes.length === 0) continue;
    await writeFile(file, result.text);
    changes.push(...result.changes);
  }
  return { changes, problems };
}

/** .yaml and .yml files under `dir`, in a stable order; symlinks and .git are skipped. */
async function yamlFiles(dir: string, workTree: string, subject: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (err) {
      if (d === dir && (err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new ReconcileError(
          Reasons.UpdateFailed,
          'transient',
          `update path '${relative(workTree, dir) || '.'}' does not exist in the repository`,
          subject,
        );
      throw err;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name === '.git') continue;
      const full = join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && /\.ya?ml$/.test(e.name)) {
        out.push(full);
        if (out.length > MAX_FILES)
          throw new ReconcileError(
            Reasons.UpdateFailed,
            'transient',
            `more than ${MAX_FILES} YAML files under the update path`,
            subject,
          );
      }
    }
  };
  await walk(dir);
  return out;
}

function errorOf(err: unknown, subject: string): ReconcileError {
  if (err instanceof ReconcileError) return err;
  if (err instanceof GitSourceError) return toReconcileError(err, subject);
  if (err instanceof TemplateError)
    return new ReconcileError(
      Reasons.ValidationFailed,
      'terminal',
      `spec.git.commit.messageTemplate: ${err.message}`,
      subject,
    );
  return new ReconcileError(
    Reasons.UpdateFailed,
    'transient',
    err instanceof Error ? err.message : String(err),
    subject,
  );
}
