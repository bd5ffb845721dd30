/**
 * Runs a corpus case through what the agent runs on a revision, without a cluster: the Sync spec through
 * validateSync, then the agent's own buildSync (render, substitute, parse, validate, plan and the tenancy
 * check) with the config defaults and a cluster whose discovery knows only the built-in kinds. Reports what a
 * reconcile would write in the Ready condition.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExpectStatic } from 'vitest';
import { validateSync } from '../../src/api/index.js';
import { parseConfig } from '../../src/config/index.js';
import type { PlannedObject, Reason } from '../../src/core/types.js';
import { Reasons, ReconcileError, refString } from '../../src/core/types.js';
import type { KubeClient } from '../../src/kube/index.js';
import type { ReconcileContext } from '../../src/reconcile/context.js';
import { buildSync } from '../../src/reconcile/sync-build.js';
import type { Artifact } from '../../src/sources/git/index.js';
import type { TenantPolicy } from '../../src/tenancy/tenancy.js';
import type { ControlCase, CorpusCase, Expectation, Placement, SizeLimits } from './corpus.js';
import { CANARY, expectedReason, materialize, messageMatches, syncFor } from './corpus.js';

/** The agent's settings when its config file sets nothing. */
export const DEFAULT_CONFIG = parseConfig('{}', 'defaults.yaml');

/** What generated files are sized against. */
export const DEFAULT_SIZES: SizeLimits = {
  maxFileBytes: DEFAULT_CONFIG.render.maxFileBytes,
  maxOutputBytes: DEFAULT_CONFIG.render.maxOutputBytes,
  maxObjects: DEFAULT_CONFIG.render.maxObjects,
};

/** What a reconcile of a case reports, or the objects it would apply. */
export type Outcome =
  | { kind: 'refused'; reason: Reason; retry: 'transient' | 'terminal'; message: string }
  | { kind: 'planned'; objects: PlannedObject[] }
  | { kind: 'crashed'; error: unknown };

/** The Ready message as src/reconcile/sync.ts writes it: the subject first unless the message names it. */
function conditionMessage(e: ReconcileError): string {
  return e.subject && !e.message.includes(e.subject) ? `${e.subject}: ${e.message}` : e.message;
}

/** As src/reconcile/sync.ts reports a spec that fails validateSync. */
function invalidSpecMessage(errors: readonly { path: string; message: string }[]): string {
  return `invalid spec: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`;
}

/** Where a case runs, and the PATH kustomize gets. */
export interface RunOptions {
  placement: Placement;
  pathEnv: string;
}

/** A cluster that serves only the built-in kinds: discovery knows nothing else, and nothing else is called. */
const NO_CUSTOM_KINDS: Pick<KubeClient, 'discover'> = { discover: async () => undefined };

/** Runs a case or control already materialised at `root`. */
export async function runAt(c: CorpusCase | ControlCase, root: string, opts: RunOptions): Promise<Outcome> {
  let checked: ReturnType<typeof validateSync>;
  try {
    checked = validateSync(syncFor(c, opts.placement));
  } catch (e) {
    return { kind: 'crashed', error: e };
  }
  if (!checked.ok) {
    return {
      kind: 'refused',
      reason: Reasons.ValidationFailed,
      retry: 'terminal',
      message: invalidSpecMessage(checked.errors),
    };
  }
  const sync = checked.value;
  // buildSync reads only the config and the renderers' PATH from its context, and only discovery from the
  // client; anything else it starts to use shows up here as a TypeError rather than a silent pass.
  const ctx: Pick<ReconcileContext, 'config' | 'pathEnv'> = { config: DEFAULT_CONFIG, pathEnv: opts.pathEnv };
  // As src/reconcile/sync.ts identityOf: every Sync outside lockdown.platformNamespaces is a tenant; a platform
  // case stands for one inside it.
  const tenant: TenantPolicy | undefined =
    'platform' in c && c.platform
      ? undefined
      : {
          namespace: sync.metadata.namespace,
          allowedClusterKinds: DEFAULT_CONFIG.lockdown.allowedClusterKinds,
        };
  try {
    const objects = await buildSync(
      ctx as ReconcileContext,
      NO_CUSTOM_KINDS as KubeClient,
      sync,
      {
        revision: 'main@sha1:0000000000000000000000000000000000000000',
        digest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000',
        path: root,
        size: 0,
        lastUpdateTime: '2024-01-01T00:00:00Z',
      } satisfies Artifact,
      sync.spec.postBuild?.substitute ?? {},
      tenant,
    );
    return { kind: 'planned', objects };
  } catch (e) {
    if (!(e instanceof ReconcileError)) return { kind: 'crashed', error: e };
    return { kind: 'refused', reason: e.reason, retry: e.retry, message: conditionMessage(e) };
  }
}

/** Materialises a case under `work`, runs it, and removes it (generated files reach tens of megabytes). */
export async function runCase(c: CorpusCase, work: string, opts: RunOptions): Promise<Outcome> {
  const root = join(work, c.id.replace('/', '--'));
  await materialize(c, root, DEFAULT_SIZES);
  try {
    return await runAt(c, root, opts);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** One line saying what happened, for assertion messages. */
export function describeOutcome(o: Outcome): string {
  if (o.kind === 'planned') {
    return `planned ${o.objects.length} objects: ${o.objects
      .slice(0, 5)
      .map((p) => refString(p.ref))
      .join(', ')}`;
  }
  if (o.kind === 'crashed') {
    const e = o.error;
    return `threw a non-ReconcileError: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  }
  return `${o.reason} (${o.retry}): ${o.message}`;
}

/**
 * Asserts a refusal the way a tenant would read it: the expected reason, terminal, the file or field named,
 * the expected text, and neither a host path nor the planted secret anywhere in the message.
 */
export function assertRefusal(
  expect: ExpectStatic,
  id: string,
  want: Expectation,
  got: { reason: string; retry?: string; message: string } | undefined,
  hostPaths: readonly string[],
  what: string,
): void {
  expect(got, `${id} was not refused: ${what}`).toBeDefined();
  if (!got) return;
  const shown = `${id}: ${got.message}`;
  expect(got.reason, shown).toBe(expectedReason(want));
  if (got.retry !== undefined) expect(got.retry, shown).toBe(want.retry ?? 'terminal');
  const names = want.field ?? want.file;
  if (names !== undefined) expect(got.message.includes(names), `${shown}\n  must name ${names}`).toBe(true);
  expect(messageMatches(got.message, want.message), `${shown}\n  must match ${want.message}`).toBe(true);
  for (const path of hostPaths) expect(got.message.includes(path), `${shown}\n  leaks ${path}`).toBe(false);
  expect(got.message.includes(CANARY), `${shown}\n  leaks the planted secret`).toBe(false);
}
