import { describe, expect, it } from 'vitest';
import { RevisionIndex } from '../../../src/core/revision-index.js';
import { ImageTagIndex } from '../../../src/reconcile/image-tags.js';

describe('RevisionIndex', () => {
  it('tells its listeners of the first value and of each new revision, not of a repeat', () => {
    const index = new RevisionIndex<{ revision: string; n: number }>((v) => v.revision);
    const heard: string[] = [];
    const stop = index.onNewRevision((key, v) => heard.push(`${key}@${v.revision}#${v.n}`));
    index.set('team-a', 'app', { revision: 'r1', n: 1 });
    index.set('team-a', 'app', { revision: 'r1', n: 2 });
    index.set('team-a', 'app', { revision: 'r2', n: 3 });
    index.set('team-b', 'app', { revision: 'r2', n: 4 });
    expect(heard).toEqual(['team-a/app@r1#1', 'team-a/app@r2#3', 'team-b/app@r2#4']);
    // The repeat is stored even though nobody is told.
    index.set('team-a', 'app', { revision: 'r2', n: 5 });
    expect(index.get('team-a', 'app')?.n).toBe(5);
    index.delete('team-a', 'app');
    expect(index.get('team-a', 'app')).toBeUndefined();
    // After a delete the next value is news again; after unsubscribing nothing is heard.
    index.set('team-a', 'app', { revision: 'r2', n: 6 });
    stop();
    index.set('team-a', 'app', { revision: 'r3', n: 7 });
    expect(heard.at(-1)).toBe('team-a/app@r2#6');
    expect(heard).toHaveLength(4);
  });

  it('wakes image policies when the same tags come under another image spelling', () => {
    const index = new ImageTagIndex();
    const heard: string[] = [];
    index.onNewRevision((key) => heard.push(key));
    const entry = {
      spec: 'nginx',
      image: {
        registry: 'registry-1.docker.io',
        repository: 'library/nginx',
        canonical: 'docker.io/library/nginx',
      },
      tags: ['1.27'],
      revision: 'sha256:a',
      scannedAt: 0,
      auth: undefined,
      insecure: false,
      timeoutMs: 1000,
    };
    index.set('team-a', 'web', entry);
    index.set('team-a', 'web', { ...entry, scannedAt: 1 });
    index.set('team-a', 'web', { ...entry, spec: 'docker.io/library/nginx' });
    expect(heard).toEqual(['team-a/web', 'team-a/web']);
  });
});
