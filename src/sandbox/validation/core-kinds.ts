/**
 * Checks of the non-workload built-in kinds: Service, ConfigMap, Secret, Namespace
 * (kubernetes pkg/apis/core/validation/validation.go) and the RBAC kinds
 * (kubernetes pkg/apis/rbac/validation/validation.go). Metadata is checked by the caller.
 */
import type { FieldError } from '../errors.js';
import type { Obj } from '../types.js';
import { isObj } from '../types.js';
import {
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isPathSegmentName,
  isValidPortName,
  isValidPortNum,
} from './content.js';
import { validateFinalizers, validateLabels } from './names.js';
import { validateProtocol } from './podspec.js';
import {
  asArray,
  asObj,
  asString,
  at,
  duplicate,
  forbidden,
  index,
  invalidField,
  key,
  notSupported,
  required,
  tooLong,
} from './util.js';

/** core.MaxSecretSize, shared by ConfigMaps and Secrets. */
export const MAX_SECRET_SIZE = 1024 * 1024;

function isHeadless(spec: Obj): boolean {
  const ips = asArray(spec.clusterIPs);
  const first = ips.length > 0 ? ips[0] : spec.clusterIP;
  return asString(spec.type) === 'ClusterIP' && first === 'None';
}

function servicePort(raw: unknown, path: string, requireName: boolean, names: Set<string>): FieldError[] {
  const sp = isObj(raw) ? raw : {};
  const errs: FieldError[] = [];
  const name = asString(sp.name);
  if (requireName && name === '') errs.push(required(`${path}.name`));
  else if (name !== '') {
    for (const msg of isDNS1123Label(name)) errs.push(invalidField(`${path}.name`, name, msg));
    if (names.has(name)) errs.push(duplicate(`${path}.name`, name));
    names.add(name);
  }
  const port = typeof sp.port === 'number' ? sp.port : 0;
  for (const msg of isValidPortNum(port)) errs.push(invalidField(`${path}.port`, port, msg));
  errs.push(...validateProtocol(sp.protocol, `${path}.protocol`));
  const tp = sp.targetPort;
  if (typeof tp === 'string')
    for (const msg of isValidPortName(tp)) errs.push(invalidField(`${path}.targetPort`, tp, msg));
  else {
    const n = typeof tp === 'number' ? tp : 0;
    for (const msg of isValidPortNum(n)) errs.push(invalidField(`${path}.targetPort`, n, msg));
  }
  return errs;
}

/** `ValidateService`, reduced to ports, ExternalName, selector, sessionAffinity and type. Run after defaults. */
export function validateServiceSpec(obj: Obj): FieldError[] {
  const spec = asObj(obj.spec) ?? {};
  const type = asString(spec.type);
  const ports = asArray(spec.ports);
  const errs: FieldError[] = [];
  if (ports.length === 0 && !isHeadless(spec) && type !== 'ExternalName') errs.push(required('spec.ports'));
  if (type === 'ExternalName') {
    const cname = asString(spec.externalName).replace(/\.$/, '');
    if (cname === '') errs.push(required('spec.externalName'));
    else
      for (const msg of isDNS1123Subdomain(cname)) errs.push(invalidField('spec.externalName', cname, msg));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => {
    errs.push(...servicePort(p, index('spec.ports', i), ports.length > 1, names));
  });
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const affinity = asString(spec.sessionAffinity);
  if (affinity === '') errs.push(required('spec.sessionAffinity'));
  else if (affinity !== 'ClientIP' && affinity !== 'None') {
    errs.push(notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  }
  const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  if (type === '') errs.push(required('spec.type'));
  else if (!types.includes(type)) errs.push(notSupported('spec.type', type, types));
  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (typeof at(p, 'nodePort') === 'number' && at(p, 'nodePort') !== 0) {
        errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
      }
    });
  }
  // The duplicate key is an internal core.ServicePort holding only protocol and port: Go field names.
  const seen = new Set<string>();
  ports.forEach((raw, i) => {
    const protocol = asString(at(raw, 'protocol'));
    const port = typeof at(raw, 'port') === 'number' ? at(raw, 'port') : 0;
    const k = `${protocol}/${String(port)}`;
    if (seen.has(k)) {
      const rendered = {
        Name: '',
        Protocol: protocol,
        AppProtocol: null,
        Port: port,
        TargetPort: 0,
        NodePort: 0,
      };
      errs.push(duplicate(index('spec.ports', i), rendered));
    }
    seen.add(k);
  });
  return errs;
}

function base64Len(v: unknown): number {
  return typeof v === 'string' ? Buffer.from(v, 'base64').length : 0;
}

/** `ValidateConfigMap`: data and binaryData keys, no key in both, 1 MiB in total (reported on the empty path). */
export function validateConfigMapData(obj: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const data = asObj(obj.data) ?? {};
  const binary = asObj(obj.binaryData) ?? {};
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalidField(key('data', k), k, msg));
    if (Object.hasOwn(binary, k))
      errs.push(invalidField(key('data', k), k, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(asString(v), 'utf8');
  }
  for (const [k, v] of Object.entries(binary)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalidField(key('binaryData', k), k, msg));
    total += base64Len(v);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('', MAX_SECRET_SIZE));
  return errs;
}

/** `ValidateSecret`: data keys, 1 MiB, and the keys each well-known type requires. Run after stringData merging. */
export function validateSecretData(obj: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const data = asObj(obj.data) ?? {};
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalidField(key('data', k), k, msg));
    total += base64Len(v);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('data', MAX_SECRET_SIZE));
  const has = (k: string) => Object.hasOwn(data, k);
  const need = (k: string) => (has(k) ? [] : [required(key('data', k))]);
  switch (asString(obj.type)) {
    case 'kubernetes.io/service-account-token':
      if (asString(at(obj, 'metadata', 'annotations', 'kubernetes.io/service-account.name')) === '') {
        errs.push(required(key('metadata.annotations', 'kubernetes.io/service-account.name')));
      }
      break;
    case 'kubernetes.io/dockercfg':
      errs.push(...need('.dockercfg'));
      break;
    case 'kubernetes.io/dockerconfigjson':
      errs.push(...need('.dockerconfigjson'));
      break;
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) errs.push(...need('username'), ...need('password'));
      break;
    case 'kubernetes.io/ssh-auth':
      if (base64Len(data['ssh-privatekey']) === 0) errs.push(required(key('data', 'ssh-privatekey')));
      break;
    case 'kubernetes.io/tls':
      errs.push(...need('tls.crt'), ...need('tls.key'));
      break;
  }
  return errs;
}

const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/**
 * core validateKubeFinalizerName: on built-in kinds a finalizer without a `/` must be a standard one.
 * Appended to metadata checks of every built-in kind (core ValidateObjectMeta), and used for Namespace
 * spec.finalizers.
 */
export function validateKubeFinalizers(finalizers: unknown, path: string): FieldError[] {
  return asArray(finalizers)
    .map(asString)
    .filter((f) => !f.includes('/') && !STANDARD_FINALIZERS.has(f))
    .map((f) => invalidField(path, f, 'name is neither a standard finalizer name nor is it fully qualified'));
}

/** `ValidateNamespace`: spec.finalizers. */
export function validateNamespaceSpec(obj: Obj): FieldError[] {
  const fin = at(obj, 'spec', 'finalizers');
  return [...validateFinalizers(fin, 'spec.finalizers'), ...validateKubeFinalizers(fin, 'spec.finalizers')];
}

/** `ValidatePolicyRule` for each rule of a Role or ClusterRole. */
export function validateRules(obj: Obj, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  asArray(obj.rules).forEach((raw, i) => {
    const r = isObj(raw) ? raw : {};
    const p = index('rules', i);
    if (asArray(r.verbs).length === 0)
      errs.push(required(`${p}.verbs`, 'verbs must contain at least one value'));
    const urls = asArray(r.nonResourceURLs);
    if (urls.length > 0) {
      if (namespaced)
        errs.push(
          invalidField(`${p}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'),
        );
      if (asArray(r.apiGroups).length + asArray(r.resources).length + asArray(r.resourceNames).length > 0) {
        errs.push(
          invalidField(
            `${p}.nonResourceURLs`,
            urls,
            'rules cannot apply to both regular resources and non-resource URLs',
          ),
        );
      }
      return;
    }
    if (asArray(r.apiGroups).length === 0) {
      errs.push(required(`${p}.apiGroups`, 'resource rules must supply at least one api group'));
    }
    if (asArray(r.resources).length === 0) {
      errs.push(required(`${p}.resources`, 'resource rules must supply at least one resource'));
    }
  });
  return errs;
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** `ValidateRoleBinding` / `ValidateClusterRoleBinding`: roleRef and subjects. Run after defaults. */
export function validateBinding(obj: Obj, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = asObj(obj.roleRef) ?? {};
  const apiGroup = asString(ref.apiGroup);
  if (apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', apiGroup, [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  const kind = asString(ref.kind);
  if (!kinds.includes(kind)) errs.push(notSupported('roleRef.kind', kind, kinds));
  const name = asString(ref.name);
  if (name === '') errs.push(required('roleRef.name'));
  else for (const msg of isPathSegmentName(name)) errs.push(invalidField('roleRef.name', name, msg));
  asArray(obj.subjects).forEach((raw, i) => {
    const s = isObj(raw) ? raw : {};
    const p = index('subjects', i);
    const sname = asString(s.name);
    if (sname === '') errs.push(required(`${p}.name`));
    const group = asString(s.apiGroup);
    switch (asString(s.kind)) {
      case 'ServiceAccount':
        if (sname)
          for (const msg of isDNS1123Subdomain(sname)) errs.push(invalidField(`${p}.name`, sname, msg));
        if (group !== '') errs.push(notSupported(`${p}.apiGroup`, group, ['']));
        if (!namespaced && asString(s.namespace) === '') errs.push(required(`${p}.namespace`));
        break;
      case 'User':
      case 'Group':
        if (group !== RBAC_GROUP) errs.push(notSupported(`${p}.apiGroup`, group, [RBAC_GROUP]));
        break;
      default:
        errs.push(notSupported(`${p}.kind`, asString(s.kind), ['ServiceAccount', 'User', 'Group']));
    }
  });
  return errs;
}
