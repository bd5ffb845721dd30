/**
 * The bad-input corpus: one directory per case under `cases/<class>/<case>`, each a small repository tree plus
 * a `case.yaml` saying how it must be refused. The unit test runs every case through the agent's buildSync
 * (./run.ts); the integration test runs a subset through the real agent. This module loads and materialises
 * cases and places them in a Sync; it renders nothing itself. See README.md for the format.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, posix, resolve } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse } from 'yaml';
import type { Reason } from '../../src/core/types.js';
import { Reasons } from '../../src/core/types.js';

/** Where the corpus lives. */
export const CORPUS_ROOT = resolve(import.meta.dirname);
const CASES_DIR = join(CORPUS_ROOT, 'cases');
const CONTROLS_DIR = join(CORPUS_ROOT, 'controls');

/**
 * Planted in the Secret-like content of every case (data values, tokens, passwords). No error message may
 * ever contain it: a status condition, an event or a notification is readable by more people than the Secret.
 */
export const CANARY = 'steward-canary-3f9c1e7a';

/** Placeholder in `spec` overrides for the namespace of the tenant running the case. */
export const TENANT_PLACEHOLDER = '{{tenant}}';

const LIMIT_NAMES = ['maxFileBytes', 'maxOutputBytes', 'maxObjects'] as const;
/** Render limits a generated file may be sized against, so a case keeps working when a default changes. */
export type SizeLimits = Record<(typeof LIMIT_NAMES)[number], number>;

/** A count: a number, or a limit name plus or minus an offset (`maxFileBytes+1`). */
const Count = Type.Union([
  Type.Integer({ minimum: 0 }),
  Type.String({ pattern: `^(${LIMIT_NAMES.join('|')})([+-][0-9]+)?$` }),
]);

const Part = Type.Object(
  {
    /** `{{i}}` becomes the repetition index, `{{n}}` the copy number. */
    text: Type.String(),
    repeat: Type.Optional(Count),
  },
  { additionalProperties: false },
);

const GeneratedFile = Type.Object(
  {
    /** `{{n}}` becomes the copy number. */
    path: Type.String({ minLength: 1 }),
    parts: Type.Optional(Type.Array(Part)),
    /** Exact bytes, for content a text file in git should not carry (NUL, invalid UTF-8). */
    base64: Type.Optional(Type.String()),
    copies: Type.Optional(Type.Integer({ minimum: 1, maximum: 16 })),
  },
  { additionalProperties: false },
);

const Symlink = Type.Object(
  { path: Type.String({ minLength: 1 }), target: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

const Setup = Type.Object(
  {
    symlinks: Type.Optional(Type.Array(Symlink)),
    files: Type.Optional(Type.Array(GeneratedFile)),
  },
  { additionalProperties: false },
);

type ReasonKey = keyof typeof Reasons;
const REASON_KEYS = Object.keys(Reasons) as ReasonKey[];

const Expectation = Type.Object(
  {
    reason: Type.Union(REASON_KEYS.map((k) => Type.Literal(k))),
    /** A file (relative to the case directory) or renderer (`kustomize build .`) the message must name. */
    file: Type.Optional(Type.String({ minLength: 1 })),
    /** For spec errors: the field the message must name, e.g. `spec.interval`. */
    field: Type.Optional(Type.String({ minLength: 1 })),
    /** A substring, or `/regex/flags`. */
    message: Type.String({ minLength: 1 }),
    /** Bad input is deterministic: it must stall (terminal), not retry. */
    retry: Type.Optional(Type.Union([Type.Literal('terminal'), Type.Literal('transient')])),
  },
  { additionalProperties: false },
);

const E2E = Type.Object(
  {
    /** Apply a good revision first, then switch to this case, and check the object is left alone. */
    precreate: Type.Optional(Type.Boolean()),
    /** What differs end to end (the checkout drops escaping symlinks before the render sees them). */
    expect: Type.Optional(Type.Partial(Expectation)),
    /** A weakness that shows only end to end; the end-to-end test expects the case to fail. */
    gap: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

const CaseFile = Type.Object(
  {
    description: Type.String({ minLength: 1 }),
    /** The Sync's path inside the case directory. */
    path: Type.Optional(Type.String()),
    /** Refused by the tenancy boundary (objects in other namespaces, cluster-scoped kinds). */
    tenancy: Type.Optional(Type.Boolean()),
    /** Runs as a platform Sync (no tenancy boundary; targetNamespace rewrites every namespace). Unit only. */
    platform: Type.Optional(Type.Boolean()),
    /** Sync spec overrides; null removes a key, `{{tenant}}` is the tenant namespace. */
    spec: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    setup: Type.Optional(Setup),
    expect: Expectation,
    /** A known weakness of src/: the case is not refused (or not well) today. The tests expect it to fail. */
    gap: Type.Optional(Type.String({ minLength: 1 })),
    /** Part of the end-to-end subset. */
    e2e: Type.Optional(Type.Union([Type.Boolean(), E2E])),
  },
  { additionalProperties: false },
);

const ControlFile = Type.Object(
  {
    description: Type.String({ minLength: 1 }),
    path: Type.Optional(Type.String()),
    spec: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    /** A known weakness of src/ that makes this good tree fail; the tests expect it to. */
    gap: Type.Optional(Type.String({ minLength: 1 })),
    /** Objects the render must plan, as `Kind/namespace/name` with `{{tenant}}` for the tenant namespace. */
    objects: Type.Array(Type.String()),
    /** Values the planned objects must hold: `path` is dotted, with numbers for list items. */
    fields: Type.Optional(
      Type.Array(
        Type.Object(
          { object: Type.String(), path: Type.String(), equals: Type.Unknown() },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

export type Expectation = Static<typeof Expectation>;
type CaseFileData = Static<typeof CaseFile>;
type SetupData = Static<typeof Setup>;

/** One bad input and how it must be refused. */
export interface CorpusCase {
  /** `<class>/<case>`, also its directory under cases/. */
  id: string;
  class: string;
  name: string;
  dir: string;
  description: string;
  /** The Sync's path inside the case directory, `./` by default. */
  path: string;
  tenancy: boolean;
  platform: boolean;
  spec: Readonly<Record<string, unknown>>;
  setup: SetupData;
  expect: Expectation;
  gap?: string;
  e2e: false | Static<typeof E2E>;
}

/** A good tree the same harness must accept, so that a refusal means the case, not a broken harness. */
export interface ControlCase {
  id: string;
  dir: string;
  description: string;
  path: string;
  spec: Readonly<Record<string, unknown>>;
  objects: string[];
  fields: { object: string; path: string; equals: unknown }[];
  gap?: string;
}

function readYaml(file: string): unknown {
  return parse(readFileSync(file, 'utf8'), { uniqueKeys: true });
}

function check<T>(schema: Parameters<typeof Value.Check>[0], value: unknown, file: string): T {
  if (Value.Check(schema, value)) return value as T;
  const first = [...Value.Errors(schema, value)].slice(0, 3);
  const why = first.map((e) => `${e.path || '/'}: ${e.message}`).join('; ');
  throw new Error(`${file}: ${why}`);
}

function subdirs(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => statSync(join(dir, n)).isDirectory())
    .sort();
}

/** Every case, sorted by id. Synchronous, so test files can build their `it.each` tables at collection time. */
export function loadCorpus(): CorpusCase[] {
  const out: CorpusCase[] = [];
  for (const cls of subdirs(CASES_DIR)) {
    for (const name of subdirs(join(CASES_DIR, cls))) {
      const dir = join(CASES_DIR, cls, name);
      const file = join(dir, 'case.yaml');
      const data = check<CaseFileData>(CaseFile, readYaml(file), `${cls}/${name}/case.yaml`);
      out.push({
        id: `${cls}/${name}`,
        class: cls,
        name,
        dir,
        description: data.description,
        path: data.path ?? './',
        tenancy: data.tenancy === true,
        platform: data.platform === true,
        spec: data.spec ?? {},
        setup: data.setup ?? {},
        expect: data.expect,
        ...(data.gap ? { gap: data.gap } : {}),
        e2e: data.e2e === true ? {} : (data.e2e ?? false),
      });
    }
  }
  return out;
}

/** Every control tree, sorted by id. */
export function loadControls(): ControlCase[] {
  return subdirs(CONTROLS_DIR).map((name) => {
    const dir = join(CONTROLS_DIR, name);
    const data = check<Static<typeof ControlFile>>(
      ControlFile,
      readYaml(join(dir, 'case.yaml')),
      `controls/${name}/case.yaml`,
    );
    return {
      id: name,
      dir,
      description: data.description,
      path: data.path ?? './',
      spec: data.spec ?? {},
      objects: data.objects,
      fields: data.fields ?? [],
      ...(data.gap ? { gap: data.gap } : {}),
    };
  });
}

/** The Reason value a case expects. */
export function expectedReason(e: Pick<Expectation, 'reason'>): Reason {
  return Reasons[e.reason];
}

function count(c: Static<typeof Count> | undefined, limits: SizeLimits): number {
  if (c === undefined) return 1;
  if (typeof c === 'number') return c;
  const m = /^([A-Za-z]+)([+-][0-9]+)?$/.exec(c);
  const base = limits[(m?.[1] ?? '') as keyof SizeLimits];
  return base + Number(m?.[2] ?? 0);
}

function generate(file: Static<typeof GeneratedFile>, copy: number, limits: SizeLimits): Buffer {
  if (file.base64 !== undefined) return Buffer.from(file.base64, 'base64');
  const chunks: string[] = [];
  for (const part of file.parts ?? []) {
    const n = count(part.repeat, limits);
    const text = part.text.replaceAll('{{n}}', String(copy));
    if (!text.includes('{{i}}')) chunks.push(text.repeat(n));
    else for (let i = 0; i < n; i++) chunks.push(text.replaceAll('{{i}}', String(i)));
  }
  return Buffer.from(chunks.join(''));
}

/**
 * Writes the case's tree into `dest` (which must not exist), then its generated files and symlinks: git and
 * directories do not carry symlinks well, and giant files are not committed.
 */
export async function materialize(c: CorpusCase, dest: string, limits: SizeLimits): Promise<void> {
  await cp(c.dir, dest, {
    recursive: true,
    filter: (src) => src !== join(c.dir, 'case.yaml'),
  });
  for (const file of c.setup.files ?? []) {
    for (let n = 1; n <= (file.copies ?? 1); n++) {
      const target = join(dest, file.path.replaceAll('{{n}}', String(n)));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, generate(file, n, limits));
    }
  }
  for (const link of c.setup.symlinks ?? []) {
    const at = join(dest, link.path);
    await mkdir(dirname(at), { recursive: true });
    await symlink(link.target, at);
  }
}

/** Copies a control tree into `dest`. */
export async function materializeControl(c: ControlCase, dest: string): Promise<void> {
  await cp(c.dir, dest, { recursive: true, filter: (src) => src !== join(c.dir, 'case.yaml') });
}

/** Whether `text` holds the canary: cases must plant it (in their files, generated files or spec). */
export function plantsCanary(c: CorpusCase): boolean {
  const inSpec = JSON.stringify(c.spec).includes(CANARY);
  const inSetup = (c.setup.files ?? []).some(
    (f) =>
      (f.parts ?? []).some((p) => p.text.includes(CANARY)) ||
      (f.base64 !== undefined && Buffer.from(f.base64, 'base64').includes(CANARY)),
  );
  return inSpec || inSetup || treeContains(c.dir, CANARY);
}

function treeContains(dir: string, needle: string): boolean {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && treeContains(path, needle)) return true;
    if (entry.isFile() && entry.name !== 'case.yaml' && readFileSync(path, 'utf8').includes(needle))
      return true;
  }
  return false;
}

/** Where a case runs: the Sync's name and namespace, its source, and the case's directory in the repository. */
export interface Placement {
  name: string;
  namespace: string;
  sourceName: string;
  serviceAccountName: string;
  /** The case directory relative to the repository root; '' when the case is the root. */
  prefix: string;
}

/** `./a/b` for a path below the repository root, `./` for the root itself. */
function repoPath(prefix: string, path: string): string {
  const joined = posix.join(prefix === '' ? '.' : prefix, path);
  return joined === '.' ? './' : `./${joined}`;
}

/** Whether the case sets the Sync's path verbatim (a spec case), rather than a path inside its directory. */
function pathIsVerbatim(c: CorpusCase | ControlCase): boolean {
  return Object.hasOwn(c.spec, 'path');
}

/**
 * The Sync a case runs as: a tenant Sync (its own service account, no targetNamespace: objects that name no
 * namespace land in the tenant's) with the case's overrides.
 */
export function syncFor(c: CorpusCase | ControlCase, at: Placement): Record<string, unknown> {
  const spec: Record<string, unknown> = {
    sourceRef: { kind: 'GitRepository', name: at.sourceName },
    path: repoPath(at.prefix, c.path),
    interval: '10m',
    timeout: '30s',
    prune: true,
    serviceAccountName: at.serviceAccountName,
  };
  for (const [key, value] of Object.entries(c.spec)) {
    if (value === null) delete spec[key];
    else spec[key] = value === TENANT_PLACEHOLDER ? at.namespace : value;
  }
  return {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name: at.name, namespace: at.namespace },
    spec,
  };
}

/** The expectation of a case where it runs: the file named as the message will name it there. */
export function expectationAt(c: CorpusCase, prefix: string, e2e = false): Expectation {
  const override = e2e && c.e2e !== false ? (c.e2e.expect ?? {}) : {};
  const merged: Expectation = { ...c.expect, ...override };
  if (merged.file === undefined || pathIsVerbatim(c) || override.file !== undefined) return merged;
  return { ...merged, file: fileAt(merged.file, prefix) };
}

function fileAt(file: string, prefix: string): string {
  const renderer = 'kustomize build ';
  if (!file.startsWith(renderer)) return prefix === '' ? file : posix.join(prefix, file);
  const joined = posix.join(prefix === '' ? '.' : prefix, file.slice(renderer.length));
  return `${renderer}${joined === '.' ? '.' : `./${joined}`}`;
}

/** The value at a dotted `path` (`spec.volumes.0.name`) of `obj`, or undefined. */
export function valueAt(obj: unknown, path: string): unknown {
  let node = obj;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Whether `message` matches an expectation's `message`: a substring, or `/regex/flags`. */
export function messageMatches(message: string, expected: string): boolean {
  const re = /^\/(.*)\/([a-z]*)$/s.exec(expected);
  if (!re) return message.includes(expected);
  return new RegExp(re[1] ?? '', re[2] ?? '').test(message);
}
