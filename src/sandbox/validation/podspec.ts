/**
 * Pod template and PodSpec checks that GitOps users actually hit, from kubernetes
 * pkg/apis/core/validation/validation.go (ValidatePodTemplateSpec, ValidatePodSpec, validateContainers,
 * validateContainerCommon, validateContainerPorts, ValidateEnv, ValidateVolumes, ValidateVolumeMounts).
 * Run after defaulting: restartPolicy, dnsPolicy, protocol and pull policy are then always set.
 */
import type { FieldError } from '../errors.js';
import { isObj } from '../types.js';
import { isDNS1123Label, isRelaxedEnvVarName, isValidPortName, isValidPortNum } from './content.js';
import { validateAnnotations, validateLabels } from './names.js';
import { asArray, asString, child, duplicate, index, invalidField, notSupported, required } from './util.js';

/** `supportedPortProtocols`, as sets.List sorts them. */
export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;

function validatePorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  asArray(ports).forEach((raw, i) => {
    const p = index(path, i);
    const port = isObj(raw) ? raw : {};
    const name = asString(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      for (const msg of msgs) errs.push(invalidField(child(p, 'name'), name, msg));
      if (msgs.length === 0 && names.has(name)) errs.push(duplicate(child(p, 'name'), name));
      names.add(name);
    }
    const cp = typeof port.containerPort === 'number' ? port.containerPort : 0;
    if (cp === 0) errs.push(required(child(p, 'containerPort')));
    else for (const msg of isValidPortNum(cp)) errs.push(invalidField(child(p, 'containerPort'), cp, msg));
    const hp = typeof port.hostPort === 'number' ? port.hostPort : 0;
    if (hp !== 0)
      for (const msg of isValidPortNum(hp)) errs.push(invalidField(child(p, 'hostPort'), hp, msg));
    errs.push(...validateProtocol(port.protocol, child(p, 'protocol')));
  });
  return errs;
}

/** Required, then one of SCTP/TCP/UDP: shared by container ports and Service ports. */
export function validateProtocol(protocol: unknown, path: string): FieldError[] {
  const proto = asString(protocol);
  if (proto === '') return [required(path)];
  return (PROTOCOLS as readonly string[]).includes(proto) ? [] : [notSupported(path, proto, PROTOCOLS)];
}

function validateEnv(env: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArray(env).forEach((raw, i) => {
    const p = child(index(path, i), 'name');
    const name = asString(isObj(raw) ? raw.name : undefined);
    if (name === '') errs.push(required(p));
    for (const msg of isRelaxedEnvVarName(name)) errs.push(invalidField(p, name, msg));
  });
  return errs;
}

function validateVolumeMounts(mounts: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  asArray(mounts).forEach((raw, i) => {
    const p = index(path, i);
    const m = isObj(raw) ? raw : {};
    if (asString(m.name) === '') errs.push(required(child(p, 'name')));
    // A mount naming no volume is `Not found` upstream; errors.ts has no FieldValueNotFound cause yet.
    const mountPath = asString(m.mountPath);
    if (mountPath === '') errs.push(required(child(p, 'mountPath')));
    if (seen.has(mountPath)) errs.push(invalidField(child(p, 'mountPath'), mountPath, 'must be unique'));
    seen.add(mountPath);
  });
  return errs;
}

function validateEnumOrRequired(value: unknown, path: string, valid: readonly string[]): FieldError[] {
  const s = asString(value);
  if (s === '') return [required(path)];
  return valid.includes(s) ? [] : [notSupported(path, s, valid)];
}

/** validateContainerCommon: the checks every container list shares. */
function validateContainer(raw: unknown, path: string): FieldError[] {
  const ctr = isObj(raw) ? raw : {};
  const errs: FieldError[] = [];
  const name = asString(ctr.name);
  if (name === '') errs.push(required(child(path, 'name')));
  else for (const msg of isDNS1123Label(name)) errs.push(invalidField(child(path, 'name'), name, msg));
  if (asString(ctr.image) === '') errs.push(required(child(path, 'image')));
  errs.push(
    ...validateEnumOrRequired(ctr.terminationMessagePolicy, child(path, 'terminationMessagePolicy'), [
      'File',
      'FallbackToLogsOnError',
    ]),
  );
  errs.push(...validatePorts(ctr.ports, child(path, 'ports')));
  errs.push(...validateEnv(ctr.env, child(path, 'env')));
  errs.push(...validateVolumeMounts(ctr.volumeMounts, child(path, 'volumeMounts')));
  errs.push(
    ...validateEnumOrRequired(ctr.imagePullPolicy, child(path, 'imagePullPolicy'), [
      'Always',
      'IfNotPresent',
      'Never',
    ]),
  );
  return errs;
}

function validateContainers(
  list: unknown,
  path: string,
  requireOne: boolean,
  names: Set<string>,
): FieldError[] {
  const items = asArray(list);
  if (items.length === 0) return requireOne ? [required(path)] : [];
  const errs: FieldError[] = [];
  items.forEach((raw, i) => {
    const p = index(path, i);
    errs.push(...validateContainer(raw, p));
    const name = asString(isObj(raw) ? raw.name : undefined);
    if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
    names.add(name);
  });
  return errs;
}

function validateVolumes(volumes: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  asArray(volumes).forEach((raw, i) => {
    const p = child(index(path, i), 'name');
    const name = asString(isObj(raw) ? raw.name : undefined);
    if (name === '') errs.push(required(p));
    else for (const msg of isDNS1123Label(name)) errs.push(invalidField(p, name, msg));
    if (names.has(name)) errs.push(duplicate(p, name));
    names.add(name);
  });
  return errs;
}

/** `ValidatePodSpec`, reduced to volumes, containers, restartPolicy and dnsPolicy. */
export function validatePodSpec(spec: unknown, path: string): FieldError[] {
  const s = isObj(spec) ? spec : {};
  const errs = validateVolumes(s.volumes, child(path, 'volumes'));
  const names = new Set<string>();
  errs.push(...validateContainers(s.containers, child(path, 'containers'), true, names));
  errs.push(...validateContainers(s.initContainers, child(path, 'initContainers'), false, names));
  errs.push(
    ...validateEnumOrRequired(s.restartPolicy, child(path, 'restartPolicy'), [
      'Always',
      'OnFailure',
      'Never',
    ]),
  );
  errs.push(
    ...validateEnumOrRequired(s.dnsPolicy, child(path, 'dnsPolicy'), [
      'ClusterFirstWithHostNet',
      'ClusterFirst',
      'Default',
      'None',
    ]),
  );
  return errs;
}

/**
 * `ValidatePodTemplateSpec`. The template's labels are reported at `<path>.labels` (the metadata is embedded
 * in the internal type), unlike the selector mismatch, which names `<path>.metadata.labels`.
 */
export function validatePodTemplateSpec(template: unknown, path: string): FieldError[] {
  const t = isObj(template) ? template : {};
  const meta = isObj(t.metadata) ? t.metadata : {};
  return [
    ...validateLabels(meta.labels, child(path, 'labels')),
    ...validateAnnotations(meta.annotations, child(path, 'annotations')),
    ...validatePodSpec(t.spec, child(path, 'spec')),
  ];
}
