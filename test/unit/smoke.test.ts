import { describe, expect, it } from 'vitest';

describe('toolchain', () => {
  it('runs on Node >= 22.19', () => {
    const [major, minor] = process.versions.node.split('.').map(Number);
    expect((major ?? 0) > 22 || (major === 22 && (minor ?? 0) >= 19)).toBe(true);
  });
});
