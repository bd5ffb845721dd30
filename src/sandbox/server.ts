/**
 * The sandbox API server: an HTTP and HTTPS server (one port; the first byte of a connection tells TLS from
 * plain HTTP) speaking the Kubernetes REST API from an in-memory store, with the built-in controllers that
 * make a cluster feel alive (namespace deletion, garbage collection, CRD establishment, workload status).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { adminReply } from './admin.js';
import { bootstrapPolicy } from './auth/rbac.js';
import type { UserEntry } from './auth/users.js';
import { authenticate } from './auth/users.js';
import { BUILTIN_RESOURCES } from './builtins.js';
import type { Certificate } from './certs.js';
import { selfSignedCertificate } from './certs.js';
import { CrdController } from './controllers/crd.js';
import { GarbageCollector } from './controllers/gc.js';
import { NamespaceController } from './controllers/namespace.js';
import { WorkloadSimulator } from './controllers/workloads.js';
import { SandboxCore } from './core.js';
import { dispatch } from './dispatch.js';
import { rbacEscalationHook } from './escalation-hook.js';
import { FaultInjector, RequestCounters } from './faults.js';
import { rfc3339 } from './objects.js';
import { loadState, saveState } from './persist.js';
import { ResourceRegistry, storageKey } from './registry.js';
import type { SimulatorConfig } from './simulator/config.js';
import { DEFAULT_SIMULATOR_CONFIG } from './simulator/config.js';
import { Store } from './store.js';
import type { Obj } from './types.js';
import { meta } from './types.js';

export interface SandboxOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Extra users besides the generated admin. */
  users?: readonly UserEntry[];
  /** Persist the store here on every change (debounced) and load it at start. */
  stateFile?: string;
  simulator?: Partial<SimulatorConfig>;
  bookmarkIntervalMs?: number;
  /** How many events watches can resume from (the watch cache window). */
  watchHistorySize?: number;
  /** Called for unexpected errors (a bug, never a client error). */
  onError?: (err: unknown, where: string) => void;
}

export interface SandboxEndpoint {
  /** https://127.0.0.1:PORT */
  httpsUrl: string;
  /** http://127.0.0.1:PORT (same port) */
  httpUrl: string;
  port: number;
  /** PEM of the self-signed serving certificate, which is also its own CA. */
  caPem: string;
  adminToken: string;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export class SandboxServer {
  readonly core: SandboxCore;
  readonly faults = new FaultInjector();
  readonly counters = new RequestCounters();
  private readonly users: UserEntry[];
  private readonly adminToken = randomBytes(24).toString('base64url');
  private net: ReturnType<typeof createNetServer> | undefined;
  private http: Server | undefined;
  private https: ReturnType<typeof createHttpsServer> | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly simulator: WorkloadSimulator;
  private readonly controllers: { loop: { stop(): void } }[] = [];
  private unsubscribe: (() => void) | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private cert: Certificate | undefined;

  constructor(private readonly opts: SandboxOptions = {}) {
    const store = new Store(opts.watchHistorySize);
    this.core = new SandboxCore(store, new ResourceRegistry(BUILTIN_RESOURCES), {
      tokenSecret: randomBytes(32).toString('hex'),
      kubeMinor: 36,
    });
    this.users = [
      { name: 'sandbox-admin', token: this.adminToken, groups: ['system:masters'] },
      ...(opts.users ?? []),
    ];
    const onError = (key: string, err: unknown) => this.report(err, `controller ${key}`);
    this.simulator = new WorkloadSimulator(
      this.core,
      { ...DEFAULT_SIMULATOR_CONFIG, ...opts.simulator },
      onError,
    );
  }

  /** Loads state, seeds a fresh cluster, starts controllers and listens. */
  async start(): Promise<SandboxEndpoint> {
    const host = this.opts.host ?? '127.0.0.1';
    if (this.opts.stateFile) {
      const snap = await loadState(this.opts.stateFile);
      if (snap) this.core.store.restore(snap);
    }
    const onError = (key: string, err: unknown) => this.report(err, `controller ${key}`);
    const ns = new NamespaceController(this.core, onError);
    const gc = new GarbageCollector(this.core, onError);
    const crd = new CrdController(this.core, onError);
    crd.serveAll();
    gc.indexAll();
    this.controllers.push(ns, gc, crd);
    this.unsubscribe = this.core.store.subscribe((e) => {
      ns.observe(e);
      gc.observe(e);
      crd.observe(e);
      this.simulator.observe(e);
      this.scheduleSave();
    });
    this.seed();
    this.simulator.start();
    this.cert = await selfSignedCertificate(host);
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      dispatch(
        {
          core: this.core,
          authenticate: (h) => authenticate(h, this.users, this.core.options.tokenSecret),
          faults: this.faults,
          counters: this.counters,
          admission: [rbacEscalationHook(this.core)],
          bookmarkIntervalMs: this.opts.bookmarkIntervalMs ?? 5_000,
          admin: (method, url, body) => adminReply(this, method, url, body),
          log: (err) => this.report(err, 'request'),
        },
        req,
        res,
      ).catch((err: unknown) => this.report(err, 'dispatch'));
    };
    this.http = createHttpServer(handler);
    this.https = createHttpsServer({ key: this.cert.keyPem, cert: this.cert.certPem }, handler);
    // One port for both: a TLS ClientHello starts with 0x16.
    this.net = createNetServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.once('data', (first: Buffer) => {
        socket.pause();
        socket.unshift(first);
        const target = first[0] === 0x16 ? this.https : this.http;
        target?.emit('connection', socket);
        process.nextTick(() => socket.resume());
      });
    });
    const net = this.net;
    await new Promise<void>((resolve, reject) => {
      net.once('error', reject);
      net.listen(this.opts.port ?? 0, host, () => resolve());
    });
    const port = (net.address() as AddressInfo).port;
    return {
      httpsUrl: `https://${host}:${port}`,
      httpUrl: `http://${host}:${port}`,
      port,
      caPem: this.cert.certPem,
      adminToken: this.adminToken,
    };
  }

  async stop(): Promise<void> {
    this.simulator.stop();
    for (const c of this.controllers) c.loop.stop();
    this.unsubscribe?.();
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    // Wait for a save in flight, then write the final state, so a restart sees every acknowledged write.
    await this.saving;
    if (this.opts.stateFile) await saveState(this.opts.stateFile, this.core.store.snapshot());
    for (const s of this.sockets) s.destroy();
    this.http?.closeAllConnections();
    this.https?.closeAllConnections();
    const net = this.net;
    if (net) await new Promise<void>((resolve) => net.close(() => resolve()));
  }

  /** A fresh cluster's objects: system namespaces and the bootstrap RBAC policy. */
  private seed(): void {
    const nsDef = this.core.def('', 'namespaces');
    const now = rfc3339(this.core.clock());
    for (const name of SYSTEM_NAMESPACES) {
      if (nsDef && !this.core.get(nsDef, '', name)) {
        this.core.store.put(storageKey(nsDef), {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name,
            uid: this.core.newUid(),
            creationTimestamp: now,
            labels: { 'kubernetes.io/metadata.name': name },
          },
          spec: { finalizers: ['kubernetes'] },
          status: { phase: 'Active' },
        });
      }
    }
    for (const obj of bootstrapPolicy()) {
      const kind = String(obj.kind);
      const plural = `${kind.toLowerCase()}s`;
      const def = this.core.def('rbac.authorization.k8s.io', plural);
      const m = meta(obj);
      if (def && !this.core.get(def, m.namespace ?? '', m.name ?? '')) {
        const stored: Obj = { ...obj, metadata: { ...m, uid: this.core.newUid(), creationTimestamp: now } };
        this.core.store.put(storageKey(def), stored);
      }
    }
  }

  private scheduleSave(): void {
    const file = this.opts.stateFile;
    if (!file || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saving = this.saving
        .then(() => saveState(file, this.core.store.snapshot()))
        .catch((err: unknown) => this.report(err, 'state file'));
    }, 200);
  }

  private report(err: unknown, where: string): void {
    if (this.opts.onError) this.opts.onError(err, where);
    else
      process.emitWarning(
        `sandbox ${where}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
  }
}
