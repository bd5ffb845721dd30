// Header parsing follows apiserver pkg/authentication/request/bearertoken/bearertoken.go; groups follow
// pkg/authentication/group/authenticated_group_adder.go and pkg/authentication/serviceaccount/util.go.
import { describe, expect, it } from 'vitest';
import type { UserEntry } from '../../../../src/sandbox/auth/users.js';
import {
  authenticate,
  parseUsers,
  serviceAccountToken,
  UsersFileError,
} from '../../../../src/sandbox/auth/users.js';
import type { UserInfo } from '../../../../src/sandbox/types.js';

const YAML = `
users:
  - name: alice
    token: alice-token
    groups: [dev]
  - name: root
    token: root-token
    groups: [system:masters]
    uid: "0"
  - name: carol
    token: carol-token
    groups: [system:authenticated, ops]
`;

describe('parseUsers', () => {
  it('reads YAML', () => {
    expect(parseUsers(YAML)).toEqual<UserEntry[]>([
      { name: 'alice', token: 'alice-token', groups: ['dev'] },
      { name: 'root', token: 'root-token', groups: ['system:masters'], uid: '0' },
      { name: 'carol', token: 'carol-token', groups: ['system:authenticated', 'ops'] },
    ]);
  });

  it('reads JSON, groups optional', () => {
    expect(parseUsers('{"users":[{"name":"bob","token":"t"}]}')).toEqual([
      { name: 'bob', token: 't', groups: [] },
    ]);
  });

  it.each<[string, string, string]>([
    ['invalid YAML', 'users: [', 'users file is not valid YAML or JSON'],
    ['empty file', '', 'users file: must be a mapping with a "users" list'],
    ['a list at the top', '- name: a', 'users file: must be a mapping with a "users" list'],
    [
      'an unknown top-level key',
      'users: []\nuser: []',
      'users file: unknown key "user" (only "users" is allowed)',
    ],
    ['users not a list', 'users: {}', 'users file: "users" must be a list'],
    ['an entry not a mapping', 'users: [alice]', 'users file: users[0] must be a mapping'],
    [
      'an unknown entry key',
      'users: [{name: a, token: t, group: [x]}]',
      'users file: users[0]: unknown key "group"',
    ],
    ['a missing name', 'users: [{token: t}]', 'users file: users[0].name must be a non-empty string'],
    [
      'a missing token',
      'users: [{name: a}]',
      'users file: users[0].token must be a non-empty string without whitespace',
    ],
    [
      'a token with a space',
      'users: [{name: a, token: "t t"}]',
      'users file: users[0].token must be a non-empty string without whitespace',
    ],
    [
      'a numeric token',
      'users: [{name: a, token: 12}]',
      'users file: users[0].token must be a non-empty string without whitespace',
    ],
    [
      'a repeated token',
      'users: [{name: a, token: t}, {name: b, token: u}, {name: c, token: t}]',
      'users file: users[2].token repeats the token of users[0]',
    ],
    [
      'groups not a list',
      'users: [{name: a, token: t, groups: dev}]',
      'users file: users[0].groups must be a list of non-empty strings',
    ],
    [
      'a non-string group',
      'users: [{name: a, token: t, groups: [1]}]',
      'users file: users[0].groups must be a list of non-empty strings',
    ],
    ['a numeric uid', 'users: [{name: a, token: t, uid: 7}]', 'users file: users[0].uid must be a string'],
  ])('rejects %s', (_name, text, message) => {
    expect(() => parseUsers(text)).toThrow(UsersFileError);
    expect(() => parseUsers(text)).toThrow(message);
  });
});

describe('authenticate with static tokens', () => {
  const users = parseUsers(YAML);
  const alice: UserInfo = { name: 'alice', groups: ['dev', 'system:authenticated'] };

  it.each<[string, string | undefined, UserInfo | undefined]>([
    ['no header', undefined, undefined],
    ['an empty header', '', undefined],
    ['another scheme', 'Basic YWxpY2U6cHc=', undefined],
    ['a scheme without a token', 'Bearer', undefined],
    ['a scheme and trailing spaces', 'Bearer   ', undefined],
    ['two spaces before the token', 'Bearer  alice-token', undefined],
    ['an unknown token', 'Bearer nope', undefined],
    ['a token prefix', 'Bearer alice', undefined],
    ['a valid token', 'Bearer alice-token', alice],
    ['a lower-case scheme', 'bearer alice-token', alice],
    ['surrounding whitespace', '  Bearer alice-token \t', alice],
    ['text after the token', 'Bearer alice-token extra', alice],
    [
      'a uid',
      'Bearer root-token',
      { name: 'root', uid: '0', groups: ['system:masters', 'system:authenticated'] },
    ],
    [
      'system:authenticated already listed',
      'Bearer carol-token',
      { name: 'carol', groups: ['system:authenticated', 'ops'] },
    ],
  ])('%s', (_name, header, expected) => {
    expect(authenticate(header, users)).toEqual(expected);
  });

  it('does not share group arrays with the users list', () => {
    const user = authenticate('Bearer alice-token', users);
    user?.groups.push('injected');
    expect(users[0]?.groups).toEqual(['dev']);
  });
});

describe('service account tokens', () => {
  const secret = 'sandbox-signing-secret';
  const token = serviceAccountToken('ci', 'builder', secret);

  it('has the documented shape', () => {
    expect(token).toMatch(/^sa\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).toBe('ci:builder');
  });

  it('authenticates as the service account', () => {
    expect(authenticate(`Bearer ${token}`, [], secret)).toEqual({
      name: 'system:serviceaccount:ci:builder',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
    });
  });

  const [, payload = '', sig = ''] = token.split('.');
  const forged = Buffer.from('kube-system:admin').toString('base64url');
  it.each<[string, string, string | undefined]>([
    ['another secret', token, 'other-secret'],
    ['no secret configured', token, undefined],
    ['a forged payload', `sa.${forged}.${sig}`, secret],
    ['a truncated signature', `sa.${payload}.${sig.slice(0, -2)}`, secret],
    ['a missing part', `sa.${payload}`, secret],
  ])('rejects %s', (_name, t, s) => {
    expect(authenticate(`Bearer ${t}`, [], s)).toBeUndefined();
  });

  it('prefers a static token of the same text', () => {
    const users: UserEntry[] = [{ name: 'static', token, groups: [] }];
    expect(authenticate(`Bearer ${token}`, users, secret)?.name).toBe('static');
  });

  it.each<[string, string, string, string]>([
    ['an empty secret', 'ci', 'builder', ''],
    ['an invalid namespace', 'CI', 'builder', 's'],
    ['a name with a colon', 'ci', 'a:b', 's'],
  ])('refuses to mint a token with %s', (_name, ns, name, s) => {
    expect(() => serviceAccountToken(ns, name, s)).toThrow();
  });
});
