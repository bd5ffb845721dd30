import { describe, expect, it } from 'vitest';
import { redactText, safeUrl } from '../../../src/status/redact.js';

describe('safeUrl', () => {
  it.each([
    ['https://git.example/org/repo.git', 'https://git.example/org/repo.git'],
    ['https://user:token@git.example/org/repo.git', 'https://git.example/org/repo.git'],
    ['https://x-access-token:ghp_abc@github.com/o/r', 'https://github.com/o/r'],
    ['https://only-user@git.example/r', 'https://git.example/r'],
    ['https://git.example/r?private_token=abc#frag', 'https://git.example/r'],
    ['http://127.0.0.1:8080/repo', 'http://127.0.0.1:8080/repo'],
    ['not a url user:pw@x?token=1', 'not a url user:pw@x'],
    ['', ''],
  ])('%s -> %s', (input, want) => {
    expect(safeUrl(input)).toBe(want);
  });
});

describe('redactText', () => {
  it.each([
    ['fetch https://bot:s3cret@git.example/r failed', 'fetch https://git.example/r failed'],
    ['two: http://a:b@h1/x and HTTPS://c@h2:443/y', 'two: http://h1/x and HTTPS://h2:443/y'],
    ['no url here, mail ops@example.com', 'no url here, mail ops@example.com'],
    ['path after host: https://h/p@q stays', 'path after host: https://h/p@q stays'],
    ['oci://user:pw@registry/x', 'oci://registry/x'],
  ])('%s', (input, want) => {
    expect(redactText(input)).toBe(want);
  });
});
