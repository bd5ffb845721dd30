// Label selectors: apimachinery pkg/labels/selector.go (Lexer, Parser, NewRequirement, Matches, String),
// pkg/api/validate/content/kube.go and errors.go (key and value messages), pkg/apis/meta/v1/helpers.go
// LabelSelectorAsSelector. Field selectors: pkg/fields/selector.go, runtime/conversion.go
// DefaultMetaV1FieldSelectorConversion, kubernetes pkg/apis/core/v1/conversion.go, apiextensions-apiserver
// crConverter.ConvertFieldLabel. Both reach clients as 400s (apiserver pkg/endpoints/handlers/get.go).
import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../src/sandbox/errors.js';
import {
  customResourceFieldSupport,
  fieldSelectorSupport,
  fromLabelSelectorObject,
  labelSelectorString,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../../../src/sandbox/selectors.js';
import type { Obj } from '../../../src/sandbox/types.js';

function badRequest(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError && e.code === 400 && e.reason === 'BadRequest' && !e.details)
      return e.message;
    throw e;
  }
  throw new Error('expected a 400');
}

const NAME_PART =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const PREFIX =
  "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('parseLabelSelector + matchesLabels', () => {
  const labels = { app: 'web', tier: 'fe', n: '10', empty: '', in: 'in' };

  it.each<[string, boolean]>([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['app in (web,db)', true],
    ['app in (db)', false],
    ['missing in (x)', false],
    ['app notin (db)', true],
    ['app notin (web)', false],
    ['missing notin (x)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['n>5', true],
    ['n<5', false],
    ['n>10', false],
    ['app>5', false],
    ['missing<1', false],
    ['app=web,tier=fe', true],
    ['app=web,tier=be', false],
    ['empty=', true],
    ['empty in ()', true],
    ['empty in (,x)', true],
    ['app in ()', false],
    ['  app  =  web  ,  !missing ', true],
    ['in in (in)', true],
    ['example.com/role notin (db)', true],
  ])('%j → %s', (selector, match) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(match);
  });

  it('treats a missing label map as empty', () => {
    expect(matchesLabels(parseLabelSelector('!a'), undefined)).toBe(true);
  });

  it('sorts requirements by key and values within', () => {
    const sel = parseLabelSelector('d>3,b in (y,x,y),!c,a');
    expect(sel.requirements.map((r) => [r.key, r.operator, r.values])).toEqual([
      ['a', 'exists', []],
      ['b', 'in', ['x', 'y']],
      ['c', '!', []],
      ['d', 'gt', ['3']],
    ]);
    expect(labelSelectorString(sel)).toBe('a,b in (x,y),!c,d>3');
  });

  it.each<[string, string]>([
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a!b', "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt"],
    ['a===b', "unable to parse requirement: found '=', expected: identifier"],
    ['a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['a in (x y)', "unable to parse requirement: found 'y', expected: ',' or ')'"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a in (x,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['! =a', "unable to parse requirement: found '=', expected: identifier"],
    ['!=a', "found '!=', expected: !, identifier, or 'end of string'"],
    ['a=b,', "found '', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['-a', `unable to parse requirement: <nil>: Invalid value: "-a": ${NAME_PART}`],
    [
      `${'k'.repeat(64)}`,
      `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 bytes`,
    ],
    ['Example.com/a', `unable to parse requirement: <nil>: Invalid value: "Example.com/a": ${PREFIX}`],
    ['/a', 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty'],
    [
      'a/b/c',
      `unable to parse requirement: <nil>: Invalid value: "a/b/c": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
    ['a=-b', `unable to parse requirement: values[0][a]: Invalid value: "-b": ${VALUE}`],
    [
      'a in (-y,-x)',
      `unable to parse requirement: [values[0][a]: Invalid value: "-x": ${VALUE}, values[1][a]: Invalid value: "-y": ${VALUE}]`,
    ],
    [
      'a>x',
      `unable to parse requirement: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer`,
    ],
  ])('%j is a 400: %s', (selector, message) => {
    expect(badRequest(() => parseLabelSelector(selector))).toBe(message);
  });
});

describe('fromLabelSelectorObject (LabelSelectorAsSelector)', () => {
  it('null selects nothing, {} selects everything', () => {
    expect(matchesLabels(fromLabelSelectorObject(null), {})).toBe(false);
    expect(matchesLabels(fromLabelSelectorObject(undefined), { a: 'b' })).toBe(false);
    expect(matchesLabels(fromLabelSelectorObject({}), {})).toBe(true);
  });

  it.each<[Record<string, string>, boolean]>([
    [{ app: 'web', tier: 'fe' }, true],
    [{ app: 'web', tier: 'db' }, false],
    [{ app: 'web', tier: 'fe', canary: 'true' }, false],
    [{ app: 'api', tier: 'fe' }, false],
  ])('matchLabels and matchExpressions against %j', (labels, match) => {
    const sel = fromLabelSelectorObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['fe', 'be'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'app', operator: 'Exists' },
        { key: 'tier', operator: 'NotIn', values: ['db'] },
      ],
    });
    expect(matchesLabels(sel, labels)).toBe(match);
  });

  it('renders like Selector.String()', () => {
    const sel = fromLabelSelectorObject({
      matchLabels: { b: '2', a: '1' },
      matchExpressions: [{ key: 'c', operator: 'In', values: ['y', 'x'] }],
    });
    expect(labelSelectorString(sel)).toBe('a=1,b=2,c in (x,y)');
  });

  it.each<[Obj, string]>([
    [{ matchExpressions: [{ key: 'a', operator: 'Foo' }] }, '"Foo" is not a valid label selector operator'],
    [
      { matchExpressions: [{ key: 'a', operator: 'In' }] },
      "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      'values: Invalid value: ["x"]: values set must be empty for exists and does not exist',
    ],
    [{ matchLabels: { '-a': 'b' } }, `key: Invalid value: "-a": ${NAME_PART}`],
    [{ matchLabels: { a: 'b c' } }, `values[0][a]: Invalid value: "b c": ${VALUE}`],
  ])('%j is a 400: %s', (obj, message) => {
    expect(badRequest(() => fromLabelSelectorObject(obj))).toBe(message);
  });
});

describe('parseFieldSelector', () => {
  const configMap = fieldSelectorSupport('', 'ConfigMap');
  const podSupport = fieldSelectorSupport('', 'Pod');

  it('parses terms with all three operators and unescapes values', () => {
    expect(
      parseFieldSelector('metadata.name!=a,metadata.namespace==b,metadata.name=c\\,d\\=e\\\\', configMap),
    ).toEqual({
      requirements: [
        { field: 'metadata.name', operator: '!=', value: 'a' },
        { field: 'metadata.name', operator: '=', value: 'c,d=e\\' },
        { field: 'metadata.namespace', operator: '==', value: 'b' },
      ],
    });
    expect(parseFieldSelector('', configMap)).toEqual({ requirements: [] });
    expect(parseFieldSelector(',,', configMap)).toEqual({ requirements: [] });
  });

  it('renames the Pod alias spec.host', () => {
    expect(parseFieldSelector('spec.host=n1', podSupport).requirements).toEqual([
      { field: 'spec.nodeName', operator: '=', value: 'n1' },
    ]);
  });

  it.each<[string, Parameters<typeof parseFieldSelector>[1], string]>([
    [
      'spec.foo=x',
      configMap,
      '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"',
    ],
    ['spec.foo=x', podSupport, 'field label not supported: spec.foo'],
    [
      'metadata.namespace=x',
      fieldSelectorSupport('', 'Namespace'),
      'field label not supported: metadata.namespace',
    ],
    [
      'metadata.namespace=x',
      customResourceFieldSupport(false),
      'field label not supported: metadata.namespace',
    ],
    [
      'spec.size=1',
      customResourceFieldSupport(true, ['.spec.color']),
      'field label not supported: spec.size',
    ],
    [
      'spec.x=1',
      ['metadata.name', 'metadata.namespace'],
      '"spec.x" is not a known field selector: only "metadata.name", "metadata.namespace"',
    ],
    ['spec.x=1', ['metadata.name', 'metadata.namespace', 'type'], 'field label not supported: spec.x'],
    ['foo', configMap, "invalid selector: 'foo'; can't understand 'foo'"],
    ['metadata.name=a=b', configMap, 'invalid field selector: unescaped character in value: 61'],
    ['metadata.name=a,b', configMap, "invalid selector: 'metadata.name=a,b'; can't understand 'b'"],
    ['metadata.name=a\\x', configMap, 'invalid field selector: invalid escape sequence: \\x'],
    ['metadata.name=a\\', configMap, 'invalid field selector: invalid escape sequence: \\'],
    // Every term parses before any label is converted, so a later syntax error wins over an earlier bad label.
    ['spec.x=1,metadata.name=a=', configMap, 'invalid field selector: unescaped character in value: 61'],
    // Terms are sorted: "a.b=1" is converted before "z=1".
    ['z=1,a.b=1', podSupport, 'field label not supported: a.b'],
  ])('%j is a 400: %s', (selector, support, message) => {
    expect(badRequest(() => parseFieldSelector(selector, support))).toBe(message);
  });
});

describe('matchesFields', () => {
  const pod = {
    metadata: { name: 'p', namespace: 'ns' },
    spec: { nodeName: 'n1', restartPolicy: 'Always' },
    status: { phase: 'Running', podIP: '10.0.0.9', podIPs: [{ ip: '10.0.0.1' }] },
  };
  const event = {
    metadata: { name: 'e', namespace: 'ns' },
    involvedObject: { kind: 'Pod', name: 'p' },
    reason: 'Started',
    type: 'Normal',
    reportingComponent: 'kubelet',
  };

  it.each<[string, Obj, string, boolean]>([
    ['Pod', pod, 'status.phase=Running', true],
    ['Pod', pod, 'status.phase!=Running', false],
    ['Pod', pod, 'metadata.name=p,metadata.namespace==ns', true],
    ['Pod', pod, 'metadata.name=p,metadata.namespace=other', false],
    ['Pod', pod, 'spec.nodeName=', false],
    ['Pod', pod, 'spec.host=n1', true],
    ['Pod', pod, 'spec.hostNetwork=false', true],
    ['Pod', pod, 'status.podIP=10.0.0.1', true],
    ['Pod', pod, 'status.nominatedNodeName=', true],
    ['Secret', { metadata: { name: 's' }, type: 'Opaque' }, 'type=Opaque', true],
    ['Event', event, 'involvedObject.kind=Pod,involvedObject.name=p,reason=Started,type=Normal', true],
    ['Event', event, 'source=kubelet', true],
    ['Node', { metadata: { name: 'n' } }, 'spec.unschedulable=false', true],
    ['ReplicationController', { metadata: { name: 'r' } }, 'status.replicas=0', true],
    [
      'Namespace',
      { metadata: { name: 'default' }, status: { phase: 'Active' } },
      'status.phase=Active',
      true,
    ],
  ])('%s %j', (kind, obj, selector, match) => {
    expect(matchesFields(parseFieldSelector(selector, fieldSelectorSupport('', kind)), obj)).toBe(match);
  });

  it('reads custom resource selectable fields as strings', () => {
    const support = customResourceFieldSupport(true, ['.spec.color', '.spec.size', '.spec.on']);
    const obj = { metadata: { name: 'w', namespace: 'ns' }, spec: { color: 'red', size: 3, on: true } };
    expect(matchesFields(parseFieldSelector('spec.color=red,spec.size=3,spec.on=true', support), obj)).toBe(
      true,
    );
  });
});
