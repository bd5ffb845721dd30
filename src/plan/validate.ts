/**
 * Checks the API server would make anyway, made before anything is applied: a bad name in the last document
 * should fail the whole revision up front, not after half of it has been applied.
 */
import { refString } from '../core/types.js';
import { describeSource, validationFailed } from './errors.js';
import {
  checkConfigMapKey,
  checkDns1123Label,
  checkLabelValue,
  checkObjectName,
  checkQualifiedName,
  splitApiVersion,
} from './names.js';
import type { SourcedManifest } from './parse.js';

/** The API server's limit on the total size of an object's annotations. */
const MAX_ANNOTATIONS_BYTES = 256 * 1024;
/** Enough problems to fix in one go without flooding a status condition. */
const MAX_REPORTED = 10;

interface Problem {
  subject: string;
  message: string;
}

/**
 * Throws a terminal ValidationFailed error listing every problem found (up to ten): invalid names, namespaces,
 * label and annotation keys or values, duplicate objects, and SOPS-encrypted objects.
 */
export function validateManifests(items: readonly SourcedManifest[]): void {
  const problems = items.flatMap(objectProblems).concat(duplicateProblems(items));
  const first = problems[0];
  if (!first) return;
  const shown = problems.slice(0, MAX_REPORTED).map((p) => p.message);
  const more = problems.length > MAX_REPORTED ? `; and ${problems.length - MAX_REPORTED} more` : '';
  throw validationFailed(shown.join('; ') + more, first.subject);
}

function label(item: SourcedManifest): string {
  const m = item.manifest.metadata;
  return refString({ kind: item.manifest.kind, namespace: m.namespace ?? '', name: m.name });
}

function objectProblems(item: SourcedManifest): Problem[] {
  const { manifest } = item;
  const ref = label(item);
  const where = `${describeSource(item.source)}: ${ref}`;
  const problems: Problem[] = [];
  const add = (message: string) => problems.push({ subject: ref, message: `${where}: ${message}` });

  if (manifest.sops !== undefined) {
    add(
      `SOPS-encrypted ${manifest.kind} cannot be applied without decryption, which Steward does not support yet`,
    );
  } else {
    const cipher = sopsCiphertextAt(manifest);
    if (cipher !== undefined) {
      add(
        `${cipher} holds SOPS ciphertext (ENC[...]) but the object has no sops metadata: it cannot be decrypted, and applying it would put the ciphertext in place of the value`,
      );
    }
  }
  const { group } = splitApiVersion(manifest.apiVersion);
  const badName = checkObjectName(group, manifest.kind, manifest.metadata.name);
  if (badName) add(`metadata.name ${badName}`);
  const ns = manifest.metadata.namespace;
  if (ns !== undefined && ns !== '') {
    const badNs = checkDns1123Label(ns);
    if (badNs) add(`metadata.namespace ${badNs}`);
  }
  checkStringMap(manifest.metadata.labels, 'label', add, (key, value) => {
    const badKey = checkQualifiedName(key);
    if (badKey) return `label key "${key}": ${badKey}`;
    const badValue = checkLabelValue(value);
    return badValue ? `label "${key}" value "${value}" ${badValue}` : undefined;
  });
  let annotationBytes = 0;
  checkStringMap(manifest.metadata.annotations, 'annotation', add, (key, value) => {
    annotationBytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    const badKey = checkQualifiedName(key);
    return badKey ? `annotation key "${key}": ${badKey}` : undefined;
  });
  if (annotationBytes > MAX_ANNOTATIONS_BYTES) {
    add(
      `annotations total ${annotationBytes} bytes, more than the ${MAX_ANNOTATIONS_BYTES} the API server accepts`,
    );
  }
  if (group === '' && (manifest.kind === 'ConfigMap' || manifest.kind === 'Secret')) {
    const fields = manifest.kind === 'ConfigMap' ? ['data', 'binaryData'] : ['data', 'stringData'];
    for (const field of fields) {
      checkDataStrings(manifest[field], field, add);
      checkDataKeys(manifest[field], field, add);
    }
  }
  return problems;
}

/** A substituted `${PORT}` or an unquoted `true` in ConfigMap data parses as a number or boolean. */
function checkDataStrings(data: unknown, field: string, add: (message: string) => void): void {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return;
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string' && value !== null) {
      add(`${field}.${key} must be a string, got ${typeof value}; quote it in YAML`);
    }
  }
}

/** The API server refuses these keys, so a bad one would fail the apply halfway through the revision. */
function checkDataKeys(data: unknown, field: string, add: (message: string) => void): void {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return;
  for (const key of Object.keys(data)) {
    const bad = checkConfigMapKey(key);
    if (bad) add(`${field} key ${JSON.stringify(key)} ${bad}`);
  }
}

/** How SOPS writes an encrypted value: `ENC[AES256_GCM,data:...,iv:...,tag:...,type:str]`. */
const SOPS_VALUE = /^ENC\[[A-Z0-9_]+,data:/;

/**
 * The path of the first value that is SOPS ciphertext, in an object whose `sops` metadata was stripped (or
 * never committed). Iterative: the parser has bounded the depth, not the stack a recursion would need.
 */
function sopsCiphertextAt(manifest: Record<string, unknown>): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value: manifest, path: '' }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { value, path } = top;
    if (typeof value === 'string') {
      if (SOPS_VALUE.test(value)) return path;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: `${path}[${i}]` });
    } else if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] ?? ['', undefined];
        stack.push({ value: child, path: path === '' ? key : `${path}.${key}` });
      }
    }
  }
  return undefined;
}

function checkStringMap(
  map: unknown,
  what: 'label' | 'annotation',
  add: (message: string) => void,
  check: (key: string, value: string) => string | undefined,
): void {
  if (map === undefined || map === null) return;
  if (typeof map !== 'object' || Array.isArray(map)) {
    add(`metadata.${what}s must be a mapping of strings`);
    return;
  }
  for (const [key, value] of Object.entries(map)) {
    if (typeof value !== 'string') {
      // The usual cause is an unquoted `true` or `8080` in YAML.
      add(
        `${what} "${key}" must be a string, got ${value === null ? 'null' : typeof value}; quote it in YAML`,
      );
      continue;
    }
    const bad = check(key, value);
    if (bad) add(bad);
  }
}

/** Objects that would overwrite each other; the key is what the API server keys them by. */
export function duplicateKey(group: string, kind: string, namespace: string, name: string): string {
  return `${group}/${kind}/${namespace}/${name}`;
}

function duplicateProblems(items: readonly SourcedManifest[]): Problem[] {
  const seen = new Map<string, SourcedManifest>();
  const problems: Problem[] = [];
  for (const item of items) {
    const m = item.manifest;
    const key = duplicateKey(
      splitApiVersion(m.apiVersion).group,
      m.kind,
      m.metadata.namespace ?? '',
      m.metadata.name,
    );
    const first = seen.get(key);
    if (!first) {
      seen.set(key, item);
      continue;
    }
    const ref = label(item);
    problems.push({
      subject: ref,
      message: `${ref} is defined more than once: in ${describeSource(first.source)} and in ${describeSource(item.source)}`,
    });
  }
  return problems;
}
