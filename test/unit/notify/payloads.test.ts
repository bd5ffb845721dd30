/**
 * Every payload against the shape its service documents: Slack's incoming-webhook attachments, Teams' Adaptive
 * Card message, Discord's Slack-compatible endpoint, Flux's generic event JSON (signed for generic-hmac), and
 * Alertmanager's API v2 postable alerts.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ALERTNAME,
  alertLabels,
  alertmanagerUrl,
  firingAlert,
  labelName,
  resolvedAlert,
} from '../../../src/notify/payload/alertmanager.js';
import { discordSlackUrl } from '../../../src/notify/payload/discord.js';
import { genericPayload, hmacSignature } from '../../../src/notify/payload/generic.js';
import { teamsPayload } from '../../../src/notify/payload/msteams.js';
import { alertmanagerRequest, eventRequest } from '../../../src/notify/payload/request.js';
import { slackEscape, slackPayload } from '../../../src/notify/payload/slack.js';
import { notification, REVISION, target } from './fixtures.js';

const failure = notification('failure', {}, { summary: 'prod-eu', eventMetadata: { cluster: 'prod-eu-1' } });
const recovery = notification('recovery', {
  type: 'Normal',
  reason: 'ReconciliationSucceeded',
  message: `Applied revision: ${REVISION} (3 unchanged)`,
  metadata: { 'steward.dev/revision': REVISION },
});

describe('slack', () => {
  it('posts one coloured attachment with title, message and fields', () => {
    expect(slackPayload(failure, { channel: '#ops', username: 'gitops' })).toEqual({
      channel: '#ops',
      username: 'gitops',
      text: 'prod-eu',
      attachments: [
        {
          color: '#a30200',
          fallback: 'Sync team-a/web failed: Deployment team-a/web: 1 of 3 updated replicas available',
          title: 'Sync team-a/web failed',
          text: 'Deployment team-a/web: 1 of 3 updated replicas available',
          fields: [
            { title: 'Object', value: 'Sync/team-a/web', short: true },
            { title: 'Reason', value: 'HealthCheckFailed', short: true },
            { title: 'Revision', value: REVISION, short: false },
            { title: 'Failing objects', value: 'Deployment/team-a/web', short: false },
            { title: 'cluster', value: 'prod-eu-1', short: true },
          ],
          footer: 'steward',
          ts: 1772359200,
        },
      ],
    });
  });

  it('is green for a recovery and leaves out channel and summary when unset', () => {
    const p = slackPayload(recovery, {});
    expect(p).not.toHaveProperty('channel');
    expect(p).not.toHaveProperty('text');
    expect(p.username).toBe('steward');
    expect(p.attachments[0]?.color).toBe('#2eb886');
    expect(p.attachments[0]?.title).toBe('Sync team-a/web recovered');
  });

  it('escapes the characters Slack reads as links and mentions', () => {
    expect(slackEscape('<!channel> a & b > c')).toBe('&lt;!channel&gt; a &amp; b &gt; c');
    const n = notification('failure', { message: 'bad <!here>' });
    expect(slackPayload(n, {}).attachments[0]?.text).toBe('bad &lt;!here&gt;');
  });
});

describe('discord', () => {
  it.each([
    ['https://discord.com/api/webhooks/1/tok', 'https://discord.com/api/webhooks/1/tok/slack'],
    ['https://discord.com/api/webhooks/1/tok/', 'https://discord.com/api/webhooks/1/tok/slack'],
    ['https://discord.com/api/webhooks/1/tok/slack', 'https://discord.com/api/webhooks/1/tok/slack'],
    [
      'https://discord.com/api/webhooks/1/tok?wait=true',
      'https://discord.com/api/webhooks/1/tok/slack?wait=true',
    ],
  ])('posts %s to %s', (address, url) => {
    expect(discordSlackUrl(address)).toBe(url);
  });

  it('sends the Slack body without Slack escaping', () => {
    const n = notification('failure', { message: 'a < b' });
    const req = eventRequest(
      n,
      target({ type: 'discord', address: 'https://discord.com/api/webhooks/1/tok' }),
    );
    const body = JSON.parse(req.body) as ReturnType<typeof slackPayload>;
    expect(req.url).toBe('https://discord.com/api/webhooks/1/tok/slack');
    expect(body.attachments[0]?.text).toBe('a < b');
    expect(body.attachments[0]?.color).toBe('#a30200');
  });
});

describe('msteams', () => {
  it('posts an Adaptive Card in attachments[0].content', () => {
    expect(teamsPayload(failure)).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            msteams: { width: 'Full' },
            body: [
              {
                type: 'Container',
                items: [
                  { type: 'TextBlock', text: 'prod-eu', wrap: true, weight: 'bolder' },
                  {
                    type: 'TextBlock',
                    text: 'Sync team-a/web failed',
                    wrap: true,
                    size: 'large',
                    weight: 'bolder',
                  },
                  {
                    type: 'TextBlock',
                    text: 'Deployment team-a/web: 1 of 3 updated replicas available',
                    wrap: true,
                    color: 'attention',
                  },
                  {
                    type: 'FactSet',
                    facts: [
                      { title: 'Object', value: 'Sync/team-a/web' },
                      { title: 'Reason', value: 'HealthCheckFailed' },
                      { title: 'Revision', value: REVISION },
                      { title: 'Failing objects', value: 'Deployment/team-a/web' },
                      { title: 'cluster', value: 'prod-eu-1' },
                    ],
                  },
                ],
              },
            ],
          },
        },
      ],
    });
  });

  it('colours a recovery good', () => {
    const items = teamsPayload(recovery).attachments[0].content.body[0].items;
    expect(items[0]).toMatchObject({ text: 'Sync team-a/web recovered', size: 'large' });
    expect(items[1]).toMatchObject({ color: 'good' });
  });
});

describe('generic', () => {
  it("posts Flux's event JSON", () => {
    expect(genericPayload(failure)).toEqual({
      involvedObject: {
        apiVersion: 'steward.dev/v1alpha1',
        kind: 'Sync',
        namespace: 'team-a',
        name: 'web',
        uid: '7d4c1c9e-0000-4000-8000-000000000001',
      },
      severity: 'error',
      timestamp: '2026-03-01T10:00:00Z',
      message: 'Deployment team-a/web: 1 of 3 updated replicas available',
      reason: 'HealthCheckFailed',
      metadata: {
        cluster: 'prod-eu-1',
        revision: REVISION,
        'failing-objects': 'Deployment/team-a/web',
        summary: 'prod-eu',
      },
      reportingController: 'steward',
    });
  });

  it("keeps the event's metadata over the Alert's", () => {
    const n = notification('failure', {}, { eventMetadata: { revision: 'not this', env: 'prod' } });
    expect(genericPayload(n).metadata).toMatchObject({ revision: REVISION, env: 'prod' });
  });

  it('signs the exact body for generic-hmac', () => {
    const req = eventRequest(
      failure,
      target({ type: 'generic-hmac', address: 'https://hooks.example.com/x', token: 'k3y' }),
    );
    const expected = createHmac('sha256', 'k3y').update(req.body).digest('hex');
    expect(req.headers['X-Signature']).toBe(`sha256=${expected}`);
    expect(hmacSignature(req.body, 'k3y')).toBe(`sha256=${expected}`);
    // The HMAC key is never sent.
    expect(JSON.stringify(req.headers)).not.toContain('k3y');
    expect(req.headers).not.toHaveProperty('Authorization');
    expect(JSON.parse(req.body)).toEqual(genericPayload(failure));
  });
});

describe('request headers', () => {
  it('sends JSON with the bearer token, or basic auth, and the Secret headers last', () => {
    const bearer = eventRequest(
      failure,
      target({
        type: 'generic',
        token: 't0k',
        headers: { 'X-Team': 'a', 'content-type': 'application/cloudevents+json' },
      }),
    );
    expect(bearer.headers).toEqual({
      'User-Agent': 'steward-notification',
      Authorization: 'Bearer t0k',
      'X-Team': 'a',
      'content-type': 'application/cloudevents+json',
    });
    const basic = eventRequest(
      failure,
      target({ type: 'generic', basicAuth: { username: 'u', password: 'p' } }),
    );
    expect(basic.headers.Authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('never lets a Secret header replace the signature', () => {
    const req = eventRequest(
      failure,
      target({ type: 'generic-hmac', token: 'k', headers: { 'x-signature': 'forged' } }),
    );
    expect(Object.keys(req.headers).filter((k) => k.toLowerCase() === 'x-signature')).toEqual([
      'X-Signature',
    ]);
    expect(req.headers['X-Signature']).toBe(hmacSignature(req.body, 'k'));
  });
});

describe('alertmanager', () => {
  it.each([
    ['http://am:9093', 'http://am:9093/api/v2/alerts'],
    ['http://am:9093/', 'http://am:9093/api/v2/alerts'],
    ['http://am:9093/api/v2/alerts/', 'http://am:9093/api/v2/alerts'],
    [
      'https://monitoring.example.com/alertmanager',
      'https://monitoring.example.com/alertmanager/api/v2/alerts',
    ],
  ])('posts to %s as %s', (address, url) => {
    expect(alertmanagerUrl(address)).toBe(url);
  });

  it('fires with stable labels, annotations and a future endsAt', () => {
    const start = new Date('2026-03-01T10:00:00.123Z');
    const end = new Date('2026-03-01T10:15:00.123Z');
    expect(firingAlert(failure, start, end)).toEqual({
      labels: {
        cluster: 'prod-eu-1',
        alertname: ALERTNAME,
        severity: 'error',
        kind: 'Sync',
        name: 'web',
        namespace: 'team-a',
      },
      annotations: {
        summary: 'prod-eu',
        message: 'Deployment team-a/web: 1 of 3 updated replicas available',
        reason: 'HealthCheckFailed',
        revision: REVISION,
        failing_objects: 'Deployment/team-a/web',
      },
      startsAt: '2026-03-01T10:00:00.123Z',
      endsAt: '2026-03-01T10:15:00.123Z',
    });
  });

  it('resolves with the same labels and endsAt now', () => {
    const fired = notification('failure', {}, { eventMetadata: { 'env.name': 'prod' } });
    const healed = notification(
      'recovery',
      { type: 'Normal', reason: 'ReconciliationSucceeded', message: 'Applied' },
      { eventMetadata: { 'env.name': 'prod' } },
    );
    const start = new Date('2026-03-01T10:00:00Z');
    const now = new Date('2026-03-01T10:20:00Z');
    const resolved = resolvedAlert(healed, start, now);
    expect(resolved.labels).toEqual(alertLabels(fired));
    expect(resolved.labels.env_name).toBe('prod');
    expect(resolved).toMatchObject({ startsAt: start.toISOString(), endsAt: now.toISOString() });
    // Without a known start (another agent fired it), it starts and ends now.
    expect(resolvedAlert(healed, undefined, now)).toMatchObject({
      startsAt: now.toISOString(),
      endsAt: now.toISOString(),
    });
  });

  it("does not let the Alert's metadata rename the alert", () => {
    const n = notification('failure', {}, { eventMetadata: { alertname: 'Other', severity: 'info' } });
    expect(alertLabels(n)).toMatchObject({ alertname: ALERTNAME, severity: 'error' });
  });

  it.each([
    ['cluster', 'cluster'],
    ['env.name', 'env_name'],
    ['app.kubernetes.io/part-of', 'app_kubernetes_io_part_of'],
    ['9lives', '_9lives'],
  ])('label name %s is %s', (key, name) => {
    expect(labelName(key)).toBe(name);
  });

  it('posts a JSON array to /api/v2/alerts', () => {
    const alert = firingAlert(failure, new Date(0), new Date(1));
    const req = alertmanagerRequest([alert], target({ type: 'alertmanager', address: 'http://am:9093' }));
    expect(req.url).toBe('http://am:9093/api/v2/alerts');
    expect(JSON.parse(req.body)).toEqual([alert]);
  });
});
