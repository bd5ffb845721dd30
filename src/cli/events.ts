/**
 * `steward events`: the core/v1 Events the agent recorded about Steward's objects (involvedObject in group
 * steward.dev), oldest first; `--for kind/name` narrows to one object, `--watch` keeps printing new ones.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import type { Obj } from '../kube/index.js';
import { processIO, withIO } from './build.js';
import type { Cluster, ClusterIO } from './cluster.js';
import { about, runWithCluster } from './cluster.js';
import { eventHeader, eventKey, eventRow, isAbout, isAboutSteward, sortEvents } from './event-view.js';
import { CliError, ClusterExit, EXIT_CODES_HELP } from './exit-codes.js';
import type { KubeArgs } from './kube-args.js';
import { kubeArgsOf, withKubeOptions } from './kube-args.js';
import { columnWidths, formatRow } from './table.js';
import { kindNamed } from './target.js';

export interface EventsArgs extends KubeArgs {
  /** `<kind>/<name>` of one Steward object. */
  for?: string;
  watch: boolean;
}

// A watch the server ended is reopened; this keeps a server that ends every watch at once from being hammered.
const REWATCH_DELAY_MS = 1_000;

/** Prints the events (and with `watch`, new ones until `io.signal` aborts); returns the exit code. */
export function runEvents(args: EventsArgs, io: ClusterIO): Promise<number> {
  return runWithCluster(args, io, async (cluster) => {
    const wanted = await filterOf(cluster, args.for);
    const namespace = args.allNamespaces ? undefined : cluster.namespace;
    const listed = await about(cluster, namespace ? `events in namespace ${namespace}` : 'events', () =>
      cluster.client.list('v1', 'Event', namespace ? { namespace } : {}),
    );
    const events = sortEvents(listed.filter(wanted));
    const all = args.allNamespaces === true;
    const now = () => io.now?.() ?? new Date();
    const header = eventHeader(all);
    const rows = events.map((ev) => eventRow(ev, { allNamespaces: all, now: now() }));
    if (rows.length === 0 && !args.watch) {
      io.stderr(namespace ? `No events found in ${namespace} namespace.\n` : 'No events found.\n');
      return ClusterExit.Ok;
    }
    const widths = columnWidths([header, ...rows]);
    io.stdout([header, ...rows].map((r) => formatRow(r, widths)).join(''));
    if (!args.watch) return ClusterExit.Ok;

    const seen = new Set(events.map(eventKey));
    const signal = io.signal ?? new AbortController().signal;
    const onEvent = (type: string, ev: Obj) => {
      if ((type !== 'ADDED' && type !== 'MODIFIED') || !wanted(ev)) return;
      // A watch opened without a resourceVersion replays what exists first: print only what is new.
      const key = eventKey(ev);
      if (seen.has(key)) return;
      seen.add(key);
      io.stdout(formatRow(eventRow(ev, { allNamespaces: all, now: now() }), widths));
    };
    while (!signal.aborted) {
      await about(cluster, 'watch of events', () =>
        cluster.client.watch('v1', 'Event', namespace ? { namespace } : {}, onEvent, signal),
      );
      await sleep(REWATCH_DELAY_MS, undefined, { signal }).catch(() => {});
    }
    return ClusterExit.Ok;
  });
}

async function filterOf(cluster: Cluster, forArg: string | undefined): Promise<(ev: Obj) => boolean> {
  if (forArg === undefined) return isAboutSteward;
  const slash = forArg.indexOf('/');
  if (slash <= 0 || slash === forArg.length - 1) {
    throw new CliError(ClusterExit.Usage, `--for takes <kind>/<name>, got "${forArg}"`);
  }
  const kind = await kindNamed(cluster, forArg.slice(0, slash));
  const name = forArg.slice(slash + 1);
  return (ev) => isAboutSteward(ev) && isAbout(ev, kind.kind, name);
}

/** The `steward events` command. */
export function eventsCommand(io: ClusterIO = processIO()): Command {
  const cmd = new Command('events')
    .description('show the events the agent recorded about Steward objects, oldest first')
    .option('--for <kind/name>', 'only the events of one object, e.g. sync/app')
    .option('-w, --watch', 'keep printing new events', false)
    .addHelpText('after', EXIT_CODES_HELP);
  return withIO(withKubeOptions(cmd, { allNamespaces: true }), io).action(
    async (o: Parameters<typeof kubeArgsOf>[0] & { for?: string; watch: boolean }) => {
      const args: EventsArgs = { ...kubeArgsOf(o), watch: o.watch, ...(o.for ? { for: o.for } : {}) };
      io.setExitCode(await runEvents(args, io));
    },
  );
}
