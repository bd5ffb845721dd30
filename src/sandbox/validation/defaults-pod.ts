/**
 * PodSpec and container defaulting from kubernetes pkg/apis/core/v1/defaults.go (SetDefaults_PodSpec,
 * SetDefaults_Container, SetDefaults_ContainerPort, SetDefaults_Probe, SetDefaults_HTTPGetAction,
 * SetDefaults_ObjectFieldSelector, SetDefaults_Volume and the *VolumeSource defaultMode setters), plus
 * `resources: {}`, which Go always serializes for a container. Functions mutate the (already cloned) value.
 */
import type { Obj } from '../types.js';
import { isObj } from '../types.js';
import { asArray, asObj, asString } from './util.js';

/** Default and a setter: `obj[k] ??= v`, but only for absent keys (Go defaults fill zero values). */
export function fill(obj: Obj, k: string, v: unknown): void {
  if (obj[k] === undefined || obj[k] === null || obj[k] === '') obj[k] = v;
}

/** The object at obj[k], created when absent. */
export function ensure(obj: Obj, k: string): Obj {
  const cur = obj[k];
  if (isObj(cur)) return cur;
  const fresh: Obj = {};
  obj[k] = fresh;
  return fresh;
}

/**
 * pkg/util/parsers ParseImageName: the tag, `latest` when neither tag nor digest is given, and '' when the
 * reference does not parse (an upper-case repository, for one), which then defaults to IfNotPresent.
 */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const named = at >= 0 ? image.slice(0, at) : image;
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const hasTag = colon > slash;
  const repo = hasTag ? named.slice(0, colon) : named;
  // distribution/reference splitDockerDomain: the first component is a registry host when it has a dot,
  // a port, upper case, or is localhost; the rest must be lower case.
  const first = repo.split('/')[0] ?? '';
  const isDomain = repo.includes('/') && (/[.:A-Z]/.test(first) || first === 'localhost');
  const path = isDomain ? repo.slice(first.length + 1) : repo;
  if (image === '' || path === '' || /[A-Z]/.test(path)) return '';
  if (hasTag) return named.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

function defaultHttpGet(handler: unknown): void {
  const get = asObj(asObj(handler)?.httpGet);
  if (!get) return;
  fill(get, 'path', '/');
  fill(get, 'scheme', 'HTTP');
}

function defaultProbe(probe: unknown): void {
  const p = asObj(probe);
  if (!p) return;
  fill(p, 'timeoutSeconds', 1);
  fill(p, 'periodSeconds', 10);
  fill(p, 'successThreshold', 1);
  fill(p, 'failureThreshold', 3);
  defaultHttpGet(p);
}

function defaultContainer(raw: unknown): void {
  const c = asObj(raw);
  if (!c) return;
  if (asString(c.imagePullPolicy) === '') {
    c.imagePullPolicy = imageTag(asString(c.image)) === 'latest' ? 'Always' : 'IfNotPresent';
  }
  fill(c, 'terminationMessagePath', '/dev/termination-log');
  fill(c, 'terminationMessagePolicy', 'File');
  if (!isObj(c.resources)) c.resources = {};
  for (const p of asArray(c.ports)) if (isObj(p)) fill(p, 'protocol', 'TCP');
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(c[probe]);
  const lifecycle = asObj(c.lifecycle);
  if (lifecycle) {
    defaultHttpGet(lifecycle.postStart);
    defaultHttpGet(lifecycle.preStop);
  }
  for (const e of asArray(c.env)) {
    const ref = asObj(asObj(asObj(e)?.valueFrom)?.fieldRef);
    if (ref) fill(ref, 'apiVersion', 'v1');
  }
}

const MODE_SOURCES = ['secret', 'configMap', 'downwardAPI', 'projected'];

function defaultVolume(raw: unknown): void {
  const v = asObj(raw);
  if (!v) return;
  // SetDefaults_Volume: a volume naming no source is an emptyDir.
  if (Object.keys(v).every((k) => k === 'name')) v.emptyDir = {};
  for (const src of MODE_SOURCES) {
    const s = asObj(v[src]);
    if (s) fill(s, 'defaultMode', 420);
  }
  for (const item of asArray(asObj(v.downwardAPI)?.items)) {
    const ref = asObj(asObj(item)?.fieldRef);
    if (ref) fill(ref, 'apiVersion', 'v1');
  }
  const hostPath = asObj(v.hostPath);
  if (hostPath) fill(hostPath, 'type', '');
}

/** SetDefaults_PodSpec and everything inside it. */
export function defaultPodSpec(spec: Obj): void {
  fill(spec, 'dnsPolicy', 'ClusterFirst');
  fill(spec, 'restartPolicy', 'Always');
  if (!isObj(spec.securityContext)) spec.securityContext = {};
  fill(spec, 'terminationGracePeriodSeconds', 30);
  fill(spec, 'schedulerName', 'default-scheduler');
  for (const c of asArray(spec.containers)) defaultContainer(c);
  for (const c of asArray(spec.initContainers)) defaultContainer(c);
  for (const v of asArray(spec.volumes)) defaultVolume(v);
}

/** Defaults of a pod template (`spec.template` of the workload kinds). */
export function defaultPodTemplate(template: unknown): void {
  const t = asObj(template);
  if (t) defaultPodSpec(ensure(t, 'spec'));
}

/** SetDefaults_Pod on top of the spec: enableServiceLinks, and requests copied from limits. */
export function defaultPod(pod: Obj): void {
  const spec = ensure(pod, 'spec');
  defaultPodSpec(spec);
  if (typeof spec.enableServiceLinks !== 'boolean') spec.enableServiceLinks = true;
  for (const c of [...asArray(spec.containers), ...asArray(spec.initContainers)]) {
    const res = asObj(asObj(c)?.resources);
    const limits = asObj(res?.limits);
    if (!res || !limits) continue;
    const requests = ensure(res, 'requests');
    for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
  }
}
