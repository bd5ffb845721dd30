/** The state one sandbox API server works on, passed to every handler and controller. */
import { randomUUID } from 'node:crypto';
import type { ResourceRegistry } from './registry.js';
import { storageKey } from './registry.js';
import type { Store } from './store.js';
import type { Obj, ResourceDef } from './types.js';

export interface CoreOptions {
  /** Secret for signing service-account tokens. */
  tokenSecret: string;
  /** Kubernetes minor version the sandbox reports and mimics. */
  kubeMinor: number;
}

export class SandboxCore {
  constructor(
    readonly store: Store,
    readonly registry: ResourceRegistry,
    readonly options: CoreOptions,
    readonly clock: () => Date = () => new Date(),
    readonly newUid: () => string = randomUUID,
  ) {}

  get(def: ResourceDef, namespace: string, name: string): Obj | undefined {
    return this.store.get(storageKey(def), def.namespaced ? namespace : '', name);
  }

  list(def: ResourceDef, namespace?: string): Obj[] {
    return this.store.list(storageKey(def), def.namespaced ? namespace : undefined);
  }

  /** Built-in or custom kind by group and plural, any version. */
  def(group: string, plural: string): ResourceDef | undefined {
    return this.registry.findAnyVersion(group, plural);
  }
}
