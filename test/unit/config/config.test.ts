import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../../../src/config/index.js';

const FILE = 'config/steward.yaml';

/** The error lines parseConfig throws for `text`, or [] when it parses. */
function errorLines(text: string): string[] {
  try {
    parseConfig(text, FILE);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.message.split('\n');
  }
}

const DEFAULTS = {
  concurrency: 4,
  defaultInterval: '10m',
  defaultTimeout: '5m',
  ports: { metrics: 8080, health: 8081, webhook: 9292 },
  helm: {
    maxIndexBytes: 50 * 1024 * 1024,
    maxChartBytes: 10 * 1024 * 1024,
    maxChartExpandedBytes: 100 * 1024 * 1024,
    maxExpansionRatio: 200,
    kubeVersion: '1.36.0',
  },
  notifications: { dedupWindow: '5m', timeout: '15s', maxRetries: 4 },
  receivers: { maxBodyBytes: 1024 * 1024, readTimeout: '10s' },
  fieldManager: 'steward',
  lockdown: { noCrossNamespaceRefs: true, allowedClusterKinds: [], platformNamespaces: ['steward-system'] },
  render: {
    kustomizePath: 'kubectl',
    kustomizeArgs: ['kustomize'],
    helmPath: 'helm',
    timeout: '60s',
    maxOutputBytes: 32 * 1024 * 1024,
    maxObjects: 5000,
    maxFileBytes: 8 * 1024 * 1024,
    maxArtifactBytes: 256 * 1024 * 1024,
  },
  artifactsDir: '/tmp/steward/artifacts',
  knownControllers: [
    'flagger',
    'argo-rollouts',
    'horizontal-pod-autoscaler',
    'vpa-recommender',
    'keda-operator',
  ],
  leaderElection: {
    enabled: true,
    leaseName: 'steward-leader',
    leaseDuration: '10s',
    renewDeadline: '7s',
    retryPeriod: '2s',
  },
  syncWindows: [],
  bootstrap: [],
};

describe('parseConfig defaults', () => {
  it.each(['', '# nothing set\n', '{}', 'ports: {}\nrender: {}'])('fills every default for %j', (text) => {
    expect(parseConfig(text, FILE)).toEqual(DEFAULTS);
  });

  it('keeps what is set and defaults the rest of a section', () => {
    const config = parseConfig('concurrency: 8\nports: {metrics: 9090}\nrender: {maxObjects: 10}\n', FILE);
    expect(config.concurrency).toBe(8);
    expect(config.ports).toEqual({ metrics: 9090, health: 8081, webhook: 9292 });
    expect(config.render).toEqual({ ...DEFAULTS.render, maxObjects: 10 });
  });

  it('matches the committed config/steward.yaml, which documents the defaults', async () => {
    const text = await readFile(new URL('../../../config/steward.yaml', import.meta.url), 'utf8');
    expect(parseConfig(text, FILE)).toEqual(DEFAULTS);
  });

  it('is deeply frozen', () => {
    const config = parseConfig(
      'bootstrap: [{apiVersion: v1, kind: Namespace, metadata: {name: team-a}}]',
      FILE,
    );
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.ports)).toBe(true);
    expect(Object.isFrozen(config.knownControllers)).toBe(true);
    expect(Object.isFrozen(config.bootstrap[0]?.metadata)).toBe(true);
  });

  it('accepts port 0 for every port (free ports, in tests)', () => {
    expect(parseConfig('ports: {metrics: 0, health: 0, webhook: 0}', FILE).ports).toEqual({
      metrics: 0,
      health: 0,
      webhook: 0,
    });
  });
});

describe('parseConfig bootstrap', () => {
  const git =
    '{apiVersion: steward.dev/v1alpha1, kind: GitRepository, metadata: {name: fleet, namespace: steward-system}';

  it('passes other kinds through and validates and defaults Steward kinds', () => {
    const text = `defaultInterval: 2m
bootstrap:
  - {apiVersion: v1, kind: Namespace, metadata: {name: steward-system}}
  - ${git}, spec: {url: "https://git.example.com/fleet"}}
  - apiVersion: steward.dev/v1alpha1
    kind: Sync
    metadata: {name: fleet, namespace: steward-system}
    spec: {sourceRef: {kind: GitRepository, name: fleet}, interval: 1h, prune: true}
`;
    expect(parseConfig(text, FILE).bootstrap).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'steward-system' } },
      {
        apiVersion: 'steward.dev/v1alpha1',
        kind: 'GitRepository',
        metadata: { name: 'fleet', namespace: 'steward-system' },
        spec: {
          url: 'https://git.example.com/fleet',
          interval: '2m',
          timeout: '60s',
          ref: { branch: 'main' },
        },
      },
      {
        apiVersion: 'steward.dev/v1alpha1',
        kind: 'Sync',
        metadata: { name: 'fleet', namespace: 'steward-system' },
        spec: {
          sourceRef: { kind: 'GitRepository', name: 'fleet' },
          interval: '1h',
          prune: true,
          path: './',
          force: false,
        },
      },
    ]);
  });

  it.each([
    [
      `bootstrap: [${git}, spec: {url: "http://git.example.com/fleet", ref: {commit: HEAD}}}]`,
      [
        `${FILE}: bootstrap[0].spec.ref.commit: must be a full 40- or 64-character lowercase hex commit SHA (got "HEAD")`,
        `${FILE}: bootstrap[0].spec.url: an http:// url requires insecure: true`,
      ],
    ],
    [
      'bootstrap: [{apiVersion: steward.dev/v1alpha1, kind: Sync, metadata: {name: a}, spec: {prune: true}}]',
      [
        `${FILE}: bootstrap[0].metadata.namespace: is required`,
        `${FILE}: bootstrap[0].spec.sourceRef: is required`,
      ],
    ],
    [
      'bootstrap: [{apiVersion: steward.dev/v1alpha1, kind: Kustomization, metadata: {name: a}}]',
      [
        `${FILE}: bootstrap[0].kind: must be one of GitRepository, Sync, Provider, Alert, Receiver, HelmRepository, ImageRepository, ImagePolicy, ImageUpdateAutomation for steward.dev`,
      ],
    ],
    [
      `bootstrap: [${git}, spec: {url: "https://h/r"}}, {apiVersion: steward.dev/v1beta1, kind: GitRepository, metadata: {name: fleet, namespace: steward-system}, spec: {url: "https://h/r"}}]`,
      [
        `${FILE}: bootstrap[1]: duplicates bootstrap[0]`,
        `${FILE}: bootstrap[1].apiVersion: must be "steward.dev/v1alpha1" (got "steward.dev/v1beta1")`,
      ],
    ],
    ['bootstrap: [{apiVersion: v1, kind: ConfigMap}]', [`${FILE}: bootstrap[0].metadata: is required`]],
    ['bootstrap: [{apiVersion: v1, metadata: {name: x}}]', [`${FILE}: bootstrap[0].kind: is required`]],
  ])('reports %s', (text, lines) => {
    expect(errorLines(text)).toEqual(lines);
  });
});

describe('parseConfig errors name the file and the key', () => {
  const DURATION = 'must be a duration such as "30s", "5m" or "1h30m"';
  it.each([
    ['concurrency: x', 'concurrency: must be an integer >= 1 (got "x")'],
    ['concurrency: 0', 'concurrency: must be an integer >= 1 (got 0)'],
    ['concurrency: 1.5', 'concurrency: must be an integer >= 1 (got 1.5)'],
    ['concurency: 4', 'concurency: unknown key (did you mean "concurrency"?)'],
    [
      'logLevel: debug',
      'logLevel: unknown key (known keys: artifactsDir, bootstrap, concurrency, defaultInterval, defaultServiceAccount, defaultTimeout, fieldManager, helm, knownControllers, leaderElection, lockdown, notifications, ports, receivers, render, syncWindows)',
    ],
    ['defaultInterval: 5 minutes', `defaultInterval: ${DURATION} (got "5 minutes")`],
    ['defaultInterval: 300', `defaultInterval: ${DURATION} (got 300)`],
    ['defaultTimeout: 0s', 'defaultTimeout: must be greater than 0 (got "0s")'],
    ['ports: 8080', 'ports: must be an object (got 8080)'],
    ['ports: {metrics: 70000}', 'ports.metrics: must be an integer from 0 to 65535 (got 70000)'],
    ['ports: {metrics: 9000, health: 9000}', 'ports.health: must differ from ports.metrics (both 9000)'],
    ['ports: {webhook: 8080}', 'ports.webhook: must differ from ports.metrics (both 8080)'],
    ['notifications: {maxRetries: 50}', 'notifications.maxRetries: must be an integer from 0 to 20 (got 50)'],
    ['receivers: {readTimeout: 0s}', 'receivers.readTimeout: must be greater than 0 (got "0s")'],
    ['ports: {admin: 9000}', 'ports.admin: unknown key (known keys: health, metrics, webhook)'],
    ['fieldManager: ""', 'fieldManager: must be 1 to 128 bytes of printable characters (got "")'],
    ['fieldManager: "a\\tb"', 'fieldManager: must be 1 to 128 bytes of printable characters (got "a\\tb")'],
    [
      `fieldManager: ${'é'.repeat(65)}`,
      `fieldManager: must be 1 to 128 bytes of printable characters (got "${'é'.repeat(65)}")`,
    ],
    [
      'fieldManager: flagger',
      'fieldManager: must not be one of knownControllers, or Steward would never touch its own fields',
    ],
    ['fieldManager: 7', 'fieldManager: must be a string (got 7)'],
    [
      'defaultServiceAccount: Tenant_SA',
      'defaultServiceAccount: must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, "-" and ".", alphanumeric at both ends (got "Tenant_SA")',
    ],
    [
      'lockdown: {noCrossNamespaceRefs: "yes"}',
      'lockdown.noCrossNamespaceRefs: must be true or false (got "yes")',
    ],
    [
      'lockdown: {allowedClusterKinds: [Namespace, clusterroles]}',
      'lockdown.allowedClusterKinds[1]: must be Kind or Kind.group, e.g. "Namespace" or "ClusterRole.rbac.authorization.k8s.io" (got "clusterroles")',
    ],
    [
      'lockdown: {allowCrossNamespace: true}',
      'lockdown.allowCrossNamespace: unknown key (known keys: allowedClusterKinds, noCrossNamespaceRefs, platformNamespaces)',
    ],
    ['render: {kustomizePath: ""}', 'render.kustomizePath: must be a non-empty string (got "")'],
    ['render: {kustomizeArgs: build}', 'render.kustomizeArgs: must be a list (got "build")'],
    ['render: {timeout: 1d}', `render.timeout: ${DURATION} (got "1d")`],
    ['render: {maxOutputBytes: -1}', 'render.maxOutputBytes: must be an integer >= 1 (got -1)'],
    ['render: {maxOutputBytes: 32Mi}', 'render.maxOutputBytes: must be an integer >= 1 (got "32Mi")'],
    ['render: {maxObject: 10}', 'render.maxObject: unknown key (did you mean "maxObjects"?)'],
    ['artifactsDir: var/steward', 'artifactsDir: must be an absolute path (got "var/steward")'],
    ['knownControllers: flagger', 'knownControllers: must be a list (got "flagger")'],
    ['knownControllers: [""]', 'knownControllers[0]: must be a non-empty string (got "")'],
    ['leaderElection: {enabled: 1}', 'leaderElection.enabled: must be true or false (got 1)'],
    [
      'leaderElection: {renewDeadline: 20s}',
      'leaderElection.renewDeadline: must be shorter than leaderElection.leaseDuration',
    ],
    [
      'leaderElection: {retryPeriod: 9s}',
      'leaderElection.retryPeriod: must be shorter than leaderElection.renewDeadline / 1.2',
    ],
    ['bootstrap: {}', 'bootstrap: must be a list (got an object)'],
    ['- concurrency', 'must be an object (got a list)'],
  ])('%s', (text, line) => {
    expect(errorLines(text)).toEqual([`${FILE}: ${line}`]);
  });

  it('reports every error at once, one line each', () => {
    // Unknown keys of an object come first, then its known keys in schema order.
    expect(errorLines('concurrency: x\nports: {metrics: -1}\nextra: 1\n')).toEqual([
      `${FILE}: extra: unknown key (known keys: artifactsDir, bootstrap, concurrency, defaultInterval, defaultServiceAccount, defaultTimeout, fieldManager, helm, knownControllers, leaderElection, lockdown, notifications, ports, receivers, render, syncWindows)`,
      `${FILE}: concurrency: must be an integer >= 1 (got "x")`,
      `${FILE}: ports.metrics: must be an integer from 0 to 65535 (got -1)`,
    ]);
  });

  it.each([
    ['concurrency: [1', /^config\/steward\.yaml: .*line 1, column \d+$/],
    [
      'concurrency: 1\nconcurrency: 2\n',
      /^config\/steward\.yaml: Map keys must be unique at line 2, column 1$/,
    ],
    [
      'a: &a [x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n',
      /^config\/steward\.yaml: Excessive alias count/,
    ],
  ])('reports YAML problems in %j', (text, pattern) => {
    const lines = errorLines(text);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
  });

  it('throws a ConfigError carrying the file and structured errors', () => {
    expect(() => parseConfig('concurrency: x', 'steward.yaml')).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        code: 'ConfigInvalid',
        file: 'steward.yaml',
        errors: [{ path: 'concurrency', message: 'must be an integer >= 1 (got "x")' }],
      }),
    );
  });
});

describe('loadConfig', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('reads and parses a file, naming it in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'steward-config-'));
    dirs.push(dir);
    const good = join(dir, 'good.yaml');
    const bad = join(dir, 'bad.yaml');
    await writeFile(good, 'concurrency: 2\n');
    await writeFile(bad, 'concurrency: two\n');
    expect((await loadConfig(good)).concurrency).toBe(2);
    await expect(loadConfig(bad)).rejects.toThrow(`${bad}: concurrency: must be an integer >= 1 (got "two")`);
    await expect(loadConfig(join(dir, 'missing.yaml'))).rejects.toThrow(
      `${join(dir, 'missing.yaml')}: cannot read the file (ENOENT)`,
    );
  });
});
