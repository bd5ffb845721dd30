import { describe, expect, it } from 'vitest';
import { type FieldError, validateAlert, validateProvider } from '../../../src/api/index.js';
import { regexRisk } from '../../../src/api/validate.js';

function provider(spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Provider',
    metadata: { name: 'chat', namespace: 'team-a' },
    spec,
  };
}

function alert(spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'steward.dev/v1alpha1',
    kind: 'Alert',
    metadata: { name: 'on-call', namespace: 'team-a' },
    spec: { providerRef: { name: 'chat' }, eventSources: [{ kind: 'Sync', name: '*' }], ...spec },
  };
}

function errors(result: { ok: true } | { ok: false; errors: FieldError[] }): FieldError[] {
  return result.ok ? [] : result.errors;
}

describe('validateProvider', () => {
  it.each([
    [{ type: 'slack', address: 'https://hooks.slack.com/services/T/B/x', channel: '#ops', username: 'bot' }],
    [{ type: 'msteams', secretRef: { name: 'teams-url' } }],
    [{ type: 'discord', address: 'https://discord.com/api/webhooks/1/x', timeout: '30s' }],
    [{ type: 'generic', address: 'http://receiver.ops:8080/hook', suspend: true }],
    [{ type: 'generic-hmac', address: 'https://receiver.example.com/hook', secretRef: { name: 'hmac' } }],
    [{ type: 'alertmanager', address: 'http://alertmanager.monitoring:9093' }],
  ])('accepts %j', (spec) => {
    expect(errors(validateProvider(provider(spec)))).toEqual([]);
  });

  it.each([
    [{ type: 'pagerduty', address: 'https://x' }, 'spec.type'],
    [{ type: 'slack', address: 'ftp://hooks.example.com' }, 'spec.address'],
    [{ type: 'slack', address: 'https://user:secret@hooks.example.com/x' }, 'spec.address'],
    [{ type: 'generic', address: 'https://x.example.com', timeout: '0s' }, 'spec.timeout'],
    [{ type: 'generic', address: 'https://x.example.com', timeout: 'soon' }, 'spec.timeout'],
    [
      { type: 'generic', address: 'https://x.example.com', secretRef: { name: 'Not_A_Name' } },
      'spec.secretRef.name',
    ],
    [{ type: 'generic', address: 'https://x.example.com', extra: true }, 'spec.extra'],
  ])('refuses %j at %s', (spec, path) => {
    expect(errors(validateProvider(provider(spec))).map((e) => e.path)).toContain(path);
  });

  it('never echoes the address, which is a credential', () => {
    const result = validateProvider(
      provider({ type: 'slack', address: 'https://u:hunter2@hooks.example.com/T/B/zzz' }),
    );
    expect(JSON.stringify(errors(result))).not.toContain('hunter2');
    expect(JSON.stringify(errors(result))).not.toContain('zzz');
  });
});

describe('validateAlert', () => {
  it('defaults eventSeverity to info', () => {
    const result = validateAlert(alert({}));
    expect(result.ok && result.value.spec.eventSeverity).toBe('info');
  });

  it.each([
    [{ eventSeverity: 'error', summary: 'production cluster' }],
    [{ eventSources: [{ kind: 'GitRepository', name: 'fleet-*', namespace: 'flux-system' }] }],
    [{ eventSources: [{ kind: 'Sync', name: '*', matchLabels: { team: 'a' } }] }],
    [{ inclusionList: ['^Applied revision', 'HealthCheck(Failed)?'], exclusionList: ['(\\d+\\.){3}\\d+'] }],
    [{ eventMetadata: { cluster: 'prod-eu', env: 'production' }, suspend: true }],
  ])('accepts %j', (spec) => {
    expect(errors(validateAlert(alert(spec)))).toEqual([]);
  });

  it.each([
    [{ eventSeverity: 'warning' }, 'spec.eventSeverity'],
    [{ eventSources: [] }, 'spec.eventSources'],
    [{ eventSources: [{ kind: 'Deployment', name: 'web' }] }, 'spec.eventSources[0].kind'],
    [{ eventSources: [{ kind: 'Sync', name: 'Web_App' }] }, 'spec.eventSources[0].name'],
    [
      { eventSources: [{ kind: 'Sync', name: 'web', matchLabels: { a: 'b' } }] },
      'spec.eventSources[0].matchLabels',
    ],
    [{ inclusionList: ['(unclosed'] }, 'spec.inclusionList[0]'],
    [{ exclusionList: ['ok', '(a+)+$'] }, 'spec.exclusionList[1]'],
    [{ exclusionList: ['(\\w+\\s?)*done'] }, 'spec.exclusionList[0]'],
    [{ inclusionList: ['(a)\\1'] }, 'spec.inclusionList[0]'],
    [{ summary: 'x'.repeat(256) }, 'spec.summary'],
    [{ providerRef: {} }, 'spec.providerRef.name'],
  ])('refuses %j at %s', (spec, path) => {
    expect(errors(validateAlert(alert(spec))).map((e) => e.path)).toContain(path);
  });
});

describe('regexRisk', () => {
  it.each([
    ['^Applied revision: main@sha1:[0-9a-f]+$', undefined],
    ['(\\d+\\.){3}\\d+', undefined],
    ['(?:foo|bar)*', undefined],
    ['[a-z]+(x)*', undefined],
    ['(ab?)*', undefined],
    ['[(+]+', undefined],
    ['\\(a+\\)+', undefined],
    ['(a+)+$', 'exponential'],
    ['(a*)*', 'exponential'],
    ['(\\w+\\s?)*', 'exponential'],
    ['([a-z]+)+', 'exponential'],
    ['(a{2,})+', 'exponential'],
    ['((a)+b){1,}', 'exponential'],
    ['(a)\\1', 'backreferences'],
    ['(?<n>a)\\k<n>', 'backreferences'],
  ])('%s: %s', (source, risk) => {
    const found = regexRisk(source);
    if (risk === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(risk);
  });
});
