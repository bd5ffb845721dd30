import { describe, expect, it } from 'vitest';
import { errorFromResponse, KubeError, parseRetryAfter } from '../../../src/kube/errors.js';

describe('errorFromResponse', () => {
  it('reads message, reason, causes and retryAfterSeconds from a Status', () => {
    const body = JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: 'Deployment.apps "web" is invalid: spec.selector: field is immutable',
      reason: 'Invalid',
      details: {
        causes: [{ field: 'spec.selector', message: 'field is immutable', reason: 'FieldValueInvalid' }],
        retryAfterSeconds: 2,
      },
      code: 422,
    });
    const e = errorFromResponse(422, body);
    expect(e).toMatchObject({ code: 422, reason: 'Invalid', retryAfterSeconds: 2 });
    expect(e.message).toContain('field is immutable');
    expect(e.causes).toEqual([
      { field: 'spec.selector', message: 'field is immutable', reason: 'FieldValueInvalid' },
    ]);
  });

  it('never carries a non-Status body, only the generic message for the code', () => {
    const e = errorFromResponse(429, 'Too many requests, please try again later.\n<token abc>', '3');
    expect(e).toMatchObject({ code: 429, reason: 'TooManyRequests', retryAfterSeconds: 3 });
    expect(e.message).not.toContain('token');
    expect(errorFromResponse(502, '<html>bad gateway</html>').message).not.toContain('html');
    expect(errorFromResponse(418, '').reason).toBe('Unknown');
  });

  it('truncates very long messages', () => {
    const e = errorFromResponse(422, JSON.stringify({ kind: 'Status', message: 'x'.repeat(5000) }));
    expect(e.message.length).toBeLessThan(1100);
  });

  it('maps messages (redaction) keeping code, reason and causes', () => {
    const e = new KubeError(422, 'Invalid', 'value s3cret', {
      causes: [{ field: 'data', message: 'got s3cret' }],
    });
    const m = e.mapMessages((s) => s.replace('s3cret', '***'));
    expect(m).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'value ***',
      causes: [{ field: 'data', message: 'got ***' }],
    });
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['5', 5],
    [' 0 ', 0],
    ['Wed, 21 Oct 2015 07:28:00 GMT', undefined],
    [undefined, undefined],
    ['-1', undefined],
  ])('%s', (v, expected) => {
    expect(parseRetryAfter(v)).toBe(expected);
  });
});
