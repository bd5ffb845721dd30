/**
 * The kstatus status vocabulary (kubernetes-sigs/cli-utils `pkg/kstatus/status/status.go`), so Steward's
 * health results read the same as Flux's and `kubectl` users' tooling.
 */
export type HealthStatus = 'Current' | 'InProgress' | 'Failed' | 'Terminating' | 'NotFound' | 'Unknown';

/** The health of one object. */
export interface Health {
  status: HealthStatus;
  /** Names the object (`Deployment team-a/web: ...`), except for NotFound, where there is no object to name. */
  message: string;
  /** `status.phase` of a Flagger Canary or Argo Rollout, for the canary-phase metric and events. */
  phase?: string;
}

/** Inputs from outside the object; the evaluator reads no clock of its own. */
export interface EvaluateOptions {
  /**
   * The time to judge age-based rules against (a Pod unschedulable for longer than kstatus' 15 s window
   * is Failed). Without it those rules stay InProgress, the cautious answer.
   */
  now?: Date;
}

/** What a per-kind rule decides; `evaluate` adds the object's name to the message. */
export interface Verdict {
  status: HealthStatus;
  message: string;
}

/** A per-kind rule. */
export type KindRule = (obj: Record<string, unknown>, options: EvaluateOptions) => Verdict;
