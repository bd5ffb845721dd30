/** Choosing a port that may already be taken. */
import { createServer } from 'node:net';

/**
 * Returns `preferred` when it can be bound on `host` right now, otherwise 0 (let the server pick a free port).
 * The port is released before returning, so another process could take it in between; the caller's listen
 * then fails with a clear EADDRINUSE, which is fine for a local quick start.
 */
export async function preferPort(host: string, preferred: number): Promise<number> {
  if (preferred === 0) return 0;
  const probe = createServer();
  const free = await new Promise<boolean>((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(preferred, host, () => resolve(true));
  });
  if (free) await new Promise<void>((resolve) => probe.close(() => resolve()));
  return free ? preferred : 0;
}
