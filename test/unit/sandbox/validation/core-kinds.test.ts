/**
 * Service, ConfigMap, Secret, Namespace and RBAC validation. Upstream: kubernetes
 * pkg/apis/core/validation/validation.go (ValidateService, ValidateConfigMap, ValidateSecret,
 * ValidateNamespace, validateKubeFinalizerName) and pkg/apis/rbac/validation/validation.go.
 */
import { describe, expect, it } from 'vitest';
import type { Obj } from '../../../../src/sandbox/types.js';
import { validateBuiltin } from '../../../../src/sandbox/validation/builtin.js';
import { applyDefaults } from '../../../../src/sandbox/validation/defaults.js';
import { lines } from './render.js';

const RBAC = 'rbac.authorization.k8s.io';

function check(group: string, kind: string, obj: Obj): string[] {
  return lines(validateBuiltin(group, kind, applyDefaults(group, kind, obj)));
}

const ns = (rest: Obj = {}): Obj => ({ metadata: { name: 'x', namespace: 'd' }, ...rest });

describe('Service', () => {
  it.each<[string, Obj, string[]]>([
    ['valid', { selector: { app: 'web' }, ports: [{ port: 80 }] }, []],
    ['no ports', { selector: { app: 'web' } }, ['spec.ports: Required value']],
    ['headless without ports', { clusterIP: 'None', selector: { app: 'web' } }, []],
    ['ExternalName without ports', { type: 'ExternalName', externalName: 'db.example.com.' }, []],
    ['ExternalName without a name', { type: 'ExternalName' }, ['spec.externalName: Required value']],
    [
      'two ports need names',
      { ports: [{ port: 80 }, { port: 443, name: 'https' }] },
      ['spec.ports[0].name: Required value'],
    ],
    [
      'port out of range',
      { ports: [{ port: 0, targetPort: 8080 }] },
      ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'],
    ],
    [
      'bad protocol',
      { ports: [{ port: 53, protocol: 'ICMP' }] },
      ['spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"'],
    ],
    [
      'bad named targetPort',
      { ports: [{ port: 80, targetPort: 'HTTP' }] },
      [
        'spec.ports[0].targetPort: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'spec.ports[0].targetPort: Invalid value: "HTTP": must contain at least one letter (a-z)',
      ],
    ],
    [
      'duplicate port and protocol, the key rendered as the internal ServicePort',
      {
        ports: [
          { port: 80, name: 'a' },
          { port: 80, name: 'b' },
        ],
      },
      [
        'spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,"NodePort":0}',
      ],
    ],
    [
      'bad type',
      { type: 'Internal', ports: [{ port: 80 }] },
      [
        'spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      ],
    ],
    [
      'nodePort on ClusterIP',
      { ports: [{ port: 80, nodePort: 30080 }] },
      ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    ],
  ])('%s', (_name, spec, want) => {
    expect(check('', 'Service', ns({ spec }))).toEqual(want);
  });
});

describe('ConfigMap and Secret', () => {
  const KEY_MSG =
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
  it.each<[string, string, Obj, string[]]>([
    ['ConfigMap valid', 'ConfigMap', { data: { 'app.properties': 'a=b' } }, []],
    [
      'ConfigMap bad key',
      'ConfigMap',
      { data: { 'a/b': 'x' } },
      [`data[a/b]: Invalid value: "a/b": ${KEY_MSG}`],
    ],
    [
      'ConfigMap dot-dot key',
      'ConfigMap',
      { data: { '..x': 'x' } },
      [`data[..x]: Invalid value: "..x": must not start with '..'`],
    ],
    [
      'ConfigMap key in both maps',
      'ConfigMap',
      { data: { k: 'x' }, binaryData: { k: 'eA==' } },
      ['data[k]: Invalid value: "k": duplicate of key present in binaryData'],
    ],
    [
      'ConfigMap over 1 MiB',
      'ConfigMap',
      { data: { k: 'x'.repeat(1024 * 1024 + 1) } },
      [': Too long: may not be more than 1048576 bytes'],
    ],
    ['Secret Opaque', 'Secret', { stringData: { password: 's3cret' } }, []],
    [
      'Secret bad key',
      'Secret',
      { data: { 'my key': 'eA==' } },
      [`data[my key]: Invalid value: "my key": ${KEY_MSG}`],
    ],
    [
      'Secret tls without keys',
      'Secret',
      { type: 'kubernetes.io/tls' },
      ['data[tls.crt]: Required value', 'data[tls.key]: Required value'],
    ],
    [
      'Secret basic-auth with neither field',
      'Secret',
      { type: 'kubernetes.io/basic-auth' },
      ['data[username]: Required value', 'data[password]: Required value'],
    ],
    [
      'Secret dockerconfigjson',
      'Secret',
      { type: 'kubernetes.io/dockerconfigjson', data: {} },
      ['data[.dockerconfigjson]: Required value'],
    ],
    [
      'service-account-token needs the annotation',
      'Secret',
      { type: 'kubernetes.io/service-account-token' },
      ['metadata.annotations[kubernetes.io/service-account.name]: Required value'],
    ],
  ])('%s', (_name, kind, body, want) => {
    expect(check('', kind, ns(body))).toEqual(want);
  });

  it('rejects unqualified custom finalizers on built-in kinds', () => {
    const obj = { metadata: { name: 'x', namespace: 'd', finalizers: ['my-finalizer', 'example.com/ok'] } };
    expect(check('', 'ConfigMap', obj)).toEqual([
      'metadata.finalizers: Invalid value: "my-finalizer": name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });
});

describe('Namespace', () => {
  it.each<[string, Obj, string[]]>([
    ['valid', { metadata: { name: 'team-a' } }, []],
    [
      'dots',
      { metadata: { name: 'team.a' } },
      ['metadata.name: Invalid value: "team.a": must not contain dots'],
    ],
    [
      'unknown spec finalizer',
      { metadata: { name: 'a' }, spec: { finalizers: ['custom'] } },
      [
        'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
      ],
    ],
  ])('%s', (_name, obj, want) => {
    expect(check('', 'Namespace', obj)).toEqual(want);
  });
});

describe('RBAC', () => {
  it.each<[string, string, Obj, string[]]>([
    ['Role valid', 'Role', ns({ rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }), []],
    [
      'Role rule without verbs and groups',
      'Role',
      ns({ rules: [{ resources: ['pods'] }] }),
      [
        'rules[0].verbs: Required value: verbs must contain at least one value',
        'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
      ],
    ],
    [
      'ClusterRole name with a colon is fine',
      'ClusterRole',
      {
        metadata: { name: 'system:controller:x' },
        rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }],
      },
      [],
    ],
    [
      'RoleBinding without roleRef',
      'RoleBinding',
      ns({ subjects: [{ kind: 'User', name: 'alice' }] }),
      [
        'roleRef.kind: Unsupported value: "": supported values: "Role", "ClusterRole"',
        'roleRef.name: Required value',
      ],
    ],
    [
      'RoleBinding bad subject kind',
      'RoleBinding',
      ns({ roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'Robot', name: 'r2d2' }] }),
      ['subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"'],
    ],
    [
      'ClusterRoleBinding to a Role and a ServiceAccount without namespace',
      'ClusterRoleBinding',
      {
        metadata: { name: 'b' },
        roleRef: { kind: 'Role', name: 'r' },
        subjects: [{ kind: 'ServiceAccount', name: 'sa' }],
      },
      [
        'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
        'subjects[0].namespace: Required value',
      ],
    ],
  ])('%s', (_name, kind, obj, want) => {
    expect(check(RBAC, kind, obj)).toEqual(want);
  });
});
