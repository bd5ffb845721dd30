/** diffObject's decisions that need no API server: ssa annotations and what a failure may print. */
import { describe, expect, it } from 'vitest';
import type { Manifest, ObjectRef, PlannedObject } from '../../../src/core/types.js';
import { diffObject, type ObjectDiffContext } from '../../../src/diff/index.js';
import { KubeError } from '../../../src/kube/errors.js';
import type { KubeClient, Obj } from '../../../src/kube/types.js';

const PLANTED = 'planted-s3cret-value';

function plannedOf(manifest: Manifest): PlannedObject {
  const ref: ObjectRef = {
    group: '',
    version: 'v1',
    kind: manifest.kind,
    namespace: manifest.metadata.namespace ?? '',
    name: manifest.metadata.name,
  };
  return { ref, manifest, source: { file: 'app/x.yaml', document: 0 }, stage: 2 };
}

/** A client over a fixed live object whose dry-run apply answers with `dryRun` (or throws it). */
function fakeClient(live: Obj | undefined, dryRun: Obj | Error): KubeClient {
  const unused = () => Promise.reject(new Error('not used by diffObject'));
  return {
    discover: () => Promise.resolve({ plural: 'things', namespaced: true }),
    get: () => Promise.resolve(live),
    list: unused,
    apply: (_m, opts) => {
      if (opts.dryRun !== true) return Promise.reject(new Error('diff must never write'));
      return dryRun instanceof Error ? Promise.reject(dryRun) : Promise.resolve(dryRun);
    },
    patchStatus: unused,
    replaceStatus: unused,
    delete: unused,
    watch: unused,
    createEvent: unused,
  };
}

function ctx(client: KubeClient): ObjectDiffContext {
  return {
    client,
    fieldManager: 'steward',
    knownControllers: [],
    scaleTargets: new Set(),
    waitsOn: () => Promise.resolve(undefined),
  };
}

const cm = (annotations: Record<string, string> = {}): Manifest => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'shop', annotations },
  data: { k: 'v' },
});

describe('diffObject', () => {
  it.each([
    { name: 'Ignore on the manifest', manifest: cm({ 'steward.dev/ssa': 'Ignore' }), live: undefined },
    { name: 'Ignore on the live object', manifest: cm(), live: cm({ 'steward.dev/ssa': 'Ignore' }) },
    {
      name: 'IfNotPresent and the object exists',
      manifest: cm({ 'steward.dev/ssa': 'IfNotPresent' }),
      live: cm(),
    },
  ])('skips an object as the agent does: $name', async ({ manifest, live }) => {
    const r = await diffObject(ctx(fakeClient(live, new Error('no dry-run expected'))), plannedOf(manifest));
    expect(r.action).toBe('skipped');
  });

  it('never prints a Secret value the server echoes in a dry-run error', async () => {
    const secret: Manifest = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'shop' },
      stringData: { password: PLANTED },
    };
    const echo = new KubeError(
      422,
      'Invalid',
      `Secret "s" is invalid: data[password]: Invalid value: "${PLANTED}": bad`,
    );
    const r = await diffObject(ctx(fakeClient(undefined, echo)), plannedOf(secret));
    expect(r.action).toBe('failed');
    expect(r.action === 'failed' && r.error).toContain('Secret/shop/s dry-run failed');
    expect(JSON.stringify(r)).not.toContain(PLANTED);
  });

  it('names the immutable fields and what the agent would do', async () => {
    const err = new KubeError(
      422,
      'Invalid',
      'Deployment.apps "web" is invalid: spec.selector: Invalid value: {}: field is immutable',
      {
        causes: [{ field: 'spec.selector', message: 'field is immutable', reason: 'FieldValueInvalid' }],
      },
    );
    const r = await diffObject(ctx(fakeClient(cm(), err)), plannedOf(cm()));
    expect(r.action === 'failed' && r.error).toMatch(
      /immutable field spec\.selector changed; the agent recreates it only if the Sync sets spec\.force/,
    );
  });
});
