import { describe, expect, it } from 'vitest';
import { isInline, isRemote, kustomizationRefs } from '../../../src/render/kustomization-refs.js';
import { builtinPluginPaths, pluginRefusal } from '../../../src/render/plugin-config.js';

describe('isRemote', () => {
  it.each([
    ['https://github.com/org/repo//base?ref=v1', true],
    ['http://example.com/x.yaml', true],
    ['ssh://git@github.com/org/repo.git', true],
    ['git@github.com:org/repo.git//base', true],
    ['git::https://example.com/repo.git', true],
    ['gh:org/repo', true],
    ['github.com/org/repo/base', true],
    ['gitlab.com/org/repo', true],
    ['example.com/org/repo//base?ref=main', true],
    ['file:///etc/passwd', true],
    // go-getter's forced getters, which older kustomize fetches with.
    ['s3::https://s3.amazonaws.com/bucket/base', true],
    ['gcs::https://www.googleapis.com/storage/v1/bucket/base', true],
    ['hg::https://example.com/repo', true],
    ['GIT::https://example.com/repo.git', true],
    ['../base', false],
    ['deployment.yaml', false],
    ['github-stuff/base', false],
    ['./github.com.yaml', false],
  ])('%s → %s', (entry, remote) => {
    expect(isRemote(entry)).toBe(remote);
  });
});

describe('kustomizationRefs', () => {
  it('lists every field that reads from disk', () => {
    const { refs, refusals } = kustomizationRefs(
      {
        resources: ['../base', 'cm.yaml'],
        bases: ['../old'],
        components: ['../comp'],
        crds: ['crd.yaml'],
        configurations: ['conf.yaml'],
        openapi: { path: 'schema.json' },
        patches: [{ path: 'p1.yaml' }, { patch: 'inline' }],
        patchesStrategicMerge: ['p2.yaml', 'apiVersion: v1\nkind: ConfigMap\n'],
        patchesJson6902: [{ path: 'p3.yaml' }],
        replacements: [{ path: 'r.yaml' }],
        configMapGenerator: [{ files: ['key=f1.txt', 'f2.txt'], envs: ['e1.env'], env: 'e2.env' }],
        secretGenerator: [{ files: ['s.txt'] }],
        generators: ['gen.yaml'],
        transformers: ['apiVersion: builtin\nkind: LabelTransformer\n'],
      },
      false,
    );
    expect(refusals).toEqual([]);
    expect(
      refs.map((r) => ('entry' in r ? `${r.type} ${r.field} ${r.entry}` : `${r.type} ${r.field}`)),
    ).toEqual([
      'resource resources ../base',
      'resource resources cm.yaml',
      'resource bases ../old',
      'resource components ../comp',
      'file crds crd.yaml',
      'file configurations conf.yaml',
      'file openapi.path schema.json',
      'file patches.path p1.yaml',
      'file patchesJson6902.path p3.yaml',
      'file replacements.path r.yaml',
      'file patchesStrategicMerge p2.yaml',
      'data configMapGenerator.files f1.txt',
      'data configMapGenerator.files f2.txt',
      'data configMapGenerator.envs e1.env',
      'data configMapGenerator.env e2.env',
      'data secretGenerator.files s.txt',
      'plugin generators gen.yaml',
      'inline-plugin transformers',
    ]);
  });

  it('refuses Helm unless allowed, and then checks its local paths', () => {
    const k = {
      helmCharts: [{ name: 'x', valuesFile: 'values.yaml' }],
      helmGlobals: { chartHome: 'charts' },
    };
    expect(kustomizationRefs(k, false).refusals).toEqual([
      'helmCharts, helmGlobals is not allowed: Helm chart inflation in kustomize is disabled for this agent',
    ]);
    const allowed = kustomizationRefs(k, true);
    expect(allowed.refusals).toEqual([]);
    expect(allowed.usesHelm).toBe(true);
    expect(allowed.refs.map((r) => ('entry' in r ? r.entry : ''))).toEqual(['values.yaml', 'charts']);
  });
});

describe('pluginRefusal', () => {
  it.each([
    [{ apiVersion: 'builtin', kind: 'PatchTransformer' }, undefined],
    [
      {
        apiVersion: 'builtin',
        kind: 'X',
        metadata: { annotations: { 'config.kubernetes.io/function': 'exec: {}' } },
      },
      'configures an exec or KRM function plugin (X), which is not allowed',
    ],
    [
      {
        apiVersion: 'fn.example.com/v1',
        kind: 'Y',
        metadata: { annotations: { 'config.k8s.io/function': '' } },
      },
      'configures an exec or KRM function plugin (Y), which is not allowed',
    ],
    [
      { apiVersion: 'someteam.example.com/v1', kind: 'ChartInflator' },
      'uses the external plugin someteam.example.com/v1/ChartInflator; only builtin plugins are allowed',
    ],
  ])('%j', (config, refusal) => {
    expect(pluginRefusal(config, false)).toBe(refusal);
  });
});

describe('isInline', () => {
  it.each([
    ['patch.yaml', false],
    ['../patches/replicas.yaml', false],
    ['apiVersion: v1\nkind: ConfigMap', true],
    ['{"apiVersion": "v1", "kind": "ConfigMap"}', true],
    ['apiVersion: builtin', true],
  ])('%j → %s', (entry, inline) => {
    expect(isInline(entry)).toBe(inline);
  });
});

describe('builtinPluginPaths', () => {
  it.each([
    [{ apiVersion: 'builtin', kind: 'LabelTransformer', labels: { a: 'b' } }, [], []],
    [
      {
        apiVersion: 'builtin',
        kind: 'SecretGenerator',
        files: ['k=../../etc/passwd', 'f.txt'],
        envs: ['e.env'],
      },
      ['SecretGenerator.files ../../etc/passwd', 'SecretGenerator.files f.txt', 'SecretGenerator.envs e.env'],
      [],
    ],
    [
      { apiVersion: 'builtin', kind: 'PatchTransformer', path: 'p.yaml' },
      ['PatchTransformer.path p.yaml'],
      [],
    ],
    [
      {
        apiVersion: 'builtin',
        kind: 'PatchStrategicMergeTransformer',
        paths: ['a.yaml', 'apiVersion: v1\nkind: X'],
      },
      ['PatchStrategicMergeTransformer.paths a.yaml'],
      [],
    ],
    [
      { apiVersion: 'builtin', kind: 'ReplacementTransformer', replacements: [{ path: 'r.yaml' }] },
      ['ReplacementTransformer.replacements.path r.yaml'],
      [],
    ],
    [
      { apiVersion: 'builtin', kind: 'PatchTransformer', path: 'https://example.com/p.yaml' },
      [],
      ['PatchTransformer.path https://example.com/p.yaml'],
    ],
    [{ apiVersion: 'example.com/v1', kind: 'PatchTransformer', path: 'p.yaml' }, [], []],
  ])('%j', (config, refs, remote) => {
    const out = builtinPluginPaths(config);
    expect(out.refs.map((r) => `${r.field} ${r.entry}`)).toEqual(refs);
    // Generator sources are data; everything else a builtin plugin reads is YAML, vetted before kustomize runs.
    for (const r of out.refs) expect(r.yaml).toBe(!/Generator\.(files|envs|env)$/.test(r.field));
    expect(out.remote.map((r) => `${r.field} ${r.entry}`)).toEqual(remote);
  });

  it('refuses the builtin Helm generator unless Helm is allowed', () => {
    const helm = { apiVersion: 'builtin', kind: 'HelmChartInflationGenerator', chartName: 'x' };
    expect(pluginRefusal(helm, false)).toBe(
      'uses HelmChartInflationGenerator, which is not allowed: Helm chart inflation in kustomize is disabled for this agent',
    );
    expect(pluginRefusal(helm, true)).toBeUndefined();
  });
});
