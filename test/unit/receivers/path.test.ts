import { describe, expect, it } from 'vitest';
import { WEBHOOK_PATH_PREFIX, webhookPath } from '../../../src/receivers/path.js';

describe('webhookPath', () => {
  it("derives Flux's path: /hook/ and the hex SHA-256 of token, name and namespace", () => {
    // sha256("s3cr3t" + "github-push" + "team-a"), computed outside Node.
    expect(webhookPath('s3cr3t', 'github-push', 'team-a')).toBe(
      '/hook/8914299204257925bf40ffd6c2d366c353155d9b4e466a7f53df02a35f3023d1',
    );
  });

  it.each([
    ['another token', ['t0ken', 'github-push', 'team-a']],
    ['another name', ['s3cr3t', 'gitlab-push', 'team-a']],
    ['another namespace', ['s3cr3t', 'github-push', 'team-b']],
  ] as const)('changes with %s', (_what, [token, name, namespace]) => {
    const other = webhookPath(token, name, namespace);
    expect(other).not.toBe(webhookPath('s3cr3t', 'github-push', 'team-a'));
    expect(other).toMatch(/^\/hook\/[0-9a-f]{64}$/);
  });

  it('never contains the token', () => {
    const path = webhookPath('visible-token-value', 'r', 'ns');
    expect(path.startsWith(WEBHOOK_PATH_PREFIX)).toBe(true);
    expect(path).not.toContain('visible-token-value');
  });
});
