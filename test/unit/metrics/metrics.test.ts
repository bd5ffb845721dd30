import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, MAX_NOT_FOUND_RECEIVER_SERIES } from '../../../src/metrics/metrics.js';
import { find, parseSamples, value } from './exposition.js';

const web = { kind: 'Sync', namespace: 'team-a', name: 'web' };

async function scrape(metrics: ReturnType<typeof createMetrics>) {
  return parseSamples(await metrics.registry.metrics());
}

describe('createMetrics', () => {
  it('uses a registry of its own, with process metrics and build info', async () => {
    const metrics = createMetrics({ version: '1.2.3' });
    expect(metrics.registry).not.toBe(globalRegistry);
    expect(globalRegistry.getSingleMetric('steward_build_info')).toBeUndefined();
    const samples = await scrape(metrics);
    expect(value(samples, 'steward_build_info', { version: '1.2.3' })).toBe(1);
    expect(find(samples, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(find(samples, 'nodejs_heap_size_used_bytes')).toHaveLength(1);
  });

  it('can leave out the process metrics, and two instances do not collide', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.reconciled('Sync', 'team-a', 'web', 'success', 1);
    const samples = await scrape(a);
    expect(find(samples, 'process_cpu_user_seconds_total')).toHaveLength(0);
    expect(value(samples, 'steward_build_info', { version: 'unknown' })).toBe(1);
    expect(find(await scrape(b), 'steward_reconcile_total')).toHaveLength(0);
  });

  it('counts reconciles by result and observes their duration', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.reconciled('Sync', 'team-a', 'web', 'success', 0.2);
    metrics.reconciled('Sync', 'team-a', 'web', 'success', 3);
    metrics.reconciled('Sync', 'team-a', 'web', 'failure', 40);
    const samples = await scrape(metrics);
    expect(value(samples, 'steward_reconcile_total', { ...web, result: 'success' })).toBe(2);
    expect(value(samples, 'steward_reconcile_total', { ...web, result: 'failure' })).toBe(1);
    expect(value(samples, 'steward_reconcile_duration_seconds_count', web)).toBe(3);
    expect(value(samples, 'steward_reconcile_duration_seconds_sum', web)).toBeCloseTo(43.2);
    expect(value(samples, 'steward_reconcile_duration_seconds_bucket', { ...web, le: '0.25' })).toBe(1);
    expect(value(samples, 'steward_reconcile_duration_seconds_bucket', { ...web, le: '5' })).toBe(2);
    expect(value(samples, 'steward_reconcile_duration_seconds_bucket', { ...web, le: '+Inf' })).toBe(3);
  });

  it('sets 1 for the current condition status and 0 for the others', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.setCondition('Sync', 'team-a', 'web', 'Ready', 'Unknown');
    metrics.setCondition('Sync', 'team-a', 'web', 'Ready', 'False');
    metrics.setCondition('Sync', 'team-a', 'web', 'Stalled', 'True');
    const samples = await scrape(metrics);
    const ready = find(samples, 'steward_condition', { ...web, type: 'Ready' });
    expect(Object.fromEntries(ready.map((s) => [s.labels.status, s.value]))).toEqual({
      True: 0,
      False: 1,
      Unknown: 0,
    });
    expect(value(samples, 'steward_condition', { ...web, type: 'Stalled', status: 'True' })).toBe(1);
  });

  it('records suspension, source fetches and fetch errors by reason', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const repo = { kind: 'GitRepository', namespace: 'team-a', name: 'apps' };
    metrics.setSuspended('Sync', 'team-a', 'web', true);
    metrics.sourceFetched('GitRepository', 'team-a', 'apps', 0.03);
    metrics.sourceFetched('GitRepository', 'team-a', 'apps', 1.5, 'AuthenticationFailed');
    metrics.sourceFetched('GitRepository', 'team-a', 'apps', 2, 'AuthenticationFailed');
    const samples = await scrape(metrics);
    expect(value(samples, 'steward_suspended', web)).toBe(1);
    expect(value(samples, 'steward_source_fetch_duration_seconds_count', repo)).toBe(3);
    expect(
      value(samples, 'steward_source_fetch_errors_total', { ...repo, reason: 'AuthenticationFailed' }),
    ).toBe(2);
    metrics.setSuspended('Sync', 'team-a', 'web', false);
    expect(value(await scrape(metrics), 'steward_suspended', web)).toBe(0);
  });

  it('counts a ChangeSet as applied by action and deleted as pruned, and drift corrections', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const ref = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'team-a', name: 'x' };
    const actions = ['created', 'configured', 'configured', 'unchanged', 'deleted', 'skipped'] as const;
    metrics.recordChanges('team-a', 'web', { changes: actions.map((action) => ({ ref, action })) });
    metrics.driftCorrected('team-a', 'web');
    metrics.driftCorrected('team-a', 'web', 2);
    const samples = await scrape(metrics);
    const sync = { namespace: 'team-a', name: 'web' };
    expect(value(samples, 'steward_objects_applied_total', { ...sync, action: 'created' })).toBe(1);
    expect(value(samples, 'steward_objects_applied_total', { ...sync, action: 'configured' })).toBe(2);
    expect(value(samples, 'steward_objects_applied_total', { ...sync, action: 'unchanged' })).toBe(1);
    expect(find(samples, 'steward_objects_applied_total')).toHaveLength(3);
    expect(value(samples, 'steward_objects_pruned_total', sync)).toBe(1);
    expect(value(samples, 'steward_drift_corrections_total', sync)).toBe(3);
  });

  it('reports watched queues at each scrape and drops one that is unwatched', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    let queued = 4;
    const stop = metrics.watchQueue('sync', () => ({ queued, inFlight: 2, delayed: 7 }));
    metrics.watchQueue('source', () => ({ queued: 0, inFlight: 1, delayed: 3 }));
    let samples = await scrape(metrics);
    expect(value(samples, 'steward_queue_depth', { queue: 'sync', state: 'queued' })).toBe(4);
    expect(value(samples, 'steward_queue_depth', { queue: 'sync', state: 'in_flight' })).toBe(2);
    expect(value(samples, 'steward_queue_depth', { queue: 'sync', state: 'delayed' })).toBe(7);
    queued = 9;
    expect(value(await scrape(metrics), 'steward_queue_depth', { queue: 'sync', state: 'queued' })).toBe(9);
    stop();
    samples = await scrape(metrics);
    expect(find(samples, 'steward_queue_depth', { queue: 'sync' })).toHaveLength(0);
    expect(find(samples, 'steward_queue_depth', { queue: 'source' })).toHaveLength(3);
  });

  it('forget removes every series of the object and only of that object', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const record = (name: string): void => {
      metrics.reconciled('Sync', 'team-a', name, 'success', 1);
      metrics.reconciled('Sync', 'team-a', name, 'failure', 1);
      metrics.setCondition('Sync', 'team-a', name, 'Ready', 'True');
      metrics.setSuspended('Sync', 'team-a', name, false);
      metrics.recordChanges('team-a', name, {
        changes: [
          {
            ref: { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'team-a', name },
            action: 'deleted',
          },
        ],
      });
      metrics.driftCorrected('team-a', name);
    };
    record('web');
    record('api');
    // A source of the same name in the same namespace keeps its series when the Sync goes.
    metrics.sourceFetched('GitRepository', 'team-a', 'web', 1, 'GitOperationFailed');

    metrics.forget('Sync', 'team-a', 'web');
    const samples = await scrape(metrics);
    const ofWeb = samples.filter((s) => s.labels.name === 'web' && s.labels.kind !== 'GitRepository');
    expect(ofWeb).toEqual([]);
    expect(find(samples, 'steward_source_fetch_errors_total', { name: 'web' })).toHaveLength(1);
    expect(value(samples, 'steward_reconcile_total', { name: 'api', result: 'success' })).toBe(1);
    expect(value(samples, 'steward_drift_corrections_total', { name: 'api' })).toBe(1);

    // Recording again after forget starts the series afresh.
    metrics.reconciled('Sync', 'team-a', 'web', 'success', 1);
    expect(value(await scrape(metrics), 'steward_reconcile_total', { ...web, result: 'success' })).toBe(1);
    metrics.forget('Sync', 'team-a', 'never-seen');
  });

  it('counts notifications by provider, type and result, and observes delivery time by type', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.notification('team-a', 'chat', 'slack', 'sent');
    metrics.notification('team-a', 'chat', 'slack', 'sent');
    metrics.notification('team-a', 'chat', 'slack', 'dropped');
    metrics.notification('team-a', 'chat', 'slack', 'failed');
    metrics.notification('team-b', 'hook', 'generic-hmac', 'sent');
    metrics.notificationDelivered('slack', 0.04);
    metrics.notificationDelivered('slack', 12);
    metrics.notificationDelivered('generic-hmac', 0.2);
    const samples = await scrape(metrics);
    const chat = { namespace: 'team-a', provider: 'chat', type: 'slack' };
    expect(value(samples, 'steward_notifications_total', { ...chat, result: 'sent' })).toBe(2);
    expect(value(samples, 'steward_notifications_total', { ...chat, result: 'dropped' })).toBe(1);
    expect(value(samples, 'steward_notifications_total', { ...chat, result: 'failed' })).toBe(1);
    expect(
      value(samples, 'steward_notifications_total', {
        namespace: 'team-b',
        provider: 'hook',
        result: 'sent',
      }),
    ).toBe(1);
    expect(find(samples, 'steward_notifications_total')).toHaveLength(4);
    const slack = { type: 'slack' };
    expect(value(samples, 'steward_notification_delivery_duration_seconds_count', slack)).toBe(2);
    expect(value(samples, 'steward_notification_delivery_duration_seconds_sum', slack)).toBeCloseTo(12.04);
    expect(
      value(samples, 'steward_notification_delivery_duration_seconds_bucket', { ...slack, le: '0.01' }),
    ).toBe(0);
    expect(
      value(samples, 'steward_notification_delivery_duration_seconds_bucket', { ...slack, le: '0.05' }),
    ).toBe(1);
    expect(
      value(samples, 'steward_notification_delivery_duration_seconds_bucket', { ...slack, le: '10' }),
    ).toBe(1);
    expect(
      value(samples, 'steward_notification_delivery_duration_seconds_bucket', { ...slack, le: '30' }),
    ).toBe(2);
    const sample = find(samples, 'steward_notification_delivery_duration_seconds_count', {
      type: 'generic-hmac',
    });
    expect(sample.map((s) => s.labels)).toEqual([{ type: 'generic-hmac' }]);
  });

  it('counts receiver requests by result', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const results = ['accepted', 'accepted', 'unauthorized', 'rejected', 'not_found'] as const;
    for (const result of results) metrics.receiverRequest('team-a', 'github', result);
    const samples = await scrape(metrics);
    const github = { namespace: 'team-a', name: 'github' };
    expect(value(samples, 'steward_receiver_requests_total', { ...github, result: 'accepted' })).toBe(2);
    expect(value(samples, 'steward_receiver_requests_total', { ...github, result: 'unauthorized' })).toBe(1);
    expect(value(samples, 'steward_receiver_requests_total', { ...github, result: 'rejected' })).toBe(1);
    expect(value(samples, 'steward_receiver_requests_total', { ...github, result: 'not_found' })).toBe(1);
    expect(find(samples, 'steward_receiver_requests_total')).toHaveLength(4);
  });

  it('counts not_found requests for names beyond the cap under an empty namespace and name', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    for (let i = 0; i < MAX_NOT_FOUND_RECEIVER_SERIES + 50; i++) {
      metrics.receiverRequest('scan', `guess-${i}`, 'not_found');
    }
    // A name seen before the cap keeps its own series; the other results are never capped.
    metrics.receiverRequest('scan', 'guess-0', 'not_found');
    metrics.receiverRequest('team-a', 'github', 'accepted');
    let samples = await scrape(metrics);
    const notFound = find(samples, 'steward_receiver_requests_total', { result: 'not_found' });
    expect(notFound).toHaveLength(MAX_NOT_FOUND_RECEIVER_SERIES + 1);
    expect(value(samples, 'steward_receiver_requests_total', { name: 'guess-0', result: 'not_found' })).toBe(
      2,
    );
    expect(
      value(samples, 'steward_receiver_requests_total', { namespace: '', name: '', result: 'not_found' }),
    ).toBe(50);
    expect(value(samples, 'steward_receiver_requests_total', { name: 'github', result: 'accepted' })).toBe(1);

    // Forgetting one frees its place under the cap.
    metrics.forget('Receiver', 'scan', 'guess-1');
    metrics.receiverRequest('scan', 'late', 'not_found');
    samples = await scrape(metrics);
    expect(find(samples, 'steward_receiver_requests_total', { name: 'guess-1' })).toHaveLength(0);
    expect(value(samples, 'steward_receiver_requests_total', { name: 'late', result: 'not_found' })).toBe(1);
  });

  it('forget of a Provider removes its notification series, of a Receiver its request series', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.notification('team-a', 'chat', 'slack', 'sent');
    metrics.notification('team-a', 'chat', 'slack', 'failed');
    metrics.notification('team-a', 'pager', 'alertmanager', 'sent');
    metrics.notification('team-b', 'chat', 'slack', 'sent');
    metrics.notificationDelivered('slack', 0.1);
    metrics.receiverRequest('team-a', 'github', 'accepted');
    metrics.receiverRequest('team-a', 'github', 'unauthorized');
    metrics.receiverRequest('team-a', 'gitlab', 'accepted');
    metrics.receiverRequest('team-a', 'chat', 'accepted');
    // Objects of other kinds with the same names keep their series.
    metrics.setCondition('Sync', 'team-a', 'chat', 'Ready', 'True');
    metrics.setCondition('Sync', 'team-a', 'github', 'Ready', 'True');

    metrics.forget('Provider', 'team-a', 'chat');
    let samples = await scrape(metrics);
    const notifications = find(samples, 'steward_notifications_total').map(
      (s) => `${s.labels.namespace}/${s.labels.provider}/${s.labels.result}`,
    );
    expect(notifications.sort()).toEqual(['team-a/pager/sent', 'team-b/chat/sent']);
    expect(value(samples, 'steward_receiver_requests_total', { name: 'chat', result: 'accepted' })).toBe(1);
    // Delivery time is by provider type only: no Provider owns it.
    expect(value(samples, 'steward_notification_delivery_duration_seconds_count', { type: 'slack' })).toBe(1);

    metrics.forget('Receiver', 'team-a', 'github');
    samples = await scrape(metrics);
    const requests = find(samples, 'steward_receiver_requests_total').map((s) => s.labels.name);
    expect(requests.sort()).toEqual(['chat', 'gitlab']);
    expect(find(samples, 'steward_condition', { kind: 'Sync', status: 'True' }).map((s) => s.value)).toEqual([
      1, 1,
    ]);
    expect(find(samples, 'steward_notifications_total', { provider: 'pager' })).toHaveLength(1);

    // Counting again after forget starts afresh.
    metrics.notification('team-a', 'chat', 'slack', 'sent');
    samples = await scrape(metrics);
    expect(value(samples, 'steward_notifications_total', { namespace: 'team-a', provider: 'chat' })).toBe(1);
  });

  it('records image scans by result, their duration, tags and errors, and registry requests', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.imageScanned('team-a', 'app', { seconds: 0.02, shared: false, tags: 7 });
    metrics.imageScanned('team-a', 'app', { seconds: 0.02, shared: true, tags: 5 });
    metrics.imageScanned('team-a', 'app', { seconds: 3, shared: true, tags: 6 });
    metrics.imageScanFailed('team-a', 'app', 'RateLimited');
    metrics.imageScanFailed('team-a', 'app', 'RateLimited');
    metrics.imageScanFailed('team-a', 'app', 'AuthenticationFailed');
    metrics.registryRequests('ghcr.io', 3);
    metrics.registryRequests('ghcr.io', 2);
    metrics.registryRequests('127.0.0.1:5000', 0);
    const samples = await scrape(metrics);
    const app = { namespace: 'team-a', name: 'app' };
    expect(value(samples, 'steward_image_scans_total', { ...app, result: 'scanned' })).toBe(1);
    expect(value(samples, 'steward_image_scans_total', { ...app, result: 'shared' })).toBe(2);
    expect(value(samples, 'steward_image_scans_total', { ...app, result: 'failed' })).toBe(3);
    expect(value(samples, 'steward_image_scan_duration_seconds_count', app)).toBe(3);
    expect(value(samples, 'steward_image_scan_duration_seconds_bucket', { ...app, le: '0.025' })).toBe(2);
    expect(value(samples, 'steward_image_scan_duration_seconds_sum', app)).toBeCloseTo(3.04);
    expect(value(samples, 'steward_image_tags', app)).toBe(6);
    expect(value(samples, 'steward_image_scan_errors_total', { ...app, reason: 'RateLimited' })).toBe(2);
    expect(
      value(samples, 'steward_image_scan_errors_total', { ...app, reason: 'AuthenticationFailed' }),
    ).toBe(1);
    expect(value(samples, 'steward_image_registry_requests_total', { registry: 'ghcr.io' })).toBe(5);
    // No requests, no series.
    expect(find(samples, 'steward_image_registry_requests_total')).toHaveLength(1);
  });

  it('forget of an ImageRepository removes its scan series, not the registry counts', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    for (const name of ['app', 'api']) {
      metrics.imageScanned('team-a', name, { seconds: 0.1, shared: false, tags: 2 });
      metrics.imageScanned('team-a', name, { seconds: 0.1, shared: true, tags: 2 });
      metrics.imageScanFailed('team-a', name, 'ScanFailed');
    }
    metrics.registryRequests('ghcr.io', 1);
    // A Sync of the same name keeps its series.
    metrics.setCondition('Sync', 'team-a', 'app', 'Ready', 'True');

    metrics.forget('ImageRepository', 'team-a', 'app');
    const samples = await scrape(metrics);
    const image = samples.filter((s) => s.name.startsWith('steward_image_') && s.labels.name !== undefined);
    expect([...new Set(image.map((s) => s.labels.name))]).toEqual(['api']);
    expect(find(samples, 'steward_image_scans_total', { name: 'api' })).toHaveLength(3);
    expect(value(samples, 'steward_image_registry_requests_total', { registry: 'ghcr.io' })).toBe(1);
    expect(value(samples, 'steward_condition', { ...web, name: 'app', status: 'True' })).toBe(1);
  });

  it('exposes single metrics through the registry as text', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.reconciled('Sync', 'team-a', 'web', 'success', 1);
    const text = await metrics.registry.getSingleMetricAsString('steward_reconcile_total');
    expect(text).toContain('# TYPE steward_reconcile_total counter');
    expect(text).toContain(
      'steward_reconcile_total{kind="Sync",namespace="team-a",name="web",result="success"} 1',
    );
  });
});
