// Kubernetes protobuf request bodies → JSON. Field numbers: kubernetes/api core/v1, apps/v1, batch/v1,
// authorization/v1 and authentication/v1 generated.proto, apimachinery pkg/apis/meta/v1, pkg/runtime,
// pkg/util/intstr and pkg/api/resource generated.proto; envelope: apimachinery
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
const AUTHN = 'authentication.k8s.io/v1';
const secs = (iso: string) => Date.parse(iso) / 1000;

// Captured from kubectl v1.36.3: a throwaway node:http server on 127.0.0.1 answered /api, /apis, /api/v1,
// /apis/apps/v1, /apis/batch/v1, /apis/authentication.k8s.io/v1 and /apis/authorization.k8s.io/v1 discovery,
// logged each POST body and answered it 201 (a TokenRequest with a token for `create token`); kubectl ran against
// it with a kubeconfig naming that server, the namespace default and a dummy token. Each row is [command, body as
// hex, the JSON form]. The JSON forms of the `create` rows are what `kubectl create ... --dry-run=client -o json`
// prints for the same command; `create token` has no --dry-run, so its rows hold what encoding/json makes of the
// same TokenRequest (pointers without omitempty are null, as is a zero metav1.Time without omitempty).
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
    'create deployment web --image=nginx:1.27 --replicas=2 --port=80',
    '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412bd010a1f0a0377656212001a0022002a003200380042005a0a0a036170701203776562128b010802120c0a0a0a0361707012037765621a710a1c0a0012001a0022002a003200380042005a0a0a036170701203776562125112330a056e67696e78120a6e67696e783a312e32372a00320a0a001000185022002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200',
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' } }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: {} }] } }, strategy: {} }, status: {} },
  ],
  [
    'create deployment cmd --image=busybox:1 -- sleep 3600',
    '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412bf010a1f0a03636d6412001a0022002a003200380042005a0a0a036170701203636d64128d010801120c0a0a0a036170701203636d641a730a1c0a0012001a0022002a003200380042005a0a0a036170701203636d64125312350a0762757379626f78120962757379626f783a311a05736c6565701a04333630302a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200',
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'cmd', labels: { app: 'cmd' } }, spec: { replicas: 1, selector: { matchLabels: { app: 'cmd' } }, template: { metadata: { labels: { app: 'cmd' } }, spec: { containers: [{ name: 'busybox', image: 'busybox:1', command: ['sleep', '3600'], resources: {} }] } }, strategy: {} }, status: {} },
  ],
  [
    'create deployment multi --image=nginx:1.27 --image=busybox:1',
    '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412e4010a230a056d756c746912001a0022002a003200380042005a0c0a0361707012056d756c746912ae010801120e0a0c0a0361707012056d756c74691a91010a1e0a0012001a0022002a003200380042005a0c0a0361707012056d756c7469126f12270a056e67696e78120a6e67696e783a312e32372a0042006a007200800100880100900100a2010012280a0762757379626f78120962757379626f783a312a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200',
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'multi', labels: { app: 'multi' } }, spec: { replicas: 1, selector: { matchLabels: { app: 'multi' } }, template: { metadata: { labels: { app: 'multi' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', resources: {} }, { name: 'busybox', image: 'busybox:1', resources: {} }] } }, strategy: {} }, status: {} },
  ],
  [
    'create job j --image=busybox:1 -- echo hi',
    '6b3873000a0f0a0862617463682f763112034a6f621284010a110a016a12001a0022002a00320038004200126532630a100a0012001a0022002a00320038004200124f122c0a016a120962757379626f783a311a046563686f1a0268692a0042006a007200800100880100900100a201001a054e65766572320042004a0052005800600068008201008a01009a0100c201001a082000280030003a001a002200',
    { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { metadata: {}, spec: { containers: [{ name: 'j', image: 'busybox:1', command: ['echo', 'hi'], resources: {} }], restartPolicy: 'Never' } } }, status: {} },
  ],
  [
    "create cronjob cj --image=busybox:1 '--schedule=*/5 * * * *' -- date",
    '6b3873000a130a0862617463682f7631120743726f6e4a6f6212a6010a120a02636a12001a0022002a00320038004200128d010a0b2a2f35202a202a202a202a1a002a7c0a120a02636a12001a0022002a00320038004200126632640a100a0012001a0022002a00320038004200125012290a02636a120962757379626f783a311a04646174652a0042006a007200800100880100900100a201001a094f6e4661696c757265320042004a0052005800600068008201008a01009a0100c201001a001a002200',
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj' }, spec: { schedule: '*/5 * * * *', jobTemplate: { metadata: { name: 'cj' }, spec: { template: { metadata: {}, spec: { containers: [{ name: 'cj', image: 'busybox:1', command: ['date'], resources: {} }], restartPolicy: 'OnFailure' } } } } }, status: {} },
  ],
  [
    'create token default -n default',
    '6b3873000a280a1861757468656e7469636174696f6e2e6b38732e696f2f7631120c546f6b656e52657175657374121a0a100a0012001a0022002a0032003800420012001a040a0012001a002200',
    { apiVersion: AUTHN, kind: 'TokenRequest', metadata: {}, spec: { audiences: null, expirationSeconds: null, boundObjectRef: null }, status: { token: '', expirationTimestamp: null } },
  ],
  [
    'create token default -n default --audience=a --audience=b --duration=10m --bound-object-kind=Pod --bound-object-name=p --bound-object-uid=u1',
    '6b3873000a280a1861757468656e7469636174696f6e2e6b38732e696f2f7631120c546f6b656e5265717565737412350a100a0012001a0022002a00320038004200121b0a01610a01621a100a03506f64120276311a01702202753120d8041a040a0012001a002200',
    { apiVersion: AUTHN, kind: 'TokenRequest', metadata: {}, spec: { audiences: ['a', 'b'], expirationSeconds: 600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'u1' } }, status: { token: '', expirationTimestamp: null } },
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
/** A pod template with one container holding `container` after its name; for the workload rows. */
const template = (container: readonly PbField[], pod: readonly PbField[] = []): readonly PbField[] => [
  [2, [[2, [[1, 'c'], ...container]], ...pod]],
];
/** intstr.IntOrString as Go writes it: type 0 with intVal, or type 1 with strVal. */
const intOrStr = (v: number | string): readonly PbField[] =>
  typeof v === 'number'
    ? [
        [1, 0],
        [2, v],
        [3, ''],
      ]
    : [
        [1, 1],
        [2, 0],
        [3, v],
      ];
/** A map<string, Quantity> entry. */
const qty = (key: string, value: string): readonly PbField[] => [
  [1, key],
  [2, [[1, value]]],
];

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
    'a zero Time: null behind a pointer, left out under omitempty',
    envelope('v1', 'ConfigMap', [meta([[8, []], [9, []]])]),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { deletionTimestamp: null } },
  ],
  [
    'Deployment: every spec field, IntOrString both ways, a status with conditions',
    envelope('apps/v1', 'Deployment', [
      meta([[1, 'd']]),
      [2, [
        [1, 0], [2, [[2, [[1, 'tier'], [2, 'NotIn'], [3, 'db']]]]], [3, template([])],
        [4, [[1, 'RollingUpdate'], [2, [[1, intOrStr(0)], [2, intOrStr('25%')]]]]],
        [5, 5], [6, 0], [7, true], [9, 600], [10, 'TerminationComplete'],
      ]],
      [3, [
        [1, 4], [2, 3], [3, 2], [4, 1], [5, 2], [7, 1], [9, 0], [8, 0],
        [6, [[1, 'Available'], [2, 'False'], [6, [[1, secs('2025-02-03T04:05:06Z')]]], [7, []], [4, 'MinimumReplicasUnavailable'], [5, 'm']]],
      ]],
    ]),
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' },
      spec: {
        replicas: 0, selector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] },
        template: { metadata: {}, spec: { containers: [{ name: 'c', resources: {} }] } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
        minReadySeconds: 5, revisionHistoryLimit: 0, paused: true, progressDeadlineSeconds: 600, podReplacementPolicy: 'TerminationComplete',
      },
      status: {
        observedGeneration: 4, replicas: 3, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1, unavailableReplicas: 2, terminatingReplicas: 0,
        conditions: [{ type: 'Available', status: 'False', lastUpdateTime: '2025-02-03T04:05:06Z', reason: 'MinimumReplicasUnavailable', message: 'm' }],
        collisionCount: 0,
      },
    },
  ],
  [
    'a Deployment without a selector or template: null selector (a pointer without omitempty), zero template',
    envelope('apps/v1', 'Deployment', [[2, []]]),
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: {}, spec: { selector: null, template: { metadata: {}, spec: { containers: null } }, strategy: {} }, status: {} },
  ],
  [
    'a Container with every described field, Quantities, and the PodSpec scalars',
    envelope('batch/v1', 'Job', [[2, [[6, template(
      [
        [2, 'img'], [3, 'sh'], [4, '-c'], [4, 'true'], [5, '/w'],
        [6, [[1, 'http'], [2, 8080], [3, 80], [4, 'TCP'], [5, '0.0.0.0']]],
        [7, [[1, 'A'], [2, '1']]], [7, [[1, 'B']]],
        [8, [[1, qty('cpu', '500m')], [1, qty('memory', '1Gi')], [2, [[1, 'cpu']]], [3, [[1, 'gpu'], [2, 'r']]]]],
        [24, 'Always'], [13, '/dev/termination-log'], [20, 'File'], [14, 'IfNotPresent'], [16, true], [17, true], [18, true],
      ],
      [
        [20, [[1, 'init'], [2, 'busybox:1']]], [3, 'OnFailure'], [4, 0], [5, 60], [6, 'ClusterFirst'], [7, entry('disk', 'ssd')],
        [8, 'sa'], [9, 'sa'], [21, false], [10, 'n1'], [11, true], [12, true], [13, true], [27, false], [15, [[1, 'pull']]],
        [16, 'h'], [17, 'sub'], [19, 'default-scheduler'], [24, 'high'], [25, 0], [29, 'gvisor'], [30, false],
        [31, 'Never'], [32, qty('cpu', '250m')], [35, false], [37, false], [41, 'alias'],
      ],
    )]]]]),
    {
      apiVersion: 'batch/v1', kind: 'Job', metadata: {},
      spec: { template: { metadata: {}, spec: {
        initContainers: [{ name: 'init', image: 'busybox:1', resources: {} }],
        containers: [{
          name: 'c', image: 'img', command: ['sh'], args: ['-c', 'true'], workingDir: '/w',
          ports: [{ name: 'http', hostPort: 8080, containerPort: 80, protocol: 'TCP', hostIP: '0.0.0.0' }],
          env: [{ name: 'A', value: '1' }, { name: 'B' }],
          resources: { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '0' }, claims: [{ name: 'gpu', request: 'r' }] },
          restartPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent',
          stdin: true, stdinOnce: true, tty: true,
        }],
        restartPolicy: 'OnFailure', terminationGracePeriodSeconds: 0, activeDeadlineSeconds: 60, dnsPolicy: 'ClusterFirst', nodeSelector: { disk: 'ssd' },
        serviceAccountName: 'sa', serviceAccount: 'sa', automountServiceAccountToken: false, nodeName: 'n1', hostNetwork: true, hostPID: true, hostIPC: true,
        shareProcessNamespace: false, imagePullSecrets: [{ name: 'pull' }], hostname: 'h', subdomain: 'sub', schedulerName: 'default-scheduler',
        priorityClassName: 'high', priority: 0, runtimeClassName: 'gvisor', enableServiceLinks: false, preemptionPolicy: 'Never', overhead: { cpu: '250m' },
        setHostnameAsFQDN: false, hostUsers: false, hostnameOverride: 'alias',
      } } },
      status: {},
    },
  ],
  [
    'a PodSecurityContext, supplementalGroups both unpacked (as Go writes them) and packed',
    envelope('apps/v1', 'Deployment', [[2, [[3, template([], [[14, [
      [1, [[1, 'u'], [3, 't']]], [2, 1000], [6, 0], [3, true], [4, 1], [4, 2], [4, Buffer.from([3, 0x80, 0x01])], [4, Buffer.alloc(0)],
      [12, 'Strict'], [5, 2000], [7, [[1, 'net.ipv4.ip_forward'], [2, '1']]], [9, 'OnRootMismatch'],
      [10, [[1, 'RuntimeDefault']]], [11, [[1, 'Localhost'], [2, 'p']]], [13, 'MountOption'],
    ]]])]]]]),
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: {},
      spec: { selector: null, strategy: {}, template: { metadata: {}, spec: { containers: [{ name: 'c', resources: {} }], securityContext: {
        seLinuxOptions: { user: 'u', type: 't' }, runAsUser: 1000, runAsGroup: 0, runAsNonRoot: true, supplementalGroups: [1, 2, 3, 128],
        supplementalGroupsPolicy: 'Strict', fsGroup: 2000, sysctls: [{ name: 'net.ipv4.ip_forward', value: '1' }], fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' }, appArmorProfile: { type: 'Localhost', localhostProfile: 'p' }, seLinuxChangePolicy: 'MountOption',
      } } } },
      status: {},
    },
  ],
  [
    'an empty packed run: a nil slice, left out under omitempty',
    envelope('apps/v1', 'Deployment', [[2, [[3, template([], [[14, [[4, Buffer.alloc(0)]]]])]]]]),
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: {}, spec: { selector: null, strategy: {}, template: { metadata: {}, spec: { containers: [{ name: 'c', resources: {} }], securityContext: {} } } }, status: {} },
  ],
  [
    'Job spec pointers at zero and a full status',
    envelope('batch/v1', 'Job', [[2, [
      [1, 0], [2, 0], [3, 0], [7, 0], [12, 0], [13, 0], [4, [[1, entry('a', 'b')]]], [5, false],
      [8, 0], [9, 'Indexed'], [10, false], [14, 'Failed'], [15, 'kubernetes.io/job-controller'],
    ]], [3, [
      [1, [[1, 'Complete'], [2, 'True'], [3, []], [4, [[1, secs('2025-01-01T00:00:10Z')]]], [5, ''], [6, '']]],
      [2, [[1, secs('2025-01-01T00:00:00Z')]]], [3, [[1, secs('2025-01-01T00:00:10Z')]]],
      [4, 0], [5, 3], [6, 1], [11, 0], [7, '0-2'], [10, ''], [8, [[1, 'u1'], [2, 'u2']]], [9, 0],
    ]]]),
    {
      apiVersion: 'batch/v1', kind: 'Job', metadata: {},
      spec: {
        parallelism: 0, completions: 0, activeDeadlineSeconds: 0, backoffLimit: 0, backoffLimitPerIndex: 0, maxFailedIndexes: 0,
        selector: { matchLabels: { a: 'b' } }, manualSelector: false, template: { metadata: {}, spec: { containers: null } },
        ttlSecondsAfterFinished: 0, completionMode: 'Indexed', suspend: false, podReplacementPolicy: 'Failed', managedBy: 'kubernetes.io/job-controller',
      },
      status: {
        conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: '2025-01-01T00:00:10Z' }],
        startTime: '2025-01-01T00:00:00Z', completionTime: '2025-01-01T00:00:10Z', succeeded: 3, failed: 1, terminating: 0,
        completedIndexes: '0-2', failedIndexes: '', uncountedTerminatedPods: { succeeded: ['u1'], failed: ['u2'] }, ready: 0,
      },
    },
  ],
  [
    'CronJob spec pointers and status',
    envelope('batch/v1', 'CronJob', [[2, [[1, '@hourly'], [8, 'Etc/UTC'], [2, 0], [3, 'Forbid'], [4, true], [6, 0], [7, 1]]], [3, [
      [1, [[1, 'Job'], [3, 'cj-1']]], [4, [[1, secs('2025-03-01T00:00:00Z')]]], [5, [[1, secs('2025-03-01T00:01:00Z')]]],
    ]]]),
    {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: {},
      spec: { schedule: '@hourly', timeZone: 'Etc/UTC', startingDeadlineSeconds: 0, concurrencyPolicy: 'Forbid', suspend: true, jobTemplate: { metadata: {}, spec: { template: { metadata: {}, spec: { containers: null } } } }, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 1 },
      status: { active: [{ kind: 'Job', name: 'cj-1' }], lastScheduleTime: '2025-03-01T00:00:00Z', lastSuccessfulTime: '2025-03-01T00:01:00Z' },
    },
  ],
  [
    'a TokenRequest status with a token and an expiry',
    envelope(AUTHN, 'TokenRequest', [[2, [[4, 0]]], [3, [[1, 't'], [2, [[1, secs('2030-01-01T00:00:00Z')]]]]]]),
    { apiVersion: AUTHN, kind: 'TokenRequest', metadata: {}, spec: { audiences: null, expirationSeconds: 0, boundObjectRef: null }, status: { token: 't', expirationTimestamp: '2030-01-01T00:00:00Z' } },
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
  ['an unknown apiVersion', envelope('apps/v1beta1', 'Deployment', []), 'cannot decode Deployment (apps/v1beta1)'],
  ['an undescribed kind of a known apiVersion', envelope('apps/v1', 'StatefulSet', []), 'cannot decode StatefulSet (apps/v1)'],
  ['a PodSpec field the sandbox leaves out (volumes)', envelope('apps/v1', 'Deployment', [[2, [[3, [[2, [[1, [[1, 'v']]]]]]]]]]), 'Deployment: field number 1 of k8s.io.api.core.v1.PodSpec'],
  ['a Container securityContext', envelope('batch/v1', 'Job', [[2, [[6, template([[15, []]])]]]]), 'Job: field number 15 of k8s.io.api.core.v1.Container'],
  ['an EnvVar valueFrom', envelope('batch/v1', 'Job', [[2, [[6, template([[7, [[1, 'A'], [3, []]]]])]]]]), 'field number 3 of k8s.io.api.core.v1.EnvVar'],
  ['a Job podFailurePolicy', envelope('batch/v1', 'Job', [[2, [[11, []]]]]), 'field number 11 of k8s.io.api.batch.v1.JobSpec'],
  ['an unknown field of a Quantity', envelope('batch/v1', 'Job', [[2, [[6, template([[8, [[1, [[1, 'cpu'], [2, [[2, 'x']]]]]]]])]]]]), 'field number 2 of k8s.io.apimachinery.pkg.api.resource.Quantity'],
  ['an unknown field of a Quantity map entry', envelope('batch/v1', 'Job', [[2, [[6, template([[8, [[1, [[1, 'cpu'], [3, 'x']]]]]])]]]]), 'field number 3 of a k8s.io.api.core.v1.ResourceRequirements.limits entry'],
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
      'the sandbox decodes application/vnd.kubernetes.protobuf request bodies only for Namespace, ConfigMap, Secret, ServiceAccount (v1); Deployment (apps/v1); Job, CronJob (batch/v1); TokenRequest (authentication.k8s.io/v1); SelfSubjectAccessReview, SelfSubjectRulesReview (authorization.k8s.io/v1)',
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
  ['an IntOrString of type 2', envelope('apps/v1', 'Deployment', [[2, [[4, [[2, [[2, [[1, 2]]]]]]]]]]), 'IntOrString has type 2, want 0 (Int) or 1 (String)'],
  ['a packed run that ends mid-varint', envelope('apps/v1', 'Deployment', [[2, [[3, template([], [[14, [[4, Buffer.from([0x80])]]]])]]]]), 'truncated varint'],
  ['an empty Quantity string', envelope('batch/v1', 'Job', [[2, [[6, template([[8, [[2, qty('cpu', '')]]]])]]]]), 'Quantity is an empty string'],
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
    for (const [, bodyHex] of KUBECTL_FIXTURES) {
      const body = hex(bodyHex);
      for (let n = 0; n < body.length; n++) {
        try {
          decodeKubeProtobuf(body.subarray(0, n));
        } catch (e) {
          expect(e).toBeInstanceOf(StatusError);
        }
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
