// Per-kind printers against kubernetes pkg/printers/internalversion/printers.go (printed wide, as
// pkg/printers/storage does) and apiserver pkg/registry/rest/table.go for kinds without a printer; the
// JSONPath subset against client-go util/jsonpath as CRD printer columns use it.
import { describe, expect, it } from 'vitest';
import { BUILTIN_RESOURCES } from '../../../src/sandbox/builtins.js';
import { toTable } from '../../../src/sandbox/table.js';
import { evalJsonPath, parseJsonPath } from '../../../src/sandbox/table-jsonpath.js';
import type { Obj, ResourceDef } from '../../../src/sandbox/types.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const created = (secondsAgo: number): string =>
  new Date(NOW - secondsAgo * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function builtin(group: string, kind: string): ResourceDef {
  const def = BUILTIN_RESOURCES.find((d) => d.group === group && d.kind === kind);
  if (!def) throw new Error(`no ${group}/${kind}`);
  return def;
}

function cells(t: Obj): unknown[][] {
  return (t.rows as Obj[]).map((r) => r.cells as unknown[]);
}

describe('built-in printers', () => {
  const ago = created(90);
  it.each([
    [
      '',
      'Namespace',
      { metadata: { name: 'team-a', creationTimestamp: ago }, status: { phase: 'Active' } },
      ['Name', 'Status', 'Age'],
      ['team-a', 'Active', '90s'],
    ],
    [
      '',
      'ConfigMap',
      { metadata: { name: 'cm', creationTimestamp: ago }, data: { a: '1' }, binaryData: { b: 'AA==' } },
      ['Name', 'Data', 'Age'],
      ['cm', 2, '90s'],
    ],
    [
      '',
      'Secret',
      {
        metadata: { name: 's', creationTimestamp: ago },
        type: 'kubernetes.io/tls',
        data: { a: 'x', b: 'y' },
      },
      ['Name', 'Type', 'Data', 'Age'],
      ['s', 'kubernetes.io/tls', 2, '90s'],
    ],
    [
      '',
      'ServiceAccount',
      { metadata: { name: 'sa', creationTimestamp: ago } },
      ['Name', 'Secrets', 'Age'],
      ['sa', 0, '90s'],
    ],
    [
      '',
      'Service',
      {
        metadata: { name: 'web', creationTimestamp: ago },
        spec: {
          type: 'NodePort',
          clusterIP: '10.96.0.10',
          clusterIPs: ['10.96.0.10'],
          ports: [
            { port: 80, nodePort: 30080, protocol: 'TCP' },
            { port: 53, protocol: 'UDP' },
          ],
          selector: { app: 'web' },
        },
      },
      ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector'],
      ['web', 'NodePort', '10.96.0.10', '<none>', '80:30080/TCP,53/UDP', '90s', 'app=web'],
    ],
    [
      '',
      'Service',
      {
        metadata: { name: 'lb', creationTimestamp: ago },
        spec: { type: 'LoadBalancer', clusterIPs: ['10.0.0.1'], ports: [] },
      },
      ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector'],
      ['lb', 'LoadBalancer', '10.0.0.1', '<pending>', '<none>', '90s', '<none>'],
    ],
    [
      'apps',
      'StatefulSet',
      {
        metadata: { name: 'db', creationTimestamp: ago },
        spec: { replicas: 2, template: { spec: { containers: [{ name: 'pg', image: 'postgres' }] } } },
        status: { readyReplicas: 1 },
      },
      ['Name', 'Ready', 'Age', 'Containers', 'Images'],
      ['db', '1/2', '90s', 'pg', 'postgres'],
    ],
    [
      'apps',
      'DaemonSet',
      {
        metadata: { name: 'agent', creationTimestamp: ago },
        spec: {
          selector: { matchLabels: { app: 'agent' } },
          template: {
            spec: { nodeSelector: { os: 'linux' }, containers: [{ name: 'a', image: 'agent:1' }] },
          },
        },
        status: {
          desiredNumberScheduled: 3,
          currentNumberScheduled: 3,
          numberReady: 2,
          updatedNumberScheduled: 3,
          numberAvailable: 2,
        },
      },
      [
        'Name',
        'Desired',
        'Current',
        'Ready',
        'Up-to-date',
        'Available',
        'Node Selector',
        'Age',
        'Containers',
        'Images',
        'Selector',
      ],
      ['agent', 3, 3, 2, 3, 2, 'os=linux', '90s', 'a', 'agent:1', 'app=agent'],
    ],
    [
      'batch',
      'Job',
      {
        metadata: { name: 'once', creationTimestamp: ago },
        spec: {
          completions: 1,
          selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } },
          template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } },
        },
        status: {
          succeeded: 1,
          startTime: created(80),
          completionTime: created(20),
          conditions: [{ type: 'Complete', status: 'True' }],
        },
      },
      ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers', 'Images', 'Selector'],
      ['once', 'Complete', '1/1', '60s', '90s', 'c', 'busybox', 'batch.kubernetes.io/controller-uid=u'],
    ],
    [
      'rbac.authorization.k8s.io',
      'Role',
      { metadata: { name: 'reader', creationTimestamp: '2026-05-01T10:00:00Z' }, rules: [] },
      ['Name', 'Created At'],
      ['reader', '2026-05-01T10:00:00Z'],
    ],
    [
      'rbac.authorization.k8s.io',
      'RoleBinding',
      {
        metadata: { name: 'rb', creationTimestamp: ago },
        roleRef: { kind: 'Role', name: 'reader' },
        subjects: [
          { kind: 'User', name: 'alice' },
          { kind: 'ServiceAccount', name: 'bot', namespace: 'ci' },
          { kind: 'Group', name: 'dev' },
        ],
      },
      ['Name', 'Role', 'Age', 'Users', 'Groups', 'ServiceAccounts'],
      ['rb', 'Role/reader', '90s', 'alice', 'dev', 'ci/bot'],
    ],
    [
      'apiextensions.k8s.io',
      'CustomResourceDefinition',
      { metadata: { name: 'widgets.example.com', creationTimestamp: '2026-05-31T12:00:00Z' } },
      ['Name', 'Created At'],
      ['widgets.example.com', '2026-05-31T12:00:00Z'],
    ],
    [
      '',
      'Pod',
      {
        metadata: { name: 'web-1', creationTimestamp: ago },
        spec: { containers: [{ name: 'a' }, { name: 'b' }], nodeName: 'node-1' },
        status: {
          phase: 'Running',
          podIPs: [{ ip: '10.1.0.5' }],
          containerStatuses: [
            { name: 'a', ready: true, restartCount: 0, state: { running: {} } },
            {
              name: 'b',
              ready: false,
              restartCount: 2,
              state: { waiting: { reason: 'CrashLoopBackOff' } },
              lastState: { terminated: { finishedAt: created(30) } },
            },
          ],
        },
      },
      ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates'],
      ['web-1', '1/2', 'CrashLoopBackOff', '2 (30s ago)', '90s', '10.1.0.5', 'node-1', '<none>', '<none>'],
    ],
  ] as const)('%s %s', (group, kind, object, wantColumns, wantCells) => {
    const t = toTable(builtin(group, kind), [object as Obj], {}, 'None', NOW);
    expect((t.columnDefinitions as Obj[]).map((c) => c.name)).toEqual(wantColumns);
    expect(cells(t)).toEqual([wantCells]);
  });

  it('shows <unknown> for a missing creation time and flags completed pods', () => {
    const t = toTable(
      builtin('', 'Pod'),
      [{ metadata: { name: 'p' }, spec: { containers: [{}] }, status: { phase: 'Succeeded' } }],
      {},
      'None',
      NOW,
    );
    expect(cells(t)[0]?.slice(2, 5)).toEqual(['Succeeded', '0', '<unknown>']);
    expect((t.rows as Obj[])[0]?.conditions).toEqual([
      {
        type: 'Completed',
        status: 'True',
        reason: 'Succeeded',
        message: 'The pod has completed successfully.',
      },
    ]);
  });
});

describe('more built-in printers', () => {
  const ago = created(90);
  const containers = { spec: { containers: [{ name: 'c', image: 'i' }] } };
  it.each([
    [
      'apps',
      'ReplicaSet',
      {
        metadata: { name: 'rs1', creationTimestamp: ago },
        spec: { replicas: 2, selector: { matchLabels: { app: 'a' } }, template: containers },
        status: { replicas: 2, readyReplicas: 1 },
      },
      ['rs1', 2, 2, 1, '90s', 'c', 'i', 'app=a'],
    ],
    [
      'batch',
      'CronJob',
      {
        metadata: { name: 'cj', creationTimestamp: ago },
        spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: containers } } },
        status: { active: [{ name: 'cj-1' }], lastScheduleTime: created(30) },
      },
      ['cj', '*/5 * * * *', '<none>', 'False', 1, '30s', '90s', 'c', 'i', '<none>'],
    ],
    [
      'networking.k8s.io',
      'Ingress',
      {
        metadata: { name: 'ing', creationTimestamp: ago },
        spec: {
          ingressClassName: 'nginx',
          rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }],
          tls: [{}],
        },
        status: { loadBalancer: { ingress: [{ ip: '10.0.0.5' }] } },
      },
      ['ing', 'nginx', 'a.example.com,b.example.com', '10.0.0.5', '80, 443', '90s'],
    ],
    [
      'networking.k8s.io',
      'NetworkPolicy',
      { metadata: { name: 'np', creationTimestamp: ago }, spec: { podSelector: {} } },
      ['np', '<none>', '90s'],
    ],
    [
      '',
      'Endpoints',
      {
        metadata: { name: 'web', creationTimestamp: ago },
        subsets: [
          { addresses: [{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }], ports: [{ port: 80 }, { port: 443 }] },
        ],
      },
      ['web', '10.1.0.1:80,10.1.0.2:80,10.1.0.1:443 + 1 more...', '90s'],
    ],
    [
      '',
      'Event',
      {
        metadata: { name: 'e1' },
        type: 'Normal',
        reason: 'Scheduled',
        involvedObject: { kind: 'Pod', name: 'web-1' },
        message: ' Assigned ',
        source: { component: 'default-scheduler' },
        firstTimestamp: created(120),
        lastTimestamp: created(60),
        count: 2,
      },
      ['60s', 'Normal', 'Scheduled', 'pod/web-1', '', 'default-scheduler', 'Assigned', '2m', 2, 'e1'],
    ],
    [
      'events.k8s.io',
      'Event',
      {
        metadata: { name: 'e2' },
        type: 'Warning',
        reason: 'BackOff',
        regarding: { kind: 'Pod', name: 'p' },
        note: 'Back-off',
        eventTime: '2026-06-01T11:59:30.000000Z',
        reportingController: 'kubelet',
        reportingInstance: 'node-1',
      },
      ['30s', 'Warning', 'BackOff', 'pod/p', '', 'kubelet, node-1', 'Back-off', '30s', 1, 'e2'],
    ],
    [
      'coordination.k8s.io',
      'Lease',
      { metadata: { name: 'l', creationTimestamp: ago }, spec: { holderIdentity: 'x' } },
      ['l', 'x', '90s'],
    ],
    [
      'policy',
      'PodDisruptionBudget',
      {
        metadata: { name: 'pdb', creationTimestamp: ago },
        spec: { minAvailable: '50%' },
        status: { disruptionsAllowed: 1 },
      },
      ['pdb', '50%', 'N/A', 1, '90s'],
    ],
    [
      'autoscaling',
      'HorizontalPodAutoscaler',
      {
        metadata: { name: 'hpa', creationTimestamp: ago },
        spec: {
          scaleTargetRef: { kind: 'Deployment', name: 'web' },
          minReplicas: 1,
          maxReplicas: 5,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
            },
            {
              type: 'Pods',
              pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } },
            },
            { type: 'External', external: { metric: { name: 'q' }, target: { type: 'Value', value: '5' } } },
          ],
        },
        status: {
          currentReplicas: 2,
          currentMetrics: [
            { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45 } } },
          ],
        },
      },
      ['hpa', 'Deployment/web', 'cpu: 45%/80%, <unknown>/10 + 1 more...', '1', 5, 2, '90s'],
    ],
  ] as const)('%s %s', (group, kind, object, wantCells) => {
    const t = toTable(builtin(group, kind), [object as Obj], {}, 'None', NOW);
    expect(cells(t)).toEqual([wantCells]);
    expect((t.columnDefinitions as Obj[]).length).toBe(wantCells.length);
  });
});

describe('JSONPath subset', () => {
  const doc = {
    a: {
      b: [
        { c: 1, t: 'x' },
        { c: 2, t: 'y' },
      ],
      'd.e': 'dotted',
    },
    n: null,
  };
  it.each([
    ['.a.b[0].c', [1]],
    ['{.a.b[-1].c}', [2]],
    ['.a.b[*].c', [1, 2]],
    ['.a.b[?(@.t=="y")].c', [2]],
    [".a.b[?(@.t!='y')].c", [1]],
    ['.a.b[?(@.c==2)].t', ['y']],
    ['.a.b[?(@.missing)].c', []],
    [".a['d.e']", ['dotted']],
    ['.a.zzz', []],
    ['.n', [null]],
  ])('%s', (path, want) => {
    expect(evalJsonPath(parseJsonPath(path), doc)).toEqual(want);
  });

  it.each([['..a'], ['.a[?(@.b>1)]'], ['.a[']])('rejects %s', (path) => {
    expect(() => parseJsonPath(path)).toThrow();
  });
});
