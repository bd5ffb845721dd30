// Kubernetes protobuf request bodies → JSON. Field numbers: kubernetes/api core/v1 and authorization/v1
// generated.proto, apimachinery pkg/apis/meta/v1 and pkg/runtime generated.proto; envelope: apimachinery
// pkg/runtime/serializer/protobuf/protobuf.go; JSON forms: the json tags of the matching types.go.
// The tables below are format-ignored: one row per line reads better than the formatter's one value per line.
import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../src/sandbox/errors.js';
import { decodeKubeProtobuf, PROTOBUF_CONTENT_TYPE } from '../../../src/sandbox/protobuf/index.js';
import type { Obj } from '../../../src/sandbox/types.js';
import type { PbField } from './protobuf-encode.js';
import { encode, entry, envelope, MAGIC, tag, varint } from './protobuf-encode.js';

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}

const hex = (s: string) => Buffer.from(s, 'hex');
const AUTHZ = 'authorization.k8s.io/v1';
const secs = (iso: string) => Date.parse(iso) / 1000;

// Captured from kubectl v1.36.3: a throwaway node:http server on 127.0.0.1 answered /api, /apis, /api/v1 and
// /apis/authorization.k8s.io/v1 discovery and logged each POST body; kubectl ran against it with a kubeconfig
// naming that server and a dummy token. Each row is [command, body as hex, the JSON form]. The JSON forms of the
// `create` rows are what `kubectl create ... --dry-run=client -o json` prints for the same command.
// biome-ignore format: table
const KUBECTL_FIXTURES: readonly (readonly [string, string, Obj])[] = [
  [
    'auth can-i get pods -n default',
    '6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a656374416363657373526576696577123c0a100a0012001a0022002a00320038004200121e0a1c0a0764656661756c7412036765741a0022002a04706f647332003a001a08080012001a0020001a002200',
    { apiVersion: AUTHZ, kind: 'SelfSubjectAccessReview', metadata: {}, spec: { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' } }, status: { allowed: false } },
  ],
  [
    'auth can-i list secrets --subresource=status -n kube-system',
    '6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a656374416363657373526576696577124a0a100a0012001a0022002a00320038004200122c0a2a0a0b6b7562652d73797374656d12046c6973741a0022002a077365637265747332067374617475733a001a08080012001a0020001a002200',
    { apiVersion: AUTHZ, kind: 'SelfSubjectAccessReview', metadata: {}, spec: { resourceAttributes: { namespace: 'kube-system', verb: 'list', resource: 'secrets', subresource: 'status' } }, status: { allowed: false } },
  ],
  [
    'auth can-i get /logs',
    '6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a656374416363657373526576696577122c0a100a0012001a0022002a00320038004200120e120c0a052f6c6f677312036765741a08080012001a0020001a002200',
    { apiVersion: AUTHZ, kind: 'SelfSubjectAccessReview', metadata: {}, spec: { nonResourceAttributes: { path: '/logs', verb: 'get' } }, status: { allowed: false } },
  ],
  [
    'auth can-i --list -n default',
    '6b3873000a310a17617574686f72697a6174696f6e2e6b38732e696f2f7631121653656c665375626a65637452756c657352657669657712230a100a0012001a0022002a0032003800420012090a0764656661756c741a04180022001a002200',
    // Go writes the nil rule lists of SubjectRulesReviewStatus as null: their json tags lack omitempty.
    { apiVersion: AUTHZ, kind: 'SelfSubjectRulesReview', metadata: {}, spec: { namespace: 'default' }, status: { resourceRules: null, nonResourceRules: null, incomplete: false } },
  ],
  [
    'create namespace team-a',
    '6b3873000a0f0a02763112094e616d657370616365121e0a160a067465616d2d6112001a0022002a0032003800420012001a020a001a002200',
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' }, spec: {}, status: {} },
  ],
  [
    'create configmap c --from-literal=a=b -n default',
    '6b3873000a0f0a0276311209436f6e6669674d617012220a180a016312001a0764656661756c7422002a0032003800420012060a01611201621a002200',
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { a: 'b' } },
  ],
  [
    'create configmap bin --from-file=blob=<bytes 00 ff 10> -n default',
    '6b3873000a0f0a0276311209436f6e6669674d617012290a1a0a0362696e12001a0764656661756c7422002a003200380042001a0b0a04626c6f62120300ff101a002200',
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bin', namespace: 'default' }, binaryData: { blob: 'AP8Q' } },
  ],
  [
    'create secret generic s --from-literal=k=v -n default',
    '6b3873000a0c0a027631120653656372657412240a180a017312001a0764656661756c7422002a0032003800420012060a016b1201761a001a002200',
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data: { k: 'dg==' } },
  ],
  [
    'create secret generic t --type=kubernetes.io/basic-auth --from-literal=username=u --from-literal=password=p',
    '6b3873000a0c0a027631120653656372657412520a180a017412001a0764656661756c7422002a00320038004200120d0a0870617373776f7264120170120d0a08757365726e616d651201751a186b756265726e657465732e696f2f62617369632d617574681a002200',
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 't', namespace: 'default' }, data: { password: 'cA==', username: 'dQ==' }, type: 'kubernetes.io/basic-auth' },
  ],
  [
    'create serviceaccount sa -n default',
    '6b3873000a140a027631120e536572766963654163636f756e74121b0a190a02736112001a0764656661756c7422002a003200380042001a002200',
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: 'default' } },
  ],
];

describe('decodeKubeProtobuf: bytes captured from kubectl 1.36', () => {
  it.each(KUBECTL_FIXTURES)('kubectl %s', (_cmd, body, json) => {
    expect(decodeKubeProtobuf(hex(body))).toStrictEqual(json);
  });

  it('exports the media type', () => {
    expect(PROTOBUF_CONTENT_TYPE).toBe('application/vnd.kubernetes.protobuf');
  });
});

const meta = (fields: readonly PbField[]): PbField => [1, fields];
const FIELDS_V1 = '{"f:data":{".":{},"f:a":{}}}';

// biome-ignore format: table
const DECODES: readonly (readonly [string, Buffer, Obj])[] = [
  [
    'every ObjectMeta field, pointers kept at zero',
    envelope('v1', 'ConfigMap', [
      meta([
        [1, 'c'], [2, 'c-'], [3, 'ns'], [4, '/self'], [5, 'uid-1'], [6, '42'], [7, 3],
        [8, [[1, secs('2024-05-06T07:08:09Z')], [2, 999]]],
        [9, [[1, 0]]],
        [10, 0],
        [11, entry('app', 'web')], [11, entry('__proto__', 'kept')], [12, entry('note', '')],
        [13, [[5, 'apps/v1'], [1, 'Deployment'], [3, 'd'], [4, 'u2'], [6, true], [7, false]]],
        [14, 'example.com/f'], [14, 'other'],
        [17, [[1, 'kubectl'], [2, 'Update'], [3, 'v1'], [4, [[1, secs('2024-01-02T03:04:05Z')]]], [6, 'FieldsV1'], [7, [[1, FIELDS_V1]]], [8, 'status']]],
      ]),
      [4, false],
    ]),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'c', generateName: 'c-', namespace: 'ns', selfLink: '/self', uid: 'uid-1', resourceVersion: '42', generation: 3,
        creationTimestamp: '2024-05-06T07:08:09Z', // nanos dropped, as metav1.Time.Unmarshal does
        deletionTimestamp: '1970-01-01T00:00:00Z',
        deletionGracePeriodSeconds: 0,
        labels: JSON.parse('{"app":"web","__proto__":"kept"}'),
        annotations: { note: '' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'u2', controller: true, blockOwnerDeletion: false }],
        finalizers: ['example.com/f', 'other'],
        managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2024-01-02T03:04:05Z', fieldsType: 'FieldsV1', fieldsV1: JSON.parse(FIELDS_V1), subresource: 'status' }],
      },
      immutable: false,
    },
  ],
  [
    'Namespace spec and status',
    envelope('v1', 'Namespace', [
      meta([[1, 'n']]),
      [2, [[1, 'kubernetes']]],
      [3, [[1, 'Terminating'], [2, [[1, 'NamespaceDeletionContentFailure'], [2, 'False'], [4, [[1, secs('2025-01-01T00:00:00Z')]]], [5, 'R'], [6, '']]]]],
    ]),
    {
      apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' }, spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Terminating', conditions: [{ type: 'NamespaceDeletionContentFailure', status: 'False', lastTransitionTime: '2025-01-01T00:00:00Z', reason: 'R' }] },
    },
  ],
  [
    'Secret stringData, type, immutable',
    envelope('v1', 'Secret', [meta([[1, 's']]), [5, true], [2, entry('bin', Buffer.from([0, 1]))], [4, entry('k', 'v')], [3, 'Opaque']]),
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, immutable: true, data: { bin: 'AAE=' }, stringData: { k: 'v' }, type: 'Opaque' },
  ],
  [
    'ServiceAccount references',
    envelope('v1', 'ServiceAccount', [meta([[1, 'sa']]), [2, [[1, 'Secret'], [3, 'tok'], [7, '']]], [3, [[1, 'pull']]], [4, false]]),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' }, secrets: [{ kind: 'Secret', name: 'tok' }], imagePullSecrets: [{ name: 'pull' }], automountServiceAccountToken: false },
  ],
  [
    'SelfSubjectAccessReview with selectors and a status',
    envelope(AUTHZ, 'SelfSubjectAccessReview', [
      [2, [[1, [[2, 'list'], [5, 'pods'], [8, [[1, 'spec.nodeName=n1']]], [9, [[2, [[1, 'app'], [2, 'In'], [3, 'a'], [3, 'b']]], [2, [[1, 'x'], [2, 'Exists']]]]]]]]],
      [3, [[1, true], [4, false], [2, 'RBAC'], [3, '']]],
    ]),
    {
      apiVersion: AUTHZ, kind: 'SelfSubjectAccessReview', metadata: {},
      spec: { resourceAttributes: { verb: 'list', resource: 'pods', fieldSelector: { rawSelector: 'spec.nodeName=n1' }, labelSelector: { requirements: [{ key: 'app', operator: 'In', values: ['a', 'b'] }, { key: 'x', operator: 'Exists' }] } } },
      status: { allowed: true, reason: 'RBAC' },
    },
  ],
  [
    'SelfSubjectRulesReview status rules',
    envelope(AUTHZ, 'SelfSubjectRulesReview', [[3, [[1, [[1, 'get'], [2, ''], [3, 'pods']]], [2, [[2, '/healthz']]], [3, true]]]]),
    {
      apiVersion: AUTHZ, kind: 'SelfSubjectRulesReview', metadata: {}, spec: {},
      status: { resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], nonResourceRules: [{ verbs: null, nonResourceURLs: ['/healthz'] }], incomplete: true },
    },
  ],
  [
    'missing fields without omitempty get Go zero values',
    envelope(AUTHZ, 'SelfSubjectAccessReview', []),
    { apiVersion: AUTHZ, kind: 'SelfSubjectAccessReview', metadata: {}, spec: {}, status: { allowed: false } },
  ],
  [
    'an OwnerReference keeps its required fields when empty or missing',
    envelope('v1', 'ConfigMap', [meta([[13, [[1, 'Deployment'], [3, '']]]])]),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ownerReferences: [{ apiVersion: '', kind: 'Deployment', name: '', uid: '' }] } },
  ],
  [
    'repeated scalars: last wins; repeated messages merge; repeated map keys: last wins',
    envelope('v1', 'ConfigMap', [meta([[1, 'a'], [1, 'b']]), meta([[3, 'ns']]), [2, entry('k', '1')], [2, entry('k', '2')], [2, [[1, 'nov']]]]),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'ns' }, data: { k: '2', nov: '' } },
  ],
  [
    'negative int64, invalid UTF-8, an explicit protobuf contentType',
    envelope('v1', 'Namespace', [meta([[1, Buffer.from([0x61, 0xff])], [10, -1]])], [[4, PROTOBUF_CONTENT_TYPE]]),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a\uFFFD', deletionGracePeriodSeconds: -1 }, spec: {}, status: {} },
  ],
];

describe('decodeKubeProtobuf: encoded bodies', () => {
  it.each(DECODES)('%s', (_name, body, json) => {
    expect(decodeKubeProtobuf(body)).toStrictEqual(json);
  });
});

const cm = (raw: readonly PbField[] | Buffer) => envelope('v1', 'ConfigMap', raw);

// biome-ignore format: table
const UNSUPPORTED: readonly (readonly [string, Buffer, string])[] = [
  ['a kind without a descriptor', envelope('v1', 'Pod', []), 'cannot decode Pod (v1)'],
  ['an unknown apiVersion', envelope('apps/v1', 'Deployment', []), 'cannot decode Deployment (apps/v1)'],
  ['an unknown field of a kind', cm([[9, 'x']]), 'ConfigMap: field number 9 of k8s.io.api.core.v1.ConfigMap'],
  ['a removed ObjectMeta field (clusterName)', cm([meta([[15, 'c']])]), 'field number 15 of k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta'],
  ['an unknown field of a map entry', cm([[2, [[1, 'k'], [3, 'v']]]]), 'field number 3 of a k8s.io.api.core.v1.ConfigMap.data entry'],
  ['an unknown field of a Time', cm([meta([[8, [[3, 1]]]])]), 'field number 3 of k8s.io.apimachinery.pkg.apis.meta.v1.Time'],
  ['an encoded raw', envelope('v1', 'ConfigMap', [], [[3, 'gzip']]), 'cannot decode ConfigMap with contentEncoding "gzip"'],
  ['a JSON raw', envelope('v1', 'ConfigMap', [], [[4, 'application/json']]), 'cannot decode ConfigMap with contentType "application/json"'],
];

describe('decodeKubeProtobuf: 415 for what it cannot decode', () => {
  it.each(UNSUPPORTED)('%s', (_name, body, detail) => {
    const err = statusOf(() => decodeKubeProtobuf(body));
    expect([err.code, err.reason]).toEqual([415, 'UnsupportedMediaType']);
    expect(err.message).toContain(
      'the sandbox decodes application/vnd.kubernetes.protobuf request bodies only for Namespace, ConfigMap, Secret, ServiceAccount (v1); SelfSubjectAccessReview, SelfSubjectRulesReview (authorization.k8s.io/v1)',
    );
    expect(err.message).toContain(detail);
    expect(err.message).toMatch(/send it as application\/json$/);
  });
});

const raw = (...parts: Buffer[]) => cm(Buffer.concat(parts));

// biome-ignore format: table
const MALFORMED: readonly (readonly [string, Buffer, string])[] = [
  ['an empty body', Buffer.alloc(0), 'empty data'],
  ['a JSON body', Buffer.from('{"kind":"ConfigMap"}'), 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]'],
  ['the magic alone', MAGIC, 'empty body'],
  ['a truncated varint', raw(tag(1, 2), Buffer.from([0x80])), 'truncated varint'],
  ['a length past the end', raw(tag(1, 2), varint(5), Buffer.from('ab')), 'length-delimited value of 5 bytes at offset 2 runs past the end'],
  ['a group (wire type 3)', raw(tag(1, 3)), 'unsupported wire type 3 for field 1'],
  ['field number 0', raw(tag(0, 0), varint(1)), 'invalid field number 0'],
  ['a varint of 11 bytes', raw(tag(4, 0), Buffer.alloc(10, 0xff), Buffer.from([1])), 'varint overflows 64 bits'],
  ['a string sent as a varint', cm([meta([[1, 7]])]), 'ObjectMeta.name (field 1) has wire type varint, want bytes'],
  ['a bool sent as fixed32', raw(tag(4, 5), Buffer.alloc(4)), 'ConfigMap.immutable (field 4) has wire type fixed32, want varint'],
  ['an int64 past 2^53', cm([meta([[7, 2n ** 60n]])]), 'ObjectMeta.generation value 1152921504606846976 does not fit a JSON number exactly'],
  ['a time past year 9999', cm([meta([[8, [[1, 253_402_300_800]]]])]), 'Time seconds 253402300800 is outside years 0000-9999'],
  ['fieldsV1 that is not JSON', cm([meta([[17, [[7, [[1, '{']]]]]])]), 'FieldsV1 does not hold JSON'],
  ['an envelope without a kind', Buffer.concat([MAGIC, encode([[1, [[1, 'v1']]]])]), 'the runtime.Unknown envelope names no kind'],
];

describe('decodeKubeProtobuf: 400 for malformed bytes', () => {
  it.each(MALFORMED)('%s', (_name, body, detail) => {
    const err = statusOf(() => decodeKubeProtobuf(body));
    expect([err.code, err.reason]).toEqual([400, 'BadRequest']);
    expect(err.message).toMatch(/^error decoding protobuf body: /);
    expect(err.message).toContain(detail);
  });

  it('every truncation of a real body decodes or fails with a Status, never anything else', () => {
    const body = hex(KUBECTL_FIXTURES[0]?.[1] ?? '');
    for (let n = 0; n < body.length; n++) {
      try {
        decodeKubeProtobuf(body.subarray(0, n));
      } catch (e) {
        expect(e).toBeInstanceOf(StatusError);
      }
    }
  });

  it('random bytes after the magic fail with a Status, never anything else', () => {
    // A fixed-seed LCG keeps the run deterministic.
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % 256;
    };
    for (let i = 0; i < 500; i++) {
      const noise = Buffer.from(Array.from({ length: 1 + (i % 40) }, next));
      for (const body of [Buffer.concat([MAGIC, noise]), cm(noise)]) {
        try {
          decodeKubeProtobuf(body);
        } catch (e) {
          expect(e).toBeInstanceOf(StatusError);
        }
      }
    }
  });
});
