import { describe, expect, it } from 'vitest';
import { Reasons } from '../../../../src/core/types.js';
import type { GitErrorCode } from '../../../../src/sources/git/errors.js';
import { classifyError, GitSourceError, toReconcileError } from '../../../../src/sources/git/errors.js';
import { authHeaders, checkUrl, redactUrl } from '../../../../src/sources/git/http.js';

const where = 'https://git.example.com/team/app.git';

/** Shapes of isomorphic-git's errors, whose messages embed response bodies. */
function httpError(statusCode: number): Error {
  return Object.assign(new Error(`HTTP Error: ${statusCode} body with Authorization: Bearer s3cret`), {
    code: 'HttpError',
    data: { statusCode, statusMessage: 'x', response: 'Bearer s3cret' },
  });
}

describe('classifyError', () => {
  it.each<[string, unknown, GitErrorCode, number | undefined]>([
    ['HTTP 401', httpError(401), 'AuthenticationFailed', 401],
    ['HTTP 403', httpError(403), 'AuthenticationFailed', 403],
    ['HTTP 404', httpError(404), 'NotFound', 404],
    ['HTTP 500', httpError(500), 'Network', 500],
    [
      'a missing ref',
      Object.assign(new Error('Could not find x'), { code: 'NotFoundError' }),
      'RefNotFound',
      undefined,
    ],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      'Network',
      undefined,
    ],
    ['a full disk', Object.assign(new Error('ENOSPC: /x'), { code: 'ENOSPC' }), 'Storage', undefined],
    [
      'an unsafe tree entry',
      Object.assign(new Error('.git'), { code: 'UnsafeFilepathError' }),
      'InvalidTree',
      undefined,
    ],
    ['a dumb server', Object.assign(new Error('<html>'), { code: 'SmartHttpError' }), 'Network', undefined],
    ['anything else', new TypeError('boom'), 'Network', undefined],
  ])('maps %s', (_name, err, code, statusCode) => {
    const mapped = classifyError(err, where, 'listing refs');
    expect(mapped.code).toBe(code);
    expect(mapped.data.statusCode).toBe(statusCode);
    expect(mapped.message).not.toContain('s3cret');
    expect(mapped.cause).toBeUndefined();
  });

  it('passes its own errors through', () => {
    const own = new GitSourceError('TooLarge', 'too big');
    expect(classifyError(own, where, 'x')).toBe(own);
  });

  it.each<[GitErrorCode, 'transient' | 'terminal']>([
    ['Network', 'transient'],
    ['Timeout', 'transient'],
    ['AuthenticationFailed', 'transient'],
    ['RefNotFound', 'transient'],
    ['TooLarge', 'transient'],
    ['InvalidRef', 'terminal'],
    ['InvalidURL', 'terminal'],
    ['InvalidTree', 'terminal'],
  ])('%s is %s', (code, retry) => {
    expect(new GitSourceError(code, 'm').retry).toBe(retry);
  });
});

describe('toReconcileError', () => {
  it('keeps the message and picks the reason', () => {
    const auth = toReconcileError(
      new GitSourceError('AuthenticationFailed', 'denied'),
      'GitRepository/t/app',
    );
    expect(auth).toMatchObject({
      reason: Reasons.AuthenticationFailed,
      retry: 'transient',
      message: 'denied',
    });
    expect(auth.subject).toBe('GitRepository/t/app');
    expect(toReconcileError(new GitSourceError('InvalidRef', 'bad')).reason).toBe(Reasons.FetchFailed);
  });
});

describe('checkUrl', () => {
  it.each([
    ['https://git.example.com/app.git', false, 'https://git.example.com/app.git'],
    ['https://git.example.com/app.git/', false, 'https://git.example.com/app.git'],
    ['http://127.0.0.1:8080/app.git', true, 'http://127.0.0.1:8080/app.git'],
  ])('accepts %s', (url, insecure, expected) => {
    expect(checkUrl(url, insecure)).toBe(expected);
  });

  it.each([
    ['plain http', 'http://git.example.com/app.git'],
    ['ssh', 'ssh://git@git.example.com/app.git'],
    ['scp-like', 'git@git.example.com:app.git'],
    ['userinfo', 'https://user:s3cret@git.example.com/app.git'],
    ['a query', 'https://git.example.com/app.git?private_token=s3cret'],
    ['garbage', 'not a url'],
  ])('refuses %s without echoing it', (_name, url) => {
    let err: unknown;
    try {
      checkUrl(url, false);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GitSourceError);
    expect((err as GitSourceError).code).toBe('InvalidURL');
    expect(String(err)).not.toContain('s3cret');
  });
});

describe('redactUrl and authHeaders', () => {
  it('keeps only origin and path', () => {
    expect(redactUrl('https://u:p@git.example.com/a.git?t=1#x')).toBe('https://git.example.com/a.git');
  });

  it.each([
    [undefined, {}],
    [{}, {}],
    [{ bearerToken: 't' }, { Authorization: 'Bearer t' }],
    [{ username: 'u', password: 'p' }, { Authorization: `Basic ${Buffer.from('u:p').toString('base64')}` }],
    [{ password: 'p' }, { Authorization: `Basic ${Buffer.from(':p').toString('base64')}` }],
    [{ bearerToken: 't', username: 'u', password: 'p' }, { Authorization: 'Bearer t' }],
  ])('%j -> %j', (auth, headers) => {
    expect(authHeaders(auth)).toEqual(headers);
  });
});
