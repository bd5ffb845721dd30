/**
 * Child processes of the bench: each runs in its own process group (so the kustomize and git processes an agent
 * starts go with it), is measured from /proc, and is stopped by group on every path out, SIGINT included.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/** Linux's USER_HZ, the unit of the CPU times in /proc/<pid>/stat. */
const CLOCK_TICKS = 100;
const TAIL_LINES = 40;

export interface ChildOptions {
  /** Shown in errors. */
  name: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Every stdout line, as it arrives. */
  onLine?: (line: string) => void;
}

export interface CpuTimes {
  /** CPU seconds of the process itself. */
  self: number;
  /** CPU seconds of the children it has waited for (the agent's kustomize runs). */
  children: number;
}

export interface Child {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the first stdout line (from now on) that `match` maps to a value. */
  waitForLine<T>(match: (line: string) => T | undefined, timeoutMs: number): Promise<T>;
  /** Peak resident set (VmHWM) in MiB; undefined once the process has gone. */
  peakRssMiB(): Promise<number | undefined>;
  cpu(): Promise<CpuTimes | undefined>;
  /** The last lines of stdout and stderr, for error messages. */
  tail(): string;
  /** How the process ended ('exit code 1', 'signal SIGKILL'), or undefined while it runs. */
  ended(): string | undefined;
  /** Sends `signal` to the process itself (not its group). */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the leader has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<Child>();
const groups = new Set<number>();

/** Last resort on exit: SIGKILL every group still alive (synchronous, as 'exit' handlers must be). */
export function killAllNow(): void {
  for (const pgid of groups) signalGroup(pgid, 'SIGKILL');
  groups.clear();
}

/** Stops every running child, gracefully first. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop()));
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the whole group has gone already.
  }
}

export function startNode(opts: ChildOptions): Child {
  const proc = spawn(process.execPath, [...opts.args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
  const pid = proc.pid;
  if (pid === undefined) throw new Error(`${opts.name}: could not start`);
  groups.add(pid);
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line.length > 500 ? `${line.slice(0, 500)}...` : line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  const waiters = new Set<(line: string) => void>();
  createInterface({ input: proc.stdout }).on('line', (line) => {
    remember(line);
    opts.onLine?.(line);
    for (const w of [...waiters]) w(line);
  });
  createInterface({ input: proc.stderr }).on('line', remember);
  let exitCode: number | null | undefined;
  let how: string | undefined;
  const exited = new Promise<void>((resolve) => {
    proc.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      how = signal ? `signal ${signal}` : `exit code ${String(code)}`;
      running.delete(child);
      resolve();
    });
  });

  const child: Child = {
    name: opts.name,
    pid,
    waitForLine<T>(match: (line: string) => T | undefined, timeoutMs: number): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const done = (fn: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          fn();
        };
        const check = (line: string) => {
          const v = match(line);
          if (v !== undefined) done(() => resolve(v));
        };
        const timer = setTimeout(
          () =>
            done(() =>
              reject(new Error(`${opts.name}: no expected output in ${timeoutMs} ms\n${child.tail()}`)),
            ),
          timeoutMs,
        );
        waiters.add(check);
        void exited.then(() =>
          done(() => reject(new Error(`${opts.name} exited (${String(exitCode)})\n${child.tail()}`))),
        );
      });
    },
    async peakRssMiB() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
      const kb = status?.match(/^VmHWM:\s+(\d+) kB$/m)?.[1];
      return kb === undefined ? undefined : Number(kb) / 1024;
    },
    async cpu() {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
      if (stat === undefined) return undefined;
      // Fields after "pid (comm) ": state is field 3, utime 14, stime 15, cutime 16, cstime 17.
      const f = stat
        .slice(stat.lastIndexOf(')') + 2)
        .split(' ')
        .map(Number);
      const at = (field: number) => f[field - 3] ?? 0;
      return { self: (at(14) + at(15)) / CLOCK_TICKS, children: (at(16) + at(17)) / CLOCK_TICKS };
    },
    tail: () => tail.join('\n'),
    ended: () => how,
    signal(sig) {
      if (exitCode === undefined) process.kill(pid, sig);
    },
    async stop(graceMs = 15_000) {
      if (exitCode === undefined) {
        signalGroup(pid, 'SIGTERM');
        const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // Whatever the leader left behind in its group (a kustomize run in flight) goes too.
      signalGroup(pid, 'SIGKILL');
      groups.delete(pid);
    },
  };
  running.add(child);
  return child;
}
