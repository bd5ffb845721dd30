/**
 * Settings of the workload simulator. THIS IS A SIMULATION: no pods run in the sandbox. The simulator only
 * writes the status the real controllers would write, on a timeline these settings control.
 */

/** How the simulator moves workload status. */
export interface SimulatorConfig {
  /** When false the server never writes workload status: objects keep whatever status they were given. */
  enabled: boolean;
  /** How long after a generation change the simulated pods of a healthy workload become ready. */
  settleMs: number;
  /**
   * Globs over container image references (`*:broken`, `registry.local/never-ready/*`). Pods whose template
   * has a matching image never become ready; Jobs with one fail with BackoffLimitExceeded.
   */
  failImagePatterns: readonly string[];
  /** Replaces `spec.progressDeadlineSeconds` (default 600 s) so tests reach ProgressDeadlineExceeded quickly. */
  progressDeadlineMs?: number;
}

/** The defaults: enabled, two seconds to settle, no failing images. Frozen, so no caller can change them. */
export const DEFAULT_SIMULATOR_CONFIG: Readonly<SimulatorConfig> = Object.freeze({
  enabled: true,
  settleMs: 2000,
  failImagePatterns: Object.freeze([]),
});

/** Thrown by {@link resolveSimulatorConfig} for settings that cannot work; the message names the setting. */
export class SimulatorConfigError extends Error {
  override readonly name = 'SimulatorConfigError';
}

/** Fills defaults into partial settings and rejects values the simulator cannot use. */
export function resolveSimulatorConfig(input: Partial<SimulatorConfig> = {}): SimulatorConfig {
  const out: SimulatorConfig = { ...DEFAULT_SIMULATOR_CONFIG, ...input };
  if (!Number.isFinite(out.settleMs) || out.settleMs < 0) {
    throw new SimulatorConfigError(`simulator settleMs must be a number >= 0, got ${String(out.settleMs)}`);
  }
  const deadline = out.progressDeadlineMs;
  if (deadline !== undefined && (!Number.isFinite(deadline) || deadline <= 0)) {
    throw new SimulatorConfigError(
      `simulator progressDeadlineMs must be a number > 0, got ${String(deadline)}`,
    );
  }
  out.failImagePatterns.forEach((p, i) => {
    if (typeof p !== 'string' || p === '') {
      throw new SimulatorConfigError(`simulator failImagePatterns[${i}] must be a non-empty glob`);
    }
  });
  out.failImagePatterns = [...out.failImagePatterns];
  return out;
}

/**
 * Compiles image globs into one predicate. `*` matches any run of characters, `/` included, because an
 * image reference is matched as one string (`*:broken` must catch `ghcr.io/org/app:broken`); `?` matches
 * one character. A pattern must match the whole reference as written in the pod template: `nginx` does
 * not match `docker.io/library/nginx`, since the kubelet's normalisation is not simulated.
 */
export function compileImageMatcher(patterns: readonly string[]): (image: string) => boolean {
  if (patterns.length === 0) return () => false;
  const source = patterns.map(globToRegExpSource).join('|');
  const re = new RegExp(`^(?:${source})$`);
  return (image) => re.test(image);
}

function globToRegExpSource(glob: string): string {
  let out = '';
  for (const ch of glob) {
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else out += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}
