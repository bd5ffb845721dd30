/**
 * Drives the workload simulator: THIS IS A SIMULATION, no pods run. Deployments, StatefulSets, DaemonSets,
 * ReplicaSets and Jobs get the status their real controllers would write, through the status subresource
 * and as field manager `kube-controller-manager`, so clients see the same conversation as on a cluster.
 */
import type { SandboxCore } from '../core.js';
import { rfc3339 } from '../objects.js';
import type { SimulatorConfig } from '../simulator/config.js';
import { compileImageMatcher } from '../simulator/config.js';
import { simulateStatus, statusEquals } from '../simulator/workloads.js';
import type { StoreEvent } from '../store.js';
import { meta } from '../types.js';
import { updateObject } from '../write.js';
import { CONTROLLER_USER } from './runner.js';

const KINDS: Record<string, 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job'> = {
  'apps/deployments': 'Deployment',
  'apps/statefulsets': 'StatefulSet',
  'apps/daemonsets': 'DaemonSet',
  'apps/replicasets': 'ReplicaSet',
  'batch/jobs': 'Job',
};

interface Tracked {
  resource: string;
  namespace: string;
  name: string;
  generation: number;
  changedAt: string;
}

export class WorkloadSimulator {
  private readonly tracked = new Map<string, Tracked>();
  private timer: NodeJS.Timeout | undefined;
  private readonly failImage: (image: string) => boolean;

  constructor(
    private readonly core: SandboxCore,
    private readonly config: SimulatorConfig,
    private readonly onError: (key: string, err: unknown) => void,
  ) {
    this.failImage = compileImageMatcher(config.failImagePatterns);
  }

  start(): void {
    if (!this.config.enabled || this.timer) return;
    const tick = Math.max(20, Math.min(250, Math.floor(this.config.settleMs / 4) || 50));
    this.timer = setInterval(() => this.tick(), tick);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  observe(e: StoreEvent): void {
    if (!this.config.enabled || !(e.resource in KINDS)) return;
    const k = `${e.resource}|${e.namespace}|${e.name}`;
    if (e.type === 'DELETED') {
      this.tracked.delete(k);
      return;
    }
    const gen = meta(e.object).generation ?? 1;
    const cur = this.tracked.get(k);
    if (!cur || cur.generation !== gen) {
      this.tracked.set(k, {
        resource: e.resource,
        namespace: e.namespace,
        name: e.name,
        generation: gen,
        changedAt: rfc3339Ms(this.core.clock()),
      });
      setImmediate(() => this.step(k));
    }
  }

  private tick(): void {
    for (const k of [...this.tracked.keys()]) this.step(k);
  }

  private step(k: string): void {
    const t = this.tracked.get(k);
    if (!t) return;
    try {
      const obj = this.core.store.get(t.resource, t.namespace, t.name);
      const kind = KINDS[t.resource];
      const [group, plural] = t.resource.split('/') as [string, string];
      const def = this.core.def(group, plural);
      if (!obj || !kind || !def) {
        this.tracked.delete(k);
        return;
      }
      const status = simulateStatus(kind, obj, {
        now: rfc3339Ms(this.core.clock()),
        changedAt: t.changedAt,
        settleMs: this.config.settleMs,
        failImage: this.failImage,
        ...(this.config.progressDeadlineMs !== undefined
          ? { progressDeadlineMs: this.config.progressDeadlineMs }
          : {}),
      });
      if (!status || statusEquals(obj.status, status)) return;
      updateObject(
        this.core,
        def,
        obj,
        { ...obj, status },
        {
          user: CONTROLLER_USER,
          manager: 'kube-controller-manager',
          dryRun: false,
          subresource: 'status',
          fieldValidation: 'Ignore',
        },
      );
    } catch (err) {
      this.onError(k, err);
    }
  }
}

function rfc3339Ms(d: Date): string {
  // the simulator measures settle times in milliseconds; condition times it writes are cut to seconds
  void rfc3339;
  return d.toISOString();
}
