import { describe, expect, it } from 'vitest';
import { type FieldError, validateGitRepository } from '../../../src/api/index.js';

const SHA1 = '3a4b5c6d7e8f90123456789abcdef0123456789a';

function gitRepo(
  spec: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return defined({
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'GitRepository',
    metadata: { name: 'podinfo', namespace: 'team-a' },
    spec: defined({ url: 'https://git.example.com/team-a/podinfo', interval: '1m', ...spec }),
    ...extra,
  });
}

/** Drops keys set to undefined: a test's way of leaving a key out, as a YAML file would. */
function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function errorsOf(obj: unknown): FieldError[] {
  const result = validateGitRepository(obj);
  return result.ok ? [] : result.errors;
}

describe('validateGitRepository defaults', () => {
  it('fills timeout and ref like the API server would', () => {
    const result = validateGitRepository(gitRepo({}));
    expect(result).toEqual({
      ok: true,
      value: gitRepo({ timeout: '60s', ref: { branch: 'main' } }),
    });
  });

  it.each([
    [{ tag: 'v1.0.0' }],
    [{ semver: '>=1.0.0 <2.0.0' }],
    [{ commit: SHA1 }],
    [{ name: 'refs/pull/420/head' }],
    [{ branch: 'release', commit: SHA1 }],
  ])('keeps ref %j as given, without adding a branch', (ref) => {
    const result = validateGitRepository(gitRepo({ ref }));
    expect(result.ok && result.value.spec.ref).toEqual(ref);
  });

  it('does not modify its input', () => {
    const input = gitRepo({});
    const copy = structuredClone(input);
    validateGitRepository(input);
    expect(input).toEqual(copy);
  });

  it.each([
    [{ insecure: true, url: 'http://git.example.com/r' }],
    [{ secretRef: { name: 'git-credentials' }, timeout: '2m30s', suspend: true, ignore: '/docs\n*.md' }],
    [{ url: 'https://git.example.com:8443/r.git' }],
  ])('accepts %j', (spec) => {
    expect(errorsOf(gitRepo(spec))).toEqual([]);
  });

  it('accepts a status written by the agent', () => {
    const status = {
      observedGeneration: 3,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Succeeded',
          message: `stored artifact for revision 'main@sha1:${SHA1}'`,
          lastTransitionTime: '2025-01-01T00:00:00Z',
          observedGeneration: 3,
        },
      ],
      artifact: {
        path: 'gitrepository/team-a/podinfo/x.tar.gz',
        revision: `main@sha1:${SHA1}`,
        digest: `sha256:${'a'.repeat(64)}`,
        lastUpdateTime: '2025-01-01T00:00:00Z',
        size: 1234,
      },
    };
    expect(errorsOf(gitRepo({}, { status }))).toEqual([]);
  });
});

describe('validateGitRepository errors', () => {
  const DURATION = 'must be a duration such as "30s", "5m" or "1h30m"';
  it.each<[string, unknown, FieldError[]]>([
    ['no interval', gitRepo({ interval: undefined }), [{ path: 'spec.interval', message: 'is required' }]],
    ['no url', gitRepo({ url: undefined }), [{ path: 'spec.url', message: 'is required' }]],
    [
      'an ssh url',
      gitRepo({ url: 'ssh://git@example.com/r' }),
      [
        {
          path: 'spec.url',
          message: 'must be an https:// URL (or http:// with insecure: true) (got "ssh://git@example.com/r")',
        },
      ],
    ],
    [
      'http without insecure',
      gitRepo({ url: 'http://git.example.com/r' }),
      [{ path: 'spec.url', message: 'an http:// url requires insecure: true' }],
    ],
    [
      'http with insecure: false',
      gitRepo({ url: 'http://git.example.com/r', insecure: false }),
      [{ path: 'spec.url', message: 'an http:// url requires insecure: true' }],
    ],
    [
      'credentials in the url',
      gitRepo({ url: 'https://me:token@git.example.com/r' }),
      [
        {
          path: 'spec.url',
          message: 'must not contain credentials; put them in the Secret named by secretRef',
        },
      ],
    ],
    [
      'a broken url',
      gitRepo({ url: 'https://[::1' }),
      [{ path: 'spec.url', message: 'must be a valid URL (got "https://[::1")' }],
    ],
    [
      'a spelled-out interval',
      gitRepo({ interval: '5 minutes' }),
      [{ path: 'spec.interval', message: `${DURATION} (got "5 minutes")` }],
    ],
    [
      'a numeric interval',
      gitRepo({ interval: 300 }),
      [{ path: 'spec.interval', message: `${DURATION} (got 300)` }],
    ],
    [
      'a zero interval',
      gitRepo({ interval: '0s' }),
      [{ path: 'spec.interval', message: 'must be greater than 0 (got "0s")' }],
    ],
    [
      'a zero timeout',
      gitRepo({ timeout: '0m' }),
      [{ path: 'spec.timeout', message: 'must be greater than 0 (got "0m")' }],
    ],
    // A poll interval past the Node.js timer range would poll the git server back to back.
    [
      'an interval longer than a week',
      gitRepo({ interval: '1000h' }),
      [{ path: 'spec.interval', message: 'must be at most 168h, a week (got "1000h")' }],
    ],
    [
      'a timeout longer than a Go duration',
      gitRepo({ timeout: '9999999999999h' }),
      [
        {
          path: 'spec.timeout',
          message: 'is out of range (got "9999999999999h"); must be at most 168h, a week',
        },
      ],
    ],
    [
      'an empty ref',
      gitRepo({ ref: {} }),
      [
        {
          path: 'spec.ref',
          message: 'must set at least one of branch, tag, semver, name, commit (got an object)',
        },
      ],
    ],
    [
      'a short commit',
      gitRepo({ ref: { commit: 'abc123' } }),
      [
        {
          path: 'spec.ref.commit',
          message: 'must be a full 40- or 64-character lowercase hex commit SHA (got "abc123")',
        },
      ],
    ],
    [
      'a short ref name',
      gitRepo({ ref: { name: 'main' } }),
      [
        {
          path: 'spec.ref.name',
          message: 'must be a full Git reference name starting with "refs/" (got "main")',
        },
      ],
    ],
    [
      'an empty branch',
      gitRepo({ ref: { branch: '' } }),
      [{ path: 'spec.ref.branch', message: 'must be a non-empty string (got "")' }],
    ],
    [
      'a secretRef without name',
      gitRepo({ secretRef: {} }),
      [{ path: 'spec.secretRef.name', message: 'is required' }],
    ],
    [
      'a secretRef with a bad name',
      gitRepo({ secretRef: { name: 'Git_Creds' } }),
      [
        {
          path: 'spec.secretRef.name',
          message:
            'must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, "-" and ".", alphanumeric at both ends (got "Git_Creds")',
        },
      ],
    ],
    [
      'a misspelt key',
      gitRepo({ intreval: '1m' }),
      [{ path: 'spec.intreval', message: 'unknown key (did you mean "interval"?)' }],
    ],
    [
      'suspend as a string',
      gitRepo({ suspend: 'yes' }),
      [{ path: 'spec.suspend', message: 'must be true or false (got "yes")' }],
    ],
    [
      'the wrong apiVersion',
      gitRepo({}, { apiVersion: 'source.toolkit.fluxcd.io/v1' }),
      [{ path: 'apiVersion', message: 'must be "steward.dev/v1alpha1" (got "source.toolkit.fluxcd.io/v1")' }],
    ],
    [
      'the wrong kind',
      gitRepo({}, { kind: 'Sync' }),
      [{ path: 'kind', message: 'must be "GitRepository" (got "Sync")' }],
    ],
    [
      'no namespace',
      gitRepo({}, { metadata: { name: 'x' } }),
      [{ path: 'metadata.namespace', message: 'is required' }],
    ],
    ['no spec', gitRepo({}, { spec: undefined }), [{ path: 'spec', message: 'is required' }]],
    ['null', null, [{ path: '', message: 'must be an object (got null)' }]],
    ['a list', [], [{ path: '', message: 'must be an object (got a list)' }]],
    [
      'a bad condition status',
      gitRepo(
        {},
        {
          status: {
            conditions: [{ type: 'Ready', status: 'Yes', reason: 'R', message: '', lastTransitionTime: 'x' }],
          },
        },
      ),
      [
        {
          path: 'status.conditions[0].status',
          message: 'must be one of "True", "False", "Unknown" (got "Yes")',
        },
      ],
    ],
  ])('%s', (_name, input, errors) => {
    expect(errorsOf(input)).toEqual(errors);
  });

  it('reports every error at once, in document order', () => {
    const input = gitRepo({
      url: 'http://me:pw@git.example.com/r',
      interval: 'soon',
      ref: { commit: 'HEAD' },
      extra: 1,
    });
    expect(errorsOf(input).map((e) => e.path)).toEqual([
      'spec.extra',
      'spec.interval',
      'spec.ref.commit',
      'spec.url',
      'spec.url',
    ]);
  });
});
