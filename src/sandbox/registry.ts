/** The resources the sandbox serves: the built-in catalogue plus the kinds of established CRDs. */
import type { ResourceDef } from './types.js';

/** Storage key of a resource: version-independent, like the etcd prefix. */
export function storageKey(def: Pick<ResourceDef, 'group' | 'plural'>): string {
  return `${def.group}/${def.plural}`;
}

export class ResourceRegistry {
  private readonly crdDefs = new Map<string, readonly ResourceDef[]>();

  constructor(private readonly builtins: readonly ResourceDef[]) {}

  all(): ResourceDef[] {
    return [...this.builtins, ...[...this.crdDefs.values()].flat()];
  }

  find(group: string, version: string, plural: string): ResourceDef | undefined {
    return this.all().find((d) => d.group === group && d.version === version && d.plural === plural);
  }

  /** Any served version of a group/resource (for RBAC and garbage collection, which are version-blind). */
  findAnyVersion(group: string, plural: string): ResourceDef | undefined {
    return this.all().find((d) => d.group === group && d.plural === plural);
  }

  findKind(group: string, version: string, kind: string): ResourceDef | undefined {
    return this.all().find((d) => d.group === group && d.version === version && d.kind === kind);
  }

  servesGroupVersion(group: string, version: string): boolean {
    return this.all().some((d) => d.group === group && d.version === version);
  }

  /** Replaces the kinds served for one CRD (by its metadata.name); an empty list stops serving them. */
  setCrd(crdName: string, defs: readonly ResourceDef[]): void {
    if (defs.length === 0) this.crdDefs.delete(crdName);
    else this.crdDefs.set(crdName, defs);
  }

  crdNames(): string[] {
    return [...this.crdDefs.keys()];
  }
}
