/**
 * The image bench's baseline: what a per-object scanner costs the same registry. Flux's image-reflector-controller
 * and Argo CD Image Updater list an image's tags once per object and interval, each with its own requests; here
 * that is one OciClient listTags per tenant and round, run in the bench's own process against the same registry
 * and counted by the same proxy. `tokens: 'per-scan'` gives each scan a TokenCache of its own, as Flux builds a new
 * registry transport (and so fetches a new token) at every scan; `'per-object'` keeps one cache per tenant across
 * rounds, a kinder peer that still lists once per object.
 *
 * A per-object scanner's counts do not depend on the time between its scans (no scan is shared, and a token
 * outlives the bench), so the rounds run back to back rather than an interval apart: each round stands for one
 * interval.
 */
import { OciClient, TokenCache } from '../src/sources/oci/index.js';
import { pool } from './cluster.js';
import type { BenchRegistry, RegistryCounts } from './images-registry.js';
import { BENCH_REPOSITORY } from './images-registry.js';

export interface BaselineOptions {
  registry: BenchRegistry;
  tenants: number;
  rounds: number;
  tokens: 'per-scan' | 'per-object';
  /** Scans at once, as a controller's worker count (Flux's image-reflector-controller defaults to 4). */
  concurrency: number;
}

/** The registry's counts before each round and after the last: rounds + 1 snapshots. */
export async function runPerObjectBaseline(o: BaselineOptions): Promise<RegistryCounts[]> {
  const caches = Array.from({ length: o.tenants }, () => new TokenCache());
  const account = (i: number) => o.registry.accounts[i % o.registry.accounts.length];
  const snapshots = [o.registry.counts()];
  const tenants = Array.from({ length: o.tenants }, (_, i) => i);
  for (let round = 0; round < o.rounds; round++) {
    await pool(tenants, o.concurrency, async (i) => {
      const auth = account(i);
      const client = new OciClient({
        registry: o.registry.host,
        insecure: true,
        ...(auth ? { auth } : {}),
        timeoutMs: 30_000,
        tokenCache: o.tokens === 'per-scan' ? new TokenCache() : (caches[i] as TokenCache),
      });
      const tags = await client.listTags(BENCH_REPOSITORY);
      if (tags.length === 0) throw new Error(`baseline scan ${round + 1} of tenant ${i}: no tags`);
    });
    snapshots.push(o.registry.counts());
  }
  return snapshots;
}
