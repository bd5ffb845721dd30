/** Waiting for a real server process the harness started to answer, and stopping it: shared by every starter. */
import type { ChildProcess } from 'node:child_process';

export interface ReadyProbe {
  /** Named in the error when the program cannot be run at all. */
  program: string;
  url: string;
  /** HTTP statuses that mean "up" (`/-/ready` answers 200; a registry with auth answers `/v2/` with 401). */
  statuses: readonly number[];
  timeoutMs: number;
  pollMs?: number;
}

/** Polls `url` until it answers one of `statuses`, the process exits, or time runs out. */
export async function waitReady(
  child: ChildProcess,
  p: ReadyProbe,
): Promise<'ready' | 'exited' | 'timed out'> {
  let exited = child.exitCode !== null || child.signalCode !== null;
  let spawnError: Error | undefined;
  // 'close' rather than 'exit': by then stderr has been read to the end, so the caller sees why it exited.
  child.once('close', () => {
    exited = true;
  });
  child.once('error', (err) => {
    spawnError = err;
    exited = true;
  });
  const deadline = Date.now() + p.timeoutMs;
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`cannot run ${p.program}: ${spawnError.message}`);
    if (exited) return 'exited';
    try {
      const res = await fetch(p.url);
      await res.arrayBuffer();
      if (p.statuses.includes(res.status)) return 'ready';
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, p.pollMs ?? 100));
  }
  return 'timed out';
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function terminate(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
