/**
 * Workload validation as kube-apiserver runs it: defaults first, then validation. Upstream:
 * kubernetes pkg/apis/apps/validation/validation.go, pkg/apis/batch/validation/validation.go,
 * pkg/apis/core/validation/validation.go (pod template checks).
 */
import { describe, expect, it } from 'vitest';
import type { Obj } from '../../../../src/sandbox/types.js';
import { validateBuiltin } from '../../../../src/sandbox/validation/builtin.js';
import { applyDefaults, generateJobSelector } from '../../../../src/sandbox/validation/defaults.js';
import { lines } from './render.js';

function deployment(spec: Obj): Obj {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec };
}

const template = (
  labels: Obj | undefined,
  podSpec: Obj = { containers: [{ name: 'web', image: 'nginx:1.27' }] },
): Obj => ({
  metadata: labels ? { labels } : {},
  spec: podSpec,
});

function check(group: string, kind: string, obj: Obj): string[] {
  return lines(validateBuiltin(group, kind, applyDefaults(group, kind, obj)));
}

const MISMATCH = '`selector` does not match template `labels`';

describe('Deployment', () => {
  it.each<[string, Obj, string[]]>([
    ['valid', { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) }, []],
    [
      'no selector (the whole well-known pair)',
      { template: template({ app: 'web' }) },
      [
        'spec.selector: Required value',
        `spec.template.metadata.labels: Invalid value: {"app":"web"}: ${MISMATCH}`,
      ],
    ],
    [
      'selector does not match, labels rendered sorted',
      { selector: { matchLabels: { app: 'web' } }, template: template({ tier: 'x', app: 'api' }) },
      [`spec.template.metadata.labels: Invalid value: {"app":"api","tier":"x"}: ${MISMATCH}`],
    ],
    [
      'template without labels',
      { selector: { matchLabels: { app: 'web' } }, template: template(undefined) },
      [`spec.template.metadata.labels: Invalid value: null: ${MISMATCH}`],
    ],
    [
      'empty selector',
      { selector: {}, template: template({ app: 'web' }) },
      ['spec.selector: Invalid value: {}: empty selector is invalid for deployment'],
    ],
    [
      'no containers',
      { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }, {}) },
      ['spec.template.spec.containers: Required value'],
    ],
    [
      'container without name and image',
      { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }, { containers: [{}] }) },
      [
        'spec.template.spec.containers[0].name: Required value',
        'spec.template.spec.containers[0].image: Required value',
      ],
    ],
    [
      'duplicate container names and a bad port',
      {
        selector: { matchLabels: { app: 'web' } },
        template: template(
          { app: 'web' },
          {
            containers: [
              { name: 'web', image: 'a', ports: [{ containerPort: 70000 }] },
              { name: 'web', image: 'b' },
            ],
          },
        ),
      },
      [
        'spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
        'spec.template.spec.containers[1].name: Duplicate value: "web"',
      ],
    ],
    [
      'negative replicas',
      { replicas: -1, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) },
      ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    ],
    [
      'restartPolicy Never',
      {
        selector: { matchLabels: { app: 'web' } },
        template: template(
          { app: 'web' },
          { restartPolicy: 'Never', containers: [{ name: 'a', image: 'a' }] },
        ),
      },
      ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
    ],
    [
      'Recreate with rollingUpdate left over',
      {
        selector: { matchLabels: { app: 'web' } },
        template: template({ app: 'web' }),
        strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } },
      },
      ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
    ],
    [
      'unknown strategy type, rendered as the internal struct',
      {
        selector: { matchLabels: { app: 'web' } },
        template: template({ app: 'web' }),
        strategy: { type: 'BlueGreen' },
      },
      [
        'spec.strategy: Unsupported value: {"Type":"BlueGreen","RollingUpdate":null}: supported values: "Recreate", "RollingUpdate"',
      ],
    ],
    [
      'bad selector operator',
      {
        selector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }] },
        template: template({ app: 'web' }),
      },
      [
        'spec.selector.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator',
        'spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"Equals","values":["web"]}]}: invalid label selector',
      ],
    ],
    [
      'bad label value in the selector also makes it unparseable',
      { selector: { matchLabels: { app: 'a b' } }, template: template({ app: 'a b' }) },
      [
        `spec.selector.matchLabels: Invalid value: "a b": ${"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"}`,
        'spec.selector: Invalid value: {"matchLabels":{"app":"a b"}}: invalid label selector',
      ],
    ],
  ])('%s', (_name, spec, want) => {
    expect(check('apps', 'Deployment', deployment(spec))).toEqual(want);
  });

  it('reports metadata before spec', () => {
    const obj = deployment({ template: template({ app: 'web' }) });
    (obj.metadata as Obj).name = 'Web';
    expect(check('apps', 'Deployment', obj)[0]).toMatch(
      /^metadata\.name: Invalid value: "Web": a lowercase RFC 1123 subdomain/,
    );
  });
});

describe('ReplicaSet, StatefulSet, DaemonSet', () => {
  const meta = { name: 'db', namespace: 'default' };
  it.each<[string, string, Obj, string[]]>([
    [
      'ReplicaSet empty selector says deployment upstream too',
      'ReplicaSet',
      { selector: {}, template: template({ app: 'db' }) },
      ['spec.selector: Invalid value: {}: empty selector is invalid for deployment'],
    ],
    [
      'StatefulSet valid',
      'StatefulSet',
      { selector: { matchLabels: { app: 'db' } }, template: template({ app: 'db' }) },
      [],
    ],
    [
      'StatefulSet pod spec is not validated upstream',
      'StatefulSet',
      { selector: { matchLabels: { app: 'db' } }, template: template({ app: 'db' }, {}) },
      [],
    ],
    [
      'StatefulSet podManagementPolicy',
      'StatefulSet',
      {
        podManagementPolicy: 'Fast',
        selector: { matchLabels: { app: 'db' } },
        template: template({ app: 'db' }),
      },
      [`spec.podManagementPolicy: Invalid value: "Fast": must be 'OrderedReady' or 'Parallel'`],
    ],
    [
      'StatefulSet no selector',
      'StatefulSet',
      { template: template({ app: 'db' }) },
      [
        'spec.selector: Required value',
        `spec.template.metadata.labels: Invalid value: {"app":"db"}: ${MISMATCH}`,
      ],
    ],
    [
      'DaemonSet without selector: only the mismatch',
      'DaemonSet',
      { template: template({ app: 'db' }) },
      [`spec.template.metadata.labels: Invalid value: {"app":"db"}: ${MISMATCH}`],
    ],
  ])('%s', (_name, kind, spec, want) => {
    expect(check('apps', kind, { metadata: meta, spec })).toEqual(want);
  });

  it('StatefulSet names are DNS labels', () => {
    const obj = {
      metadata: { name: 'db.v1', namespace: 'd' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: template({ a: 'b' }) },
    };
    expect(check('apps', 'StatefulSet', obj)).toEqual([
      'metadata.name: Invalid value: "db.v1": must not contain dots',
    ]);
  });
});

describe('Job and CronJob', () => {
  const job = (spec: Obj): Obj =>
    generateJobSelector(
      applyDefaults('batch', 'Job', { metadata: { name: 'migrate', namespace: 'd' }, spec }),
      'uid-1',
    );

  it.each<[string, Obj, string[]]>([
    [
      'valid',
      { template: template(undefined, { restartPolicy: 'Never', containers: [{ name: 'm', image: 'm' }] }) },
      [],
    ],
    [
      'restartPolicy left out defaults to Always, which Jobs refuse',
      { template: template(undefined) },
      [
        'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
      ],
    ],
    [
      'negative backoffLimit',
      {
        backoffLimit: -2,
        template: template(undefined, {
          restartPolicy: 'OnFailure',
          containers: [{ name: 'm', image: 'm' }],
        }),
      },
      ['spec.backoffLimit: Invalid value: -2: must be greater than or equal to 0'],
    ],
  ])('Job: %s', (_name, spec, want) => {
    expect(lines(validateBuiltin('batch', 'Job', job(spec)))).toEqual(want);
  });

  it('Job without a generated selector needs one', () => {
    const obj = applyDefaults('batch', 'Job', {
      metadata: { name: 'm', namespace: 'd' },
      spec: {
        template: template(undefined, { restartPolicy: 'Never', containers: [{ name: 'm', image: 'm' }] }),
      },
    });
    expect(lines(validateBuiltin('batch', 'Job', obj))).toEqual([
      'spec.selector: Required value',
      `spec.template.metadata.labels: Invalid value: null: ${MISMATCH}`,
    ]);
  });

  const cron = (name: string, spec: Obj): Obj => ({ metadata: { name, namespace: 'd' }, spec });
  const jobTemplate = {
    spec: {
      template: template(undefined, { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'c' }] }),
    },
  };

  it.each<[string, Obj, string[]]>([
    ['valid', cron('nightly', { schedule: '0 3 * * *', jobTemplate }), []],
    ['schedule missing', cron('nightly', { jobTemplate }), ['spec.schedule: Required value']],
    [
      'six fields',
      cron('nightly', { schedule: '0 0 3 * * *', jobTemplate }),
      ['spec.schedule: Invalid value: "0 0 3 * * *": expected exactly 5 fields, found 6: [0 0 3 * * *]'],
    ],
    [
      'TZ in schedule',
      cron('nightly', { schedule: 'TZ=UTC 0 3 * * *', jobTemplate }),
      [
        'spec.schedule: Invalid value: "TZ=UTC 0 3 * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
      ],
    ],
    [
      'bad concurrencyPolicy',
      cron('nightly', { schedule: '@daily', concurrencyPolicy: 'Never', jobTemplate }),
      ['spec.concurrencyPolicy: Unsupported value: "Never": supported values: "Allow", "Forbid", "Replace"'],
    ],
    [
      'name longer than 52',
      cron('n'.repeat(53), { schedule: '@daily', jobTemplate }),
      [`metadata.name: Invalid value: "${'n'.repeat(53)}": must be no more than 52 characters`],
    ],
    [
      'job template restartPolicy',
      cron('nightly', { schedule: '@hourly', jobTemplate: { spec: { template: template(undefined) } } }),
      [
        'spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
      ],
    ],
  ])('CronJob: %s', (_name, obj, want) => {
    expect(check('batch', 'CronJob', obj)).toEqual(want);
  });
});
