import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { readMarker } from '../../../src/images/setter-marker.js';
import { splitStream } from '../../../src/images/setter-split.js';
import { renderScalar, setterValue } from '../../../src/images/setter-value.js';
import {
  applySetters,
  applySettersWhole,
  describeObject,
  formatSetterProblem,
  hasSetterMarker,
  type PolicyValue,
  type SetterChange,
  type SetterResult,
} from '../../../src/images/setters.js';

const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const policies: ReadonlyMap<string, PolicyValue> = new Map([
  ['apps:podinfo', { image: 'ghcr.io/org/app', tag: 'v2.0.0' }],
  ['apps:pinned', { image: 'ghcr.io/org/app', tag: 'v2.0.0', digest: DIGEST }],
  ['apps:numeric', { image: 'registry.example.com/team/api', tag: '1.10' }],
  ['flux-system:web', { image: 'docker.io/library/nginx', tag: '1.27.1-alpine' }],
]);

/** `source` with `from` replaced by `to` exactly once: the expected output, built without the code under test. */
function edited(source: string, ...pairs: [string, string][]): string {
  let text = source;
  for (const [from, to] of pairs) {
    const at = text.indexOf(from);
    if (at === -1 || text.indexOf(from, at + 1) !== -1) throw new Error(`test bug: ${from} must occur once`);
    text = text.slice(0, at) + to + text.slice(at + from.length);
  }
  return text;
}

function apply(source: string, file = 'apps/web.yaml') {
  return applySetters(source, file, policies);
}

describe('applySetters rewrites only the marked scalars', () => {
  const deployment = `# The web front end.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # keep this comment
  namespace: apps
  labels: {app: web}

spec:
  replicas: 2
  template:
    spec:
      # The main container, updated by automation:
      containers:
        - name: app
          image: ghcr.io/org/app:v1.0.0 # {"$imagepolicy": "apps:podinfo"}
          # a comment below
          ports: [{containerPort: 8080}]
        - name: proxy
          image: nginx:1.25   # {"$imagepolicy":"flux-system:web"}
`;
  const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
          - image: ghcr.io/org/app:v1.0.0 # {"$imagepolicy": "apps:podinfo"}
            name: migrate
          containers:
          -   name: report
              image: 'ghcr.io/org/app:v0.9' # {"$imagepolicy": "apps:podinfo"}
              args:
                - --image
                - ghcr.io/org/app:v0.1 # {"$imagepolicy": "apps:podinfo"}
`;
  const helmValues = `image:
  repository: ghcr.io/org/old # {"$imagepolicy": "apps:podinfo:name"}
  tag: v1.0.0 # {"$imagepolicy": "apps:podinfo:tag"}
  pullPolicy: IfNotPresent
sidecar:
  image:
    tag: "1.2" # {"$imagepolicy": "apps:numeric:tag"}
`;
  const kustomization = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
images:
  - name: app
    newName: ghcr.io/org/app # {"$imagepolicy": "apps:pinned:name"}
    newTag: v1.0.0 # {"$imagepolicy": "apps:pinned:tag"}
    digest: sha256:aaaa # {"$imagepolicy": "apps:pinned:digest"}
`;
  const multiDoc = `---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: apps}
data:
  note: "image: ghcr.io/org/app:v1 # {\\"$imagepolicy\\": \\"apps:podinfo\\"}"
  embedded: |
    image: ghcr.io/org/app:v1 # {"$imagepolicy": "apps:podinfo"}
...
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  template:
    spec:
      containers:
        - &main
          name: db
          image: &img ghcr.io/org/app:v1.0.0 # {"$imagepolicy": "apps:pinned"}
        - name: copy
          image: *img
`;

  it.each<[string, string, string, number]>([
    [
      'Deployment containers, comments above and below, extra spaces before #, compact JSON',
      deployment,
      edited(
        deployment,
        ['ghcr.io/org/app:v1.0.0', 'ghcr.io/org/app:v2.0.0'],
        ['nginx:1.25', 'docker.io/library/nginx:1.27.1-alpine'],
      ),
      2,
    ],
    [
      'CronJob: sequence items, odd indentation, single quotes kept',
      cronJob,
      edited(
        cronJob,
        ['- image: ghcr.io/org/app:v1.0.0', '- image: ghcr.io/org/app:v2.0.0'],
        ["'ghcr.io/org/app:v0.9'", "'ghcr.io/org/app:v2.0.0'"],
        ['- ghcr.io/org/app:v0.1', '- ghcr.io/org/app:v2.0.0'],
      ),
      3,
    ],
    [
      'Helm values: name and tag setters, a double-quoted tag that stays double-quoted',
      helmValues,
      edited(
        helmValues,
        ['ghcr.io/org/old', 'ghcr.io/org/app'],
        ['tag: v1.0.0', 'tag: v2.0.0'],
        ['"1.2"', '"1.10"'],
      ),
      3,
    ],
    [
      'kustomization.yaml images: newName, newTag and digest',
      kustomization,
      edited(
        kustomization,
        ['newName: ghcr.io/org/app #', 'newName: ghcr.io/org/app #'],
        ['newTag: v1.0.0', 'newTag: v2.0.0'],
        ['sha256:aaaa', DIGEST],
      ),
      2,
    ],
    [
      'multi-document: document markers, anchors and aliases kept, markers inside strings ignored',
      multiDoc,
      edited(multiDoc, ['&img ghcr.io/org/app:v1.0.0', `&img ghcr.io/org/app:v2.0.0@${DIGEST}`]),
      1,
    ],
  ])('%s', (_, source, expected, count) => {
    const result = apply(source);
    expect(result.problems).toEqual([]);
    expect(result.text).toBe(expected);
    expect(result.changes).toHaveLength(count);
  });

  it.each<[string, string, string]>([
    [
      'CRLF line endings',
      'a: 1\r\nimage: ghcr.io/org/app:v1 # {"$imagepolicy": "apps:podinfo"}\r\nb: 2\r\n',
      'v1 #',
    ],
    ['no trailing newline', 'image: ghcr.io/org/app:v1 # {"$imagepolicy": "apps:podinfo"}', 'v1 #'],
    [
      'blank lines and a trailing comment',
      '\n\nimage: ghcr.io/org/app:v1 # {"$imagepolicy": "apps:podinfo"}\n\n# end\n',
      'v1 #',
    ],
    [
      'whitespace inside the JSON',
      'image: ghcr.io/org/app:v1 # {  "$imagepolicy" :\t"apps:podinfo"  }\n',
      'v1 #',
    ],
    ['no space after #', 'image: ghcr.io/org/app:v1 #{"$imagepolicy": "apps:podinfo"}\n', 'v1 #'],
    ['tabs before #', 'image: ghcr.io/org/app:v1\t# {"$imagepolicy": "apps:podinfo"}\n', 'v1\t#'],
    [
      'deep nesting',
      'a:\n  b:\n    - c:\n        - - d:\n              image: ghcr.io/org/app:v1 # {"$imagepolicy": "apps:podinfo"}\n',
      'v1 #',
    ],
    ['a document that is one scalar', '--- ghcr.io/org/app:v1 # {"$imagepolicy": "apps:podinfo"}\n', 'v1 #'],
    ['a byte order mark', '\uFEFFimage: ghcr.io/org/app:v1 # {"$imagepolicy": "apps:podinfo"}\n', 'v1 #'],
  ])('keeps every other byte: %s', (_, source, old) => {
    const result = apply(source);
    expect(result.problems).toEqual([]);
    expect(result.text).toBe(
      edited(source, [`ghcr.io/org/app:${old}`, `ghcr.io/org/app:v2.0.0${old.slice(2)}`]),
    );
  });

  it.each<[string, string, string]>([
    [
      'a double-quoted image',
      'image: "ghcr.io/org/app:v1" # {"$imagepolicy": "apps:podinfo"}\n',
      '"ghcr.io/org/app:v2.0.0"',
    ],
    ['a single-quoted tag', 'tag: \'v1\' # {"$imagepolicy": "apps:podinfo:tag"}\n', "'v2.0.0'"],
    [
      'a plain tag that would read as a number',
      'tag: "1.9" # {"$imagepolicy": "apps:numeric:tag"}\n',
      '"1.10"',
    ],
    ['a plain tag turned float', 'tag: 1.9 # {"$imagepolicy": "apps:numeric:tag"}\n', '"1.10"'],
    [
      'a multi-line double-quoted scalar',
      'image: "ghcr.io/org/\n  app:v1" # {"$imagepolicy": "apps:podinfo"}\n',
      '"ghcr.io/org/app:v2.0.0"',
    ],
  ])('keeps the quote style: %s', (_, source, scalar) => {
    const result = apply(source);
    expect(result.problems).toEqual([]);
    const before = source.slice(source.indexOf(': ') + 2, source.lastIndexOf(' #'));
    const start = source.indexOf(before);
    expect(result.text).toBe(source.slice(0, start) + scalar + source.slice(start + before.length));
    expect(parseAllDocuments(result.text)[0]?.toJS()).toMatchObject({});
  });

  it('quotes a plain value after a tag property too, keeping the tag', () => {
    const source = 'tag: !!str 1.9 # {"$imagepolicy": "apps:numeric:tag"}\n';
    expect(apply(source).text).toBe('tag: !!str "1.10" # {"$imagepolicy": "apps:numeric:tag"}\n');
  });

  it('sets markers inside flow collections spread over lines, after a value or after its comma', () => {
    const source = `images: [
  ghcr.io/org/app:v1, # {"$imagepolicy": "apps:podinfo"}
  {name: app, tag: v1 # {"$imagepolicy": "apps:podinfo:tag"}
  },
  "nginx:1" # {"$imagepolicy": "flux-system:web"}
]
`;
    const result = apply(source);
    expect(result.problems).toEqual([]);
    expect(result.text).toBe(
      edited(
        source,
        ['ghcr.io/org/app:v1,', 'ghcr.io/org/app:v2.0.0,'],
        ['tag: v1 #', 'tag: v2.0.0 #'],
        ['"nginx:1"', '"docker.io/library/nginx:1.27.1-alpine"'],
      ),
    );
  });

  it('quotes a plain value inside a flow collection when the new one would not read back', () => {
    const result = applySetters(
      'tags: [\n  v1, # {"$imagepolicy": "apps:odd:tag"}\n]\n',
      'f.yaml',
      new Map([['apps:odd', { image: 'x', tag: 'a,b' }]]),
    );
    expect(result.text).toBe('tags: [\n  "a,b", # {"$imagepolicy": "apps:odd:tag"}\n]\n');
  });

  it('writes image, tag, name and digest forms from a policy with a digest', () => {
    const source = `whole: ghcr.io/org/app:v1 # {"$imagepolicy": "apps:pinned"}
tag: v1 # {"$imagepolicy": "apps:pinned:tag"}
name: ghcr.io/org/old # {"$imagepolicy": "apps:pinned:name"}
digest: "" # {"$imagepolicy": "apps:pinned:digest"}
`;
    const result = apply(source);
    expect(result.problems).toEqual([]);
    expect(result.text).toBe(`whole: ghcr.io/org/app:v2.0.0@${DIGEST} # {"$imagepolicy": "apps:pinned"}
tag: v2.0.0 # {"$imagepolicy": "apps:pinned:tag"}
name: ghcr.io/org/app # {"$imagepolicy": "apps:pinned:name"}
digest: "${DIGEST}" # {"$imagepolicy": "apps:pinned:digest"}
`);
    expect(result.changes.map((c) => [c.setter, c.oldValue, c.newValue])).toEqual([
      ['image', 'ghcr.io/org/app:v1', `ghcr.io/org/app:v2.0.0@${DIGEST}`],
      ['tag', 'v1', 'v2.0.0'],
      ['name', 'ghcr.io/org/old', 'ghcr.io/org/app'],
      ['digest', '', DIGEST],
    ]);
  });

  it('reports each change with its file, line, policy, object and values', () => {
    const source = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
spec:
  template:
    spec:
      containers:
        - image: ghcr.io/org/app:v1.0.0 # {"$imagepolicy": "apps:podinfo"}
---
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    spec:
      containers:
        - image: "nginx:1.25" # {"$imagepolicy": "flux-system:web"}
`;
    const result = apply(source, 'clusters/prod/web.yaml');
    expect(result.changes).toEqual<SetterChange[]>([
      {
        file: 'clusters/prod/web.yaml',
        line: 10,
        policy: 'apps:podinfo',
        setter: 'image',
        object: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'apps' },
        oldValue: 'ghcr.io/org/app:v1.0.0',
        newValue: 'ghcr.io/org/app:v2.0.0',
      },
      {
        file: 'clusters/prod/web.yaml',
        line: 19,
        policy: 'flux-system:web',
        setter: 'image',
        object: { apiVersion: 'batch/v1', kind: 'Job', name: 'once' },
        oldValue: 'nginx:1.25',
        newValue: 'docker.io/library/nginx:1.27.1-alpine',
      },
    ]);
    expect(result.changes.map((c) => describeObject(c.object))).toEqual(['Deployment apps/web', 'Job once']);
  });

  it('gives Helm values files an empty object id', () => {
    const result = apply('image:\n  tag: v1 # {"$imagepolicy": "apps:podinfo:tag"}\n', 'values.yaml');
    expect(result.changes).toMatchObject([{ object: {}, line: 2, oldValue: 'v1', newValue: 'v2.0.0' }]);
    expect(describeObject({})).toBeUndefined();
  });

  it.each<[string, string]>([
    ['the same image', 'image: ghcr.io/org/app:v2.0.0 # {"$imagepolicy": "apps:podinfo"}\n'],
    ['the same tag, quoted', 'tag: "1.10" # {"$imagepolicy": "apps:numeric:tag"}\n'],
    ['the same tag, plain and read as a float', 'tag: 1.10 # {"$imagepolicy": "apps:numeric:tag"}\n'],
    ['the same tag, single-quoted', 'tag: \'v2.0.0\' # {"$imagepolicy": "apps:podinfo:tag"}\n'],
  ])('changes nothing when the value is already %s', (_, source) => {
    const result = apply(source);
    expect(result).toEqual({ text: source, changes: [], problems: [] });
  });

  it.each<[string, string]>([
    ['a policy not given', 'image: ghcr.io/org/app:v1 # {"$imagepolicy": "other:podinfo"}\n'],
    ['a policy not given, on a mapping', 'spec: # {"$imagepolicy": "other:podinfo"}\n  a: 1\n'],
    ['a full-line comment', '# image: ghcr.io/org/app:v1 # {"$imagepolicy": "apps:podinfo"}\nimage: x\n'],
    ['an indented full-line comment', 'a:\n  # {"$imagepolicy": "apps:podinfo"}\n  image: x\n'],
    ['a comment mentioning the key in prose', 'image: x # set by $imagepolicy apps:podinfo\n'],
    ['the marker inside a quoted string', 'image: "x # {\\"$imagepolicy\\": \\"apps:podinfo\\"}"\n'],
    ['the marker inside a block scalar', 'data: |\n  image: x # {"$imagepolicy": "apps:podinfo"}\n'],
    ['no space before #, so no comment', 'image: x#{"$imagepolicy":"apps:podinfo"}\n'],
    ['no marker at all', 'image: ghcr.io/org/app:v1\n'],
  ])('leaves alone %s', (_, source) => {
    expect(apply(source)).toEqual({ text: source, changes: [], problems: [] });
  });
});

describe('applySetters reports what it cannot do and goes on', () => {
  const good = 'ok: ghcr.io/org/app:v1 # {"$imagepolicy": "apps:podinfo"}\n';

  it.each<[string, string, string]>([
    [
      'malformed JSON',
      'image: x # {"$imagepolicy": apps:podinfo}\n',
      'the $imagepolicy marker is not valid JSON: ',
    ],
    [
      'trailing text after the JSON',
      'image: x # {"$imagepolicy": "apps:podinfo"} pinned\n',
      'is not valid JSON',
    ],
    [
      'a non-string value',
      'image: x # {"$imagepolicy": 3}\n',
      'must be a JSON object with a string "$imagepolicy"',
    ],
    [
      'a name without a namespace',
      'image: x # {"$imagepolicy": "podinfo"}\n',
      'marker "podinfo" must be "namespace:name"',
    ],
    [
      'an unknown field',
      'image: x # {"$imagepolicy": "apps:podinfo:version"}\n',
      'marker "apps:podinfo:version" must be',
    ],
    ['too many parts', 'image: x # {"$imagepolicy": "apps:podinfo:tag:x"}\n', 'must be "namespace:name" or'],
    ['an empty namespace', 'image: x # {"$imagepolicy": ":podinfo"}\n', 'must be "namespace:name" or'],
    [
      'a mapping',
      'spec: # {"$imagepolicy": "apps:podinfo"}\n  image: x\n',
      'the marker for apps:podinfo is on a mapping',
    ],
    ['a sequence', 'containers: # {"$imagepolicy": "apps:podinfo"}\n  - image: x\n', 'is on a sequence, not'],
    [
      'a sequence item holding a mapping',
      'c:\n  - # {"$imagepolicy": "apps:podinfo"}\n    image: x\n',
      'is on a mapping',
    ],
    ['a flow sequence', 'args: [a, b] # {"$imagepolicy": "apps:podinfo"}\n', 'is on a flow sequence'],
    ['a flow mapping', 'image: {name: x} # {"$imagepolicy": "apps:podinfo"}\n', 'is on a flow mapping'],
    [
      'an alias',
      'a: &x v1\nimage: *x # {"$imagepolicy": "apps:podinfo"}\n',
      'is on the alias *x; put it on the anchored value',
    ],
    ['a key', '? ghcr.io/org/app:v1 # {"$imagepolicy": "apps:podinfo"}\n: v\n', 'is on a mapping key'],
    ['an empty value', 'image: # {"$imagepolicy": "apps:podinfo"}\nother: 1\n', 'is on an empty value'],
    ['a block scalar', 'image: | # {"$imagepolicy": "apps:podinfo"}\n  x\n', 'is on a block scalar'],
    [
      'a value on the next line',
      'image: # {"$imagepolicy": "apps:podinfo"}\n  ghcr.io/org/app:v1\n',
      'same line',
    ],
    [
      'a missing digest',
      'digest: x # {"$imagepolicy": "apps:podinfo:digest"}\n',
      'apps:podinfo has no digest',
    ],
  ])('%s', (_, bad, reason) => {
    const source = `first: 1\n${bad}${good}`;
    const result = apply(source, 'dir/file.yaml');
    expect(result.problems).toHaveLength(1);
    const line = 2 + bad.split('\n').findIndex((l) => l.includes('$imagepolicy'));
    expect(result.problems[0]).toMatchObject({ file: 'dir/file.yaml', line });
    expect(result.problems[0]?.message).toContain(reason);
    expect(result.text).toBe(edited(source, ['ok: ghcr.io/org/app:v1', 'ok: ghcr.io/org/app:v2.0.0']));
    expect(result.changes.map((c) => c.line)).toEqual([2 + bad.split('\n').length - 1]);
  });

  it.each<[string, string, number, string]>([
    [
      'an unclosed flow sequence',
      'a: 1\nb: [1, 2\nimage: x # {"$imagepolicy": "apps:podinfo"}\n',
      3,
      'not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    [
      'bad indentation',
      'a:\n  b: 1\n c: 2\nimage: x # {"$imagepolicy": "apps:podinfo"}\n',
      3,
      'not valid YAML: All mapping items must start at the same column',
    ],
    [
      'a duplicate key',
      'image: x # {"$imagepolicy": "apps:podinfo"}\nimage: y\n',
      2,
      'Map keys must be unique',
    ],
    [
      'an error in another document that mentions a marker',
      'image: x # {"$imagepolicy": "apps:podinfo"}\n---\na: b: c # {"$imagepolicy": "other:policy"}\n',
      3,
      'not valid YAML',
    ],
    [
      'an error in a document without markers, in a stream with directives (parsed whole)',
      '%YAML 1.2\n---\nimage: x # {"$imagepolicy": "apps:podinfo"}\n---\na: b: c\n',
      5,
      'not valid YAML',
    ],
  ])('returns a file that is not valid YAML unchanged, with one problem: %s', (_, source, line, reason) => {
    const result = apply(source, 'broken.yaml');
    expect(result.text).toBe(source);
    expect(result.changes).toEqual([]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ file: 'broken.yaml', line });
    expect(result.problems[0]?.message).toContain(reason);
  });

  it('formats a problem as file:line: message', () => {
    expect(formatSetterProblem({ file: 'a.yaml', line: 3, message: 'why' })).toBe('a.yaml:3: why');
  });
});

describe('hasSetterMarker', () => {
  it.each<[string, boolean]>([
    ['image: x # {"$imagepolicy": "a:b"}', true],
    ['# $imagepolicy', true],
    ['image: x # {"$policy": "a:b"}', false],
    ['', false],
  ])('%j is %s', (source, expected) => {
    expect(hasSetterMarker(source)).toBe(expected);
  });
});

describe('readMarker', () => {
  it.each<[string, ReturnType<typeof readMarker>]>([
    ['# {"$imagepolicy": "a:b"}', { ok: true, ref: { policy: 'a:b', setter: 'image' } }],
    ['#{"$imagepolicy":"a:b:tag"}', { ok: true, ref: { policy: 'a:b', setter: 'tag' } }],
    [
      '# { "$imagepolicy" : "a:b:name" , "other": "x" }',
      { ok: true, ref: { policy: 'a:b', setter: 'name' } },
    ],
    ['#   {"$imagepolicy": "a:b:digest"}  ', { ok: true, ref: { policy: 'a:b', setter: 'digest' } }],
    ['# see $imagepolicy', undefined],
    ['# {"other": "x"}', undefined],
  ])('%s', (comment, expected) => {
    expect(readMarker(comment)).toEqual(expected);
  });

  it.each(['toString', 'constructor', '__proto__', 'TAG', ''])('refuses the field %j', (field) => {
    expect(readMarker(`# {"$imagepolicy": "a:b:${field}"}`)).toMatchObject({ ok: false });
  });
});

describe('setterValue', () => {
  const plain: PolicyValue = { image: 'ghcr.io/org/app', tag: 'v1' };
  const pinned: PolicyValue = { ...plain, digest: DIGEST };
  it.each<[PolicyValue, Parameters<typeof setterValue>[1], string | undefined]>([
    [plain, 'image', 'ghcr.io/org/app:v1'],
    [plain, 'tag', 'v1'],
    [plain, 'name', 'ghcr.io/org/app'],
    [plain, 'digest', undefined],
    [pinned, 'image', `ghcr.io/org/app:v1@${DIGEST}`],
    [pinned, 'tag', 'v1'],
    [pinned, 'name', 'ghcr.io/org/app'],
    [pinned, 'digest', DIGEST],
  ])('%j %s', (policy, setter, expected) => {
    expect(setterValue(policy, setter)).toBe(expected);
  });
});

describe('renderScalar', () => {
  it.each<[string, Parameters<typeof renderScalar>[1], boolean, string]>([
    ['ghcr.io/org/app:v1', 'plain', false, 'ghcr.io/org/app:v1'],
    ['v1.2.3-rc.1+build.5', 'plain', false, 'v1.2.3-rc.1+build.5'],
    [`app@${DIGEST}`, 'plain', false, `app@${DIGEST}`],
    ['1.10', 'plain', false, '"1.10"'],
    ['10', 'plain', false, '"10"'],
    ['1e3', 'plain', false, '"1e3"'],
    ['0x1F', 'plain', false, '"0x1F"'],
    ['true', 'plain', false, '"true"'],
    ['on', 'plain', false, '"on"'],
    ['yes', 'plain', false, '"yes"'],
    ['1_000', 'plain', false, '"1_000"'],
    ['1:20', 'plain', false, '"1:20"'],
    ['2024-01-02', 'plain', false, '"2024-01-02"'],
    ['null', 'plain', false, '"null"'],
    ['~', 'plain', false, '"~"'],
    ['', 'plain', false, '""'],
    ['a: b', 'plain', false, '"a: b"'],
    ['a #b', 'plain', false, '"a #b"'],
    ['-', 'plain', false, '"-"'],
    ['*x', 'plain', false, '"*x"'],
    [' lead', 'plain', false, '" lead"'],
    ['a,b', 'plain', false, 'a,b'],
    ['a,b', 'plain', true, '"a,b"'],
    ['[x]', 'plain', false, '"[x]"'],
    ['two\nlines', 'plain', false, '"two\\nlines"'],
    ['v1', 'single', false, "'v1'"],
    ["it's", 'single', false, "'it''s'"],
    ['1.10', 'single', false, "'1.10'"],
    ['tab\there', 'single', false, "'tab\there'"],
    ['two\nlines', 'single', false, '"two\\nlines"'],
    ['v1', 'double', false, '"v1"'],
    ['say "hi" \\ bye', 'double', false, '"say \\"hi\\" \\\\ bye"'],
    ['del\u007f c1\u0085\u0090', 'double', false, '"del\\u007f c1\u0085\\u0090"'],
    ['café ✓ 😀', 'double', false, '"café ✓ 😀"'],
  ])('%j as %s (flow %s) is %s', (value, style, flow, expected) => {
    const text = renderScalar(value, style, flow);
    expect(text).toBe(expected);
    // Whatever the spelling, it reads back as the same string in its position.
    const doc = flow ? `[${text} # c\n]` : `k: ${text} # c\n`;
    const parsed = parseAllDocuments(doc)[0]?.toJS() as unknown;
    expect(flow ? parsed : (parsed as { k: unknown }).k).toEqual(flow ? [value] : value);
  });
});

describe('applySetters on a large file', () => {
  // No timing assertion; this guards against work that grows faster than the file (a parse per marker, say).
  it('rewrites 1,000 markers in a 5 MB multi-document file, byte for byte as a whole parse does', {
    timeout: 60_000,
  }, () => {
    const docs: string[] = [];
    const expected: string[] = [];
    const many = new Map<string, PolicyValue>();
    for (let i = 0; i < 1000; i++) {
      many.set(`apps:p${i}`, { image: `ghcr.io/org/app-${i}`, tag: `v${i}.1.0` });
      let env = '';
      for (let j = 0; j < 50; j++) {
        env += `            - name: SETTING_${j}\n              value: "value number ${j} of deployment ${i}, padded"\n`;
      }
      const doc = (tag: string) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\n  namespace: apps\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/org/app-${i}:${tag} # {"$imagepolicy": "apps:p${i}"}\n          env:\n${env}`;
      docs.push(doc('v0.0.1'));
      expected.push(doc(`v${i}.1.0`));
    }
    const source = docs.join('---\n');
    expect(source.length).toBeGreaterThan(5_000_000);
    const result = applySetters(source, 'big.yaml', many);
    expect(result.problems).toEqual([]);
    expect(result.changes).toHaveLength(1000);
    expect(result.changes[999]).toMatchObject({
      object: { name: 'app-999' },
      newValue: 'ghcr.io/org/app-999:v999.1.0',
      line: 999 * 113 + 11,
    });
    expect(result.text === expected.join('---\n')).toBe(true);
    const whole = applySettersWhole(source, 'big.yaml', many);
    expect(result.text === whole.text).toBe(true);
    expect(result.changes).toEqual(whole.changes);
  });

  it('sets 3 marked documents among 2,000, with whole-file lines and objects', () => {
    const docs: string[] = [];
    const expected: string[] = [];
    const lines: number[] = [];
    let line = 1;
    for (let i = 0; i < 2000; i++) {
      const marked = i === 0 || i === 1234 || i === 1999;
      const doc = (tag: string) =>
        `apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-${i}\n  labels: {app: "pod-${i}"}\nspec:\n  containers:\n    - name: main\n      image: ghcr.io/org/app:${tag}${marked ? ' # {"$imagepolicy": "apps:podinfo"}' : ''}\n      args: ["--port", "80${i % 10}"]\n`;
      if (marked) lines.push(line + 8);
      docs.push(doc('v1'));
      expected.push(marked ? doc('v2.0.0') : doc('v1'));
      line += 11;
    }
    const source = docs.join('---\n');
    const result = apply(source, 'pods.yaml');
    expect(result.problems).toEqual([]);
    expect(result.text === expected.join('---\n')).toBe(true);
    expect(result.changes.map((c) => [c.line, c.object.name])).toEqual([
      [lines[0], 'pod-0'],
      [lines[1], 'pod-1234'],
      [lines[2], 'pod-1999'],
    ]);
    expect(source.split('\n')[(lines[1] ?? 0) - 1]).toContain('$imagepolicy');
    expect(result).toEqual(applySettersWhole(source, 'pods.yaml', policies));
  });
});

describe('applySetters parses only the documents that hold markers', () => {
  const marker = (policy = 'apps:podinfo') => ` # {"$imagepolicy": "${policy}"}`;
  const v1 = `ghcr.io/org/app:v1${marker()}`;
  const v2 = `ghcr.io/org/app:v2.0.0${marker()}`;

  it.each<[string, string, string[] | 'parsed whole']>([
    ['one document', 'a: 1\nb: 2\n', ['a: 1\nb: 2\n']],
    [
      '--- followed by a line end, a space, a tab, a comment, content or the end',
      'a\n---\nb\n--- c\n---\t# d\n---\r\ne\n---',
      ['a\n', '---\nb\n', '--- c\n', '---\t# d\n', '---\r\ne\n', '---'],
    ],
    ['--- at the very start', '---\na\n---\nb\n', ['---\na\n', '---\nb\n']],
    [
      'lines that are not document starts',
      '----\n---x\n --- a\n\t---\n-- -\n',
      ['----\n---x\n --- a\n\t---\n-- -\n'],
    ],
    ['... does not cut', 'a\n...\nb\n...\n', ['a\n...\nb\n...\n']],
    ['a %YAML directive', '%YAML 1.2\n---\na\n', 'parsed whole'],
    ['a %TAG directive after ...', 'a\n...\n%TAG !e! tag:e.com,2000:\n--- !e!x\nb\n', 'parsed whole'],
    ['a directive after a byte order mark', '\uFEFF%YAML 1.2\n---\na\n', 'parsed whole'],
  ])('splitStream: %s', (_, source, parts) => {
    const split = splitStream(source);
    expect(split?.map((part) => source.slice(part.start, part.end)) ?? 'parsed whole').toEqual(parts);
  });

  it.each<[string, string]>([
    ['a marker on the --- line of a scalar document', `a: 1\n--- ${v1}\n---\nb: 2\n`],
    ['a marker on the last line before ---', `a: 1\nimage: ${v1}\n---\nb: 2\n`],
    ['a marker on the first line after ---', `a: 1\n---\nimage: ${v1}\nb: 2\n`],
    ['a marker before ... and one after it', `image: ${v1}\n...\n---\nimage: ${v1}\n...\n`],
    ['a marker in the last document, no final line break', `a: 1\n---\nimage: ${v1}`],
    ['a marker in a bare document after ...', `a: 1\n...\nimage: ${v1}\n---\nb: 2\n`],
    ['--- inside an indented block scalar', `a: |\n  ---\n  image: x\n---\nimage: ${v1}\n`],
    ['--- ending a block scalar at column 0', `--- |\ntext at column 0\n---\nimage: ${v1}\n`],
    ['--- inside an indented quoted string', `a: "x\n  ---\n  y"\nimage: ${v1}\n---\nimage: ${v1}\n`],
    ['--- inside a quoted string, not at a line start', `a: "--- x ---"\n---\nimage: ${v1}\n`],
    ['CRLF line ends', `a: 1\r\n---\r\nimage: ${v1}\r\n---\r\nb: 2\r\n`],
    ['a byte order mark', `\uFEFF---\nimage: ${v1}\n---\nimage: ${v1}\n`],
    ['comments between documents', `# head\n---\nimage: ${v1}\n# tail\n---\n# only a comment\n`],
  ])('sets what a whole parse sets: %s', (_, source) => {
    const result = apply(source);
    expect(result.problems).toEqual([]);
    expect(result.text).toBe(source.replaceAll(v1, v2));
    expect(result).toEqual(applySettersWhole(source, 'apps/web.yaml', policies));
  });

  it('reads a stream with directives whole, tag handles and all', () => {
    const source = `%TAG !e! tag:example.com,2000:\n--- !e!thing\nimage: ${v1}\n...\n%YAML 1.2\n---\nb: !!str 2\n`;
    const result = apply(source);
    expect(result.problems).toEqual([]);
    expect(result.text).toBe(source.replace(v1, v2));
    expect(result.changes.map((c) => c.line)).toEqual([3]);
  });

  it('ends a quoted string at a --- line at column 0, like YAML 1.2 and the yaml package', () => {
    // The yaml package reads the --- as the next document's start and reports the string as broken.
    const unmarked = `a: "x\n---\ny"\n---\nimage: ${v1}\n`;
    expect(apply(unmarked).text).toBe(unmarked.replace(v1, v2));
    expect(applySettersWhole(unmarked, 'f', policies).problems[0]?.message).toContain('not valid YAML');
    const marked = `image: ${v1}\na: "x\n---\ny"\n`;
    expect(apply(marked)).toMatchObject({ text: marked, changes: [], problems: [{ line: 2 }] });
    expect(apply(marked).problems[0]?.message).toContain('not valid YAML: Missing closing "quote');
    expect(applySettersWhole(marked, 'f', policies).problems).toMatchObject([{ line: 2 }]);
  });

  it.each<[string, string, number]>([
    ['a syntax error', `a: b: c\n---\nimage: ${v1}\n`, 1],
    ['a duplicate key', `image: ${v1}\n---\nk: 1\nk: 2\n`, 1],
    [
      'an error line before --- (the yaml package would join the next document to it)',
      `]\n---\nimage: ${v1}\n`,
      1,
    ],
    [
      'a quote never closed (the yaml package would read the rest of the file into it)',
      `a: "x\n---\nimage: ${v1}\n`,
      1,
    ],
  ])('skips a document without markers that is not valid YAML: %s', (_, source, changes) => {
    const result = apply(source);
    expect(result.problems).toEqual([]);
    expect(result.changes).toHaveLength(changes);
    expect(result.text).toBe(source.replace(v1, v2));
    expect(applySettersWhole(source, 'f', policies)).toMatchObject({ text: source, changes: [] });
  });

  it('agrees with a whole parse on generated streams', () => {
    const fragments = [
      `image: ${v1}\n`,
      `tag: "v1"${marker('apps:numeric:tag')}\n`,
      `list:\n  - a\n  - ghcr.io/org/app:v1${marker()}\n`,
      `s: "two\n  lines"${marker()}\n`,
      `s: 'multi\n---\nline'\n`,
      `b: |\n  ---\n  text${marker()}\n`,
      `--- |\nfoo\n`,
      `--- >+\nfoo\n\n`,
      `f: [a,\n  ghcr.io/org/app:v1,${marker()}\n  b]\n`,
      `f: [a,\n---\nb]\n`,
      '---\n',
      '--- \n',
      `---\t# c${marker()}\n`,
      `--- ${v1}\n`,
      '---x\n',
      ' ---\n',
      '...\n',
      `... # end${marker()}\n`,
      `# comment${marker()}\n`,
      '\n',
      `k: plain\n  more${marker()}\n`,
      `k: &a ghcr.io/org/app:v1${marker()}\nl: *a${marker()}\n`,
      `? key${marker()}\n: v\n`,
      `x: !!str 1.9${marker('apps:numeric:tag')}\n`,
      '- - a\n',
      `k:\n- a\n- ghcr.io/org/app:v1${marker()}\n`,
      `[a,\nb]${marker()}\n`,
      'a: b: c\n',
      'dup: 1\ndup: 2\n',
      ']\n',
      '...\n\uFEFF---\n',
    ];
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    const tally = { valid: 0, changed: 0, skipped: 0 };
    for (let round = 0; round < 1500; round++) {
      let source = '';
      for (let i = next(8); i >= 0; i--) source += fragments[next(fragments.length)];
      if (next(5) === 0) source = source.replaceAll('\n', '\r\n');
      if (next(10) === 0) source = `\uFEFF${source}`;
      const split = apply(source);
      const whole = applySettersWhole(source, 'apps/web.yaml', policies);
      const invalid = (r: SetterResult) => r.problems.some((p) => p.message.startsWith('not valid YAML'));
      if (!invalid(whole)) {
        tally.valid++;
        if (whole.changes.length > 0) tally.changed++;
        expect(split, JSON.stringify(source)).toEqual(whole);
      } else if (!invalid(split)) {
        // The broken documents hold no marker; the split sets the others.
        tally.skipped++;
      } else {
        // What the split finds broken, the whole parse finds broken too; nothing changes.
        expect(split.text).toBe(source);
      }
    }
    expect(tally.valid).toBeGreaterThan(300);
    expect(tally.changed).toBeGreaterThan(200);
    expect(tally.skipped).toBeGreaterThan(50);
  });
});
