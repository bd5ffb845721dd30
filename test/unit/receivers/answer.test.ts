import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ANSWERS, answerBeforeBody, answerCall } from '../../../src/receivers/answer.js';
import type { ReceiverEntry } from '../../../src/receivers/types.js';

const BODY = Buffer.from('{"ref":"refs/heads/main"}');

function entry(over: Partial<ReceiverEntry> = {}): ReceiverEntry {
  return {
    namespace: 'team-a',
    name: 'hook',
    type: 'github',
    token: 'tok',
    events: [],
    suspended: false,
    targets: [
      { apiVersion: 'steward.dev/v1alpha1', kind: 'GitRepository', namespace: 'team-a', name: 'app' },
    ],
    ...over,
  };
}

function signed(body: Uint8Array = BODY, token = 'tok'): string {
  return `sha256=${createHmac('sha256', token).update(body).digest('hex')}`;
}

describe('answerBeforeBody', () => {
  it.each([
    ['an unknown path, any method', undefined, 'POST', ANSWERS.notFound],
    ['an unknown path, GET', undefined, 'GET', ANSWERS.notFound],
    ['a known path, GET', entry(), 'GET', ANSWERS.methodNotAllowed],
    ['a known path, PUT', entry(), 'PUT', ANSWERS.methodNotAllowed],
    ['a suspended Receiver', entry({ suspended: true }), 'POST', ANSWERS.suspended],
    ['a known path, POST', entry(), 'POST', undefined],
  ])('%s', (_what, e, method, answer) => {
    expect(answerBeforeBody(e, method)).toEqual(answer);
  });

  it('answers 404 to an unknown path and 503 to a suspended one', () => {
    expect(answerBeforeBody(undefined, 'POST')?.status).toBe(404);
    expect(answerBeforeBody(entry({ suspended: true }), 'POST')?.status).toBe(503);
  });
});

describe('answerCall', () => {
  it('accepts a signed push with 202 and triggers', () => {
    const a = answerCall(entry(), { 'x-hub-signature-256': signed(), 'x-github-event': 'push' }, BODY);
    expect(a).toEqual({ status: 202, message: 'reconcile requested', result: 'accepted', trigger: true });
  });

  it('gives every bad signature the same 401, whatever was wrong', () => {
    const answers = [
      {},
      { 'x-hub-signature-256': '' },
      { 'x-hub-signature-256': 'sha256=00' },
      { 'x-hub-signature-256': signed(BODY, 'other') },
      { 'x-hub-signature-256': signed(Buffer.from('other body')) },
    ].map((h) => answerCall(entry(), h, BODY));
    for (const a of answers) expect(a).toEqual(ANSWERS.unauthorized);
    expect(ANSWERS.unauthorized).toMatchObject({ status: 401, message: 'unauthorized', trigger: false });
  });

  it('answers a signed GitHub ping with 200 and does not trigger, even when events would exclude it', () => {
    const a = answerCall(
      entry({ events: ['push'] }),
      { 'x-hub-signature-256': signed(), 'x-github-event': 'ping' },
      BODY,
    );
    expect(a).toMatchObject({ status: 200, trigger: false, result: 'accepted' });
  });

  it('does not answer an unsigned ping', () => {
    expect(answerCall(entry(), { 'x-github-event': 'ping' }, BODY)).toEqual(ANSWERS.unauthorized);
  });

  it.each([
    ['github', { 'x-github-event': 'issues' }, ['push'], false],
    ['github', { 'x-github-event': 'Push' }, ['push'], true],
    ['github', {}, ['push'], false],
    ['gitlab', { 'x-gitlab-event': 'Tag Push Hook' }, ['Push Hook'], false],
    ['gitlab', { 'x-gitlab-event': 'Push Hook' }, ['Push Hook'], true],
    ['gitlab', { 'x-gitlab-event': 'Note Hook' }, [], true],
  ] as const)('%s event %j with events %j triggers: %s', (type, eventHeader, events, triggers) => {
    const auth = type === 'github' ? { 'x-hub-signature-256': signed() } : { 'x-gitlab-token': 'tok' };
    const a = answerCall(entry({ type, events }), { ...auth, ...eventHeader }, BODY);
    expect(a.trigger).toBe(triggers);
    expect(a.status).toBe(triggers ? 202 : 200);
    if (!triggers) expect(a).toEqual(ANSWERS.ignored);
  });

  it.each([
    ['generic-hmac', { 'x-signature': signed() }, true],
    ['generic-hmac', { 'x-signature': 'sha256=abc' }, false],
    ['generic', {}, true],
  ] as const)('%s with %j triggers: %s', (type, headers, triggers) => {
    expect(answerCall(entry({ type }), headers, BODY).trigger).toBe(triggers);
  });
});
