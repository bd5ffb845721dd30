// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${var}` here is substitution syntax under test, not a template.
import { describe, expect, it } from 'vitest';
import { Reasons, ReconcileError } from '../../../src/core/types.js';
import { MAX_NESTING } from '../../../src/render/envsubst.js';
import { substitute } from '../../../src/render/substitute.js';

const vars = { NAME: 'web', EMPTY: '', REPLICAS: '3', Mixed_case1: 'ok' };

function failure(fn: () => unknown): ReconcileError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ReconcileError) return e;
    throw e;
  }
  throw new Error('expected a ReconcileError');
}

function doc(value: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  v: ${value}\n`;
}

describe('substitute expressions', () => {
  it.each([
    ['${NAME}', 'web'],
    ['prefix-${NAME}-suffix', 'prefix-web-suffix'],
    ['${Mixed_case1}', 'ok'],
    ['${MISSING}', ''],
    ['${MISSING:=fallback}', 'fallback'],
    ['${MISSING:-fallback}', 'fallback'],
    ['${MISSING=fallback}', 'fallback'],
    ['${NAME:=fallback}', 'web'],
    // Flux applies the default to empty values for every default operator.
    ['${EMPTY:=fallback}', 'fallback'],
    ['${EMPTY=fallback}', 'fallback'],
    ['${MISSING:=${NAME}-x}', 'web-x'],
    ['${MISSING:=a${OTHER:=b}c}', 'abc'],
    ['${MISSING:=}', ''],
    ['${MISSING:=a/b:c}', 'a/b:c'],
    ['${#NAME}', '3'],
    ['${NAME^}', 'Web'],
    ['${NAME^^}', 'WEB'],
    ['${Mixed_case1,}', 'ok'],
    ['$NAME', '$NAME'],
    ['$${NAME}', '${NAME}'],
    ['$$NAME', '$NAME'],
    ['a $ b', 'a $ b'],
    ['cost$', 'cost$'],
    ['${MISSING:=$${NAME}}', '${NAME}'],
    ['${MISSING:=a\\/b\\\\c}', 'a/b\\c'],
  ])('%s becomes %s', (expr, expected) => {
    expect(substitute(doc(expr), vars)).toBe(doc(expected));
  });

  it.each([
    ['${ NAME}', 'unable to parse variable name in "${ NAME}"'],
    ['${}', 'unable to parse variable name in "${}"'],
    ['${NAME', 'missing closing brace in "${NAME\\n"'],
    ['${NAME-x}', 'missing closing brace in "${NAME-x}"'],
    [
      '${NAME/a/b}',
      'unsupported expression "${NAME/a/b}"; supported: ${var}, ${var:=default}, ${var:-default}, ${var=default}, ${#var}, ${var^}, ${var^^}, ${var,}, ${var,,}; write "$${" for a literal "${"',
    ],
  ])('refuses %s', (expr, reason) => {
    expect(failure(() => substitute(doc(expr), vars))).toMatchObject({
      reason: Reasons.BuildFailed,
      retry: 'terminal',
      message: `postBuild substitution failed in ConfigMap/cm: ${reason}`,
      subject: 'ConfigMap/cm',
    });
  });

  // The parser recurses once per nested default: 20,000 levels (100 KB) used to overflow the stack, which the
  // reconciler reported as a transient error and retried forever.
  it('refuses defaults nested deeper than the limit, without overflowing the stack', () => {
    const nested = (n: number) => `"${'${A:='.repeat(n)}x${'}'.repeat(n)}"`;
    expect(substitute(doc(nested(MAX_NESTING)), vars)).toBe(doc('"x"'));
    for (const n of [MAX_NESTING + 1, 20_000]) {
      expect(failure(() => substitute(doc(nested(n)), vars))).toMatchObject({
        reason: Reasons.BuildFailed,
        retry: 'terminal',
        message: expect.stringMatching(
          /^postBuild substitution failed in ConfigMap\/cm: expressions are nested more than 32 deep at "\$\{A:=/,
        ),
        subject: 'ConfigMap/cm',
      });
    }
  });

  it('names the file and line of the expression when given the rendered files', () => {
    const yaml = `${doc('ok')}...\n${doc('${NAME}')}---\n${doc('fine')}\n# comment\n---\nkind: X\nv: \${}\n`;
    const files = [
      { file: 'one.yaml', line: 1 },
      { file: 'two.yaml', line: 8 },
    ];
    expect(failure(() => substitute(yaml, vars, { files })).message).toBe(
      'two.yaml:18: postBuild substitution failed in document 4: unable to parse variable name in "${}"',
    );
    expect(
      failure(() => substitute(doc('${}'), vars, { files: [{ file: 'app.yaml', line: 1 }] })).message,
    ).toBe(
      'app.yaml:6: postBuild substitution failed in ConfigMap/cm: unable to parse variable name in "${}"',
    );
  });

  it('fails on an unset variable in strict mode, naming it and the object', () => {
    const yaml = doc('${MISSING}').replace('name: cm', 'name: cm\n  namespace: team-a');
    expect(failure(() => substitute(yaml, vars, { strict: true }))).toMatchObject({
      reason: Reasons.BuildFailed,
      retry: 'terminal',
      message:
        'postBuild substitution failed in ConfigMap/team-a/cm: variable "MISSING" is not set (strict mode)',
      subject: 'ConfigMap/team-a/cm',
    });
  });

  it('accepts defaults and set-but-empty variables in strict mode', () => {
    expect(substitute(doc('${MISSING:=x}${EMPTY}'), vars, { strict: true })).toBe(doc('x'));
  });

  it('yields typed values once parsed, as Flux does', () => {
    const yaml = 'spec:\n  replicas: ${REPLICAS}\n';
    expect(substitute(yaml, vars)).toBe('spec:\n  replicas: 3\n');
  });

  it('strips newlines from values so they cannot add YAML structure', () => {
    expect(substitute(doc('${EVIL}'), { EVIL: 'x\nkind: Secret' })).toBe(doc('xkind: Secret'));
  });

  it('leaves the YAML untouched when there are no variables, like Flux', () => {
    const yaml = doc('${NAME} $${NAME} ${ bad');
    expect(substitute(yaml, {})).toBe(yaml);
  });

  it.each(['1abc', 'a-b', 'with space', ''])('refuses the variable name %j', (name) => {
    expect(() => substitute(doc('x'), { [name]: 'v' })).toThrow(
      `postBuild.substitute: variable name "${name}" is invalid, it must match ^[_a-zA-Z][_a-zA-Z0-9]*$`,
    );
  });
});

describe('substitute documents', () => {
  const disabled = (where: 'annotations' | 'labels', value = 'disabled') =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: script\n  ${where}:\n    steward.dev/substitute: ${value}\ndata:\n  run.sh: echo \${HOME} \${ not-an-expression }\n`;

  it.each(['annotations', 'labels'] as const)('skips documents with the opt-out in %s', (where) => {
    const yaml = `${doc('${NAME}')}---\n${disabled(where)}---\n${doc('${REPLICAS}')}`;
    expect(substitute(yaml, vars)).toBe(`${doc('web')}---\n${disabled(where)}---\n${doc('3')}`);
  });

  it('reads the opt-out before substituting, so a variable cannot turn it on or off', () => {
    const viaVariable = disabled('annotations', '${OFF}').replace(' ${ not-an-expression }', '');
    expect(substitute(viaVariable, { OFF: 'disabled', HOME: '/root' })).toBe(
      viaVariable.replace('${OFF}', 'disabled').replace('${HOME}', '/root'),
    );
  });

  it('keeps comments, separators and document end markers byte for byte', () => {
    const yaml = `# head\n${doc('${NAME}')}...\n# between\n---\n${doc('${NAME}')}`;
    expect(substitute(yaml, vars)).toBe(`# head\n${doc('web')}...\n# between\n---\n${doc('web')}`);
  });

  it('names the document by position when it has no kind or name', () => {
    expect(() => substitute(`a: 1\n---\nb: \${ x}\n`, vars)).toThrow(
      'postBuild substitution failed in document 2: unable to parse variable name in "${ x}"',
    );
  });
});
