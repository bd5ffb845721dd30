/**
 * The image bench's registry: the test harness's real docker-registry in token mode (its counting proxy and its
 * token issuer) with one account per distinct credentials of the bench, holding one image under a few tags; and
 * how the bench reads its request counts. The proxy and the issuer log what the clients sent, nothing else: the
 * harness pushes the tags to the registry directly.
 */
import { type RegistryAccount, startRegistry } from '../test/harness/registry.js';

/** The repository every ImageRepository of the bench watches. */
export const BENCH_REPOSITORY = 'bench/app';
/** Tags pushed; the bench's ImagePolicies pick the highest 1.x release. */
export const BENCH_TAGS = ['1.0.0', '1.1.0', '1.2.0', '1.3.0-rc.1', '2.0.0-rc.1', 'latest'] as const;
export const BENCH_RANGE = '>=1.0.0 <2.0.0';
export const BENCH_PICK = '1.2.0';

/** Cumulative counts since the registry started. */
export interface RegistryCounts {
  /** tags/list requests the registry served or is serving (401 challenges are in `other`). */
  tagLists: number;
  /** Requests to the token service. */
  tokens: number;
  /** Every other registry request: 401 challenges, `/v2/` probes, manifests. */
  other: number;
}

export interface BenchRegistry {
  /** `127.0.0.1:<port>` of the harness's proxy: the registry host clients use. */
  host: string;
  /** `<host>/bench/app` */
  image: string;
  accounts: readonly RegistryAccount[];
  counts(): RegistryCounts;
  stop(): Promise<void>;
}

/** Starts the registry with `accounts` accounts and pushes the bench's tags. */
export async function startBenchRegistry(accounts: number): Promise<BenchRegistry> {
  const reg = await startRegistry({ auth: 'token', accounts, tokenTtlSeconds: 300 });
  try {
    for (const tag of BENCH_TAGS) await reg.pushImage(BENCH_REPOSITORY, tag);
  } catch (err) {
    await reg.stop();
    throw err;
  }
  const counts = (): RegistryCounts => {
    let tagLists = 0;
    let other = 0;
    for (const r of reg.requests()) {
      if (r.path.includes('/tags/list') && r.status !== 401) tagLists += 1;
      else other += 1;
    }
    return { tagLists, tokens: reg.tokenRequests().length, other };
  };
  return {
    host: reg.host,
    image: `${reg.host}/${BENCH_REPOSITORY}`,
    accounts: reg.accounts,
    counts,
    stop: () => reg.stop(),
  };
}
