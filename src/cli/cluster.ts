/**
 * The cluster as the CLI's commands see it: the raw kube client (objects stay plain JSON, unknown fields
 * kept), discovery of Steward's group, and JSON merge patches (the client has server-side apply only, and a
 * CLI must not take field ownership of a user's `spec.suspend` or annotations the way an apply would).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { API_GROUP } from '../core/constants.js';
import { errorFromResponse } from '../kube/errors.js';
import type { KubeClient, Obj } from '../kube/index.js';
import { KubeError, kubeClient } from '../kube/index.js';
import { objectPath } from '../kube/paths.js';
import { Transport } from '../kube/transport.js';
import type { CommandIO } from './build.js';
import { describeFailure } from './exit-codes.js';
import type { StewardKindInfo } from './kinds.js';
import { kindsFromResourceList } from './kinds.js';
import type { KubeArgs } from './kube-args.js';
import { loadKubeConfig, namespaceOf, serverOf } from './kube-args.js';

/** What the cluster commands need from the API server. */
export interface Cluster {
  /** The API server's address, for messages. */
  readonly server: string;
  /** The namespace to work in (`-n`, else the context's, else `default`). */
  readonly namespace: string;
  readonly client: KubeClient;
  /** Steward's kinds, from discovery of the preferred version of group steward.dev; none when not served. */
  stewardKinds(): Promise<StewardKindInfo[]>;
  /** A JSON merge patch (RFC 7386) of one object; a `null` value removes a field. */
  mergePatch(kind: StewardKindInfo, namespace: string, name: string, patch: object): Promise<Obj>;
}

/** CommandIO plus the clock and a way to end `events --watch` (the process's own run ends with Ctrl-C). */
export interface ClusterIO extends CommandIO {
  now?(): Date;
  signal?: AbortSignal;
}

// A CLI answers in seconds or says why: few retries, short backoff.
const RETRY = { attempts: 3, baseDelayMs: 200, maxDelayMs: 1_000, maxRetryAfterSeconds: 5 };
const TIMEOUT_MS = 30_000;
const USER_AGENT = 'steward-cli';

/** Connects to the cluster of `args`; throws a usage CliError for an unreadable kubeconfig or unknown context. */
export function connectCluster(args: KubeArgs): Cluster {
  const kc = loadKubeConfig(args);
  return clusterOf(kc, namespaceOf(kc, args));
}

function clusterOf(kc: KubeConfig, namespace: string): Cluster {
  const client = kubeClient(kc, { userAgent: USER_AGENT, timeoutMs: TIMEOUT_MS, retry: RETRY });
  const transport = new Transport(kc, {
    userAgent: USER_AGENT,
    impersonate: undefined,
    timeoutMs: TIMEOUT_MS,
    retry: RETRY,
  });
  let kinds: Promise<StewardKindInfo[]> | undefined;

  async function getJson(path: string): Promise<Obj | undefined> {
    const res = await transport.request('GET', path);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw errorFromResponse(res.status, res.body, res.retryAfter);
    return JSON.parse(res.body) as Obj;
  }

  async function discover(): Promise<StewardKindInfo[]> {
    const group = await getJson(`/apis/${API_GROUP}`);
    const preferred = (group?.preferredVersion ?? {}) as { version?: unknown };
    if (typeof preferred.version !== 'string') return [];
    const list = await getJson(`/apis/${API_GROUP}/${preferred.version}`);
    return kindsFromResourceList(API_GROUP, preferred.version, list);
  }

  return {
    server: serverOf(kc),
    namespace,
    client,
    stewardKinds() {
      kinds ??= discover();
      return kinds;
    },
    async mergePatch(kind, ns, name, patch) {
      const path = objectPath(kind.apiVersion, kind.plural, kind.namespaced, ns || undefined, name);
      const res = await transport.request('PATCH', path, {
        body: JSON.stringify(patch),
        contentType: 'application/merge-patch+json',
      });
      if (res.status < 200 || res.status > 299) throw errorFromResponse(res.status, res.body, res.retryAfter);
      try {
        return JSON.parse(res.body) as Obj;
      } catch {
        throw new KubeError(
          res.status,
          'InvalidResponse',
          'the server answered with a body that is not JSON',
        );
      }
    },
  };
}

/**
 * Runs a cluster command: connects, runs `body`, and turns any failure into `error: ...` on stderr and its
 * exit code. Returns the exit code.
 */
export async function runWithCluster(
  args: KubeArgs,
  io: ClusterIO,
  body: (cluster: Cluster) => Promise<number>,
): Promise<number> {
  let server = '(unknown)';
  try {
    const cluster = connectCluster(args);
    server = cluster.server;
    return await body(cluster);
  } catch (err) {
    const failure = describeFailure(err, server);
    io.stderr(`error: ${failure.message}\n`);
    return failure.code;
  }
}

/** Runs `fn`, naming `subject` in any error it throws (a CliError passes through unchanged). */
export async function about<T>(cluster: Cluster, subject: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw describeFailure(err, cluster.server, subject);
  }
}
