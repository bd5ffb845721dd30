/**
 * The pure parts of the image scanner: tag normalisation and revision, exclusion lists, and Go patterns as
 * JavaScript runs them. The scanner itself is tested against a real registry in test/integration/images.
 */
import { describe, expect, it } from 'vitest';
import { compileGoRegExp, GoRegExpError } from '../../../src/images/scan-regexp.js';
import { normalizeTags, tagsRevision } from '../../../src/images/scan-tags.js';
import { checkExclusionList, ExclusionListError, excludeTags } from '../../../src/images/scanner.js';

describe('normalizeTags', () => {
  it('de-duplicates and sorts byte-wise, whatever the order listed', () => {
    const listed = ['v10', 'v2', 'B', 'a', 'v1', '_x', 'v2', '1.0.0', '1.0.0-rc.1', 'a'];
    expect(normalizeTags(listed)).toEqual({
      tags: ['1.0.0', '1.0.0-rc.1', 'B', '_x', 'a', 'v1', 'v10', 'v2'],
      ignored: 0,
    });
    expect(normalizeTags([...listed].reverse()).tags).toEqual(normalizeTags(listed).tags);
  });

  it('leaves out names that are not valid tags', () => {
    const listed = [
      'ok',
      '',
      '.hidden',
      '-x',
      'a/b',
      'a:b',
      'ümlaut',
      'x'.repeat(129),
      'y'.repeat(128),
      'ok',
    ];
    expect(normalizeTags(listed)).toEqual({ tags: ['ok', 'y'.repeat(128)], ignored: 7 });
  });
});

describe('tagsRevision', () => {
  it('is a sha256 digest that changes exactly when the sorted list does', () => {
    const a = tagsRevision(normalizeTags(['v1', 'v2']).tags);
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(tagsRevision(normalizeTags(['v2', 'v1', 'v1']).tags)).toBe(a);
    expect(tagsRevision(['v1', 'v2', 'v3'])).not.toBe(a);
    expect(tagsRevision([])).not.toBe(tagsRevision(['']));
    // Tag boundaries count: one tag "a,b" is not the two tags "a" and "b".
    expect(tagsRevision(['ab'])).not.toBe(tagsRevision(['a', 'b']));
  });
});

describe('excludeTags', () => {
  const tags = ['1.0.0', '1.0.0.sig', 'sha256-abc.sig', 'sha256-abc.att', 'v2-rc1', 'latest', 'SIG'];

  it.each([
    [[], tags],
    [['^.*\\.sig$'], ['1.0.0', 'sha256-abc.att', 'v2-rc1', 'latest', 'SIG']],
    [
      ['^.*\\.sig$', '^sha256-'],
      ['1.0.0', 'v2-rc1', 'latest', 'SIG'],
    ],
    // Unanchored patterns match anywhere, as Go's MatchString does.
    [['rc'], ['1.0.0', '1.0.0.sig', 'sha256-abc.sig', 'sha256-abc.att', 'latest', 'SIG']],
    [['(?i)sig'], ['1.0.0', 'sha256-abc.att', 'v2-rc1', 'latest']],
    [['^latest\\z'], ['1.0.0', '1.0.0.sig', 'sha256-abc.sig', 'sha256-abc.att', 'v2-rc1', 'SIG']],
    [['.*'], []],
  ])('%j', (exclusionList, kept) => {
    expect(excludeTags(tags, exclusionList)).toEqual({ tags: kept, excluded: tags.length - kept.length });
  });

  it('keeps the order it is given and does not change its input', () => {
    const input = Object.freeze(['b.sig', 'c', 'a']);
    expect(excludeTags(input, ['\\.sig$']).tags).toEqual(['c', 'a']);
    expect(input).toEqual(['b.sig', 'c', 'a']);
  });

  it('refuses an invalid list with the messages checkExclusionList gives', () => {
    expect(() => excludeTags(['a'], ['ok', '(unclosed'])).toThrow(ExclusionListError);
    try {
      excludeTags(['a'], ['ok', '(unclosed']);
    } catch (err) {
      expect((err as ExclusionListError).problems).toEqual(checkExclusionList(['ok', '(unclosed']));
    }
  });
});

describe('checkExclusionList', () => {
  it('accepts the Flux default and common patterns', () => {
    expect(
      checkExclusionList(['^.*\\.sig$', '^sha256-[0-9a-f]{64}\\.(att|sbom)$', '(?i)-rc\\d*$', '(?P<v>\\d+)']),
    ).toEqual([]);
  });

  it('names each bad pattern by index with its reason, never quoting it', () => {
    const problems = checkExclusionList(['^ok$', '(a+)+$', '(unclosed', 'x(?=y)', '(a)\\1', '^sec\\eret']);
    expect(problems).toEqual([
      'exclusionList[1]: must not repeat without bound a group that itself repeats (such as (a+)+): it can take exponential time',
      expect.stringMatching(/^exclusionList\[2\]: must be a valid regular expression \(Go syntax\): .+/),
      'exclusionList[3]: must be a valid regular expression (Go syntax): lookahead and lookbehind are not supported (Go regexp has none)',
      'exclusionList[4]: must not use backreferences (Go regexp, which Flux uses, has none)',
      'exclusionList[5]: must be a valid regular expression (Go syntax): invalid escape \\e',
    ]);
    // Reasons name the index, never the pattern.
    expect(problems.join('\n')).not.toContain('unclosed');
  });
});

describe('compileGoRegExp', () => {
  it.each([
    // pattern, matches, does not match
    ['^.*\\.sig$', ['a.sig'], ['a.sigx', 'asig']],
    ['(?i)^RC', ['rc1', 'Rc2'], ['xrc']],
    ['(?is)^a.b$', ['A\nB'], ['a\n\nb']],
    ['^(?P<major>\\d+)\\.(?P<minor>\\d+)$', ['1.2'], ['1.2.3']],
    ['^v\\d+\\z', ['v1'], ['v1\n']],
    ['\\Aabc', ['abcd'], ['xabc']],
    ['^\\Q1.0+x\\E$', ['1.0+x'], ['1a0+x', '1.00x']],
    ['^[[:alpha:]]+[[:digit:]]$', ['abc1'], ['ab12', '1']],
    ['^[[:xdigit:][:punct:]]+$', ['ff-0.A'], ['g']],
    ['^[]a]+$', [']a]'], ['b']],
    ['^[^]a]$', ['b'], [']', 'a']],
    ['^a{2}$', ['aa'], ['a']],
    ['^a{,2}$', ['a{,2}'], ['aa']],
    ['^}$', ['}'], ['x']],
    ['^\\-\\#\\~\\"$', ['-#~"'], ['x']],
    ['^[a\\-z]$', ['-', 'a'], ['b']],
    ['^\\x{41}\\x42$', ['AB'], ['ab']],
    ['^\\pL\\p{Lu}\\PN$', ['aBc'], ['ab1', 'abc']],
    ['^\\p{Greek}+$', ['αβ'], ['ab']],
    ['^\\p{^Greek}$', ['a'], ['α']],
    ['^(?i:ab)c$', ['ABc'], ['ABC']],
    ['^\\a$', ['\u0007'], ['a']],
  ])('%s', (pattern, yes, no) => {
    const re = compileGoRegExp(pattern);
    for (const s of yes) expect(re.test(s), `${pattern} should match ${JSON.stringify(s)}`).toBe(true);
    for (const s of no) expect(re.test(s), `${pattern} should not match ${JSON.stringify(s)}`).toBe(false);
  });

  it.each([
    ['(?U)a+', 'the flag (?U) is not supported'],
    ['a(?i)b', 'inline flags are supported only at the start'],
    ['(?=a)', 'lookahead and lookbehind are not supported'],
    ['(?<!a)b', 'lookahead and lookbehind are not supported'],
    ['[[:^alpha:]]', 'the negated POSIX class'],
    ['[[:nope:]]', 'unknown POSIX class'],
    ['[abc', 'missing closing ]'],
    ['abc\\', 'trailing backslash'],
    ['\\C', 'invalid escape \\C'],
    ['\\e', 'invalid escape \\e'],
    ['(a)\\1', 'backreferences are not supported'],
    ['\\x{zz}', 'invalid \\x{...} escape'],
    ['\\p{Not-A-Class}', 'invalid Unicode class name'],
    ['(ab', 'Unterminated group'],
    ['a**', 'Nothing to repeat'],
  ])('refuses %s', (pattern, reason) => {
    expect(() => compileGoRegExp(pattern)).toThrow(GoRegExpError);
    expect(() => compileGoRegExp(pattern)).toThrow(reason);
  });
});
