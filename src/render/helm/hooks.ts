/**
 * The Helm hook policy: which rendered objects are hooks, when they run, and in which order. Steward applies a
 * chart rather than installing a release, so of Helm's hook events only install and upgrade have a meaning
 * here (docs/helm.md). Follows Helm's manifest sorter (pkg/release/v1/util/manifest_sorter.go) where it can:
 * hook types are comma-separated, trimmed and case-insensitive, an unknown type makes Helm skip the object,
 * and a weight that is not an integer counts as 0. Pure.
 */
import { groupOf } from '../../kube/paths.js';
import { compareRefs } from '../../plan/order.js';
import type { SourcedManifest } from '../../plan/parse.js';

export const HOOK_ANNOTATION = 'helm.sh/hook';
export const HOOK_WEIGHT_ANNOTATION = 'helm.sh/hook-weight';
export const HOOK_DELETE_POLICY_ANNOTATION = 'helm.sh/hook-delete-policy';

/** Helm's hook events; `test-success` is Helm 2's name for `test`. */
const EVENTS = [
  'pre-install',
  'post-install',
  'pre-upgrade',
  'post-upgrade',
  'pre-delete',
  'post-delete',
  'pre-rollback',
  'post-rollback',
  'test',
] as const;
export type HookEvent = (typeof EVENTS)[number];

const EVENT_NAMES: ReadonlyMap<string, HookEvent> = new Map([
  ...EVENTS.map((e) => [e, e] as const),
  ['test-success', 'test'],
]);

/** The delete policies Helm knows; `before-hook-creation` is its default when a hook names none. */
export type HookDeletePolicy = 'before-hook-creation' | 'hook-succeeded' | 'hook-failed';
const DELETE_POLICIES: ReadonlySet<string> = new Set([
  'before-hook-creation',
  'hook-succeeded',
  'hook-failed',
]);

/** Where each rendered object goes: hook groups before and after the release's own objects, or nowhere. */
export interface HookClassification {
  /** pre-install / pre-upgrade hooks, in groups of equal weight, lowest weight first. */
  pre: SourcedManifest[][];
  /** The release's objects: everything that is not a hook. */
  main: SourcedManifest[];
  /** post-install / post-upgrade hooks, grouped like `pre`. */
  post: SourcedManifest[][];
  /** Objects that are not applied, and why. */
  skipped: { manifest: SourcedManifest; reason: string }[];
}

export interface ClassifyOptions {
  /**
   * Which Helm operation the apply stands for. Left out, both install and upgrade hooks run; with it, a hook
   * only for the other operation (a `post-install` hook on an upgrade) is skipped, as Helm would skip it.
   */
  event?: 'install' | 'upgrade';
}

function annotation(m: SourcedManifest, key: string): string | undefined {
  const v = m.manifest.metadata.annotations?.[key];
  return typeof v === 'string' ? v : undefined;
}

function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim().toLowerCase());
}

/**
 * The hook events of a manifest: undefined when it is not a hook, `{ unknown }` when one of its types is not a
 * Helm hook event (Helm then skips the whole object).
 */
export function hookEvents(m: SourcedManifest): { events: HookEvent[] } | { unknown: string } | undefined {
  const value = annotation(m, HOOK_ANNOTATION);
  if (value === undefined) return undefined;
  const events: HookEvent[] = [];
  for (const name of splitList(value)) {
    const event = EVENT_NAMES.get(name);
    if (!event) return { unknown: name };
    if (!events.includes(event)) events.push(event);
  }
  return { events };
}

/** `helm.sh/hook-weight` as Go's strconv.Atoi reads it; anything else, or nothing, is 0. */
export function hookWeight(m: SourcedManifest): number {
  const value = annotation(m, HOOK_WEIGHT_ANNOTATION);
  if (value === undefined || !/^[-+]?[0-9]+$/.test(value)) return 0;
  const n = Number(value);
  // Atoi fails beyond int64, and Helm then uses 0; JavaScript loses exactness long before that.
  return Number.isSafeInteger(n) ? n : 0;
}

/**
 * The delete policies of a hook (`helm.sh/hook-delete-policy`, comma-separated); unknown ones are ignored, as
 * Helm ignores them, and a hook that names no known policy gets Helm's default, `before-hook-creation`.
 */
export function hookDeletePolicy(m: SourcedManifest): ReadonlySet<HookDeletePolicy> {
  const value = annotation(m, HOOK_DELETE_POLICY_ANNOTATION);
  const known = value === undefined ? [] : splitList(value).filter((p) => DELETE_POLICIES.has(p));
  const policies = known.length > 0 ? known : ['before-hook-creation'];
  return new Set(policies as HookDeletePolicy[]);
}

function refOf(m: SourcedManifest) {
  const { apiVersion, kind, metadata } = m.manifest;
  return {
    group: groupOf(apiVersion),
    version: '',
    kind,
    namespace: metadata.namespace ?? '',
    name: metadata.name,
  };
}

/** Weight, then Helm's kind order, then name; groups of equal weight. */
function group(hooks: readonly SourcedManifest[]): SourcedManifest[][] {
  const sorted = hooks
    .map((m) => ({ m, weight: hookWeight(m), ref: refOf(m) }))
    .sort((a, b) => a.weight - b.weight || compareRefs(a.ref, b.ref));
  const groups: SourcedManifest[][] = [];
  let last: number | undefined;
  for (const { m, weight } of sorted) {
    if (weight !== last || groups.length === 0) groups.push([]);
    groups.at(-1)?.push(m);
    last = weight;
  }
  return groups;
}

const NOT_RUN: Readonly<Record<string, string>> = {
  test: 'test hook: Steward does not run helm tests',
  'pre-delete': 'pre-delete hook: Steward never deletes a release as such',
  'post-delete': 'post-delete hook: Steward never deletes a release as such',
  'pre-rollback': 'pre-rollback hook: Steward never rolls a release back as such',
  'post-rollback': 'post-rollback hook: Steward never rolls a release back as such',
};

/**
 * Sorts rendered objects into hook groups and the release's own objects. A hook with an install or upgrade
 * event before the release (`pre-install`, `pre-upgrade`) goes to `pre`, even when it also names a `post-`
 * event; one with only `post-install` or `post-upgrade` goes to `post`; any other hook is skipped with the
 * reason. Input order is kept in `main` and `skipped`.
 */
export function classifyHooks(
  manifests: readonly SourcedManifest[],
  opts: ClassifyOptions = {},
): HookClassification {
  const wanted = (phase: 'pre' | 'post'): HookEvent[] =>
    opts.event ? [`${phase}-${opts.event}`] : [`${phase}-install`, `${phase}-upgrade`];
  const pre: SourcedManifest[] = [];
  const post: SourcedManifest[] = [];
  const out: HookClassification = { pre: [], main: [], post: [], skipped: [] };
  for (const m of manifests) {
    const hook = hookEvents(m);
    if (hook === undefined) {
      out.main.push(m);
    } else if ('unknown' in hook) {
      out.skipped.push({ manifest: m, reason: `unknown hook type "${hook.unknown}": Helm skips the object` });
    } else if (hook.events.some((e) => wanted('pre').includes(e))) {
      pre.push(m);
    } else if (hook.events.some((e) => wanted('post').includes(e))) {
      post.push(m);
    } else {
      out.skipped.push({ manifest: m, reason: skipReason(hook.events, opts.event) });
    }
  }
  out.pre = group(pre);
  out.post = group(post);
  return out;
}

function skipReason(events: readonly HookEvent[], event: 'install' | 'upgrade' | undefined): string {
  for (const e of events) {
    const reason = NOT_RUN[e];
    if (reason) return reason;
  }
  // Only install or upgrade events remain, for the operation this apply is not.
  const other = event === 'install' ? 'upgrade' : 'install';
  return `${events.join(',')} hook: runs on ${other} only, and this apply is an ${event ?? 'install'}`;
}
