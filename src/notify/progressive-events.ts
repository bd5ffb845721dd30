/**
 * Events for progressive delivery, from the phases of the Flagger Canaries and Argo Rollouts a Sync's health
 * check polls: progressing when a rollout starts, promoted when it completes, failed when the controller gives
 * up on it. Pure: one tracker per health wait, fed the phases of every poll, returns the events to record.
 */

/** A phase as the health wait reports it. */
export interface PhaseReport {
  kind: string;
  namespace: string;
  name: string;
  phase: string;
}

export interface ProgressiveEvent {
  type: 'Normal' | 'Warning';
  reason: 'CanaryProgressing' | 'CanaryPromoted' | 'CanaryFailed';
  message: string;
  /** `Kind/namespace/name` of the canary or rollout. */
  object: string;
}

type Stage = 'progressing' | 'promoted' | 'failed' | 'other';

/**
 * Flagger (`pkg/apis/flagger/v1beta1/status.go`) and Argo Rollouts phases by what they mean for a rollout.
 * Flagger's Initializing and Initialized describe a first deployment, which is not a rollout.
 */
const STAGES: Readonly<Record<string, Readonly<Record<string, Stage>>>> = {
  Canary: {
    Waiting: 'progressing',
    Progressing: 'progressing',
    WaitingPromotion: 'progressing',
    Promoting: 'progressing',
    Finalising: 'progressing',
    Succeeded: 'promoted',
    Failed: 'failed',
  },
  Rollout: { Progressing: 'progressing', Paused: 'progressing', Healthy: 'promoted', Degraded: 'failed' },
};

export class ProgressiveEvents {
  private readonly stages = new Map<string, Stage>();

  /** The events the phases of one poll call for; remembers the phases for the next poll. */
  observe(phases: readonly PhaseReport[]): ProgressiveEvent[] {
    const out: ProgressiveEvent[] = [];
    for (const p of phases) {
      const object = `${p.kind}/${p.namespace}/${p.name}`;
      const stage = STAGES[p.kind]?.[p.phase] ?? 'other';
      const before = this.stages.get(object);
      this.stages.set(object, stage);
      if (stage === before) continue;
      const label = `${p.kind} ${p.namespace}/${p.name}`;
      if (stage === 'progressing') {
        out.push({
          type: 'Normal',
          reason: 'CanaryProgressing',
          message: `${label}: rollout in progress (${p.phase})`,
          object,
        });
      } else if (stage === 'failed') {
        out.push({
          type: 'Warning',
          reason: 'CanaryFailed',
          message: `${label}: rollout failed (${p.phase})`,
          object,
        });
      } else if (stage === 'promoted' && before === 'progressing') {
        // Seen complete without having been seen in progress is the steady state, not a promotion.
        out.push({
          type: 'Normal',
          reason: 'CanaryPromoted',
          message: `${label}: rollout promoted (${p.phase})`,
          object,
        });
      }
    }
    return out;
  }
}
