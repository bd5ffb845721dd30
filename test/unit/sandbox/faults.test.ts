import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../src/sandbox/errors.js';
import type { FaultAction, FaultRequest, FaultRule } from '../../../src/sandbox/faults.js';
import {
  compilePathGlob,
  FaultInjector,
  faultResponse,
  parseFaultRules,
  RequestCounters,
  statusErrorForCode,
} from '../../../src/sandbox/faults.js';

const GET_CM: FaultRequest = {
  verb: 'get',
  path: '/api/v1/namespaces/shop/configmaps/settings',
  resource: 'configmaps',
  namespace: 'shop',
};
const PATCH_DEPLOY: FaultRequest = {
  verb: 'patch',
  path: '/apis/apps/v1/namespaces/shop/deployments/web',
  resource: 'deployments',
  namespace: 'shop',
};
const LIST_NS: FaultRequest = {
  verb: 'list',
  path: '/api/v1/namespaces',
  resource: 'namespaces',
  namespace: '',
};
const boom: FaultAction = { type: 'status', code: 500 };
const noRandom = () => {
  throw new Error('random must not be called');
};

describe('FaultInjector.match', () => {
  it.each<[string, Omit<FaultRule, 'action'>, FaultRequest, boolean]>([
    ['no filters', {}, GET_CM, true],
    ['verb', { verb: 'patch' }, PATCH_DEPLOY, true],
    ['other verb', { verb: 'patch' }, GET_CM, false],
    ['any verb', { verb: '*' }, GET_CM, true],
    ['resource', { resource: 'deployments' }, PATCH_DEPLOY, true],
    ['other resource', { resource: 'deployments' }, GET_CM, false],
    ['namespace', { namespace: 'shop' }, GET_CM, true],
    ['cluster scope', { namespace: '' }, LIST_NS, true],
    ['cluster scope vs namespaced', { namespace: '' }, GET_CM, false],
    ['* within a segment', { path: '/api/v1/namespaces/*/configmaps/*' }, GET_CM, true],
    ['* stays in its segment', { path: '/api/v1/*/configmaps/*' }, GET_CM, false],
    ['** across segments', { path: '/apis/apps/**' }, PATCH_DEPLOY, true],
    ['**/ may be empty', { path: '/**/deployments/web' }, PATCH_DEPLOY, true],
    ['literal path', { path: '/api/v1/namespaces' }, LIST_NS, true],
    [
      'all filters',
      { verb: 'patch', resource: 'deployments', namespace: 'shop', path: '/apis/**' },
      PATCH_DEPLOY,
      true,
    ],
  ])('%s', (_name, filters, req, matches) => {
    const faults = new FaultInjector();
    faults.add({ ...filters, action: boom });
    expect(faults.match(req, noRandom)).toEqual(matches ? boom : undefined);
  });

  it('retires a rule after `times` matches, and lists what is left', () => {
    const faults = new FaultInjector();
    const added = faults.add({ verb: 'get', times: 2, action: { type: 'drop' } });
    expect(added).toEqual({ id: 'fault-1', verb: 'get', times: 2, action: { type: 'drop' } });
    expect(faults.match(GET_CM, noRandom)).toEqual({ type: 'drop' });
    expect(faults.list()).toEqual([{ id: 'fault-1', verb: 'get', times: 1, action: { type: 'drop' } }]);
    expect(faults.match(GET_CM, noRandom)).toEqual({ type: 'drop' });
    expect(faults.match(GET_CM, noRandom)).toBeUndefined();
    expect(faults.list()).toEqual([]);
  });

  it('applies the first matching rule, in the order added', () => {
    const faults = new FaultInjector();
    faults.add({ id: 'slow', verb: 'get', times: 1, action: { type: 'latency', ms: 200 } });
    faults.add({ id: 'down', action: { type: 'status', code: 503 } });
    expect(faults.match(GET_CM, noRandom)).toEqual({ type: 'latency', ms: 200 });
    expect(faults.match(GET_CM, noRandom)).toEqual({ type: 'status', code: 503 });
  });

  it.each([
    [0.49, true],
    [0.5, false],
  ])('with probability 0.5 and random() = %s, matches: %s', (roll, matches) => {
    const faults = new FaultInjector();
    faults.add({ probability: 0.5, times: 1, action: boom });
    expect(faults.match(GET_CM, () => roll)).toEqual(matches ? boom : undefined);
    // a roll that misses does not spend `times`
    expect(faults.list()).toHaveLength(matches ? 0 : 1);
  });

  it('never matches the sandbox admin API, so a catch-all rule can still be removed', () => {
    const faults = new FaultInjector();
    faults.add({ path: '/**', action: boom });
    expect(faults.match({ verb: 'delete', path: '/sandbox/v1/faults' }, noRandom)).toBeUndefined();
  });

  it('replaces a rule with the same id, removes and clears', () => {
    const faults = new FaultInjector();
    faults.add({ id: 'x', action: boom });
    faults.add({ id: 'x', action: { type: 'drop' } });
    faults.add({ action: { type: 'drop' } });
    expect(faults.list().map((r) => r.id)).toEqual(['x', 'fault-1']);
    expect(faults.match(GET_CM, noRandom)).toEqual({ type: 'drop' });
    expect(faults.remove('x')).toBe(true);
    expect(faults.remove('x')).toBe(false);
    faults.clear();
    expect(faults.list()).toEqual([]);
  });

  it('rejects an invalid rule with a 400', () => {
    const faults = new FaultInjector();
    expect(() => faults.add({ action: { type: 'status', code: 200 } })).toThrow(
      'invalid fault rules: rule.action.code: must be an integer from 400 to 599',
    );
  });
});

const status = (body: string) => JSON.parse(body) as Record<string, unknown>;

describe('faultResponse', () => {
  it('plays a plain throttle as APF does: text, newline, Retry-After', () => {
    expect(faultResponse({ type: 'throttle', retryAfterSeconds: 3, form: 'plain' })).toEqual({
      status: 429,
      headers: {
        'Content-Type': 'text/plain; charset=utf-8',
        'X-Content-Type-Options': 'nosniff',
        'Retry-After': '3',
      },
      body: 'Too many requests, please try again later.\n',
    });
  });

  it('plays a status throttle as NewTooManyRequests, with the header', () => {
    const r = faultResponse({ type: 'throttle', retryAfterSeconds: 2, form: 'status' });
    expect(r).toMatchObject({
      status: 429,
      headers: { 'Content-Type': 'application/json', 'Retry-After': '2' },
    });
    expect(typeof r === 'object' && 'body' in r ? r.body : '').toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","details":{"retryAfterSeconds":2},"code":429}',
    );
  });

  it.each<[number, string | undefined, string, string]>([
    [500, undefined, 'InternalError', 'Internal error occurred: injected fault'],
    [
      500,
      'etcdserver: leader changed',
      'InternalError',
      'Internal error occurred: etcdserver: leader changed',
    ],
    [503, undefined, 'ServiceUnavailable', 'the server is currently unable to handle the request'],
    [
      504,
      undefined,
      'Timeout',
      'Timeout: request did not complete within requested timeout - context deadline exceeded',
    ],
    [410, undefined, 'Expired', 'The resourceVersion for the provided watch is too old.'],
    [429, undefined, 'TooManyRequests', 'Too many requests, please try again later.'],
    [409, 'busy', 'Conflict', 'busy'],
    [502, undefined, 'InternalError', 'injected fault (HTTP 502)'],
  ])('status %i (message %s) -> reason %s, message %s', (code, message, reason, text) => {
    const action: FaultAction =
      message === undefined ? { type: 'status', code } : { type: 'status', code, message };
    const r = faultResponse(action);
    if (typeof r !== 'object' || !('body' in r)) throw new Error('expected a response');
    expect(r.status).toBe(code);
    expect(r.headers['Content-Type']).toBe('application/json');
    expect(status(r.body)).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason,
      message: text,
      code,
    });
  });

  it('names the object in 404 and 409 when the target is known', () => {
    const target = { group: 'apps', resource: 'deployments', name: 'web' };
    expect(statusErrorForCode(404, undefined, target).toStatus()).toMatchObject({
      message: 'deployments.apps "web" not found',
      details: { name: 'web', group: 'apps', kind: 'deployments' },
    });
    expect(statusErrorForCode(409, undefined, target).message).toBe(
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('asks the HTTP layer to delay or drop', () => {
    expect(faultResponse({ type: 'latency', ms: 150 })).toEqual({ delayMs: 150 });
    expect(faultResponse({ type: 'drop' })).toBe('drop');
  });
});

describe('parseFaultRules', () => {
  it.each([
    ['one rule', { verb: 'get', action: { type: 'drop' } }, 1],
    ['an array', [{ action: { type: 'drop' } }, { action: { type: 'latency', ms: 5 } }], 2],
    [
      'what GET returns',
      { rules: [{ id: 'a', times: 3, action: { type: 'status', code: 503, message: 'x' } }] },
      1,
    ],
  ])('accepts %s', (_name, input, count) => {
    expect(parseFaultRules(input)).toHaveLength(count);
  });

  it.each<[string, unknown, string]>([
    ['not an object', 'x', 'rule: must be an object'],
    ['no action', {}, 'rule.action: must be an object with type "status", "throttle", "latency" or "drop"'],
    ['unknown field', { verbs: ['get'], action: { type: 'drop' } }, 'rule.verbs: unknown field'],
    [
      'bad verb',
      { verb: 'GET', action: { type: 'drop' } },
      'rule.verb: unsupported value "GET": supported values: get, list, watch, create, update, patch, delete, deletecollection, *',
    ],
    [
      'relative path',
      { path: 'api/**', action: { type: 'drop' } },
      'rule.path: must be a glob starting with "/"',
    ],
    ['zero times', { times: 0, action: { type: 'drop' } }, 'rule.times: must be an integer >= 1'],
    [
      'probability',
      { probability: 1.5, action: { type: 'drop' } },
      'rule.probability: must be a number from 0 to 1',
    ],
    [
      'id',
      { id: 'a/b', action: { type: 'drop' } },
      'rule.id: must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit',
    ],
    [
      'code',
      { action: { type: 'status', code: 302 } },
      'rule.action.code: must be an integer from 400 to 599',
    ],
    [
      'throttle form',
      { action: { type: 'throttle', retryAfterSeconds: 1 } },
      'rule.action.form: must be "plain" (APF) or "status"',
    ],
    [
      'retry',
      { action: { type: 'throttle', retryAfterSeconds: 0, form: 'plain' } },
      'rule.action.retryAfterSeconds: must be an integer from 1 to 3600',
    ],
    [
      'latency field',
      { action: { type: 'latency', ms: 5, code: 1 } },
      'rule.action.code: unknown field for a latency action',
    ],
  ])('rejects %s', (_name, input, message) => {
    expect(() => parseFaultRules(input)).toThrow(`invalid fault rules: ${message}`);
  });

  it('reports every problem at once, each as a cause with its field', () => {
    let caught: unknown;
    try {
      parseFaultRules([{ action: { type: 'drop' } }, { verb: 'x', times: -1, action: { type: 'latency' } }]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StatusError);
    const err = caught as StatusError;
    expect(err.code).toBe(400);
    expect(err.reason).toBe('BadRequest');
    expect(err.details?.causes?.map((c) => c.field)).toEqual([
      'rules[1].action.ms',
      'rules[1].verb',
      'rules[1].times',
    ]);
  });
});

describe('compilePathGlob', () => {
  it.each([
    ['/apis/**', '/apis', true],
    ['/apis/**', '/apis/apps/v1', true],
    ['/api/v1/namespaces/?', '/api/v1/namespaces/a', true],
    ['/api/v1/namespaces/?', '/api/v1/namespaces/ab', false],
    ['/a.b', '/axb', false],
  ])('%s on %s: %s', (glob, path, expected) => {
    expect(compilePathGlob(glob).test(path)).toBe(expected);
  });
});

describe('RequestCounters', () => {
  it('counts by verb, group and resource, sorted, and resets', () => {
    const counters = new RequestCounters();
    counters.record('list', 'apps', 'deployments');
    counters.record('get', '', 'configmaps');
    counters.record('list', 'apps', 'deployments');
    counters.record('get', 'apps', 'deployments');
    expect(counters.snapshot()).toEqual([
      { verb: 'get', group: '', resource: 'configmaps', count: 1 },
      { verb: 'get', group: 'apps', resource: 'deployments', count: 1 },
      { verb: 'list', group: 'apps', resource: 'deployments', count: 2 },
    ]);
    counters.reset();
    expect(counters.snapshot()).toEqual([]);
  });

  it('hands out copies', () => {
    const counters = new RequestCounters();
    counters.record('get', '', 'pods');
    const [row] = counters.snapshot();
    if (row) row.count = 99;
    expect(counters.snapshot()[0]?.count).toBe(1);
  });
});
