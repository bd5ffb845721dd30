/**
 * The test registry with several accounts: the real docker-registry (htpasswd) and the harness's token service
 * (token) accept each account with its own password and no other password, and the token service's log names
 * the user who asked, never the password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciClient, OciError, type RegistryAuth } from '../../../src/sources/oci/index.js';
import {
  type RegistryAccount,
  type RegistryAuthMode,
  type RegistryHandle,
  startRegistry,
} from '../../harness/registry.js';

const REPOSITORY = 'accounts/app';

function listTags(reg: RegistryHandle, auth: RegistryAuth): Promise<string[]> {
  return new OciClient({ registry: reg.host, insecure: true, timeoutMs: 5_000, auth }).listTags(REPOSITORY);
}

async function rejection(p: Promise<unknown>): Promise<OciError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof OciError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe.each<RegistryAuthMode>(['htpasswd', 'token'])(
  'the test registry with two accounts, auth %s',
  (mode) => {
    let reg: RegistryHandle;

    beforeAll(async () => {
      reg = await startRegistry({ auth: mode, accounts: 2 });
      await reg.pushImage(REPOSITORY, '1.0.0');
    });
    afterAll(async () => {
      await reg?.stop();
    });

    it('keeps the first account as username and password, and the two differ', () => {
      const [first, second] = reg.accounts;
      expect(reg.accounts).toHaveLength(2);
      expect(first).toEqual({ username: reg.username, password: reg.password });
      expect(second?.username).not.toBe(first?.username);
      expect(second?.password).not.toBe(first?.password);
    });

    it("lets each account in with its own password and refuses it the other's", async () => {
      const [first, second] = reg.accounts as [RegistryAccount, RegistryAccount];
      const tokensBefore = reg.tokenRequests().length;
      expect(await listTags(reg, first)).toEqual(['1.0.0']);
      expect(await listTags(reg, second)).toEqual(['1.0.0']);
      const wrong = await rejection(listTags(reg, { username: second.username, password: first.password }));
      expect(wrong.code).toBe('unauthorized');
      expect(wrong.status).toBe(401);
      if (mode === 'htpasswd') {
        // Basic auth goes to the registry itself: one 401 for the wrong password, after the two 200s.
        const lists = reg
          .requests()
          .filter((r) => r.path.endsWith('/tags/list') && r.authorization === 'basic');
        expect(lists.map((r) => r.status)).toEqual([200, 200, 401]);
        expect(reg.tokenRequests()).toEqual([]);
        return;
      }
      // Each client asked the token service once, under its own name; the wrong password was refused there.
      const asked = reg.tokenRequests().slice(tokensBefore);
      expect(asked.map((t) => [t.username, t.authenticated, t.status])).toEqual([
        [first.username, true, 200],
        [second.username, true, 200],
        [second.username, false, 401],
      ]);
      const logged = JSON.stringify(reg.tokenRequests());
      expect(logged).not.toContain(first.password);
      expect(logged).not.toContain(second.password);
    });
  },
);

describe('the token service with two accounts', () => {
  let reg: RegistryHandle;

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token', accounts: 2 });
    await reg.pushImage(REPOSITORY, '1.0.0');
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('issues the second account a token in its name that the registry takes', async () => {
    const second = reg.accounts[1] as RegistryAccount;
    const url = new URL(`${reg.tokenUrl}/token`);
    url.searchParams.set('service', 'steward-test-registry');
    url.searchParams.set('scope', `repository:${REPOSITORY}:pull`);
    const basic = Buffer.from(`${second.username}:${second.password}`).toString('base64');
    const res = await fetch(url, { headers: { authorization: `Basic ${basic}` } });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    expect(claims.sub).toBe(second.username);
    const tags = await fetch(`${reg.url}/v2/${REPOSITORY}/tags/list`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(tags.status).toBe(200);
    expect(await tags.json()).toEqual({ name: REPOSITORY, tags: ['1.0.0'] });
  });

  it('records a token request without credentials under no username', async () => {
    const before = reg.tokenRequests().length;
    const res = await fetch(`${reg.tokenUrl}/token?service=steward-test-registry`);
    expect(res.status).toBe(401);
    expect(reg.tokenRequests().slice(before)).toEqual([
      expect.objectContaining({ username: undefined, authenticated: false, hadAuthorization: false }),
    ]);
  });
});

describe('the test registry with accounts given by name', () => {
  it('accepts exactly the given accounts', async () => {
    const accounts = [
      { username: 'alice', password: 'alice-secret' },
      { username: 'bob', password: 'bob-secret' },
    ];
    const reg = await startRegistry({ auth: 'htpasswd', accounts });
    try {
      await reg.pushImage(REPOSITORY, '1.0.0');
      expect(reg.accounts).toEqual(accounts);
      expect([reg.username, reg.password]).toEqual(['alice', 'alice-secret']);
      for (const a of accounts) expect(await listTags(reg, a)).toEqual(['1.0.0']);
      const stranger = await rejection(listTags(reg, { username: 'carol', password: 'alice-secret' }));
      expect(stranger.status).toBe(401);
    } finally {
      await reg.stop();
    }
  });

  it.each<[string, number | RegistryAccount[]]>([
    ['no accounts', 0],
    ['a fraction of an account', 1.5],
    ['an empty list', []],
    ['a username with a colon', [{ username: 'a:b', password: 'x' }]],
    ['an empty password', [{ username: 'a', password: '' }]],
    [
      'a username twice',
      [
        { username: 'a', password: 'x' },
        { username: 'a', password: 'y' },
      ],
    ],
  ])('refuses %s before starting anything', async (_what, accounts) => {
    await expect(startRegistry({ auth: 'htpasswd', accounts })).rejects.toThrow(/^startRegistry: /);
  });
});
