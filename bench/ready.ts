/**
 * Knows which Syncs are Ready, from a watch: it costs the sandbox one event per status change, where polling a
 * LIST of N Syncs every 250 ms costs it a serialisation of all of them each time (2 MiB and ~80 ms at N=1000,
 * a fifth of one of the machine's two cores), which would slow down the very thing being measured.
 */
import type { KubeObject, SandboxClient } from './cluster.js';
import { sleep } from './cluster.js';
import { syncDone } from './noop.js';

export interface ReadyTracker {
  /** How many Syncs are Ready now. */
  ready(): number;
  /** Resolves when `n` are Ready (true), or when none became Ready for `noProgressMs` or `deadline` passed (false). */
  waitFor(
    n: number,
    deadline: number,
    noProgressMs: number,
    report: (ready: number) => void,
  ): Promise<boolean>;
  stop(): void;
}

/** Starts watching `path`; call before creating the Syncs, so no change is missed. */
export async function trackReady(client: SandboxClient, path: string): Promise<ReadyTracker> {
  const done = new Map<string, boolean>();
  const relist = async () => {
    const list = await client.list(path);
    done.clear();
    for (const o of list.items) done.set(o.metadata.name, syncDone(o));
    return list.metadata.resourceVersion ?? '0';
  };
  let rv = await relist();
  const abort = new AbortController();
  let failure: unknown;
  let expired = false;
  const onEvent = (type: string, o: KubeObject) => {
    // ERROR (410 Gone: the history moved past rv) ends the stream; the loop lists again.
    if (type === 'ERROR') {
      expired = true;
      return;
    }
    rv = o.metadata.resourceVersion ?? rv;
    if (type === 'DELETED') done.delete(o.metadata.name);
    else if (type === 'ADDED' || type === 'MODIFIED') done.set(o.metadata.name, syncDone(o));
  };
  const loop = async () => {
    while (!abort.signal.aborted) {
      if (expired) {
        expired = false;
        rv = await relist();
      }
      await client.watch(path, rv, onEvent, abort.signal);
    }
  };
  loop().catch((err: unknown) => {
    failure = err;
  });
  const count = () => [...done.values()].filter(Boolean).length;
  return {
    ready: count,
    async waitFor(n, deadline, noProgressMs, report) {
      let progressed = { count: count(), at: Date.now() };
      let reported = Date.now();
      for (;;) {
        if (failure !== undefined) throw failure;
        const c = count();
        if (c >= n) return true;
        if (c !== progressed.count) progressed = { count: c, at: Date.now() };
        if (Date.now() - progressed.at > noProgressMs || Date.now() > deadline) return false;
        if (Date.now() - reported >= 10_000) {
          reported = Date.now();
          report(c);
        }
        await sleep(50);
      }
    },
    stop: () => abort.abort(),
  };
}

/** Waits until the agent (run with --install-crds) has installed Steward's CRDs and `plural` is served. */
export async function stewardKindServed(client: SandboxClient, plural: string): Promise<void> {
  for (
    let i = 0;
    !(await client.call('GET', `/apis/steward.dev/v1alpha1/${plural}`).catch(() => undefined));
    i++
  ) {
    if (i > 300) throw new Error('the Steward CRDs were not installed');
    await sleep(100);
  }
}
