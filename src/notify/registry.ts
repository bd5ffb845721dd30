/**
 * The Providers and Alerts the agent knows, kept from informer events: each Provider resolved with its Secret
 * (read by name when the Provider is seen or changes, re-read at every re-list and while it is missing), each
 * Alert validated with its filters compiled, and both reported in their Ready condition. Events for one object
 * are handled one at a time, in order.
 */
import type { Logger } from 'pino';
import type { Alert, FieldError, Provider } from '../api/index.js';
import { validateAlert, validateProvider } from '../api/index.js';
import { jsonEqual } from '../apply/index.js';
import { GROUP_VERSION } from '../core/constants.js';
import type { KubeClient, Obj } from '../kube/index.js';
import type { Metrics } from '../metrics/metrics.js';
import { type Condition, conditionsFor, type Outcome } from '../reconcile/conditions.js';
import { rfc3339 } from '../reconcile/context.js';
import type { InformerEvent } from '../reconcile/informer.js';
import { type CompiledFilters, compileFilters, type MatchOptions, refusedSources } from './match.js';
import { type ProviderResolution, type ProviderTarget, resolveProvider } from './provider.js';
import { alertOutcome, invalidSpec, type ProviderView, providerOutcome } from './readiness.js';

/** An Alert that can send: valid, allowed, and its Provider resolved. */
export interface UsableAlert {
  /** `namespace/name` */
  key: string;
  alert: Alert;
  filters: CompiledFilters;
  provider: ProviderTarget;
}

export interface RegistryOptions {
  client: KubeClient;
  metrics: Metrics;
  log: Logger;
  now: () => Date;
  fieldManager: string;
  defaultTimeoutMs: number;
  match: MatchOptions;
  /** Reads a Secret's decoded data; undefined when it does not exist. */
  readSecret: (namespace: string, name: string) => Promise<Record<string, string> | undefined>;
  /** A re-list re-reads a Provider's Secret only when the last read is older than this (Secret rotation). */
  rereadAfterMs: number;
  /** Told when an Alert is deleted, so its notification state can go. */
  onAlertDeleted?: (key: string) => void;
}

interface ProviderEntry {
  obj: Obj;
  generation: number;
  invalid?: FieldError[];
  resolution?: ProviderResolution;
  resolvedAtMs: number;
}

interface AlertEntry {
  obj: Obj;
  generation: number;
  invalid?: FieldError[];
  alert?: Alert;
  filters?: CompiledFilters;
}

interface Meta {
  name: string;
  namespace: string;
  generation?: number;
}

function metaOf(o: Obj): Meta {
  return (o.metadata ?? {}) as Meta;
}

const CONDITION_TYPES = ['Ready', 'Reconciling', 'Stalled'] as const;

export class NotifyRegistry {
  private readonly providers = new Map<string, ProviderEntry>();
  private readonly alerts = new Map<string, AlertEntry>();
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly opts: RegistryOptions) {}

  /** Handles a Provider informer event; resolves when it has been handled (status written). */
  onProvider(type: InformerEvent, obj: Obj): Promise<void> {
    const m = metaOf(obj);
    return this.serial(`Provider/${m.namespace}/${m.name}`, () => this.handleProvider(type, obj));
  }

  /** Handles an Alert informer event. */
  onAlert(type: InformerEvent, obj: Obj): Promise<void> {
    const m = metaOf(obj);
    return this.serial(`Alert/${m.namespace}/${m.name}`, () => this.handleAlert(type, obj));
  }

  /** Re-resolves the Providers that wait for a Secret (created later, or fixed). */
  async recheck(): Promise<void> {
    const waiting = [...this.providers.values()].filter(
      (e) => e.resolution && !e.resolution.ok && e.resolution.problem.retry === 'transient',
    );
    await Promise.all(
      waiting.map((e) => {
        const m = metaOf(e.obj);
        return this.serial(`Provider/${m.namespace}/${m.name}`, () => this.resolve(e, true));
      }),
    );
  }

  /** The Alerts that can send now. */
  usable(): UsableAlert[] {
    const out: UsableAlert[] = [];
    for (const [key, e] of this.alerts) {
      if (!e.alert || !e.filters || e.alert.spec.suspend) continue;
      if (refusedSources(e.alert, this.opts.match).length > 0) continue;
      const p = this.providers.get(`${e.alert.metadata.namespace}/${e.alert.spec.providerRef.name}`);
      if (!p?.resolution?.ok) continue;
      out.push({ key, alert: e.alert, filters: e.filters, provider: p.resolution.target });
    }
    return out;
  }

  private serial(key: string, fn: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(key) ?? Promise.resolve()).then(fn).catch((err: unknown) => {
      this.opts.log.warn(
        { object: key, error: err instanceof Error ? err.message : String(err) },
        'notification object not handled',
      );
    });
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    return next;
  }

  private async handleProvider(type: InformerEvent, obj: Obj): Promise<void> {
    const m = metaOf(obj);
    const key = `${m.namespace}/${m.name}`;
    if (type === 'DELETED') {
      this.providers.delete(key);
      this.opts.metrics.forget('Provider', m.namespace, m.name);
      await this.refreshAlerts(m.namespace, m.name);
      return;
    }
    const generation = m.generation ?? 1;
    const prev = this.providers.get(key);
    if (prev && prev.generation === generation) {
      // Our own status write, or a re-list: keep the latest copy; re-read the Secret now and then on a re-list.
      prev.obj = obj;
      const stale = this.opts.now().getTime() - prev.resolvedAtMs >= this.opts.rereadAfterMs;
      if (type === 'ADDED' && stale) await this.resolve(prev, true);
      return;
    }
    const entry: ProviderEntry = { obj, generation, resolvedAtMs: 0 };
    this.providers.set(key, entry);
    await this.resolve(entry, false);
  }

  /** Validates and resolves a Provider, writes its status, and updates the Alerts that use it. */
  private async resolve(entry: ProviderEntry, onlyIfChanged: boolean): Promise<void> {
    const m = metaOf(entry.obj);
    const checked = validateProvider(entry.obj);
    let outcome: Outcome;
    let resolution: ProviderResolution | undefined;
    if (!checked.ok) {
      entry.invalid = checked.errors;
      outcome = invalidSpec(checked.errors);
    } else {
      delete entry.invalid;
      resolution = await this.resolveWithSecret(checked.value);
      outcome = providerOutcome(checked.value.spec.type, resolution.ok ? undefined : resolution.problem);
    }
    const changed = !jsonEqual(summarize(entry.resolution), summarize(resolution));
    if (resolution) entry.resolution = resolution;
    else delete entry.resolution;
    entry.resolvedAtMs = this.opts.now().getTime();
    entry.obj = await this.writeStatus('Provider', entry.obj, outcome);
    if (!onlyIfChanged || changed) await this.refreshAlerts(m.namespace, m.name);
  }

  private async resolveWithSecret(provider: Provider): Promise<ProviderResolution> {
    const ref = provider.spec.secretRef?.name;
    let secret: Record<string, string> | undefined;
    if (ref) {
      try {
        secret = await this.opts.readSecret(provider.metadata.namespace, ref);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        return {
          ok: false,
          problem: {
            reason: 'SecretNotFound',
            message: `reading Secret '${provider.metadata.namespace}/${ref}' failed: ${why}`,
            retry: 'transient',
          },
        };
      }
    }
    return resolveProvider(provider, secret, this.opts.defaultTimeoutMs);
  }

  private async handleAlert(type: InformerEvent, obj: Obj): Promise<void> {
    const m = metaOf(obj);
    const key = `${m.namespace}/${m.name}`;
    if (type === 'DELETED') {
      this.alerts.delete(key);
      this.opts.metrics.forget('Alert', m.namespace, m.name);
      this.opts.onAlertDeleted?.(key);
      return;
    }
    const generation = m.generation ?? 1;
    const prev = this.alerts.get(key);
    if (prev && prev.generation === generation) {
      prev.obj = obj;
      return;
    }
    const entry: AlertEntry = { obj, generation };
    const checked = validateAlert(obj);
    if (checked.ok) {
      entry.alert = checked.value;
      entry.filters = compileFilters(checked.value);
    } else {
      entry.invalid = checked.errors;
    }
    this.alerts.set(key, entry);
    await this.evaluateAlert(entry);
  }

  private async refreshAlerts(namespace: string, providerName: string): Promise<void> {
    const affected = [...this.alerts.entries()].filter(
      ([, e]) => e.alert?.metadata.namespace === namespace && e.alert.spec.providerRef.name === providerName,
    );
    await Promise.all(affected.map(([key, e]) => this.serial(`Alert/${key}`, () => this.evaluateAlert(e))));
  }

  private async evaluateAlert(entry: AlertEntry): Promise<void> {
    let outcome: Outcome;
    if (!entry.alert) {
      outcome = invalidSpec(entry.invalid ?? []);
    } else {
      const { namespace } = entry.alert.metadata;
      const name = entry.alert.spec.providerRef.name;
      outcome = alertOutcome(
        name,
        namespace,
        this.providerView(namespace, name),
        refusedSources(entry.alert, this.opts.match),
      );
    }
    entry.obj = await this.writeStatus('Alert', entry.obj, outcome);
  }

  private providerView(namespace: string, name: string): ProviderView {
    const p = this.providers.get(`${namespace}/${name}`);
    if (!p) return { state: 'missing' };
    if (p.resolution?.ok) return { state: 'ready', type: p.resolution.target.type };
    const message = p.resolution && !p.resolution.ok ? p.resolution.problem.message : 'its spec is invalid';
    return { state: 'not-ready', message };
  }

  /** Writes Ready, Reconciling and Stalled for `outcome` when they differ from the object's; returns the object. */
  private async writeStatus(kind: 'Provider' | 'Alert', obj: Obj, outcome: Outcome): Promise<Obj> {
    const m = metaOf(obj);
    const generation = m.generation ?? 1;
    const prev = (obj.status ?? {}) as { observedGeneration?: number; conditions?: Condition[] };
    const conditions = conditionsFor(prev.conditions ?? [], outcome, generation, rfc3339(this.opts.now()));
    for (const type of CONDITION_TYPES) {
      const c = conditions.find((x) => x.type === type);
      this.opts.metrics.setCondition(
        kind,
        m.namespace,
        m.name,
        type,
        c ? c.status : type === 'Ready' ? 'Unknown' : 'False',
      );
    }
    const status = { observedGeneration: generation, conditions };
    if (jsonEqual({ observedGeneration: prev.observedGeneration, conditions: prev.conditions ?? [] }, status))
      return obj;
    try {
      return await this.opts.client.patchStatus(
        GROUP_VERSION,
        kind,
        m.namespace,
        m.name,
        status,
        this.opts.fieldManager,
      );
    } catch (err) {
      this.opts.log.warn(
        {
          kind,
          namespace: m.namespace,
          name: m.name,
          error: err instanceof Error ? err.message : String(err),
        },
        'status update failed',
      );
      return obj;
    }
  }
}

/** What of a resolution matters to the Alerts using it: usable or not, and the type. Never the credentials. */
function summarize(r: ProviderResolution | undefined): unknown {
  if (!r) return 'invalid';
  return r.ok ? { type: r.target.type } : { problem: r.problem.reason, message: r.problem.message };
}
