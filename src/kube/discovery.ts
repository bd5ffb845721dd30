/**
 * A discovery cache per group-version (legacy `APIResourceList` endpoints). A miss refetches the group-version,
 * because CRDs appear while the agent runs: a kind unknown a minute ago may be served now.
 */
import { errorFromResponse } from './errors.js';
import { groupVersionPath } from './paths.js';
import type { Transport } from './transport.js';
import type { ResourceInfo } from './types.js';

export class DiscoveryCache {
  readonly #transport: Transport;
  readonly #byGroupVersion = new Map<string, Map<string, ResourceInfo>>();
  // One fetch per group-version at a time: a stage of 100 objects of one new kind must not fetch 100 times.
  readonly #inflight = new Map<string, Promise<Map<string, ResourceInfo>>>();

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** The plural and scope of `kind` in `apiVersion`, or undefined if the server does not serve it. */
  async lookup(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    const cached = this.#byGroupVersion.get(apiVersion)?.get(kind);
    if (cached) return cached;
    return (await this.#refresh(apiVersion)).get(kind);
  }

  #refresh(apiVersion: string): Promise<Map<string, ResourceInfo>> {
    const running = this.#inflight.get(apiVersion);
    if (running) return running;
    const p = this.#fetch(apiVersion).finally(() => this.#inflight.delete(apiVersion));
    this.#inflight.set(apiVersion, p);
    return p;
  }

  async #fetch(apiVersion: string): Promise<Map<string, ResourceInfo>> {
    const res = await this.#transport.request('GET', groupVersionPath(apiVersion));
    const kinds = new Map<string, ResourceInfo>();
    if (res.status === 404) {
      this.#byGroupVersion.set(apiVersion, kinds);
      return kinds;
    }
    if (res.status !== 200) throw errorFromResponse(res.status, res.body, res.retryAfter);
    const list = JSON.parse(res.body) as { resources?: unknown };
    for (const r of Array.isArray(list.resources) ? list.resources : []) {
      if (typeof r !== 'object' || r === null) continue;
      const { name, kind, namespaced } = r as { name?: unknown; kind?: unknown; namespaced?: unknown };
      // Subresources (`deployments/status`) share the kind of their parent; only the parent is addressable.
      if (typeof name !== 'string' || name.includes('/') || typeof kind !== 'string') continue;
      kinds.set(kind, { plural: name, namespaced: namespaced === true });
    }
    this.#byGroupVersion.set(apiVersion, kinds);
    return kinds;
  }
}
