/** Path resolution refuses loops by name: Node's own ELOOP message holds the host path of the checkout. */
import { afterEach, describe, expect, it } from 'vitest';
import { Reasons, ReconcileError } from '../../../src/core/types.js';
import { resolveEntry, resolveSyncPath } from '../../../src/render/paths.js';
import { tree } from './fs-tree.js';

let cleanup: (() => Promise<void>) | undefined;

afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('resolveSyncPath and resolveEntry', () => {
  it('refuse a symlink loop as a terminal BuildFailed naming the path, not the host', async () => {
    const t = await tree({ 'apps/a': { link: 'b' }, 'apps/b': { link: 'a' } });
    cleanup = t.cleanup;
    const e = await resolveSyncPath(t.root, './apps/a').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ReconcileError);
    expect(e).toMatchObject({
      reason: Reasons.BuildFailed,
      retry: 'terminal',
      message: 'path "./apps/a" is a symlink loop (too many levels of symbolic links)',
      subject: './apps/a',
    });
    expect(await resolveEntry(t.root, `${t.root}/apps`, 'a/x.yaml')).toEqual({ ok: false, reason: 'loop' });
    expect(await resolveEntry(t.root, `${t.root}/apps`, 'missing.yaml')).toEqual({
      ok: false,
      reason: 'missing',
    });
  });
});
