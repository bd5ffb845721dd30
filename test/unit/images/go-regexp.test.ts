/**
 * Go (RE2) patterns as JavaScript runs them: what Go accepts matches what Go would match, what Go refuses is
 * refused with Go's reason. The expectations follow Go's regexp/syntax parser; the ones marked "Go:" are where
 * JavaScript alone would read the pattern differently.
 */
import { describe, expect, it } from 'vitest';
import { compileGoRegexp, goRegexpProblem } from '../../../src/images/go-regexp.js';

function compiled(pattern: string): RegExp {
  const re = compileGoRegexp(pattern);
  if (!re.ok) throw new Error(re.message);
  return re.value.regexp;
}

describe('compileGoRegexp: Go RE2 syntax', () => {
  it.each([
    // groups and flags
    ['(?P<x>a)', 'a', true],
    ['(?<x>a)', 'a', true],
    ['^(?P<major>\\d+)\\.(?P<minor>\\d+)$', '1.2', true],
    ['^(?P<major>\\d+)\\.(?P<minor>\\d+)$', '1.2.3', false],
    ['(?i)^abc$', 'ABC', true],
    ['(?i)^RC', 'rc1', true],
    ['(?i)^RC', 'Rc2', true],
    ['(?i)^RC', 'xrc', false],
    ['(?is)^a.b$', 'A\nB', true],
    ['(?is)^a.b$', 'a\n\nb', false],
    ['(?i)(?s)^A.$', 'a\n', true], // a second flag group at the start keeps the first's flags
    ['^a(?i)b$', 'aB', true],
    ['^a(?i)b$', 'AB', false],
    ['a(?i)b', 'aB', true],
    ['^(?:a(?i)b|c)$', 'C', true],
    ['^(?i:a)b$', 'Ab', true],
    ['^(?i:a)b$', 'AB', false],
    ['^(?i:ab)c$', 'ABc', true],
    ['^(?i:ab)c$', 'ABC', false],
    ['(?i)^a(?-i)b$', 'Ab', true],
    ['(?i)^a(?-i)b$', 'AB', false],
    ['(?i-i)a', 'A', false], // Go: flags after the `-` win
    ['(?i)a(?i-i)b', 'Ab', true],
    ['(?i)a(?i-i)b', 'AB', false],
    // dot, anchors and lines
    ['^.*\\.sig$', 'a.sig', true],
    ['^.*\\.sig$', 'a.sigx', false],
    ['^.*\\.sig$', 'asig', false],
    ['^a.c$', 'a\nc', false],
    ['^a.c$', 'a\rc', true], // Go: `.` stops only at \n
    ['(?s)^a.c$', 'a\nc', true],
    ['(?m)^b$', 'a\nb', true],
    ['(?m)^b$', 'a\rb', false], // Go: lines end only at \n
    ['^b$', 'a\nb', false],
    ['^a\\z', 'a', true],
    ['^v\\d+\\z', 'v1', true],
    ['^v\\d+\\z', 'v1\n', false],
    ['\\Aa', 'ba', false],
    ['\\Aabc', 'abcd', true],
    ['\\Aabc', 'xabc', false],
    ['^*a', 'a', true], // Go: an assertion may repeat
    ['\\b+a', 'a', true],
    ['', 'anything', true],
    // literals and escapes
    ['^\\Qa.b\\E$', 'a.b', true],
    ['^\\Qa.b\\E$', 'axb', false],
    ['^\\Qab\\E+$', 'abbb', true],
    ['^\\Q1.0+x\\E$', '1.0+x', true],
    ['^\\Q1.0+x\\E$', '1a0+x', false],
    ['^\\Q1.0+x\\E$', '1.00x', false],
    ['^\\x41\\x{42}$', 'AB', true],
    ['^\\x{41}\\x42$', 'AB', true],
    ['^\\x{41}\\x42$', 'ab', false],
    ['^\\x{0000041}$', 'A', true], // Go: any number of hex digits
    ['^\\x{1F600}$', '\u{1F600}', true],
    ['^[\\x{1F600}-\\x{1F64F}]$', '\u{1F603}', true],
    ['^\\01$', '\u0001', true],
    ['^\\101$', 'A', true], // Go: octal, not a backreference
    ['^\\17$', '\u000f', true],
    ['^\\0$', '\u0000', true],
    ['^\\08$', '\u00008', true],
    ['^\\777$', '\u01ff', true],
    ['^[\\101]$', 'A', true],
    ['^\\a$', '\u0007', true],
    ['^\\a$', 'a', false],
    ['^a\\-b\\_c$', 'a-b_c', true],
    ['^\\-\\#\\~\\"$', '-#~"', true],
    ['^\\-\\#\\~\\"$', 'x', false],
    ['^a\\ b$', 'a b', true], // Go: any escaped ASCII punctuation or space is itself
    ['^a{,2}$', 'a{,2}', true],
    ['^a{,2}$', 'aa', false],
    ['^a{01}$', 'a{01}', true], // Go: a count with a leading zero is no repeat
    ['^a{2}$', 'aa', true],
    ['^a{2}$', 'a', false],
    ['^a}$', 'a}', true],
    ['^}$', '}', true],
    ['^}$', 'x', false],
    ['^a]$', 'a]', true],
    // classes
    ['^[[:digit:]]+$', '123', true],
    ['^[[:digit:]]+$', 'abc', false],
    ['^[[:^digit:]]+$', 'abc', true],
    ['^[[:^digit:]]+$', 'a1', false],
    ['[[:^alpha:]]', '1', true],
    ['[[:^alpha:]]', 'a', false],
    ['^[[:alpha:]_-]+$', 'a_b-C', true],
    ['^[[:alpha:]]+[[:digit:]]$', 'abc1', true],
    ['^[[:alpha:]]+[[:digit:]]$', 'ab12', false],
    ['^[[:alpha:]]+[[:digit:]]$', '1', false],
    ['^[[:xdigit:][:punct:]]+$', 'ff-0.A', true],
    ['^[[:xdigit:][:punct:]]+$', 'g', false],
    ['^[]a]+$', ']a]', true],
    ['^[]a]+$', 'b', false],
    ['^[^]a]+$', 'bc', true],
    ['^[^]a]$', 'b', true],
    ['^[^]a]$', ']', false],
    ['^[^]a]$', 'a', false],
    ['^[a\\-z]+$', '-', true],
    ['^[a\\-z]+$', 'b', false],
    ['^[a\\-z]$', 'a', true],
    ['^[a\\-z]$', '-', true],
    ['^[a\\-z]$', 'b', false],
    ['^[\\w-.]+$', 'a-b.c', true], // Go: a `-` after a class escape is a literal
    ['^[--/]$', '.', true],
    ['^[--/]$', '0', false],
    ['^\\pL+$', 'abc', true],
    ['^\\pL\\p{Lu}\\PN$', 'aBc', true],
    ['^\\pL\\p{Lu}\\PN$', 'ab1', false],
    ['^\\pL\\p{Lu}\\PN$', 'abc', false],
    ['^\\p{Greek}+$', 'αβ', true],
    ['^\\p{Greek}+$', 'ab', false],
    ['^\\P{Greek}+$', 'αβ', false],
    ['^\\p{^Greek}+$', 'ab', true],
    ['^\\p{^Greek}$', 'a', true],
    ['^\\p{^Greek}$', 'α', false],
    ['^\\p{Yi}$', '\ua000', true], // a script with a two-letter name
    ['^[\\p{Greek}\\d]+$', 'α1', true],
    ['^\\d\\s?\\w\\b', '1 a', true],
    ['^\\s$', '\u000b', false], // Go: \s is [\t\n\f\r ]
    ['^\\s$', '\u00a0', false],
    ['^[\\S]$', '\u000b', true],
    ['^[\\s]$', '\t', true],
    // what regexRisk reads in the translation, not in the Go text
    ['^\\Q(a+)+\\E$', '(a+)+', true],
    ['^(\\x{10})+$', '\u0010\u0010', true],
  ])('%j on %j matches: %s', (pattern, tag, want) => {
    expect(compiled(pattern).test(tag)).toBe(want);
  });

  it.each([
    ['(?U)a+', 'a'],
    ['(?U)a+?', 'aaa'],
    ['a(?U:a+)', 'aa'],
    ['(?U)(?-U:a+)', 'aaa'],
    ['a+', 'aaa'],
  ])('ungreedy flag: %j matches %j of aaa', (pattern, want) => {
    expect(compiled(pattern).exec('aaa')?.[0]).toBe(want);
  });

  it('numbers groups as Go does, named or not', () => {
    const re = compileGoRegexp('(a)(?:b)(?P<c>c)((?i)d)(?<e>e)');
    expect(re.ok && re.value.groups).toBe(4);
    expect(re.ok && [...re.value.names]).toEqual([
      ['c', 2],
      ['e', 4],
    ]);
    expect(re.ok && re.value.regexp.exec('abcDe')?.slice(1)).toEqual(['a', 'c', 'D', 'e']);
  });

  it.each([
    ['(?=a)', "lookaround '(?=' is not supported (Go regexp has none)"],
    ['a(?!b)', "lookaround '(?!' is not supported (Go regexp has none)"],
    ['(?<=a)b', "lookaround '(?<=' is not supported (Go regexp has none)"],
    ['(?<!a)b', "lookaround '(?<!' is not supported (Go regexp has none)"],
    ['(a)\\1', 'must not use backreferences (Go regexp, which Flux uses, has none)'],
    ['a\\8', 'must not use backreferences (Go regexp, which Flux uses, has none)'],
    ['(?<n>a)\\k<n>', 'must not use backreferences (Go regexp, which Flux uses, has none)'],
    [
      '(a+)+',
      'must not repeat without bound a group that itself repeats (such as (a+)+): it can take exponential time',
    ],
    ['(', "missing closing ): '('"],
    ['(ab', "missing closing ): '(ab'"],
    ['a)', "unexpected ): 'a)'"],
    ['[a', "missing closing ]: '[a'"],
    ['[abc', "missing closing ]: '[abc'"],
    ['a**', "invalid nested repetition operator: '**'"],
    ['a+?+', "invalid nested repetition operator: '+?+'"],
    ['a{2}{3}', "invalid nested repetition operator: '{2}{3}'"],
    ['*a', "missing argument to repetition operator: '*'"],
    ['{2}', "missing argument to repetition operator: '{2}'"],
    ['(|+)', "missing argument to repetition operator: '+'"],
    ['\\Q\\E*', "missing argument to repetition operator: '*'"],
    ['a{1001}', "invalid repeat count: '{1001}'"],
    ['a{3,2}', "invalid repeat count: '{3,2}'"],
    ['((a{40}){30})', "invalid repeat count: '{30}'"], // Go: nested counts multiply past 1000
    ['\\e', "invalid escape sequence: '\\e'"],
    ['[\\b]', "invalid escape sequence: '\\b'"],
    ['[\\1]', "invalid escape sequence: '\\1'"],
    ['\\C', "invalid escape sequence: '\\C'"],
    ['\\k', "invalid escape sequence: '\\k'"],
    ['\\é', "invalid escape sequence: '\\é'"],
    ['a\\', "trailing backslash at end of expression: 'a\\'"],
    ['abc\\', "trailing backslash at end of expression: 'abc\\'"],
    ['(?P<a-b>x)', "invalid named capture: '(?P<a-b>'"],
    ['(?P<>x)', "invalid named capture: '(?P<>'"],
    ['(?P<n>a)(?P<n>b)', "duplicate capture group name: 'n'"],
    ['(?#c)', "invalid or unsupported Perl syntax: '(?#'"],
    ['(?>a)', "invalid or unsupported Perl syntax: '(?>'"],
    ['(?P=n)', "invalid or unsupported Perl syntax: '(?P'"],
    ['(?i-)a', "invalid or unsupported Perl syntax: '(?i'"],
    ['(?)a', "invalid or unsupported Perl syntax: '(?)'"],
    ['[[:foo:]]', "invalid character class range: '[:foo:]'"],
    ['[[:nope:]]', "invalid character class range: '[:nope:]'"],
    ['[[:constructor:]]', "invalid character class range: '[:constructor:]'"],
    ['\\x{110000}', "invalid escape sequence: '\\x{110000}'"],
    ['\\x{zz}', "invalid escape sequence: '\\x{zz}'"],
    ['\\x4', "invalid escape sequence: '\\x4'"],
    ['[z-a]', "invalid character class range: 'z-a'"],
    ['[a-\\d]', "invalid escape sequence: '\\d'"],
    ['\\p{Nope}', "invalid character class range: '\\p{Nope}'"],
    ['\\p{Not-A-Class}', "invalid character class range: '\\p{Not-A-Class}'"],
    ['\\p{Greek', "invalid character class range: '\\p{Greek'"],
  ])('refuses %j', (pattern, reason) => {
    const re = compileGoRegexp(pattern);
    const risk = reason.startsWith('must not');
    expect(re.ok ? 'compiled' : re.message).toBe(
      risk ? reason : `must be a valid Go regular expression: ${reason}`,
    );
    expect(re.ok || re.kind).toBe(risk ? 'risk' : 'syntax');
  });

  it.each([
    ['(unclosed', 'missing closing )'],
    ['x)', 'unexpected )'],
    ['^[abc', 'missing closing ]'],
    ['ab\\', 'trailing backslash at end of expression'],
    ['^sec\\eret', "invalid escape sequence: '\\e'"],
    ['x(?=y)', "lookaround '(?=' is not supported (Go regexp has none)"],
    ['(a)\\1', 'must not use backreferences (Go regexp, which Flux uses, has none)'],
  ])('gives for %j a reason that quotes no more than a piece of it: %j', (pattern, reason) => {
    const re = compileGoRegexp(pattern);
    expect(re.ok || re.reason).toBe(reason);
  });

  it('goRegexpProblem says the same as compileGoRegexp, and nothing for a valid pattern', () => {
    expect(goRegexpProblem('^v(?P<v>[0-9.]+)$')).toBeUndefined();
    expect(goRegexpProblem('[a')).toBe("must be a valid Go regular expression: missing closing ]: '[a'");
  });
});
