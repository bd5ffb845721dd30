/** Area 12: in-memory by default; with a state file the cluster survives a restart. */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxHandle } from '../../harness/sandbox.js';
import { startSandbox } from '../../harness/sandbox.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-state-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('state file', () => {
  it('restores objects, uids and resourceVersions after a restart', async () => {
    const stateFile = join(dir, 'state.json');
    let sb: SandboxHandle = await startSandbox({ stateFile });
    const created = (
      await sb.raw('POST', '/api/v1/namespaces/default/configmaps', {
        body: { metadata: { name: 'kept' }, data: { k: 'v' } },
      })
    ).json() as {
      metadata: { uid: string; resourceVersion: string };
    };
    await sb.stop();
    sb = await startSandbox({ stateFile });
    try {
      const got = (await sb.raw('GET', '/api/v1/namespaces/default/configmaps/kept')).json() as {
        metadata: { uid: string; resourceVersion: string };
        data: unknown;
      };
      expect(got.metadata.uid).toBe(created.metadata.uid);
      expect(got.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
      expect(got.data).toEqual({ k: 'v' });
      const next = (
        await sb.raw('POST', '/api/v1/namespaces/default/configmaps', {
          body: { metadata: { name: 'after' } },
        })
      ).json() as {
        metadata: { resourceVersion: string };
      };
      expect(Number(next.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    } finally {
      await sb.stop();
    }
  });

  it('starts empty without a state file', async () => {
    const sb = await startSandbox();
    try {
      expect((await sb.raw('GET', '/api/v1/namespaces/default/configmaps/kept')).status).toBe(404);
    } finally {
      await sb.stop();
    }
  });
});
