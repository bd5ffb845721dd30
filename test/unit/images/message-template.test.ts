import { describe, expect, it } from 'vitest';
import type { TemplateLimits } from '../../../src/images/message-template.js';
import {
  checkMessageTemplate,
  compileTemplate,
  DEFAULT_MESSAGE_TEMPLATE,
  TemplateError,
  templateData,
} from '../../../src/images/message-template.js';

function render(source: string, data: unknown = {}, limits: TemplateLimits = {}): string {
  return compileTemplate(source, 'commit message', limits).render(data);
}

function failure(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  throw new Error('expected a TemplateError');
}

const stringer = (s: string, fields: Record<string, unknown> = {}) => ({ ...fields, toString: () => s });

const data = templateData({
  namespace: 'flux-system',
  name: 'podinfo',
  changes: [
    {
      file: 'apps/worker.yaml',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'apps', name: 'worker' },
      setter: 'flux-system:worker',
      oldValue: 'ghcr.io/org/worker:1.0.0',
      newValue: 'ghcr.io/org/worker:1.1.0',
    },
    {
      file: 'apps/podinfo.yaml',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'apps', name: 'podinfo' },
      setter: 'flux-system:podinfo',
      oldValue: 'ghcr.io/stefanprodan/podinfo:5.0.0',
      newValue: 'ghcr.io/stefanprodan/podinfo:5.0.3',
    },
    {
      file: 'apps/podinfo.yaml',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'apps', name: 'podinfo' },
      setter: 'flux-system:busybox',
      oldValue: 'busybox:1.36',
      newValue: 'busybox:1.37',
    },
  ],
  values: { env: 'prod' },
});

describe('Flux templates', () => {
  it('renders the template of the Flux documentation as Go does', () => {
    const fluxDoc = [
      'Automated image update',
      '',
      'Automation name: {{ .AutomationObject }}',
      '',
      'Files:',
      '{{ range $filename, $_ := .Changed.FileChanges -}}',
      '- {{ $filename }}',
      '{{ end -}}',
      '',
      'Objects:',
      '{{ range $resource, $changes := .Changed.Objects -}}',
      '- {{ $resource.Kind }} {{ $resource.Name }}',
      '  Changes:',
      '{{- range $_, $change := $changes }}',
      '    - {{ $change.OldValue }} -> {{ $change.NewValue }}',
      '{{ end -}}',
      '{{ end -}}',
      '',
    ].join('\n');
    // The `-}}` after the files' {{end}} eats the blank line before "Objects:", and each change ends with a
    // newline that the next one's starts with: both as in Flux.
    expect(render(fluxDoc, data)).toBe(
      [
        'Automated image update',
        '',
        'Automation name: flux-system/podinfo',
        '',
        'Files:',
        '- apps/podinfo.yaml',
        '- apps/worker.yaml',
        'Objects:',
        '- Deployment podinfo',
        '  Changes:',
        '    - ghcr.io/stefanprodan/podinfo:5.0.0 -> ghcr.io/stefanprodan/podinfo:5.0.3',
        '',
        '    - busybox:1.36 -> busybox:1.37',
        '- Deployment worker',
        '  Changes:',
        '    - ghcr.io/org/worker:1.0.0 -> ghcr.io/org/worker:1.1.0',
        '',
      ].join('\n'),
    );
  });

  it('renders the default message: the subject, then every change per file and object', () => {
    expect(render(DEFAULT_MESSAGE_TEMPLATE, data)).toBe(
      [
        'Update from image update automation',
        '',
        'apps/podinfo.yaml',
        '- Deployment/apps/podinfo: ghcr.io/stefanprodan/podinfo:5.0.0 -> ghcr.io/stefanprodan/podinfo:5.0.3',
        '- Deployment/apps/podinfo: busybox:1.36 -> busybox:1.37',
        '',
        'apps/worker.yaml',
        '- Deployment/apps/worker: ghcr.io/org/worker:1.0.0 -> ghcr.io/org/worker:1.1.0',
        '',
      ].join('\n'),
    );
  });

  it('lists a change in a file that is no Kubernetes object (Helm values) without an empty object name', () => {
    const values = templateData({
      namespace: 'apps',
      name: 'web',
      changes: [
        {
          file: 'charts/web/values.yaml',
          object: {},
          setter: 'apps:web:tag',
          oldValue: '1.0',
          newValue: '1.1',
        },
      ],
    });
    expect(render(DEFAULT_MESSAGE_TEMPLATE, values)).toBe(
      ['Update from image update automation', '', 'charts/web/values.yaml', '- 1.0 -> 1.1', ''].join('\n'),
    );
  });

  it.each([
    ['{{ .AutomationObject.Namespace }}/{{ .AutomationObject.Name }}', 'flux-system/podinfo'],
    ['{{ printf "%s|%q" .AutomationObject .AutomationObject }}', 'flux-system/podinfo|"flux-system/podinfo"'],
    [
      '{{ range .Changed.Changes }}{{ .Setter }} {{ end }}',
      'flux-system:podinfo flux-system:busybox flux-system:worker ',
    ],
    ['{{ len .Changed.Changes }} {{ len .Changed.Objects }} {{ len .Changed.FileChanges }}', '3 2 2'],
    [
      '{{ range $o, $_ := .Changed.Objects }}{{ $o }} {{ $o.APIVersion }};{{ end }}',
      'Deployment/apps/podinfo apps/v1;Deployment/apps/worker apps/v1;',
    ],
    ['[ci skip] {{ .Values.env }} {{ .Values.missing }}', '[ci skip] prod <no value>'],
    ['{{ index .Values "env" }}|{{ index .Values "missing" }}|', 'prod||'],
    ['{{ with .Values.env }}env={{ . }}{{ end }}', 'env=prod'],
  ])('reads the Flux data: %s', (source, expected) => {
    expect(render(source, data)).toBe(expected);
  });

  it('merges an object changed in two files, and prints objects without a namespace as Kind/name', () => {
    const d = templateData({
      namespace: 'ns',
      name: 'a',
      changes: [
        {
          file: 'b.yaml',
          object: { kind: 'ConfigMap', name: 'c' },
          setter: 's',
          oldValue: '1',
          newValue: '2',
        },
        {
          file: 'a.yaml',
          object: { kind: 'ConfigMap', name: 'c' },
          setter: 's',
          oldValue: '3',
          newValue: '4',
        },
      ],
    });
    const out = render(
      '{{ range $o, $c := .Changed.Objects }}{{ $o }}:{{ range $c }} {{ .NewValue }}{{ end }}{{ end }}',
      d,
    );
    expect(out).toBe('ConfigMap/c: 4 2');
  });
});

describe('trim markers and comments', () => {
  it.each([
    ['a {{- "x" -}} b', 'axb'],
    ['a \n\t\r\n{{- "x" }}', 'ax'],
    ['{{ "x" -}}\n\n \t b', 'xb'],
    ['a {{-3}} b', 'a -3 b'], // no space after the dash: a negative number, nothing trimmed
    ['a {{- 3}} b', 'a3 b'],
    ['{{ 3 -}}  b', '3b'],
    ['{{ "x"\t-}}\n b', 'xb'], // a tab before the dash is a trim marker too
    ['{{ "x"   -}}  b', 'xb'],
    ['{{ "a" }}\n{{- "b" }}\n', 'ab\n'],
    ['a {{/* c */}} b', 'a  b'],
    ['a {{- /* c */ -}} b', 'ab'],
    ['a\n{{- /* two\nlines */}}\nb', 'a\nb'],
    ['a {{/* c */ -}}\n b', 'a b'],
    ['{{ "x" }} }} text', 'x }} text'],
    ['no actions at all\n', 'no actions at all\n'],
    ['{{ if true -}}\n  yes\n{{- else -}}\n  no\n{{- end }}', 'yes'],
    ['{{ range 2 -}}\n  {{ . }}\n{{- end }}', '01'],
  ])('%j', (source, expected) => {
    expect(render(source)).toBe(expected);
  });
});

describe('pipelines, literals and functions', () => {
  const d = {
    S: 'a',
    Empty: '',
    List: ['x', 'y', 'z'],
    Nums: [3, 1, 2],
    M: new Map([['k', 'v']]),
    Obj: { Name: 'n', Inner: { Deep: 'd' } },
    Objs: [{ Name: 'first' }],
    Nil: null,
  };

  it.each([
    ['{{ "x" | printf "%s-%s" "a" }}', 'a-x'],
    ['{{ .S | printf "%s%s" "b" | printf "<%s>" }}', '<ba>'],
    ['{{ printf "%d items, %q, %v, 100%%" 3 "a\\"b" true }}', '3 items, "a\\"b", true, 100%'],
    ['{{ print 1 2 "a" "b" 3 }}', '1 2ab3'], // Go's Sprint: a space only between two non-strings
    ['{{ println "a" 1 }}', 'a 1\n'],
    ['{{ print }}|{{ print .Nil }}|{{ print .M.missing }}', '|<nil>|<nil>'],
    ['{{ .M.missing }}|{{ .M.missing.deeper }}|{{ .Nil }}', '<no value>|<no value>|<nil>'],
    ['{{ len "héllo" }} {{ len .List }} {{ len .M }}', '6 3 1'], // len counts UTF-8 bytes, as Go
    ['{{ index .List 1 }}{{ index .M "k" }}{{ index "abc" 0 }}', 'yv97'],
    ['{{ (index .Objs 0).Name }} {{ (.Obj).Inner.Deep }} {{ .Obj.Inner.Deep }}', 'first d d'],
    ['{{ printf "%s" (index .List 2) }}', 'z'],
    ['{{ eq .S "b" "a" }} {{ ne .S "a" }} {{ eq 1 1 }} {{ eq .M.missing "x" }}', 'true false true false'],
    ['{{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1 2 }}', 'true true true false'],
    ['{{ not "" }} {{ not .List }} {{ not 0 }}', 'true false true'],
    ['{{ and 1 0 2 }} {{ and 1 2 }} {{ or 0 "" "x" }} {{ or 0 "" }}|', '0 2 x |'],
    ['{{ or true .NoSuchField }} {{ and false .NoSuchField }}', 'true false'], // short-circuit, as Go 1.18+
    [
      '{{ 1000000 }} {{ 1e6 }} {{ 1.5 }} {{ 2.0 }} {{ 0.00001 }} {{ 123456.5 }}',
      '1000000 1e+06 1.5 2 1e-05 123456.5',
    ],
    [
      "{{ 0x1F }} {{ 0o17 }} {{ 017 }} {{ 0b101 }} {{ 1_000 }} {{ 'a' }} {{ '\\n' }} {{ -3 }} {{ +4 }}",
      '31 15 15 5 1000 97 10 -3 4',
    ],
    ['{{ true }} {{ false }} {{ "\\xc3\\xa9\\u00e9\\t|" }} {{ `raw\\n` }}', 'true false éé\t| raw\\n'],
    ['{{ printf "%d|%s|%q|%d" "x" 5 65 1.5 }}', "%!d(string=x)|%!s(int=5)|'A'|%!d(float64=1.5)"],
    [
      '{{ printf "%s %s" "a" }}|{{ printf "%s" "a" "b" 2 }}|{{ printf "%s" nil }}',
      'a %!s(MISSING)|a%!(EXTRA string=b, int=2)|%!s(<nil>)',
    ],
    ['{{ printf "%q" "tab\\there é\\x01\\u00a0" }}', '"tab\\there é\\x01\\u00a0"'],
    ['{{ printf "%v %v" .Nil 1.25 }}', '<nil> 1.25'],
  ])('%s', (source, expected) => {
    expect(render(source, d)).toBe(expected);
  });

  it('prints a struct-like value through its toString, own or from its class', () => {
    class Ref {
      constructor(readonly Name: string) {}
      toString() {
        return `ref:${this.Name}`;
      }
    }
    expect(
      render('{{ .A }} {{ .B }} {{ .B.Name }} {{ print .A .B }}', { A: stringer('x/y'), B: new Ref('r') }),
    ).toBe('x/y ref:r r x/y ref:r');
  });

  it.each([
    ['{{ .M }}', "can't print a map; range over it or read one of its keys"],
    ['{{ .List }}', "can't print a list; range over it or index it"],
    [
      '{{ .Obj }}',
      "can't print an object that has no String form; print one of its fields (it has Name, Inner)",
    ],
    ['{{ printf "%s" .Obj }}', "error calling printf: can't print an object that has no String form"],
    ['{{ print .List }}', "error calling print: can't print a list"],
  ])('refuses to print a composite value: %s', (source, reason) => {
    const e = failure(() => render(source, d));
    expect(e.phase).toBe('execute');
    expect(e.reason).toContain(reason);
    expect(e.message).not.toContain('[object Object]');
  });
});

describe('range, if, with and else', () => {
  const keys = (...k: unknown[]) => new Map(k.map((key, i) => [key, i]));

  it.each<[string, unknown, string]>([
    [
      '{{ range $k, $v := .M }}{{ $k }}={{ $v }} {{ end }}',
      { M: keys('b', 'a', 'c', 'B') },
      'B=3 a=1 b=0 c=2 ',
    ],
    ['{{ range $k, $_ := .M }}{{ $k }} {{ end }}', { M: keys(10, 2, 1, -5) }, '-5 1 2 10 '], // numbers by value
    [
      '{{ range $k, $_ := .M }}{{ $k }} {{ end }}',
      { M: keys(stringer('b/x'), stringer('a/z'), stringer('a/y')) },
      'a/y a/z b/x ',
    ],
    [
      '{{ range $k, $_ := .M }}{{ $k }} {{ end }}',
      { M: keys('é', 'z', '\u{1F600}', '\uFFFD') },
      'z é \uFFFD \u{1F600} ',
    ], // code point order
    ['{{ range $v := .M }}{{ $v }}{{ end }}', { M: keys('b', 'a') }, '10'], // one variable: the value
    ['{{ range .M }}{{ . }}{{ end }}', { M: keys('b', 'a') }, '10'],
    ['{{ range $i, $v := .L }}{{ $i }}:{{ $v }} {{ end }}', { L: ['x', 'y'] }, '0:x 1:y '],
    ['{{ range .L }}{{ . }}{{ else }}empty{{ end }}', { L: [] }, 'empty'],
    ['{{ range .M }}{{ . }}{{ else }}empty{{ end }}', { M: new Map() }, 'empty'],
    ['{{ range .M.nothing }}{{ . }}{{ else }}empty{{ end }}', { M: new Map() }, 'empty'],
    ['{{ range .N }}{{ . }}{{ else }}nil{{ end }}', { N: null }, 'nil'],
    ['{{ range 3 }}{{ . }}{{ end }}{{ range $i := 2 }}{{ $i }}{{ end }}', {}, '01201'],
    [
      '{{ range $i, $o := .L }}{{ range $o.Tags }}{{ $i }}{{ . }}{{ end }}{{ end }}',
      { L: [{ Tags: ['a', 'b'] }, { Tags: ['c'] }] },
      '0a0b1c',
    ],
  ])('%s', (source, d, expected) => {
    expect(render(source, d)).toBe(expected);
  });

  const chain = '{{ if eq .X 1 }}one{{ else if eq .X 2 }}two{{ else if .Y }}y{{ else }}other{{ end }}';
  it.each<[string, unknown, string]>([
    [chain, { X: 1, Y: '' }, 'one'],
    [chain, { X: 2, Y: '' }, 'two'],
    [chain, { X: 3, Y: 'set' }, 'y'],
    [chain, { X: 3, Y: '' }, 'other'],
    ['{{ if .A }}t{{ end }}|{{ if .A }}t{{ else }}f{{ end }}', { A: 0 }, '|f'],
    ['{{ if .A }}t{{ else }}f{{ end }}', { A: {} }, 't'], // a struct is always true, as in Go
    ['{{ if .A }}t{{ else }}f{{ end }}', { A: new Map() }, 'f'],
    ['{{ with .A }}[{{ . }}]{{ else }}none{{ end }}', { A: 'x' }, '[x]'],
    ['{{ with .A }}[{{ . }}]{{ else }}none{{ end }}', { A: '' }, 'none'],
    ['{{ with .A }}a{{ else with .B }}b={{ . }}{{ else }}none{{ end }}', { A: '', B: 'x' }, 'b=x'],
    ['{{ with .A }}a{{ else with .B }}b={{ . }}{{ else }}none{{ end }}', { A: '', B: '' }, 'none'],
    ['{{ with .Sub }}{{ .Inner }}/{{ $.Top }}{{ end }}', { Top: 't', Sub: { Inner: 'i' } }, 'i/t'],
  ])('%s with %j', (source, d, expected) => {
    expect(render(source, d)).toBe(expected);
  });
});

describe('variables', () => {
  it.each<[string, unknown, string]>([
    ['{{ $x := "outer" }}{{ if true }}{{ $x := "inner" }}{{ $x }}{{ end }} {{ $x }}', {}, 'inner outer'],
    ['{{ $x := "a" }}{{ if true }}{{ $x = "b" }}{{ end }}{{ $x }}', {}, 'b'],
    ['{{ $x := "a" }}{{ range .L }}{{ $x = . }}{{ end }}{{ $x }}', { L: ['p', 'q'] }, 'q'],
    ['{{ if $v := .S }}{{ $v }}{{ else }}none:{{ $v }}{{ end }}', { S: '' }, 'none:'],
    ['{{ range .L }}{{ $y := . }}{{ $y }}{{ end }}', { L: ['p', 'q'] }, 'pq'],
    ['{{ range $i, $v := .L }}{{ $v }}{{ else }}{{ len $v }}{{ end }}', { L: [] }, '0'],
    ['{{ $ := 1 }}{{ $ }}', {}, '1'],
    ['{{ range .L }}{{ $.Top }}{{ end }}', { Top: 't', L: [1, 2] }, 'tt'],
    ['{{ $x := .A }}{{ $x.B }}', { A: { B: 'b' } }, 'b'],
  ])('%s', (source, d, expected) => {
    expect(render(source, d)).toBe(expected);
  });

  it.each([
    ['{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}', 1, 39, 'undefined variable "$y"'],
    ['{{ range $i, $v := .L }}{{ end }}\n{{ $v }}', 2, 4, 'undefined variable "$v"'],
    ['{{ with $w := 1 }}{{ end }}{{ $w }}', 1, 31, 'undefined variable "$w"'],
  ])('a variable ends with its block: %j', (source, line, column, reason) => {
    const e = failure(() => compileTemplate(source));
    expect({ line: e.line, column: e.column, reason: e.reason, phase: e.phase }).toEqual({
      line,
      column,
      reason,
      phase: 'parse',
    });
  });
});

describe('errors name the line, the column and the reason', () => {
  it.each([
    ['line1\n  {{ join .List "," }}', 2, 6, 'function "join" not defined'],
    ['{{ html "x" }}', 1, 4, 'function "html" is not supported in commit message templates'],
    ['a\nb {{ .A ', 2, 3, 'unclosed action'],
    ['{{ range .L }}\n{{ if .X }}\n{{ end }}', 1, 1, 'unexpected EOF: {{range}} has no matching {{end}}'],
    ['a {{ end }}', 1, 6, 'unexpected {{end}}'],
    ['{{ else }}', 1, 4, 'unexpected {{else}}'],
    ['{{ range .L }}{{ else if .X }}{{ end }}', 1, 23, 'unexpected <if> in input'],
    ['{{ if .A }}{{ else }}{{ else }}{{ end }}', 1, 25, 'expected {{end}}; found {{else}}'],
    ['{{ define "x" }}{{ end }}', 1, 4, '{{define}} is not supported in commit message templates'],
    ['{{ template "x" }}', 1, 4, '{{template}} is not supported in commit message templates'],
    ['{{ range .L }}{{ break }}{{ end }}', 1, 18, '{{break}} is not supported in commit message templates'],
    [
      '{{ printf "%-10s" .A }}',
      1,
      11,
      'printf: "%-10s" is not supported; the verbs are %s, %d, %v, %q and %%, without flags, width or precision',
    ],
    [
      '{{ printf "%x" .A }}',
      1,
      11,
      'printf: "%x" is not supported; the verbs are %s, %d, %v, %q and %%, without flags, width or precision',
    ],
    [
      '{{ printf "50%" .A }}',
      1,
      11,
      'printf: a lone % at the end is not supported; the verbs are %s, %d, %v, %q and %%, without flags, width or precision',
    ],
    ['{{ }}', 1, 4, 'missing value for command'],
    ['{{ if }}{{ end }}', 1, 7, 'missing value for if'],
    ['{{ .A | "x" }}', 1, 9, 'non executable command in pipeline stage 2'],
    ['{{ /* c */ }}', 1, 4, 'unexpected "/" in command'],
    ['{{/* c */ x}}', 1, 10, 'comment ends before closing delimiter'],
    ['ok\n{{/* c ', 2, 1, 'unclosed comment'],
    ['{{ "abc }}', 1, 4, 'unterminated quoted string'],
    ['{{ .A.b-c }}', 1, 8, "bad character U+002D '-'"],
    ['{{ 3- }}', 1, 4, 'bad number syntax: "3-"'],
    ['{{ 1i }}', 1, 4, 'complex number 1i is not supported in commit message templates'],
    ['{{ "a".B }}', 1, 7, 'unexpected . after term ""a""'],
    ['{{ (.A }}', 1, 8, 'unclosed left paren'],
    ['{{ .A) }}', 1, 6, 'unexpected right paren'],
    ['{{ $a, $b := .X }}', 1, 6, 'too many declarations in command'],
    ['{{ "\\q" }}', 1, 4, 'invalid syntax in string "\\q"'],
    ['{{ 99999999999999999999 }}', 1, 4, '99999999999999999999 overflows int'],
    ['{{ .A → }}', 1, 7, "unrecognized character in action: U+2192 '→'"],
    ['{{ .A é }}', 1, 7, 'function "é" not defined'], // a letter starts an identifier, as in Go
  ])('parse: %j', (source, line, column, reason) => {
    const e = failure(() => compileTemplate(source));
    expect(e).toBeInstanceOf(TemplateError);
    expect({ line: e.line, column: e.column, reason: e.reason, phase: e.phase }).toEqual({
      line,
      column,
      reason,
      phase: 'parse',
    });
    expect(e.message).toBe(`template: commit message:${line}:${column}: ${reason}`);
  });

  it('refuses nesting deeper than 64 levels', () => {
    const deep = `${'{{ if true }}'.repeat(65)}${'{{ end }}'.repeat(65)}`;
    expect(failure(() => compileTemplate(deep)).reason).toBe('nesting deeper than 64 levels');
    expect(render(`${'{{ if true }}'.repeat(64)}x${'{{ end }}'.repeat(64)}`)).toBe('x');
    expect(failure(() => compileTemplate(`{{ ${'('.repeat(65)}1${')'.repeat(65)} }}`)).reason).toBe(
      'nesting deeper than 64 levels',
    );
  });

  it.each<[string, unknown, number, number, string]>([
    [
      'Subject\n\n{{ .Changed.Nope }}',
      data,
      3,
      12,
      'executing "commit message" at <.Changed.Nope>: can\'t evaluate field Nope in type object (fields: Changes, FileChanges, Objects)',
    ],
    [
      '{{ .automationObject }}',
      data,
      1,
      4,
      'executing "commit message" at <.automationObject>: can\'t evaluate field automationObject in type object (fields: AutomationObject, Changed, Values)',
    ],
    [
      '{{ .a }}',
      { a: 1 },
      1,
      4,
      'executing "commit message" at <.a>: a is an unexported field of struct type',
    ],
    [
      '{{ .A.toString }}',
      { A: stringer('x') },
      1,
      6,
      'executing "commit message" at <.A.toString>: can\'t evaluate field toString in type object (it has no fields)',
    ],
    [
      '{{ .S.Len }}',
      { S: 'abc' },
      1,
      6,
      'executing "commit message" at <.S.Len>: can\'t evaluate field Len in type string',
    ],
    [
      '{{ .N.X }}',
      { N: null },
      1,
      6,
      'executing "commit message" at <.N.X>: nil pointer evaluating interface {}.X',
    ],
    [
      '{{ range .O }}{{ end }}',
      { O: { a: 1 } },
      1,
      10,
      'executing "commit message" at <.O>: range can\'t iterate over a value of type struct (an object is a struct; a map must be a Map)',
    ],
    [
      '{{ len }}',
      {},
      1,
      4,
      'executing "commit message" at <len>: wrong number of args for len: want 1 got 0',
    ],
    [
      '{{ "a" | len 1 }}',
      {},
      1,
      10,
      'executing "commit message" at <len 1>: wrong number of args for len: want 1 got 2',
    ],
    [
      '{{ eq 1 "1" }}',
      {},
      1,
      4,
      'executing "commit message" at <eq 1 "1">: error calling eq: incompatible types for comparison',
    ],
    [
      '{{ index .L 5 }}',
      { L: [1] },
      1,
      4,
      'executing "commit message" at <index .L 5>: error calling index: index out of range: 5',
    ],
    [
      '{{ .A "x" }}',
      { A: 'a' },
      1,
      4,
      'executing "commit message" at <.A>: A is not a method but has arguments',
    ],
    [
      '{{ "x" 1 }}',
      {},
      1,
      4,
      'executing "commit message" at <"x">: can\'t give argument to non-function "x"',
    ],
    ['{{ nil }}', {}, 1, 4, 'executing "commit message" at <nil>: nil is not a command'],
    ['{{ not nil }}', {}, 1, 8, 'executing "commit message" at <nil>: cannot assign nil to reflect.Value'],
    [
      '{{ printf .F }}',
      { F: 1 },
      1,
      11,
      'executing "commit message" at <.F>: wrong type for value; expected string; got int',
    ],
    [
      '{{ printf .F 1 }}',
      { F: '%5d' },
      1,
      4,
      'executing "commit message" at <printf .F 1>: error calling printf: printf: "%5d" is not supported; the verbs are %s, %d, %v, %q and %%, without flags, width or precision',
    ],
    ['{{ $x = 1 }}', {}, 1, 4, 'executing "commit message" at <$x>: undefined variable: $x'],
  ])('execute: %s', (source, d, line, column, reason) => {
    const e = failure(() => render(source, d));
    expect({ line: e.line, column: e.column, reason: e.reason, phase: e.phase }).toEqual({
      line,
      column,
      reason,
      phase: 'execute',
    });
  });

  it('says why a template is refused, for admission checks', () => {
    expect(checkMessageTemplate(DEFAULT_MESSAGE_TEMPLATE)).toBeUndefined();
    expect(checkMessageTemplate('{{ .A | join }}')).toBe(
      'template: commit message:1:9: function "join" not defined',
    );
  });
});

describe('bounds', () => {
  it('caps the output', () => {
    const big = { L: Array.from({ length: 50 }, () => 'x'.repeat(1000)) };
    const source = '{{ range .L }}{{ . }}\n{{ end }}';
    expect(render(source, big)).toHaveLength(50_050);
    const e = failure(() => render(source, big, { maxOutputBytes: 30_000 }));
    expect(e.reason).toContain('output exceeds the limit of 30000 bytes');
    expect(e.line).toBe(1);
    // The default limit is 64 KiB, counted in UTF-8 bytes.
    expect(failure(() => render('{{ .S }}', { S: 'é'.repeat(33_000) })).reason).toContain(
      'output exceeds the limit of 65536 bytes',
    );
    expect(render('{{ .S }}', { S: 'é'.repeat(32_000) })).toHaveLength(32_000);
  });

  it('caps the range iterations of a render, nested ranges counted together', () => {
    // 99 outer and 9,900 inner iterations: 9,999.
    expect(render('{{ range 99 }}{{ range 100 }}{{ end }}{{ end }}ok')).toBe('ok');
    const e = failure(() => render('{{ range 10 }}{{ range 1001 }}{{ end }}{{ end }}'));
    expect(e.reason).toContain('range iterations exceed the limit of 10000');
    expect(failure(() => render('{{ range 5 }}{{ end }}', {}, { maxRangeIterations: 4 })).column).toBe(10);
  });

  it('caps the strings functions build, so a doubling variable fails fast', () => {
    const source = '{{ $x := "ab" }}{{ range 40 }}{{ $x = printf "%s%s" $x $x }}{{ end }}{{ len $x }}';
    const started = performance.now();
    const e = failure(() => render(source));
    expect(e.reason).toContain('a string of more than 65536 bytes');
    expect(performance.now() - started).toBeLessThan(1000);
    const many = '{{ $s := printf "%s" .S }}{{ range 10000 }}{{ $x := print $s }}{{ end }}';
    expect(failure(() => render(many, { S: 'x'.repeat(60_000) })).reason).toContain(
      'functions built more than 1048576 bytes of strings',
    );
  });

  it('renders the default template over 500 changes quickly', () => {
    const changes = Array.from({ length: 500 }, (_, i) => ({
      file: `apps/app-${i % 100}.yaml`,
      object: { kind: 'Deployment', namespace: 'apps', name: `app-${i}` },
      setter: 'flux-system:app',
      oldValue: `ghcr.io/org/app:1.0.${i}`,
      newValue: `ghcr.io/org/app:1.1.${i}`,
    }));
    const t = compileTemplate(DEFAULT_MESSAGE_TEMPLATE);
    const started = performance.now();
    const out = t.render(templateData({ namespace: 'ns', name: 'auto', changes }));
    const ms = performance.now() - started;
    expect(out.split('\n').filter((l) => l.startsWith('- Deployment/apps/app-'))).toHaveLength(500);
    expect(ms).toBeLessThan(500);
  });
});
