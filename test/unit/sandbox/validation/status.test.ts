/**
 * The full 422 for the Deployment selector change, byte for byte as kube-api-facts §1.1 gives it for 1.34+.
 * Upstream: apimachinery pkg/api/errors/errors.go NewInvalid, kubernetes pkg/registry/apps/deployment/strategy.go.
 */
import { describe, expect, it } from 'vitest';
import { invalid } from '../../../../src/sandbox/errors.js';
import type { Obj } from '../../../../src/sandbox/types.js';
import { validateBuiltin } from '../../../../src/sandbox/validation/builtin.js';
import { applyDefaults } from '../../../../src/sandbox/validation/defaults.js';
import { validateUpdate } from '../../../../src/sandbox/validation/immutable.js';

const EXPECTED =
  '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Deployment.apps \\"web\\" is invalid: spec.selector: Invalid value: {\\"matchLabels\\":{\\"app\\":\\"web2\\"}}: field is immutable","reason":"Invalid","details":{"name":"web","group":"apps","kind":"Deployment","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: {\\"matchLabels\\":{\\"app\\":\\"web2\\"}}: field is immutable","field":"spec.selector"}]},"code":422}';

function deployment(app: string): Obj {
  return applyDefaults('apps', 'Deployment', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app } },
      template: {
        metadata: { labels: { app } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
      },
    },
  });
}

describe('Invalid status for a Deployment selector change', () => {
  it('matches the real apiserver JSON exactly', () => {
    const oldObj = deployment('web');
    const newObj = deployment('web2');
    const errs = [
      ...validateBuiltin('apps', 'Deployment', newObj),
      ...validateUpdate('apps', 'Deployment', oldObj, newObj),
    ];
    const status = invalid({ group: 'apps', kind: 'Deployment' }, 'web', errs).toStatus();
    expect(JSON.stringify(status)).toBe(EXPECTED);
  });

  it('aggregates several errors in brackets', () => {
    const errs = validateBuiltin(
      'apps',
      'Deployment',
      applyDefaults('apps', 'Deployment', {
        metadata: { name: 'web', namespace: 'd' },
        spec: { template: { metadata: { labels: { app: 'web' } } } },
      }),
    );
    expect(invalid({ group: 'apps', kind: 'Deployment' }, 'web', errs).message).toBe(
      'Deployment.apps "web" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`, spec.template.spec.containers: Required value]',
    );
  });
});
