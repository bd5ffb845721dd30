/**
 * RBAC authorization over plain rbac.authorization.k8s.io/v1 objects, as kube-apiserver evaluates it:
 * rule resolution from kubernetes pkg/registry/rbac/validation/rule.go, rule matching from
 * pkg/apis/rbac/v1/evaluation_helpers.go, decisions and reasons from plugin/pkg/auth/authorizer/rbac/rbac.go.
 */
import type { Obj, UserInfo } from '../types.js';
import { isObj, meta } from '../types.js';
import { aggregateMessage, goQuote } from './go-format.js';
import { PRIVILEGED_GROUP, serviceAccountUsername } from './serviceaccount.js';

export { bootstrapPolicy } from './bootstrap.js';

/** authorizer.Attributes: what a request wants to do, as the request-info filter derives it. */
export interface Attributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  namespace: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  name: string;
  path: string;
}

/** Read access to the stored RBAC objects, as the authorizer's listers see them. */
export interface RbacObjects {
  roles(namespace: string): readonly Obj[];
  roleBindings(namespace: string): readonly Obj[];
  clusterRoles(): readonly Obj[];
  clusterRoleBindings(): readonly Obj[];
}

/**
 * An authorizer's answer. `reason` is what the server appends to a 403 and returns in a
 * SubjectAccessReview. `evaluationError` carries RBAC's rule resolution errors for logs: real RBAC
 * reports them only inside `reason` (its error return is always nil), so responses must not echo it.
 */
export interface Decision {
  allowed: boolean;
  reason: string;
  evaluationError?: string;
}

/** An rbac/v1 PolicyRule with every list present. */
export interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Reads one PolicyRule from JSON, treating missing or malformed lists as empty. */
export function policyRule(v: unknown): PolicyRule {
  const r = isObj(v) ? v : {};
  return {
    verbs: strings(r.verbs),
    apiGroups: strings(r.apiGroups),
    resources: strings(r.resources),
    resourceNames: strings(r.resourceNames),
    nonResourceURLs: strings(r.nonResourceURLs),
  };
}

/** The rules of a Role or ClusterRole object. */
export function policyRules(role: Obj): PolicyRule[] {
  return Array.isArray(role.rules) ? role.rules.map(policyRule) : [];
}

function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  return rule.resources.some(
    (r) =>
      r === '*' ||
      r === combined ||
      // `*/scale` matches the scale subresource of any resource. There is no `deployments/*` form.
      (subresource !== '' &&
        r.length === subresource.length + 2 &&
        r.startsWith('*/') &&
        r.endsWith(subresource)),
  );
}

function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return rule.nonResourceURLs.some(
    (u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))),
  );
}

/** RuleAllows (rbac.go): does one rule grant the request? */
export function ruleAllows(attrs: Attributes, rule: PolicyRule): boolean {
  const verbOk = rule.verbs.some((v) => v === '*' || v === attrs.verb);
  if (!attrs.resourceRequest) return verbOk && nonResourceURLMatches(rule, attrs.path);
  const combined = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  return (
    verbOk &&
    rule.apiGroups.some((g) => g === '*' || g === attrs.apiGroup) &&
    resourceMatches(rule, combined, attrs.subresource) &&
    // A rule naming objects never matches a request without a name (list, watch, create, deletecollection).
    (rule.resourceNames.length === 0 || rule.resourceNames.includes(attrs.name))
  );
}

interface Subject {
  kind: string;
  name: string;
  namespace: string;
}

function subjectsOf(binding: Obj): Subject[] {
  if (!Array.isArray(binding.subjects)) return [];
  return binding.subjects
    .filter(isObj)
    .map((s) => ({ kind: str(s.kind), name: str(s.name), namespace: str(s.namespace) }));
}

function appliesToUser(user: UserInfo, s: Subject, namespace: string): boolean {
  switch (s.kind) {
    case 'User':
      return user.name === s.name;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount': {
      // A subject without a namespace means the binding's own namespace; cluster bindings have none.
      const ns = s.namespace || namespace;
      return ns !== '' && user.name === serviceAccountUsername(ns, s.name);
    }
    default:
      return false;
  }
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount')
    return `${s.kind} ${goQuote(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${goQuote(s.name)}`;
}

/**
 * How a missing role is reported. The authorizer reads through listers (`role.rbac.authorization.k8s.io
 * "r" not found`); the escalation checks read through the registry (`roles.rbac.authorization.k8s.io ...`).
 */
export type NotFoundStyle = 'lister' | 'registry';

/** The outcome of resolving a roleRef (GetRoleReferenceRules). */
export type RoleRefResult =
  | { rules: PolicyRule[] }
  | { error: string; missing?: { resource: 'roles' | 'clusterroles'; name: string } };

/** Resolves a binding's roleRef. `bindingNamespace` is '' for a ClusterRoleBinding. */
export function roleRefRules(
  objs: RbacObjects,
  roleRef: unknown,
  bindingNamespace: string,
  style: NotFoundStyle,
): RoleRefResult {
  const ref = isObj(roleRef) ? roleRef : {};
  const kind = str(ref.kind);
  const name = str(ref.name);
  if (kind !== 'Role' && kind !== 'ClusterRole')
    return { error: `unsupported role reference kind: ${goQuote(kind)}` };
  const candidates =
    kind === 'Role' ? (bindingNamespace === '' ? [] : objs.roles(bindingNamespace)) : objs.clusterRoles();
  const found = candidates.find((r) => meta(r).name === name);
  if (found) return { rules: policyRules(found) };
  const resource = kind === 'Role' ? 'roles' : 'clusterroles';
  const qualifier = style === 'lister' ? kind.toLowerCase() : resource;
  return { error: `${qualifier}.${RBAC_GROUP} ${goQuote(name)} not found`, missing: { resource, name } };
}

type Visit = { rule: PolicyRule; source: () => string } | { error: string };

/** VisitRulesFor (rule.go): cluster role bindings first, then role bindings of the namespace. */
function* visitRulesFor(
  objs: RbacObjects,
  user: UserInfo,
  namespace: string,
  style: NotFoundStyle,
): Generator<Visit> {
  for (const binding of objs.clusterRoleBindings()) {
    const subject = subjectsOf(binding).find((s) => appliesToUser(user, s, ''));
    if (!subject) continue;
    const resolved = roleRefRules(objs, binding.roleRef, '', style);
    if ('error' in resolved) {
      yield { error: resolved.error };
      continue;
    }
    const ref = isObj(binding.roleRef) ? binding.roleRef : {};
    const source = () =>
      `ClusterRoleBinding ${goQuote(meta(binding).name ?? '')} of ${str(ref.kind)} ${goQuote(str(ref.name))} to ${describeSubject(subject, '')}`;
    for (const rule of resolved.rules) yield { rule, source };
  }
  if (namespace === '') return;
  for (const binding of objs.roleBindings(namespace)) {
    const subject = subjectsOf(binding).find((s) => appliesToUser(user, s, namespace));
    if (!subject) continue;
    const resolved = roleRefRules(objs, binding.roleRef, namespace, style);
    if ('error' in resolved) {
      yield { error: resolved.error };
      continue;
    }
    const ref = isObj(binding.roleRef) ? binding.roleRef : {};
    const bindingNs = meta(binding).namespace ?? namespace;
    const source = () =>
      `RoleBinding ${goQuote(`${meta(binding).name ?? ''}/${bindingNs}`)} of ${str(ref.kind)} ${goQuote(str(ref.name))} to ${describeSubject(subject, bindingNs)}`;
    for (const rule of resolved.rules) yield { rule, source };
  }
}

/**
 * Every rule that applies to `user` in `namespace` ('' for cluster scope only), plus the resolution
 * errors met on the way (RulesFor). The rules are usable even when errors are present: RBAC is additive.
 */
export function rulesFor(
  objs: RbacObjects,
  user: UserInfo,
  namespace: string,
  style: NotFoundStyle = 'lister',
): { rules: PolicyRule[]; errors: string[] } {
  const rules: PolicyRule[] = [];
  const errors: string[] = [];
  for (const v of visitRulesFor(objs, user, namespace, style)) {
    if ('error' in v) errors.push(v.error);
    else rules.push(v.rule);
  }
  return { rules, errors };
}

/**
 * Authorizes one request. Members of `system:masters` pass first with no reason, as with the
 * superuser authorizer kube-apiserver puts before RBAC. An allow names the binding that granted it; a
 * denial has an empty reason unless roles could not be resolved, in which case the reason is
 * `RBAC: <errors>`, which the server appends to the 403 message.
 */
export function authorize(objs: RbacObjects, attrs: Attributes): Decision {
  if (attrs.user.groups.includes(PRIVILEGED_GROUP)) return { allowed: true, reason: '' };
  const errors: string[] = [];
  for (const v of visitRulesFor(objs, attrs.user, attrs.namespace, 'lister')) {
    if ('error' in v) errors.push(v.error);
    else if (ruleAllows(attrs, v.rule)) return { allowed: true, reason: `RBAC: allowed by ${v.source()}` };
  }
  if (errors.length === 0) return { allowed: false, reason: '' };
  const message = aggregateMessage(errors);
  return { allowed: false, reason: `RBAC: ${message}`, evaluationError: message };
}
