import { describe, expect, it } from 'vitest';
import { nextLink } from '../../../src/sources/oci/link.js';

const page = 'https://r.example/v2/a/tags/list';

describe('nextLink', () => {
  it.each([
    ['</v2/a/tags/list?last=b&n=2>; rel="next"', 'https://r.example/v2/a/tags/list?last=b&n=2'],
    [
      '<https://other.example/v2/a/tags/list?last=b>; rel=next',
      'https://other.example/v2/a/tags/list?last=b',
    ],
    ['<?last=c>; rel="next"', 'https://r.example/v2/a/tags/list?last=c'],
    ['</p>; rel="prev", </n>; rel="next"', 'https://r.example/n'],
    ['</n>; title="x"; REL="Next"', 'https://r.example/n'],
    ['</n>; rel="next last"', 'https://r.example/n'],
    ['</p>; rel="prev"', undefined],
    ['', undefined],
    [null, undefined],
  ])('%j', (header, expected) => {
    expect(nextLink(header, page)).toBe(expected);
  });

  it('refuses a next link that is not a URL rather than truncate the list', () => {
    expect(() => nextLink('<http://[bad>; rel="next"', page)).toThrow(
      expect.objectContaining({ code: 'protocol' }),
    );
  });
});
