// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${name}` here is Go's extract syntax under test, not a template.
import { describe, expect, it } from 'vitest';
import {
  checkPolicy,
  compareBytes,
  type PolicyRule,
  type PolicySelection,
  type SelectOptions,
  selectTag,
  type TagFilter,
} from '../../../src/images/policy.js';
import { compileTagFilter } from '../../../src/images/tag-filter.js';

const semver = (range: string): PolicyRule => ({ semver: { range } });
const alpha = (order?: 'asc' | 'desc'): PolicyRule => ({ alphabetical: order ? { order } : {} });
const num = (order?: 'asc' | 'desc'): PolicyRule => ({ numerical: order ? { order } : {} });

/** The pick must not depend on the order the registry lists tags in: try the list and its reverse. */
function pick(
  tags: string[],
  rule: PolicyRule,
  filter?: TagFilter,
  options?: SelectOptions,
): PolicySelection {
  const forward = selectTag(tags, rule, filter, options);
  expect(selectTag([...tags].reverse(), rule, filter, options)).toEqual(forward);
  return forward;
}

function picked(tags: string[], rule: PolicyRule, filter?: TagFilter, options?: SelectOptions): string {
  const r = pick(tags, rule, filter, options);
  if (!r.ok) throw new Error(`expected a pick, got ${r.reason}: ${r.message}`);
  return r.tag;
}

describe('selectTag: semver', () => {
  it.each([
    ['numeric, not text, order', ['1.0.0', '1.2.0', '2.0.0', '1.10.0'], '>=1.0.0 <2.0.0', '1.10.0'],
    ['v prefixes', ['v1.0.0', 'v1.1.0', 'v0.9.0'], '>=1.0.0', 'v1.1.0'],
    ['a range with a v', ['v1.0.0', 'v2.1.0'], '>=v2', 'v2.1.0'],
    ['comma means AND', ['1.0.5', '1.1.9', '1.2.0'], '>=1.0, <1.2', '1.1.9'],
    ['comma without space', ['1.0.5', '1.1.9', '1.2.0'], '>=1.0,<1.2', '1.1.9'],
    ['spaces after operators', ['1.0.5', '1.1.9', '1.2.0'], '>= 1.0 , < 1.2', '1.1.9'],
    ['|| means OR', ['0.9.0', '1.5.0', '2.0.0', '3.1.0'], '<1.0.0 || >=3.0.0', '3.1.0'],
    ['OR of wildcards', ['0.9.3', '2.4.1', '3.0.0'], '~0.9 || 2.x', '2.4.1'],
    ['caret major', ['1.1.9', '1.2.0', '1.9.9', '2.0.0'], '^1.2', '1.9.9'],
    ['caret 0.y', ['0.2.2', '0.2.9', '0.3.0'], '^0.2.3', '0.2.9'],
    ['caret 0.0.z', ['0.0.3', '0.0.4'], '^0.0.3', '0.0.3'],
    ['caret 0', ['0.9.9', '1.0.0'], '^0', '0.9.9'],
    ['caret 0.0', ['0.0.9', '0.1.0'], '^0.0', '0.0.9'],
    ['tilde patch', ['1.2.2', '1.2.9', '1.3.0'], '~1.2.3', '1.2.9'],
    ['tilde minor', ['1.2.0', '1.2.7', '1.3.0'], '~1.2', '1.2.7'],
    ['tilde major', ['1.0.0', '1.9.0', '2.0.0'], '~1', '1.9.0'],
    ['~> alias', ['1.2.2', '1.2.9', '1.3.0'], '~>1.2.3', '1.2.9'],
    ['x minor', ['1.9.0', '2.0.0'], '1.x', '1.9.0'],
    ['X patch', ['1.2.5', '1.3.0'], '1.2.X', '1.2.5'],
    ['bare 1.2 is 1.2.x', ['1.2.5', '1.3.0'], '1.2', '1.2.5'],
    ['star', ['0.1.0', '3.0.0', '3.0.1-rc.1'], '*', '3.0.0'],
    ['x alone', ['0.1.0', '3.0.0'], 'x', '3.0.0'],
    ['caret star', ['0.1.0', '3.0.0'], '^*', '3.0.0'],
    ['hyphen range takes the whole last minor', ['1.1.0', '1.4.7', '1.5.0'], '1.2 - 1.4', '1.4.7'],
    ['hyphen range with full versions', ['1.2.3', '2.3.4', '2.3.5'], '1.2.3 - 2.3.4', '2.3.4'],
    ['exact', ['1.0.0', '1.0.1'], '1.0.0', '1.0.0'],
    ['= exact', ['1.0.0', '1.0.1'], '=1.0.0', '1.0.0'],
    ['!= leaves one out', ['1.0.0', '1.1.0'], '>=1.0 !=1.1.0', '1.0.0'],
    ['!= wildcard', ['1.2.9', '1.3.1'], '>=1.0 !=1.3.x', '1.2.9'],
    ['>1 is 2.0.0 and up', ['1.9.0', '2.0.0'], '>1', '2.0.0'],
    ['>1.2 is 1.3.0 and up', ['1.2.9', '1.3.0'], '>1.2', '1.3.0'],
    ['>1.2.3 strictly', ['1.2.3', '1.2.4'], '>1.2.3', '1.2.4'],
    ['<=1.2 takes every 1.2.x', ['1.2.9', '1.3.0'], '<=1.2', '1.2.9'],
    ['=< alias', ['1.2.9', '1.3.0'], '=<1.2.9', '1.2.9'],
    ['=> alias', ['1.2.9', '1.3.0'], '=>1.3', '1.3.0'],
    ['<1.2 excludes 1.2.0', ['1.1.9', '1.2.0'], '<1.2', '1.1.9'],
    ['~0.0.0 is >=0.0.0', ['0.0.1', '4.0.0'], '~0.0.0', '4.0.0'],
    ['pre-releases skipped by a release range', ['1.0.0', '1.1.0-rc.1'], '>=1.0.0', '1.0.0'],
    ['pre-releases taken by a pre-release range', ['1.0.0', '1.1.0-rc.1'], '>=1.0.0-0', '1.1.0-rc.1'],
    ['every comparison must name a pre-release', ['1.0.0', '1.1.0-rc.1'], '>=1.0.0-0 <2.0.0', '1.0.0'],
    ['both comparisons name one', ['1.0.0', '1.1.0-rc.1'], '>=1.0.0-0 <2.0.0-0', '1.1.0-rc.1'],
    ['<2.0.0-0 keeps out 2.0 pre-releases', ['1.9.0', '2.0.0-rc.1'], '>=1.0.0-0 <2.0.0-0', '1.9.0'],
    ['caret with pre-release', ['1.2.3-beta.1', '1.5.0-rc.1', '2.0.0-rc.1'], '^1.2.3-0', '1.5.0-rc.1'],
    ['a release beats its pre-releases', ['2.0.0-rc.1', '2.0.0'], '>=2.0.0-0', '2.0.0'],
    [
      'pre-release precedence',
      ['2.0.0-alpha', '2.0.0-alpha.1', '2.0.0-beta', '2.0.0-beta.2', '2.0.0-beta.11', '2.0.0-rc.1'],
      '>=2.0.0-0',
      '2.0.0-rc.1',
    ],
    [
      'numeric pre-release identifiers compare as numbers',
      ['1.0.0-beta.2', '1.0.0-beta.11'],
      '>=1.0.0-0',
      '1.0.0-beta.11',
    ],
    ['numeric identifiers rank below alphanumeric', ['1.0.0-1', '1.0.0-alpha'], '>=1.0.0-0', '1.0.0-alpha'],
    ['more identifiers rank higher', ['1.0.0-alpha', '1.0.0-alpha.0'], '>=1.0.0-0', '1.0.0-alpha.0'],
    ['uppercase sorts before lowercase (ASCII)', ['1.0.0-Beta', '1.0.0-alpha'], '>=1.0.0-0', '1.0.0-alpha'],
    [
      'build metadata does not order: tie to the greatest tag',
      ['1.0.0+build.1', '1.0.0+build.2'],
      '>=1.0.0',
      '1.0.0+build.2',
    ],
    ['v and no v: tie to the greatest tag', ['1.0.0', 'v1.0.0'], '>=1.0.0', 'v1.0.0'],
    ['build metadata in a range is ignored', ['1.0.0+a', '1.0.1'], '=1.0.0+zzz', '1.0.0+a'],
    ['floating tags are not versions', ['1.2', '1', '1.1.0', 'latest'], '>=1.0.0', '1.1.0'],
    ['leading zeros are not versions', ['01.2.3', '1.2.0'], '>=1.0.0', '1.2.0'],
    ['one v only', ['vv2.0.0', 'V2.0.0', '1.0.0'], '*', '1.0.0'],
    ['other tags skipped', ['latest', 'main', 'sha-abc', '1.0.0'], '*', '1.0.0'],
    ['beyond float precision', ['9007199254740993.0.0', '9007199254740992.0.0'], '*', '9007199254740993.0.0'],
    [
      'beyond uint64 is no version',
      ['18446744073709551616.0.0', '18446744073709551615.0.0'],
      '*',
      '18446744073709551615.0.0',
    ],
  ])('%s: %j in %s picks %s', (_name, tags, range, want) => {
    expect(picked(tags, semver(range))).toBe(want);
  });

  it.each([
    ['1.2 is 1.2.0', ['1.2', '1.1.0'], '>=1.0.0', '1.2'],
    ['1 is 1.0.0', ['1', '0.9.0'], '>=1.0.0', '1'],
    ['leading zeros parse', ['01.2.3', '1.2.0'], '>=1.0.0', '01.2.3'],
    ['a floating tag ties with its full version', ['1.2', '1.2.0'], '>=1.0.0', '1.2.0'],
    ['v1.2 with pre-release', ['v1.2-rc.1', '1.1.0'], '>=1.0.0-0', 'v1.2-rc.1'],
  ])('lenient versions: %s', (_name, tags, range, want) => {
    expect(picked(tags, semver(range), undefined, { versions: 'lenient' })).toBe(want);
  });

  it('counts the tags that pass the filter and parse as versions', () => {
    expect(pick(['latest', '1.0.0', '2.0.0', 'v3.0.0-rc.1', 'main'], semver('<2.0.0'))).toEqual({
      ok: true,
      tag: '1.0.0',
      candidates: 3,
    });
  });

  it('compares the extract but returns the original tag', () => {
    const filter = { pattern: '^v(?P<v>.*)-alpine$', extract: '$v' };
    const tags = ['v1.0.0-alpine', 'v1.2.0-alpine', 'v1.3.0', 'v1.1.0-debian', 'v9-alpine'];
    expect(pick(tags, semver('>=1.0.0'), filter)).toEqual({ ok: true, tag: 'v1.2.0-alpine', candidates: 2 });
  });

  it('compares the whole tag when the filter has no extract', () => {
    expect(picked(['1.0.0', '1.5.0', '2.0.0', 'x1.9.0'], semver('*'), { pattern: '1\\.' })).toBe('1.5.0');
  });

  it.each([
    [[], '*', undefined, 'there are no tags to choose from'],
    [
      ['latest', 'main'],
      '*',
      undefined,
      'none of the 2 tags is a semantic version (such as 1.2.3 or v1.2.3)',
    ],
    [['latest'], '*', undefined, 'the only tag is not a semantic version (such as 1.2.3 or v1.2.3)'],
    [
      ['main-1', 'main-2', 'dev-1.0.0'],
      '*',
      { pattern: '^main-', extract: '' },
      "none of the 2 tags of 3 that match filterTags.pattern '^main-' is a semantic version (such as 1.2.3 or v1.2.3)",
    ],
    [
      ['app-x', 'app-1.0'],
      '*',
      { pattern: '^app-(.*)', extract: '$1' },
      "none of the 2 tags of 2 that match filterTags.pattern '^app-(.*)' is a semantic version after extract '$1' (such as 1.2.3 or v1.2.3)",
    ],
    [
      ['1.0.0', 'v1.9.3', 'latest'],
      '>=2.0.0',
      undefined,
      "no tag of 3 is in semver range '>=2.0.0' (2 are versions, the highest v1.9.3)",
    ],
    [
      ['v1.0.0', 'v1.9.3', 'latest', 'x1.0'],
      '>=2.0.0',
      { pattern: '^v' },
      "no tag of 4 is in semver range '>=2.0.0' (2 match filterTags.pattern '^v', 2 of them are versions, the highest v1.9.3)",
    ],
    [
      ['1.0.0', '2.0.0-rc.1'],
      '>=2.0.0',
      undefined,
      "no tag of 2 is in semver range '>=2.0.0' (2 are versions, the highest 2.0.0-rc.1); a pre-release is only taken by a range whose comparisons name pre-releases, such as '>=1.0.0-0 <2.0.0-0'",
    ],
  ])('no match: %j in %s', (tags, range, filter, message) => {
    expect(pick(tags, semver(range), filter)).toEqual({ ok: false, reason: 'NoMatchingTag', message });
  });

  it('says how many tags the semver range saw, out of 40', () => {
    const tags = [
      ...Array.from({ length: 31 }, (_, i) => `1.${i % 10}.${i}`),
      ...Array.from({ length: 9 }, (_, i) => `build-${i}`),
    ];
    expect(pick(tags, semver('>=2.0.0'))).toEqual({
      ok: false,
      reason: 'NoMatchingTag',
      message: "no tag of 40 is in semver range '>=2.0.0' (31 are versions, the highest 1.9.29)",
    });
  });
});

describe('selectTag: alphabetical', () => {
  const stamps = ['20240101T120000', '20240315T093000', '20231231T235959', '20240315T092959'];
  it.each([
    ['timestamps, asc picks the newest', stamps, alpha(), undefined, '20240315T093000'],
    ['timestamps, desc picks the oldest', stamps, alpha('desc'), undefined, '20231231T235959'],
    ['explicit asc', stamps, alpha('asc'), undefined, '20240315T093000'],
    [
      'timestamp filter drops other tags',
      [...stamps, 'latest', 'v9.9.9', 'zzz'],
      alpha(),
      { pattern: '^[0-9]{8}T[0-9]{6}' },
      '20240315T093000',
    ],
    [
      'the whole tag is compared, not only the match',
      ['20240101T120000-b', '20240101T120000-a'],
      alpha(),
      { pattern: '^[0-9]{8}T[0-9]{6}' },
      '20240101T120000-b',
    ],
    [
      'RFC 3339 style with extract',
      ['main-2024-01-02T15-04-05Z', 'main-2024-01-10T00-00-00Z', 'feat-2025-01-01T00-00-00Z'],
      alpha(),
      { pattern: '^main-(?P<ts>.+)$', extract: '$ts' },
      'main-2024-01-10T00-00-00Z',
    ],
    ['bytes, not locale: asc', ['a', 'B', 'b', 'Z'], alpha(), undefined, 'b'],
    ['bytes, not locale: desc', ['a', 'B', 'b', 'Z'], alpha('desc'), undefined, 'B'],
    ['digits before letters', ['9', 'a', '10'], alpha(), undefined, 'a'],
    ['text order, not numbers', ['9', '10', '100'], alpha(), undefined, '9'],
    ['a prefix sorts first', ['abc', 'ab'], alpha(), undefined, 'abc'],
    [
      'equal extracts tie to the greatest tag (asc)',
      ['100-aaa', '100-ccc', '100-bbb', '099-zzz'],
      alpha(),
      { pattern: '^(?P<n>[0-9]+)-', extract: '$n' },
      '100-ccc',
    ],
    [
      'equal extracts tie to the greatest tag (desc)',
      ['100-aaa', '099-ccc', '099-bbb'],
      alpha('desc'),
      { pattern: '^(?P<n>[0-9]+)-', extract: '$n' },
      '099-ccc',
    ],
    ['one tag', ['only'], alpha('desc'), undefined, 'only'],
  ])('%s', (_name, tags, rule, filter, want) => {
    expect(picked(tags, rule, filter)).toBe(want);
  });

  it('counts the tags that pass the filter', () => {
    expect(pick(['a1', 'a2', 'b3'], alpha(), { pattern: '^a' })).toEqual({
      ok: true,
      tag: 'a2',
      candidates: 2,
    });
  });

  it('compares UTF-8 bytes as Go does, not UTF-16 units', () => {
    expect(compareBytes('\uffff', '\u{10000}')).toBeLessThan(0); // JavaScript's < says the opposite
    expect('\uffff' < '\u{10000}').toBe(false);
    expect(compareBytes('a', 'b')).toBeLessThan(0);
    expect(compareBytes('b', 'a')).toBeGreaterThan(0);
    expect(compareBytes('ab', 'a')).toBeGreaterThan(0);
    expect(compareBytes('x\u{10001}', 'x\u{10000}')).toBeGreaterThan(0);
    expect(compareBytes('same', 'same')).toBe(0);
  });
});

describe('selectTag: numerical', () => {
  const flux = [
    'main-abc1234-1700000000',
    'main-def5678-1700000100',
    'main-0a1b2c3-1699999999',
    'feature-x-abc-1800000000',
    'latest',
  ];
  const fluxFilter = { pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)', extract: '$ts' };

  it('Flux docs example: main-<sha>-<ts>, extract $ts, asc picks the newest', () => {
    expect(pick(flux, num('asc'), fluxFilter)).toEqual({
      ok: true,
      tag: 'main-def5678-1700000100',
      candidates: 3,
    });
  });

  it.each([
    ['Flux docs example, desc', flux, num('desc'), fluxFilter, 'main-0a1b2c3-1699999999'],
    ['default order is asc', flux, num(), fluxFilter, 'main-def5678-1700000100'],
    ['numbers, not text', ['9', '10', '100'], num(), undefined, '100'],
    ['decimals, exponents, signs: asc', ['1.5', '-2', '1e3', '+7', '.5', '5.'], num(), undefined, '1e3'],
    [
      'decimals, exponents, signs: desc',
      ['1.5', '-2', '1e3', '+7', '.5', '5.'],
      num('desc'),
      undefined,
      '-2',
    ],
    ['negative exponent', ['1E-3', '0.0005'], num(), undefined, '1E-3'],
    ['equal numbers tie to the greatest tag', ['1', '1.0', '01'], num(), undefined, '1.0'],
    ['equal numbers tie to the greatest tag (desc)', ['1', '1.0', '01', '7'], num('desc'), undefined, '1.0'],
    [
      'float64 precision: these two are equal',
      ['9007199254740993', '9007199254740992'],
      num(),
      undefined,
      '9007199254740993',
    ],
    [
      'build numbers from an extract',
      ['build-7-x', 'build-12-x', 'build-10-x'],
      num(),
      { pattern: '^build-([0-9]+)-', extract: '$1' },
      'build-12-x',
    ],
  ])('%s', (_name, tags, rule, filter, want) => {
    expect(picked(tags, rule, filter)).toBe(want);
  });

  it.each([
    'latest',
    'inf',
    '+Inf',
    'NaN',
    '0x10',
    '0x1p-2',
    '1_000',
    '1e400',
    '1.2.3',
    '1e',
    'e5',
    '-',
    ' 1',
  ])('a candidate %j is not a number, and fails the policy', (bad) => {
    expect(pick(['1', '2', bad], num())).toEqual({
      ok: false,
      reason: 'InvalidPolicy',
      message: `tag '${bad}' is not a number: the numerical policy compares every tag as a number (1 of 3 are not; filterTags.pattern can keep only the numeric ones)`,
    });
  });

  it('names the smallest offending tag, whatever the order, and says what the extract gave', () => {
    const filter = { pattern: '^v(?P<n>[0-9]*)', extract: '$n' };
    expect(pick(['v12', 'vx', 'v', 'v7'], num(), filter)).toEqual({
      ok: false,
      reason: 'InvalidPolicy',
      message:
        "tag 'v' gives '' after extract '$n', which is not a number: the numerical policy compares every tag that matches filterTags.pattern as a number (2 of 4 are not)",
    });
  });
});

describe('selectTag: filterTags', () => {
  it.each([
    [
      Array.from({ length: 12 }, (_, i) => `v1.${i}.0`),
      { pattern: '^main-' },
      "none of the 12 tags matches filterTags.pattern '^main-'",
    ],
    [['v1.0.0'], { pattern: '^main-' }, "the only tag does not match filterTags.pattern '^main-'"],
  ])('nothing left after filtering: %j', (tags, filter, message) => {
    for (const rule of [semver('*'), alpha(), num()])
      expect(pick(tags, rule, filter)).toEqual({ ok: false, reason: 'NoMatchingTag', message });
  });

  it('an empty list is no match, whatever the rule', () => {
    for (const rule of [semver('*'), alpha(), num()])
      expect(selectTag([], rule, { pattern: 'x' })).toEqual({
        ok: false,
        reason: 'NoMatchingTag',
        message: 'there are no tags to choose from',
      });
  });

  it.each([
    [
      semver('>=1 <'),
      undefined,
      "spec.policy.semver.range: must be a semver range such as '>=1.0.0 <2.0.0', '^1.2', '~1.2.3' or '1.x': cannot read '<'",
    ],
    [
      alpha(),
      { pattern: '(?=x)' },
      "spec.filterTags.pattern: must be a valid Go regular expression: lookaround '(?=' is not supported (Go regexp has none)",
    ],
    [
      num(),
      { pattern: '(a+)+' },
      'spec.filterTags.pattern: must not repeat without bound a group that itself repeats (such as (a+)+): it can take exponential time',
    ],
    [
      semver('nope'),
      { pattern: '(x', extract: '$1' },
      "spec.filterTags.pattern: must be a valid Go regular expression: missing closing ): '(x'; spec.policy.semver.range: must be a semver range such as '>=1.0.0 <2.0.0', '^1.2', '~1.2.3' or '1.x': cannot read 'nope'",
    ],
  ])('an invalid policy is InvalidPolicy, before any tag is read: %j %j', (rule, filter, message) => {
    expect(selectTag(['1.0.0'], rule, filter)).toEqual({ ok: false, reason: 'InvalidPolicy', message });
  });
});

describe('checkPolicy', () => {
  it.each([
    '>=1.0.0 <2.0.0',
    '^1.2',
    '~1.2.3',
    '1.x',
    '*',
    '>=1.0, <2.0',
    '>= 1.0',
    ' >=1.0 , <2.0 ',
    '1.2 - 1.4.5',
    '~>1.2',
    'v1.x',
    '!=1.2.3',
    '=<1.0',
    '=>1.0',
    '>=1.0.0-0',
    '>=1.0.0-rc.1+build.5',
    '1.0 2.0',
    '<1 || >2 || 3.x',
  ])('accepts the range %j', (range) => {
    expect(checkPolicy(semver(range))).toEqual([]);
  });

  it.each([
    ['foo', "cannot read 'foo'"],
    ['>=1.0.0 <', "cannot read '<'"],
    ['>==1.0', "cannot read '>==1.0'"],
    ['1.0.0abc', "expected a space or a comma before 'abc'"],
    ['>=1.0<2.0', "expected a space or a comma before '<2.0'"],
    ['1.2.3.4', "expected a space or a comma before '.4'"],
    ['>=1.0,', 'nothing follows the last comma'],
    ['>=1.0,,<2', "cannot read ',<2'"],
    ['>=1.0 ||', "an alternative around '||' is empty"],
    ['|| 1.0', "an alternative around '||' is empty"],
    ['>=1.0.0-01', "cannot read '>=1.0.0-01'"],
    ['1xx', "expected a space or a comma before 'xx'"],
    ['99999999999999999999.0.0', "cannot read '99999999999999999999.0.0'"],
    [' ', "an alternative around '||' is empty"],
  ])('refuses the range %j', (range, detail) => {
    expect(checkPolicy(semver(range))).toEqual([
      {
        path: 'policy.semver.range',
        message: `must be a semver range such as '>=1.0.0 <2.0.0', '^1.2', '~1.2.3' or '1.x': ${detail}`,
      },
    ]);
  });

  it('accepts alphabetical and numerical with and without an order, and a sound filter', () => {
    for (const rule of [alpha(), alpha('asc'), alpha('desc'), num(), num('desc')])
      expect(checkPolicy(rule, { pattern: '^main-(?P<ts>[0-9]+)$', extract: '$ts' })).toEqual([]);
  });

  it.each([
    [{}, 'policy', 'must set exactly one of semver, alphabetical, numerical'],
    [
      { semver: { range: '*' }, numerical: {} },
      'policy',
      'must set exactly one of semver, alphabetical, numerical',
    ],
    [{ alphabetical: { order: 'up' } }, 'policy.alphabetical.order', "must be asc or desc (got 'up')"],
    [{ numerical: { order: 'ASC' } }, 'policy.numerical.order', "must be asc or desc (got 'ASC')"],
    [{ semver: { range: 7 } }, 'policy.semver.range', 'must be a string'],
    [{ semver: {} }, 'policy.semver.range', 'must be a string'],
  ])('refuses the rule %j (input that skipped schema validation)', (rule, path, message) => {
    expect(checkPolicy(rule as unknown as PolicyRule)).toEqual([{ path, message }]);
  });

  it('reports the rule and the filter together, and skips the extract of a broken pattern', () => {
    expect(checkPolicy(semver('bad'), { pattern: '[a', extract: '$nope' })).toEqual([
      {
        path: 'filterTags.pattern',
        message: "must be a valid Go regular expression: missing closing ]: '[a'",
      },
      {
        path: 'policy.semver.range',
        message:
          "must be a semver range such as '>=1.0.0 <2.0.0', '^1.2', '~1.2.3' or '1.x': cannot read 'bad'",
      },
    ]);
  });

  it.each([
    [
      '$tsx',
      'refers to $tsx, which is no group of filterTags.pattern: the pattern has 2 groups (named ts); write ${ts}x to follow $ts with text',
    ],
    [
      '$1x',
      'refers to $1x, which is no group of filterTags.pattern: the pattern has 2 groups (named ts); write ${1}x to follow $1 with text',
    ],
    ['$3', 'refers to $3, which is no group of filterTags.pattern: the pattern has 2 groups (named ts)'],
    [
      '${nope}',
      'refers to ${nope}, which is no group of filterTags.pattern: the pattern has 2 groups (named ts)',
    ],
    [
      '$01',
      'refers to $01, which is no group of filterTags.pattern: the pattern has 2 groups (named ts); write ${0}1 to follow $0 with text',
    ],
    ['${ts', "has a malformed reference at '${ts': use $name, ${name}, $1 or ${1}, and $$ for a literal $"],
    ['v$', "has a malformed reference at '$': use $name, ${name}, $1 or ${1}, and $$ for a literal $"],
    ['$-x', "has a malformed reference at '$-x': use $name, ${name}, $1 or ${1}, and $$ for a literal $"],
    ['${}', "has a malformed reference at '${}': use $name, ${name}, $1 or ${1}, and $$ for a literal $"],
  ])('refuses the extract %j', (extract, message) => {
    expect(checkPolicy(num(), { pattern: '^(?P<ts>[0-9]+)-([a-f0-9]+)$', extract })).toEqual([
      { path: 'filterTags.extract', message },
    ]);
  });
});

describe('compileTagFilter: extract as Go Regexp.Expand', () => {
  const pattern = '^(?P<branch>[a-z]+)-(?P<sha>[a-f0-9]+)-(?P<ts>[0-9]+)$';
  it.each([
    ['$ts', '42'],
    ['${ts}', '42'],
    ['$3', '42'],
    ['${3}', '42'],
    ['${1}x', 'mainx'],
    ['$0', 'main-abc123-42'],
    ['$ts-$sha', '42-abc123'],
    ['$branch.$ts', 'main.42'],
    ['$$ts', '$ts'],
    ['a$$$ts', 'a$42'],
    ['v1.0.$ts', 'v1.0.42'],
    ['', 'main-abc123-42'],
  ])('%j gives %j', (extract, want) => {
    const f = compileTagFilter({ pattern, extract });
    expect(f.ok && f.extract('main-abc123-42')).toBe(want);
    expect(f.ok && f.extract('nope')).toBeUndefined();
  });

  it('without extract gives the whole tag, with $0 only the match', () => {
    const whole = compileTagFilter({ pattern: '[0-9]+' });
    const match = compileTagFilter({ pattern: '[0-9]+', extract: '$0' });
    expect(whole.ok && whole.extract('v12-x')).toBe('v12-x');
    expect(match.ok && match.extract('v12-x')).toBe('12');
  });

  it('a group that took no part gives an empty value', () => {
    const f = compileTagFilter({ pattern: '^(a)?b(?P<c>c)?', extract: '[$1|$c]' });
    expect(f.ok && f.extract('b')).toBe('[|]');
    expect(f.ok && f.extract('abc')).toBe('[a|c]');
  });

  it('a group named with digits first, as Go allows', () => {
    const f = compileTagFilter({ pattern: '^(?P<01>[0-9]+)$', extract: 'n$01' });
    expect(f.ok && f.extract('77')).toBe('n77');
  });
});

describe('selectTag on 100,000 tags', () => {
  // A fixed permutation, so the newest tag sits in the middle of the list rather than at an end.
  const n = 100_000;
  const order = (i: number) => (i * 7919) % n;

  it('semver: the highest version in range among 100,000', () => {
    const tags = Array.from({ length: n }, (_, i) => {
      const k = order(i);
      return k % 10 === 0
        ? `v${Math.floor(k / 1000)}.${k % 1000}.0-rc.1`
        : `v${Math.floor(k / 1000)}.${k % 1000}.0`;
    });
    expect(selectTag(tags, semver('>=10.0.0 <50.0.0'))).toEqual({
      ok: true,
      tag: 'v49.999.0',
      candidates: n,
    });
  });

  it('numerical with an extract: the newest build among 100,000', () => {
    const tags = Array.from(
      { length: n },
      (_, i) => `main-${order(i).toString(16).padStart(7, '0')}-${1_700_000_000 + order(i)}`,
    );
    expect(selectTag(tags, num(), { pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)', extract: '$ts' })).toEqual({
      ok: true,
      tag: `main-${(n - 1).toString(16).padStart(7, '0')}-${1_700_000_000 + n - 1}`,
      candidates: n,
    });
  });

  it('alphabetical: the newest timestamp among 100,000', () => {
    const stamp = (k: number) =>
      new Date(Date.UTC(2020, 0, 1) + k * 60_000).toISOString().replace(/[-:]|\.\d+Z$/g, '');
    const tags = Array.from({ length: n }, (_, i) => stamp(order(i)));
    expect(selectTag(tags, alpha(), { pattern: '^[0-9]{8}T[0-9]{6}$' })).toEqual({
      ok: true,
      tag: stamp(n - 1),
      candidates: n,
    });
  });
});
