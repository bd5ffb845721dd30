/**
 * The pure parts of the image scanner: tag normalisation and revision, and exclusion lists (their Go patterns are
 * go-regexp's, tested in go-regexp.test.ts). The scanner itself is tested against a real registry in
 * test/integration/images.
 */
import { describe, expect, it } from 'vitest';
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
      'exclusionList[2]: must be a valid regular expression (Go syntax): missing closing )',
      "exclusionList[3]: must be a valid regular expression (Go syntax): lookaround '(?=' is not supported (Go regexp has none)",
      'exclusionList[4]: must not use backreferences (Go regexp, which Flux uses, has none)',
      "exclusionList[5]: must be a valid regular expression (Go syntax): invalid escape sequence: '\\e'",
    ]);
    // Reasons name the index, never the pattern.
    expect(problems.join('\n')).not.toContain('unclosed');
  });

  it('accepts what Go accepts: mid-pattern and ungreedy flags, negated POSIX classes, octal escapes', () => {
    expect(checkExclusionList(['^a(?i)b', '(?U)^a+', '[[:^alpha:]]', '^\\101'])).toEqual([]);
    expect(excludeTags(['aB', 'Ab', 'A', 'x1'], ['^a(?i)b$', '^\\101$'])).toEqual({
      tags: ['Ab', 'x1'],
      excluded: 2,
    });
  });
});
