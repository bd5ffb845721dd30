import { describe, expect, it } from 'vitest';
import type { Provider } from '../../../src/api/index.js';
import { validateProvider } from '../../../src/api/index.js';
import { parseHeaders, resolveProvider } from '../../../src/notify/provider.js';

function provider(spec: Record<string, unknown>): Provider {
  const r = validateProvider({
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Provider',
    metadata: { name: 'chat', namespace: 'team-a' },
    spec,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

const SECRET_URL = 'https://hooks.example.com/services/T1/B1/very-secret';

describe('resolveProvider', () => {
  it('uses spec fields without a Secret, with the default timeout', () => {
    const r = resolveProvider(
      provider({ type: 'slack', address: 'https://hooks.example.com/x', channel: '#ops', username: 'bot' }),
      undefined,
      15_000,
    );
    expect(r).toEqual({
      ok: true,
      target: {
        namespace: 'team-a',
        name: 'chat',
        type: 'slack',
        address: 'https://hooks.example.com/x',
        channel: '#ops',
        username: 'bot',
        headers: {},
        timeoutMs: 15_000,
        suspend: false,
      },
    });
  });

  it('takes address, token, username, password and headers from the Secret, and spec.timeout', () => {
    const r = resolveProvider(
      provider({
        type: 'alertmanager',
        address: 'http://ignored:9093',
        secretRef: { name: 'am' },
        timeout: '3s',
        suspend: true,
      }),
      {
        address: 'http://am:9093',
        token: 't',
        username: 'u',
        password: 'p',
        headers: 'X-Scope-OrgID: team-a\nX-Num: 3\n',
      },
      15_000,
    );
    expect(r.ok && r.target).toMatchObject({
      address: 'http://am:9093',
      token: 't',
      username: 'u',
      basicAuth: { username: 'u', password: 'p' },
      headers: { 'X-Scope-OrgID': 'team-a', 'X-Num': '3' },
      timeoutMs: 3_000,
      suspend: true,
    });
  });

  it('caps the attempt timeout at five minutes', () => {
    const r = resolveProvider(
      provider({ type: 'generic', address: 'https://x.example.com', timeout: '1h' }),
      undefined,
      15_000,
    );
    expect(r.ok && r.target.timeoutMs).toBe(300_000);
  });

  it.each([
    ['no address anywhere', { type: 'generic' }, undefined, 'ValidationFailed', 'terminal'],
    [
      'generic-hmac without a Secret',
      { type: 'generic-hmac', address: 'https://x.example.com' },
      undefined,
      'ValidationFailed',
      'terminal',
    ],
    [
      'a missing Secret',
      { type: 'slack', secretRef: { name: 'hook' } },
      undefined,
      'SecretNotFound',
      'transient',
    ],
    [
      'a Secret without address',
      { type: 'slack', secretRef: { name: 'hook' } },
      { token: 'x' },
      'SecretInvalid',
      'transient',
    ],
    [
      'a Secret address that is no URL',
      { type: 'slack', secretRef: { name: 'hook' } },
      { address: 'not a url very-secret' },
      'SecretInvalid',
      'transient',
    ],
    [
      'a Secret address with credentials',
      { type: 'slack', secretRef: { name: 'hook' } },
      { address: 'https://u:very-secret@x.example.com' },
      'SecretInvalid',
      'transient',
    ],
    [
      'a Secret address of another scheme',
      { type: 'slack', secretRef: { name: 'hook' } },
      { address: 'ftp://very-secret.example.com' },
      'SecretInvalid',
      'transient',
    ],
    [
      'generic-hmac without token',
      { type: 'generic-hmac', secretRef: { name: 'hmac' } },
      { address: SECRET_URL },
      'SecretInvalid',
      'transient',
    ],
    [
      'headers that are not a map',
      { type: 'generic', secretRef: { name: 'h' } },
      { address: SECRET_URL, headers: '- a\n- b' },
      'SecretInvalid',
      'transient',
    ],
  ])('refuses %s', (_what, spec, secret, reason, retry) => {
    const r = resolveProvider(provider(spec), secret, 15_000);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem).toMatchObject({ reason, retry });
    // Messages name the Secret and the key, never a value from it.
    expect(r.problem.message).not.toContain('very-secret');
  });
});

describe('parseHeaders', () => {
  it.each([
    ['', {}],
    ['{}', {}],
    ['Authorization: Bearer abc', { Authorization: 'Bearer abc' }],
    ['{"X-A": "1", "X-B": true}', { 'X-A': '1', 'X-B': 'true' }],
  ])('reads %j', (text, expected) => {
    expect(parseHeaders(text)).toEqual(expected);
  });

  it.each([
    ['a: [', 'is not valid YAML'],
    ['just text', 'must be a map'],
    ['"bad name": x', 'invalid header name'],
    ['X-A: {b: c}', 'must have a string value'],
    ['X-A: "line\\nbreak-secret"', 'line break'],
  ])('refuses %j', (text, problem) => {
    const r = parseHeaders(text);
    expect(typeof r).toBe('string');
    expect(r).toContain(problem);
    expect(r).not.toContain('secret');
  });
});
