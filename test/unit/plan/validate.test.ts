import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../../src/core/types.js';
import { Reasons, ReconcileError } from '../../../src/core/types.js';
import type { SourcedManifest } from '../../../src/plan/parse.js';
import { validateManifests } from '../../../src/plan/validate.js';

function item(
  manifest: Partial<Manifest> & { metadata: Manifest['metadata'] },
  file = 'app.yaml',
  document = 0,
) {
  const m = { apiVersion: 'v1', kind: 'ConfigMap', ...manifest } as Manifest;
  return { manifest: m, source: { file, document } } satisfies SourcedManifest;
}

function failure(items: SourcedManifest[]): ReconcileError {
  try {
    validateManifests(items);
  } catch (e) {
    if (e instanceof ReconcileError) return e;
    throw e;
  }
  throw new Error('expected a ReconcileError');
}

describe('validateManifests', () => {
  it('accepts valid objects', () => {
    expect(() =>
      validateManifests([
        item({
          metadata: {
            name: 'web.config',
            namespace: 'team-a',
            labels: { 'app.kubernetes.io/name': 'web', empty: '' },
          },
        }),
        item({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: 'system:aggregate-to-edit' },
        }),
        item({ kind: 'Namespace', metadata: { name: 'team-a' } }),
        item({ metadata: { name: 'web-config', annotations: { 'example.com/note': 'any text: at all' } } }),
      ]),
    ).not.toThrow();
  });

  it.each([
    [
      "app.yaml: ConfigMap/Web: metadata.name must be a lowercase RFC 1123 subdomain: lowercase alphanumerics, '-' or '.', starting and ending with an alphanumeric",
      { metadata: { name: 'Web' } },
    ],
    [
      `app.yaml: ConfigMap/${'a'.repeat(254)}: metadata.name must be no more than 253 characters`,
      { metadata: { name: 'a'.repeat(254) } },
    ],
    [
      "app.yaml: Namespace/team.a: metadata.name must be a lowercase RFC 1123 label: lowercase alphanumerics or '-', starting and ending with an alphanumeric",
      { kind: 'Namespace', metadata: { name: 'team.a' } },
    ],
    [
      "app.yaml: Service/1web: metadata.name must be a lowercase RFC 1035 label: lowercase alphanumerics or '-', starting with a letter and ending with an alphanumeric",
      { kind: 'Service', metadata: { name: '1web' } },
    ],
    [
      "app.yaml: Role/a/b: metadata.name may not contain '/' or '%'",
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'a/b' } },
    ],
    [
      "app.yaml: ConfigMap/Team_A/web: metadata.namespace must be a lowercase RFC 1123 label: lowercase alphanumerics or '-', starting and ending with an alphanumeric",
      { metadata: { name: 'web', namespace: 'Team_A' } },
    ],
    [
      "app.yaml: ConfigMap/web: label key \"bad key!\": name part must consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric",
      { metadata: { name: 'web', labels: { 'bad key!': 'x' } } },
    ],
    [
      "app.yaml: ConfigMap/web: label key \"Example.com/x\": prefix part must be a lowercase RFC 1123 subdomain: lowercase alphanumerics, '-' or '.', starting and ending with an alphanumeric",
      { metadata: { name: 'web', labels: { 'Example.com/x': 'y' } } },
    ],
    [
      "app.yaml: ConfigMap/web: label \"tier\" value \"front end\" must be empty or consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric",
      { metadata: { name: 'web', labels: { tier: 'front end' } } },
    ],
    [
      'app.yaml: ConfigMap/web: label "enabled" must be a string, got boolean; quote it in YAML',
      { metadata: { name: 'web', labels: { enabled: true as unknown as string } } },
    ],
    [
      'app.yaml: ConfigMap/web: annotation "port" must be a string, got number; quote it in YAML',
      { metadata: { name: 'web', annotations: { port: 8080 as unknown as string } } },
    ],
    [
      'app.yaml: ConfigMap/web: annotation key "a/b/c": must have at most one \'/\'',
      { metadata: { name: 'web', annotations: { 'a/b/c': 'x' } } },
    ],
    [
      'app.yaml: ConfigMap/web: metadata.labels must be a mapping of strings',
      { metadata: { name: 'web', labels: ['x'] as unknown as Record<string, string> } },
    ],
    [
      'app.yaml: ConfigMap/web: annotations total 262147 bytes, more than the 262144 the API server accepts',
      { metadata: { name: 'web', annotations: { big: 'x'.repeat(256 * 1024) } } },
    ],
    [
      'app.yaml: Secret/team-a/db: SOPS-encrypted Secret cannot be applied without decryption, which Steward does not support yet',
      { kind: 'Secret', metadata: { name: 'db', namespace: 'team-a' }, sops: { mac: 'ENC[...]' } },
    ],
    [
      'app.yaml: ConfigMap/web: data.replicas must be a string, got number; quote it in YAML',
      { metadata: { name: 'web' }, data: { replicas: 5, ok: 'x' } },
    ],
    [
      'app.yaml: Secret/db: stringData.enabled must be a string, got boolean; quote it in YAML',
      { kind: 'Secret', metadata: { name: 'db' }, stringData: { enabled: true } },
    ],
    // The API server refuses these keys: without this the revision would be applied up to this object.
    [
      `app.yaml: ConfigMap/web: data key "db password" must consist of alphanumeric characters, '-', '_' or '.'`,
      { metadata: { name: 'web' }, data: { 'db password': 'x', 'ok.key_-1': 'y' } },
    ],
    [
      'app.yaml: Secret/db: stringData key "..data" may not start with \'..\'',
      { kind: 'Secret', metadata: { name: 'db' }, stringData: { '..data': 'x' } },
    ],
    [
      'app.yaml: ConfigMap/web: binaryData key ".." may not be \'..\'',
      { metadata: { name: 'web' }, binaryData: { '..': 'eA==' } },
    ],
    // SOPS metadata stripped (or never committed): the workload would get ciphertext for a password.
    [
      'app.yaml: Secret/db: stringData.password holds SOPS ciphertext (ENC[...]) but the object has no sops metadata: it cannot be decrypted, and applying it would put the ciphertext in place of the value',
      {
        kind: 'Secret',
        metadata: { name: 'db' },
        stringData: { user: 'app', password: 'ENC[AES256_GCM,data:Zm9v,iv:aXY=,tag:dGFn,type:str]' },
      },
    ],
    [
      'app.yaml: Deployment/web: spec.template.spec.containers[0].env[0].value holds SOPS ciphertext (ENC[...]) but the object has no sops metadata: it cannot be decrypted, and applying it would put the ciphertext in place of the value',
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          template: {
            spec: {
              containers: [
                { name: 'web', env: [{ name: 'TOKEN', value: 'ENC[AES256_GCM,data:Zm9v,type:str]' }] },
              ],
            },
          },
        },
      },
    ],
  ])('%s', (message, manifest) => {
    const e = failure([item(manifest as Parameters<typeof item>[0])]);
    expect(e).toMatchObject({ reason: Reasons.ValidationFailed, retry: 'terminal', message });
  });

  it('does not take text that merely mentions ENC[ for ciphertext', () => {
    expect(() =>
      validateManifests([
        item({
          metadata: { name: 'doc' },
          data: { note: 'values look like ENC[AES256_GCM,data:...] once encrypted' },
        }),
      ]),
    ).not.toThrow();
  });

  it('names both files of a duplicate', () => {
    const e = failure([
      item({ metadata: { name: 'web', namespace: 'a' } }, 'one.yaml'),
      item({ metadata: { name: 'web', namespace: 'b' } }, 'one.yaml', 1),
      item({ metadata: { name: 'web', namespace: 'a' } }, 'two.yaml', 2),
    ]);
    expect(e.message).toBe(
      'ConfigMap/a/web is defined more than once: in one.yaml and in two.yaml (document 3)',
    );
    expect(e.subject).toBe('ConfigMap/a/web');
  });

  it('tells kinds of different groups apart', () => {
    expect(() =>
      validateManifests([
        item({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' } }),
        item({ apiVersion: 'example.com/v1', kind: 'Ingress', metadata: { name: 'web' } }),
      ]),
    ).not.toThrow();
  });

  it('reports every problem at once, up to ten', () => {
    const bad = Array.from({ length: 12 }, (_, i) => item({ metadata: { name: `Bad${i}` } }, `f${i}.yaml`));
    const e = failure(bad);
    expect(e.message.split('; ').filter((m) => m.startsWith('f'))).toHaveLength(10);
    expect(e.message.endsWith('; and 2 more')).toBe(true);
    expect(e.subject).toBe('ConfigMap/Bad0');
  });
});
