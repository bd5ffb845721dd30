/**
 * The data a commit message template renders, shaped like Flux's TemplateData (image-automation-controller):
 * `.AutomationObject` (prints as `namespace/name`), `.Changed.Changes`, `.Changed.FileChanges`,
 * `.Changed.Objects` and `.Values`, with Flux's field names, so templates copied from Flux's docs render. Pure.
 *
 * Go maps become `Map`s (ranged in sorted key order) and Go structs plain objects; the object identifiers,
 * structs in Flux, carry a `toString` so that `{{ $resource }}` prints `Kind/namespace/name`.
 *
 * Different from Flux: `.Changed.Changes` lists the changes by file, then object, then in the order given (Flux's
 * order follows Go's random map order); the deprecated `.Updated` of Flux's v1beta1 API is not provided.
 */
import { compareStrings } from './template-funcs.js';

/** One rewritten setter marker, with Flux's field names. */
export interface TemplateChange {
  readonly OldValue: string;
  readonly NewValue: string;
  /** The setter's policy reference, `namespace:name`. */
  readonly Setter: string;
}

/** Flux's ObjectIdentifier (kyaml's ResourceIdentifier); prints as `Kind/namespace/name`. */
export interface ObjectIdentifier {
  readonly APIVersion: string;
  readonly Kind: string;
  readonly Namespace: string;
  readonly Name: string;
  toString(): string;
}

/** What the template sees as `.`. */
export interface TemplateData {
  readonly AutomationObject: { readonly Namespace: string; readonly Name: string; toString(): string };
  readonly Changed: {
    readonly Changes: readonly TemplateChange[];
    /** File path (relative to the repository's root) to object to changes. */
    readonly FileChanges: ReadonlyMap<string, ReadonlyMap<ObjectIdentifier, readonly TemplateChange[]>>;
    /** Object to its changes, over all files. */
    readonly Objects: ReadonlyMap<ObjectIdentifier, readonly TemplateChange[]>;
  };
  /** spec.git.commit.messageTemplateValues; a missing key prints `<no value>`, as in Go. */
  readonly Values: ReadonlyMap<string, string>;
}

/** One change as the updater reports it. */
export interface ChangeInput {
  file: string;
  object: { apiVersion?: string; kind?: string; name?: string; namespace?: string };
  setter: string;
  oldValue: string;
  newValue: string;
}

/** The automation and what it changed. */
export interface TemplateDataInput {
  namespace: string;
  name: string;
  changes: readonly ChangeInput[];
  values?: Readonly<Record<string, string>>;
}

function objectIdentifier(o: ChangeInput['object']): ObjectIdentifier {
  const id = {
    APIVersion: o.apiVersion ?? '',
    Kind: o.kind ?? '',
    Namespace: o.namespace ?? '',
    Name: o.name ?? '',
    toString: () => [id.Kind, id.Namespace, id.Name].filter((p) => p !== '').join('/'),
  };
  return Object.freeze(id);
}

/** Builds the template's data from the automation's name and its changes. */
export function templateData(input: TemplateDataInput): TemplateData {
  const ids = new Map<string, ObjectIdentifier>();
  const idOf = (o: ChangeInput['object']) => {
    const key = JSON.stringify([o.apiVersion ?? '', o.kind ?? '', o.namespace ?? '', o.name ?? '']);
    let id = ids.get(key);
    if (!id) {
      id = objectIdentifier(o);
      ids.set(key, id);
    }
    return id;
  };
  const entries = input.changes.map((c, i) => ({ c, i, id: idOf(c.object) }));
  entries.sort(
    (a, b) => compareStrings(a.c.file, b.c.file) || compareStrings(String(a.id), String(b.id)) || a.i - b.i,
  );
  const files = new Map<string, Map<ObjectIdentifier, TemplateChange[]>>();
  const objects = new Map<ObjectIdentifier, TemplateChange[]>();
  const changes: TemplateChange[] = [];
  for (const { c, id } of entries) {
    const change = Object.freeze({ OldValue: c.oldValue, NewValue: c.newValue, Setter: c.setter });
    changes.push(change);
    let byObject = files.get(c.file);
    if (!byObject) {
      byObject = new Map();
      files.set(c.file, byObject);
    }
    byObject.set(id, [...(byObject.get(id) ?? []), change]);
    objects.set(id, [...(objects.get(id) ?? []), change]);
  }
  const automation = {
    Namespace: input.namespace,
    Name: input.name,
    toString: () => `${input.namespace}/${input.name}`,
  };
  return Object.freeze({
    AutomationObject: Object.freeze(automation),
    Changed: Object.freeze({ Changes: changes, FileChanges: files, Objects: objects }),
    Values: new Map(Object.entries(input.values ?? {})),
  });
}
