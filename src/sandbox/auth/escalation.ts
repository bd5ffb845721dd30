/**
 * RBAC escalation prevention: a user may only write a role, or bind one, whose permissions they already
 * hold, unless they may `escalate` or `bind` (kubernetes pkg/registry/rbac/validation/rule.go
 * ConfirmNoEscalation, pkg/registry/rbac/escalation_check.go,
 * pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased/storage.go,
 * component-helpers auth/rbac/validation/policy_comparator.go, pkg/registry/rbac/validation/policy_compact.go).
 */
import { notFound, StatusError } from '../errors.js';
import type { Obj, UserInfo } from '../types.js';
import { isObj, meta } from '../types.js';
import { aggregateMessage, goQuote, goQuoteList } from './go-format.js';
import { newForbidden } from './messages.js';
import type { Attributes, PolicyRule, RbacObjects } from './rbac.js';
import { policyRule, policyRules, roleRefRules, rulesFor } from './rbac.js';
import { PRIVILEGED_GROUP } from './serviceaccount.js';

/** The authorizer callback used for the `escalate` and `bind` verbs. */
export type EscalationAuthorizer = (attrs: Attributes) => { allowed: boolean };

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function single(rule: Partial<PolicyRule>): PolicyRule {
  return { verbs: [], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [], ...rule };
}

/** BreakdownRule: one rule per group × resource × verb (× name), and per URL × verb. */
function breakdown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups) {
    for (const resource of rule.resources) {
      for (const verb of rule.verbs) {
        const base = { apiGroups: [group], resources: [resource], verbs: [verb] };
        if (rule.resourceNames.length === 0) out.push(single(base));
        for (const name of rule.resourceNames) out.push(single({ ...base, resourceNames: [name] }));
      }
    }
  }
  for (const url of rule.nonResourceURLs) {
    for (const verb of rule.verbs) out.push(single({ nonResourceURLs: [url], verbs: [verb] }));
  }
  return out;
}

function hasAll(set: readonly string[], wanted: readonly string[]): boolean {
  return wanted.every((w) => set.includes(w));
}

function resourceCoversAll(owner: readonly string[], wanted: readonly string[]): boolean {
  if (owner.includes('*') || hasAll(owner, wanted)) return true;
  return wanted.every((path) => {
    if (owner.includes(path)) return true;
    const slash = path.indexOf('/');
    return slash >= 0 && owner.includes(`*/${path.slice(slash + 1)}`);
  });
}

function urlCovers(owner: string, path: string): boolean {
  return owner === path || (owner.endsWith('*') && path.startsWith(owner.replace(/\*+$/, '')));
}

/** ruleCovers: does an owner rule hold everything one broken-down rule asks for? */
function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const names =
    sub.resourceNames.length === 0
      ? owner.resourceNames.length === 0
      : owner.resourceNames.length === 0 || hasAll(owner.resourceNames, sub.resourceNames);
  return (
    (owner.verbs.includes('*') || hasAll(owner.verbs, sub.verbs)) &&
    (owner.apiGroups.includes('*') || hasAll(owner.apiGroups, sub.apiGroups)) &&
    resourceCoversAll(owner.resources, sub.resources) &&
    sub.nonResourceURLs.every((p) => owner.nonResourceURLs.some((o) => urlCovers(o, p))) &&
    names
  );
}

/** CompactRules: merges the verbs of missing rules that share one group, resource and resource name. */
function compact(rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const isSimple =
      r.resourceNames.length <= 1 &&
      r.nonResourceURLs.length === 0 &&
      r.apiGroups.length === 1 &&
      r.resources.length === 1;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups[0], r.resources[0], r.resourceNames[0] ?? null]);
    const existing = simple.get(key);
    if (existing) existing.verbs.push(...r.verbs);
    else simple.set(key, { ...r, verbs: [...r.verbs] });
  }
  return [...out, ...simple.values()];
}

/** CompactString: `{APIGroups:["apps"], Resources:["deployments"], Verbs:["delete"]}`. */
export function compactString(rule: PolicyRule): string {
  const parts: string[] = [];
  if (rule.apiGroups.length) parts.push(`APIGroups:${goQuoteList(rule.apiGroups)}`);
  if (rule.resources.length) parts.push(`Resources:${goQuoteList(rule.resources)}`);
  if (rule.nonResourceURLs.length) parts.push(`NonResourceURLs:${goQuoteList(rule.nonResourceURLs)}`);
  if (rule.resourceNames.length) parts.push(`ResourceNames:${goQuoteList(rule.resourceNames)}`);
  if (rule.verbs.length) parts.push(`Verbs:${goQuoteList(rule.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/** What `user` lacks of `rules` in `namespace`: rendered missing rules, sorted, and resolution errors. */
export interface Coverage {
  missing: string[];
  resolutionErrors: string[];
}

/** Covers + CompactRules over the rules `user` holds, resolved as the RBAC registry resolves them. */
export function coverage(
  objs: RbacObjects,
  user: UserInfo,
  namespace: string,
  rules: readonly PolicyRule[],
): Coverage {
  const owned = rulesFor(objs, user, namespace, 'registry');
  const uncovered = rules.flatMap(breakdown).filter((sub) => !owned.rules.some((o) => ruleCovers(o, sub)));
  const missing = [...new Set(compact(uncovered).map(compactString))].sort();
  return { missing, resolutionErrors: missing.length ? owned.errors : [] };
}

/** The rules (rbac/v1 PolicyRule JSON) `user` does not hold in `namespace`, rendered as rule.go does. */
export function confirmNoEscalation(
  objs: RbacObjects,
  user: UserInfo,
  namespace: string,
  rules: Obj[],
): string[] {
  return coverage(objs, user, namespace, rules.map(policyRule)).missing;
}

/**
 * The 403 for an escalation attempt: `roles.rbac.authorization.k8s.io "r" is forbidden: user "alice"
 * (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:`
 * followed by one missing rule per line, then `; resolution errors: [...]` when roles could not be read.
 */
export function escalationError(
  q: { group: string; resource: string },
  name: string,
  user: UserInfo,
  missing: readonly string[],
  resolutionErrors: readonly string[] = [],
): StatusError {
  let why = `user ${goQuote(user.name)} (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${missing.join('\n')}`;
  if (resolutionErrors.length) why += `; resolution errors: [${aggregateMessage(resolutionErrors)}]`;
  return newForbidden(q, name, why);
}

const FULL_AUTHORITY: readonly PolicyRule[] = [
  single({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }),
  single({ verbs: ['*'], nonResourceURLs: ['*'] }),
];

function hasAggregationRule(role: Obj): boolean {
  const rule = role.aggregationRule;
  return isObj(rule) && Array.isArray(rule.clusterRoleSelectors) && rule.clusterRoleSelectors.length > 0;
}

// Go's semantic equality treats absent, nil and empty alike; dropping zero values gives the same answer.
function semantic(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? v.map((x) => semantic(x) ?? null) : undefined;
  if (isObj(v)) {
    const entries = Object.keys(v)
      .sort()
      .map((k) => [k, semantic(v[k])] as const)
      .filter(([, x]) => x !== undefined);
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return v === null || v === '' || v === 0 || v === false ? undefined : v;
}

/** IsOnlyMutatingGCFields (pkg/registry/rbac/helpers.go): only owner references or finalizers changed. */
export function isOnlyMutatingGCFields(obj: Obj, old: Obj): boolean {
  // Type meta is not part of the stored object's identity, so it is left out on both sides.
  const copy: Obj = { ...obj, kind: undefined, apiVersion: undefined };
  const prior: Obj = { ...old, kind: undefined, apiVersion: undefined };
  const m: Record<string, unknown> = { ...meta(obj) };
  for (const f of ['ownerReferences', 'finalizers', 'selfLink', 'managedFields']) m[f] = meta(old)[f];
  copy.metadata = m;
  return JSON.stringify(semantic(copy)) === JSON.stringify(semantic(prior));
}

/** A create or update of a Role or ClusterRole. */
export interface RoleWrite {
  user: UserInfo;
  resource: 'roles' | 'clusterroles';
  /** The request's namespace, '' for cluster roles. */
  namespace: string;
  /** The name in the request URL: '' for a create (POST to the collection). */
  requestName: string;
  /** The object as written (after patch application, before the store stamps it). */
  obj: Obj;
  /** The stored object, for an update. */
  old?: Obj;
}

/**
 * The escalation check of the roles and clusterroles storage: allowed for `system:masters`, for users who
 * may `escalate` the resource, for updates that only touch owner references or finalizers, and when the
 * user already holds every rule. An aggregationRule (new or old) additionally needs full authority.
 */
export function checkRoleWrite(
  objs: RbacObjects,
  w: RoleWrite,
  authorize: EscalationAuthorizer,
): StatusError | undefined {
  if (w.user.groups.includes(PRIVILEGED_GROUP)) return undefined;
  const escalate: Attributes = {
    user: w.user,
    verb: 'escalate',
    resourceRequest: true,
    namespace: w.namespace,
    apiGroup: RBAC_GROUP,
    resource: w.resource,
    subresource: '',
    name: w.requestName,
    path: '',
  };
  if (authorize(escalate).allowed) return undefined;
  if (w.old && isOnlyMutatingGCFields(w.obj, w.old)) return undefined;
  const q = { group: RBAC_GROUP, resource: w.resource };
  const name = meta(w.obj).name ?? '';
  const cov = coverage(objs, w.user, w.namespace, policyRules(w.obj));
  if (cov.missing.length) return escalationError(q, name, w.user, cov.missing, cov.resolutionErrors);
  const aggregated = hasAggregationRule(w.obj) || (w.old !== undefined && hasAggregationRule(w.old));
  if (
    w.resource === 'clusterroles' &&
    aggregated &&
    coverage(objs, w.user, w.namespace, FULL_AUTHORITY).missing.length
  ) {
    return newForbidden(q, name, 'must have cluster-admin privileges to use the aggregationRule');
  }
  return undefined;
}

/** A create or update of a RoleBinding or ClusterRoleBinding. */
export interface BindingWrite {
  user: UserInfo;
  resource: 'rolebindings' | 'clusterrolebindings';
  /** The request's namespace, '' for cluster role bindings. */
  namespace: string;
  obj: Obj;
  old?: Obj;
}

/**
 * The escalation check of the rolebindings and clusterrolebindings storage: allowed for `system:masters`,
 * for GC-only updates, for users who may `bind` the referenced role, and when the user already holds
 * every rule of that role in the binding's namespace. A missing role is the registry's 404.
 */
export function checkBindingWrite(
  objs: RbacObjects,
  w: BindingWrite,
  authorize: EscalationAuthorizer,
): StatusError | undefined {
  if (w.user.groups.includes(PRIVILEGED_GROUP)) return undefined;
  if (w.old && isOnlyMutatingGCFields(w.obj, w.old)) return undefined;
  const ref = isObj(w.obj.roleRef) ? w.obj.roleRef : {};
  const kind = ref.kind;
  if (kind === 'Role' || kind === 'ClusterRole') {
    const bind: Attributes = {
      user: w.user,
      verb: 'bind',
      resourceRequest: true,
      namespace: w.namespace,
      apiGroup: typeof ref.apiGroup === 'string' ? ref.apiGroup : '',
      resource: kind === 'Role' ? 'roles' : 'clusterroles',
      subresource: '',
      name: typeof ref.name === 'string' ? ref.name : '',
      path: '',
    };
    if (authorize(bind).allowed) return undefined;
  }
  const resolved = roleRefRules(objs, ref, w.namespace, 'registry');
  if ('error' in resolved) {
    if (resolved.missing)
      return notFound({ group: RBAC_GROUP, resource: resolved.missing.resource }, resolved.missing.name);
    // A plain Go error from storage becomes a 500 with reason Unknown (""), which the Status omits.
    return new StatusError(500, '', resolved.error);
  }
  const cov = coverage(objs, w.user, w.namespace, resolved.rules);
  if (!cov.missing.length) return undefined;
  return escalationError(
    { group: RBAC_GROUP, resource: w.resource },
    meta(w.obj).name ?? '',
    w.user,
    cov.missing,
    cov.resolutionErrors,
  );
}
