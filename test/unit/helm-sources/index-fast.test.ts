import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fastItem } from '../../../src/sources/helm/index-fast.js';

describe('fastItem', () => {
  it.each([
    '  - apiVersion: v2\n    name: podinfo\n    urls:\n    - a.tgz\n    - https://h/b.tgz#frag\n    version: 6.5.0',
    '- name: a\n  version: 1.10\n  digest: "abc"\n  created: 2023-01-01T00:00:00Z',
    "-   name: 'it''s'\n    version: '1.0.0'\n    urls:\n      - x.tgz",
    '- name: a\n  digest:\n  version: 1.0.0',
    '- name: a#b\n  version: v1.0.0-rc.1+build.5',
  ])('reads %j exactly as yaml does', (text) => {
    const fast = fastItem(text);
    expect(fast).toBeDefined();
    expect({ ...fast }).toEqual((parse(text, { schema: 'failsafe' }) as unknown[])[0]);
  });

  it.each([
    ['an escape', '- name: "a\\u0062"\n  version: 1.0.0'],
    ['a comment', '- name: a # the chart\n  version: 1.0.0'],
    ['a flow list', '- urls: [a.tgz]\n  version: 1.0.0'],
    ['a block scalar', '- name: |\n    a\n  version: 1.0.0'],
    ['a nested mapping', '- name:\n    first: a\n  version: 1.0.0'],
    ['a duplicate key', '- name: a\n  name: b'],
    ['an anchor', '- name: &n a\n  version: 1.0.0'],
    ['an alias', '- name: *n\n  version: 1.0.0'],
    ['a multi-line scalar', '- name: a\n    b\n  version: 1.0.0'],
    ['a blank line', '- name: a\n\n  version: 1.0.0'],
    ['a value with ": "', '- name: a: b\n  version: 1.0.0'],
    ['a quoted key', '- "name": a'],
    ['a tab', '- name:\ta'],
    ['a list at two columns', '- urls:\n  - a\n    - b'],
  ])('leaves %s to yaml', (_, text) => {
    expect(fastItem(text)).toBeUndefined();
  });
});
