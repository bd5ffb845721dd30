import { describe, expect, it } from 'vitest';
import { helmFailureMessage, redactStrings } from '../../../src/render/helm/helm-errors.js';
import { helmTemplateArgs } from '../../../src/render/helm/render-chart.js';

const ctx = { paths: ['/var/cache/charts/podinfo', '/tmp/steward-helm-abc'], redact: [] };

describe("helm's failure message", () => {
  it('keeps the template, line and reason, without the Error: prefix', () => {
    const stderr =
      'Error: template: podinfo/templates/deployment.yaml:12:3: executing "podinfo/templates/deployment.yaml" at <.Values.x.y>: nil pointer evaluating interface {}.y\n';
    expect(helmFailureMessage(stderr, ctx)).toBe(
      'template: podinfo/templates/deployment.yaml:12:3: executing "podinfo/templates/deployment.yaml" at <.Values.x.y>: nil pointer evaluating interface {}.y',
    );
  });

  it.each([
    [
      'Error: webapp/templates/failures.yaml:3:10\n  executing "webapp/templates/failures.yaml" at <.Values.missing.field.deeper>:\n    nil pointer evaluating interface {}.field\n\nUse --debug flag to render out invalid YAML\n',
      'webapp/templates/failures.yaml:3:10: executing "webapp/templates/failures.yaml" at <.Values.missing.field.deeper>: nil pointer evaluating interface {}.field',
    ],
    [
      'Error: webapp/templates/bad.yaml:1:3\n  executing "webapp/templates/bad.yaml" at <include "nope" .>:\n    error calling include:\ntemplate: no template "nope" associated with template "gotpl"\n\nUse --debug flag to render out invalid YAML\n',
      'webapp/templates/bad.yaml:1:3: executing "webapp/templates/bad.yaml" at <include "nope" .>: error calling include: template: no template "nope" associated with template "gotpl"',
    ],
    [
      'Error: execution error at (webapp/templates/bad.yaml:1:3): custom failure\n\nUse --debug flag to render out invalid YAML\n',
      'execution error at (webapp/templates/bad.yaml:1:3): custom failure',
    ],
    ['Error: first\nsecond\n', 'first; second'],
  ])('puts helm 4 multi-line errors on one line', (stderr, expected) => {
    expect(helmFailureMessage(stderr, ctx)).toBe(expected);
  });

  it("removes the agent's paths", () => {
    const stderr =
      'Error: open /tmp/steward-helm-abc/values.json: permission denied; /var/cache/charts/podinfo/Chart.yaml and /var/cache/charts/podinfo';
    expect(helmFailureMessage(stderr, ctx)).toBe('open values.json: permission denied; Chart.yaml and .');
  });

  it('masks the values a schema failure quotes', () => {
    const stderr = [
      "Error: values don't meet the specifications of the schema(s) in the following chart(s):",
      't:',
      "- at '/p': 'SuperSecret1' does not match pattern '^x+$'",
      "- at '/e': value must be one of 'a', 'b'",
      "- at '/f': 'it''s' is not valid email",
    ].join('\n');
    const message = helmFailureMessage(stderr, ctx);
    expect(message).not.toContain('SuperSecret1');
    expect(message).toContain("t: - at '/p': the value does not match pattern '^x+$'; - at '/e'");
    expect(message).toContain("value must be one of 'a', 'b'");
  });

  it('masks values read from Secrets wherever they appear, longest first', () => {
    const stderr =
      'Error: execution error at (app/templates/x.yaml:3:4): bad password hunter2-long and hunter2';
    const message = helmFailureMessage(stderr, { ...ctx, redact: ['hunter2', 'hunter2-long', 'ab'] });
    expect(message).toBe('execution error at (app/templates/x.yaml:3:4): bad password *** and ***');
    expect(redactStrings('a.b*c a+b', ['a.b*c'])).toBe('*** a+b');
  });

  it('rewords a missing dependency for charts rendered offline', () => {
    const stderr =
      "Error: an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: redis, postgresql\n";
    expect(helmFailureMessage(stderr, ctx)).toBe(
      'dependencies listed in Chart.yaml but not vendored in charts/: redis, postgresql (charts are rendered offline: vendor subcharts with helm dependency build before packaging)',
    );
  });

  it('cuts object dumps and caps the length', () => {
    expect(helmFailureMessage('Error: bad value map[password:hunter2 user:x]', ctx)).toBe(
      'bad value (object contents omitted)',
    );
    expect(helmFailureMessage(`Error: ${'x'.repeat(5000)}`, ctx).length).toBeLessThanOrEqual(2001);
    expect(helmFailureMessage('', ctx)).toBe('no error output');
  });
});

describe('helm template arguments', () => {
  it('use --flag=value forms and the optional flags', () => {
    const base = {
      releaseName: 'web',
      chartDir: '/c/app',
      namespace: 'team-a',
      kubeVersion: '1.36.0',
      valuesFile: '/w/values.json',
    };
    expect(helmTemplateArgs({ ...base, includeCRDs: true, skipTests: true })).toEqual([
      'template',
      'web',
      '/c/app',
      '--namespace=team-a',
      '--kube-version=1.36.0',
      '--values=/w/values.json',
      '--include-crds',
      '--skip-tests',
    ]);
    const plain = helmTemplateArgs({ ...base, includeCRDs: false, skipTests: false });
    expect(plain).not.toContain('--include-crds');
    expect(plain).not.toContain('--skip-tests');
    expect(plain.some((a) => a.includes('dns') || a.includes('dependency-update'))).toBe(false);
  });
});
