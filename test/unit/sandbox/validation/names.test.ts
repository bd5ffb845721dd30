/**
 * Name and ObjectMeta rules. Upstream: apimachinery pkg/api/validate/content/{dns,kube,path}.go,
 * pkg/util/validation/validation.go, pkg/api/validation/{objectmeta,generic}.go; kubernetes
 * pkg/apis/{core,apps,rbac}/validation name functions.
 */
import { describe, expect, it } from 'vitest';
import { type NameRule, nameRuleFor, validateObjectMeta } from '../../../../src/sandbox/validation/names.js';
import { lines } from './render.js';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const KEY_NAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

function meta(m: Record<string, unknown>, rule: NameRule = 'subdomain', namespaced = true): string[] {
  return lines(validateObjectMeta({ metadata: m }, { namespaced, nameRule: rule }));
}

describe('nameRuleFor', () => {
  it.each([
    ['', 'ConfigMap', 'subdomain'],
    ['', 'Namespace', 'label'],
    ['', 'Service', 'label'], // RelaxedServiceNameValidation, beta and on in 1.36
    ['apps', 'StatefulSet', 'label'],
    ['apps', 'Deployment', 'subdomain'],
    ['rbac.authorization.k8s.io', 'ClusterRole', 'pathSegment'],
    ['rbac.authorization.k8s.io', 'RoleBinding', 'pathSegment'],
    ['example.com', 'Widget', 'subdomain'],
  ])('%s/%s uses %s', (group, kind, rule) => {
    expect(nameRuleFor(group, kind)).toBe(rule);
  });
});

describe('validateObjectMeta', () => {
  it.each<[string, Record<string, unknown>, NameRule, string[]]>([
    ['valid subdomain', { name: 'web.v1', namespace: 'default' }, 'subdomain', []],
    [
      'bad subdomain',
      { name: 'Foo_1', namespace: 'default' },
      'subdomain',
      [`metadata.name: Invalid value: "Foo_1": ${SUBDOMAIN_MSG}`],
    ],
    [
      'missing name',
      { namespace: 'default' },
      'subdomain',
      ['metadata.name: Required value: name or generateName is required'],
    ],
    [
      'dots in a label name',
      { name: 'my.ns', namespace: 'default' },
      'label',
      ['metadata.name: Invalid value: "my.ns": must not contain dots'],
    ],
    [
      'bad label name',
      { name: 'My_NS', namespace: 'default' },
      'label',
      [`metadata.name: Invalid value: "My_NS": ${LABEL_MSG}`],
    ],
    ['label starting with a digit is fine in 1.36', { name: '1web', namespace: 'default' }, 'label', []],
    [
      'too long label',
      { name: 'a'.repeat(64), namespace: 'default' },
      'label',
      [`metadata.name: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`],
    ],
    ['RBAC name with colon', { name: 'system:admin', namespace: 'default' }, 'pathSegment', []],
    [
      'RBAC name with slash',
      { name: 'a/b%c', namespace: 'd' },
      'pathSegment',
      [
        `metadata.name: Invalid value: "a/b%c": may not contain '/'`,
        `metadata.name: Invalid value: "a/b%c": may not contain '%'`,
      ],
    ],
    [
      'RBAC name dot-dot',
      { name: '..', namespace: 'd' },
      'pathSegment',
      [`metadata.name: Invalid value: "..": may not be '..'`],
    ],
    [
      'generateName with trailing dash',
      { generateName: 'web-', name: 'web-x1', namespace: 'd' },
      'subdomain',
      [],
    ],
    [
      'bad generateName',
      { generateName: 'Web-', name: 'web-x1', namespace: 'd' },
      'subdomain',
      [`metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN_MSG}`],
    ],
    ['missing namespace', { name: 'x' }, 'subdomain', ['metadata.namespace: Required value']],
    [
      'bad namespace',
      { name: 'x', namespace: 'a.b' },
      'subdomain',
      ['metadata.namespace: Invalid value: "a.b": must not contain dots'],
    ],
    [
      'bad label value',
      { name: 'x', namespace: 'd', labels: { app: 'has space' } },
      'subdomain',
      [`metadata.labels: Invalid value: "has space": ${LABEL_VALUE_MSG}`],
    ],
    [
      'bad label key',
      { name: 'x', namespace: 'd', labels: { '-app': 'a' } },
      'subdomain',
      [`metadata.labels: Invalid value: "-app": ${KEY_NAME_MSG}`],
    ],
    [
      'label key with empty prefix',
      { name: 'x', namespace: 'd', labels: { '/app': 'a' } },
      'subdomain',
      ['metadata.labels: Invalid value: "/app": prefix part must be non-empty'],
    ],
    [
      'annotation key compared lower-cased',
      { name: 'x', namespace: 'd', annotations: { 'Example.com/Key': 'v' } },
      'subdomain',
      [],
    ],
    [
      'finalizers orphan and foreground',
      { name: 'x', namespace: 'd', finalizers: ['orphan', 'foregroundDeletion'] },
      'subdomain',
      [
        'metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set',
      ],
    ],
  ])('%s', (_name, m, rule, want) => {
    expect(meta(m, rule)).toEqual(want);
  });

  it('forbids a namespace on cluster-scoped kinds', () => {
    expect(meta({ name: 'x', namespace: 'd' }, 'label', false)).toEqual([
      'metadata.namespace: Forbidden: not allowed on this type',
    ]);
  });

  it('limits annotations to 256 KiB in total (the client-side apply last-applied limit)', () => {
    const big = 'x'.repeat(256 * 1024);
    expect(meta({ name: 'x', namespace: 'd', annotations: { a: big } })).toEqual([
      'metadata.annotations: Too long: may not be more than 262144 bytes',
    ]);
  });
});
