import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ReceiverType } from '../../../src/api/index.js';
import {
  type CallHeaders,
  constantTimeEqual,
  eventAllowed,
  isGitHubPing,
  verifyCall,
} from '../../../src/receivers/verify.js';

const TOKEN = 'key';
const BODY = Buffer.from('{"ref":"main"}');
// HMACs of BODY with TOKEN, computed outside Node.
const HMAC = {
  sha1: 'd7ff621d96bfbd05c007fd7d5ccc9afb9572166c',
  sha224: '65b6aadc942647ac7024322b4a964929daf317c02b53c04ebcb05191',
  sha384: '2a60c279c807bb429f70d7873a2ed1b1fd4ae846a08da467f611e19a1ade9fbb38e152dfc53da5f58ebf19e6adcc275c',
  sha512:
    '9c8a40d2172a0597ecb2c907df590bb8600fd049160edd7bff2b28871725620d945dd559b177b2d14c88758f80ca6fdfb37edfca679dada7c5bdcb5ef9afea34',
};
const SHA256 = createHmac('sha256', TOKEN).update(BODY).digest('hex');

function verify(type: ReceiverType, headers: CallHeaders, body: Uint8Array = BODY) {
  return verifyCall(type, TOKEN, headers, body);
}

describe('github', () => {
  it("accepts GitHub's documented example signature", () => {
    // docs.github.com "Validating webhook deliveries", test values.
    const verdict = verifyCall(
      'github',
      "It's a Secret to Everybody",
      {
        'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
        'x-github-event': 'push',
      },
      Buffer.from('Hello, World!'),
    );
    expect(verdict).toEqual({ ok: true, event: 'push' });
  });

  it('accepts upper-case hex, as go-github does', () => {
    expect(verify('github', { 'x-hub-signature-256': `sha256=${SHA256.toUpperCase()}` }).ok).toBe(true);
  });

  it.each([
    ['missing', {}],
    ['empty', { 'x-hub-signature-256': '' }],
    ['wrong', { 'x-hub-signature-256': `sha256=${SHA256.replace(/^./, (c) => (c === '0' ? '1' : '0'))}` }],
    ['shorter', { 'x-hub-signature-256': `sha256=${SHA256.slice(0, 40)}` }],
    ['longer', { 'x-hub-signature-256': `sha256=${SHA256}00` }],
    ['without its prefix', { 'x-hub-signature-256': SHA256 }],
    ['sha1 in the sha256 header', { 'x-hub-signature-256': `sha1=${HMAC.sha1}` }],
    ['only the legacy sha1 header', { 'x-hub-signature': `sha1=${HMAC.sha1}` }],
    ['sent twice', { 'x-hub-signature-256': [`sha256=${SHA256}`, `sha256=${SHA256}`] }],
    ['a GitLab token', { 'x-gitlab-token': TOKEN }],
  ] as const)('refuses a signature that is %s', (_what, headers) => {
    expect(verify('github', headers)).toEqual({ ok: false });
  });

  it('refuses a valid signature of another body', () => {
    expect(
      verify('github', { 'x-hub-signature-256': `sha256=${SHA256}` }, Buffer.from('{"ref":"evil"}')),
    ).toEqual({
      ok: false,
    });
  });

  it('refuses a signature made with another token', () => {
    const other = createHmac('sha256', 'other').update(BODY).digest('hex');
    expect(verify('github', { 'x-hub-signature-256': `sha256=${other}` }).ok).toBe(false);
  });
});

describe('gitlab', () => {
  it('accepts X-Gitlab-Token equal to the token and reports X-Gitlab-Event', () => {
    expect(verify('gitlab', { 'x-gitlab-token': TOKEN, 'x-gitlab-event': 'Push Hook' })).toEqual({
      ok: true,
      event: 'Push Hook',
    });
  });

  it.each([
    ['missing', {}],
    ['empty', { 'x-gitlab-token': '' }],
    ['wrong', { 'x-gitlab-token': 'kez' }],
    ['shorter', { 'x-gitlab-token': 'ke' }],
    ['longer', { 'x-gitlab-token': 'keys' }],
    ['differently cased', { 'x-gitlab-token': 'KEY' }],
    ['a GitHub signature', { 'x-hub-signature-256': `sha256=${SHA256}` }],
  ] as const)('refuses a token that is %s', (_what, headers) => {
    expect(verify('gitlab', headers)).toEqual({ ok: false });
  });
});

describe('generic-hmac', () => {
  it.each([
    ['sha256', SHA256],
    ['sha1', HMAC.sha1],
    ['sha224', HMAC.sha224],
    ['sha384', HMAC.sha384],
    ['sha512', HMAC.sha512],
  ])('accepts X-Signature %s=<hex>', (algorithm, hex) => {
    expect(verify('generic-hmac', { 'x-signature': `${algorithm}=${hex}` })).toEqual({
      ok: true,
      event: undefined,
    });
  });

  it.each([
    ['missing', {}],
    ['without an algorithm', { 'x-signature': SHA256 }],
    ['with an empty algorithm', { 'x-signature': `=${SHA256}` }],
    ['with an unknown algorithm', { 'x-signature': `md5=${SHA256}` }],
    ['with the algorithm of another digest', { 'x-signature': `sha512=${SHA256}` }],
    ['shorter', { 'x-signature': `sha256=${SHA256.slice(1)}` }],
    ['wrong', { 'x-signature': `sha1=${HMAC.sha1.replace(/^d/, 'e')}` }],
    ['in the GitHub header', { 'x-hub-signature-256': `sha256=${SHA256}` }],
  ] as const)('refuses a signature that is %s', (_what, headers) => {
    expect(verify('generic-hmac', headers)).toEqual({ ok: false });
  });
});

describe('generic', () => {
  it('accepts any call: the secret path is the credential', () => {
    expect(verify('generic', {}, Buffer.alloc(0))).toEqual({ ok: true, event: undefined });
  });
});

describe('constantTimeEqual', () => {
  it.each([
    ['abc', 'abc', true],
    ['abd', 'abc', false],
    ['ab', 'abc', false],
    ['abcd', 'abc', false],
    ['', 'abc', false],
    ['', '', true],
    ['é', 'e\u0301', false],
  ])('%j against %j is %s', (given, expected, equal) => {
    expect(constantTimeEqual(given, expected)).toBe(equal);
  });
});

describe('eventAllowed', () => {
  it.each([
    [undefined, 'push', true],
    [[], 'push', true],
    [[], undefined, true],
    [['push'], 'push', true],
    [['push'], 'PUSH', true],
    [['Push Hook'], 'push hook', true],
    [['push'], 'issues', false],
    [['push'], undefined, false],
    [['push', 'create'], 'create', true],
  ] as const)('events %j, event %j: %s', (events, event, allowed) => {
    expect(eventAllowed(events, event)).toBe(allowed);
  });
});

describe('isGitHubPing', () => {
  it.each([
    ['github', 'ping', true],
    ['github', 'Ping', true],
    ['github', 'push', false],
    ['github', undefined, false],
    ['gitlab', 'ping', false],
  ] as const)('%s %j: %s', (type, event, ping) => {
    expect(isGitHubPing(type, event)).toBe(ping);
  });
});
