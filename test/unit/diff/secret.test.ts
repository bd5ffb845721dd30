import { describe, expect, it } from 'vitest';
import { MASK, MASK_AFTER, MASK_BEFORE, maskSecretPair, objectDiff } from '../../../src/diff/index.js';

const PLANTED = 'planted-s3cret-value';
const PLANTED_B64 = Buffer.from(PLANTED).toString('base64');
const OTHER = 'another-planted-value';
const OTHER_B64 = Buffer.from(OTHER).toString('base64');

function secret(data: Record<string, string>, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'creds',
      namespace: 'shop',
      uid: 'u',
      resourceVersion: '7',
      labels: { tier: 'backend' },
    },
    type: 'Opaque',
    data,
    ...extra,
  };
}

const ref = { kind: 'Secret', namespace: 'shop', name: 'creds' };

function expectNoSecret(out: string) {
  for (const v of [PLANTED, PLANTED_B64, OTHER, OTHER_B64]) expect(out).not.toContain(v);
}

describe('maskSecretPair', () => {
  it('marks changed values before/after, equal and one-sided ones plainly, and keeps key names', () => {
    const { before, after } = maskSecretPair(
      secret({ same: PLANTED_B64, changed: PLANTED_B64, gone: OTHER_B64 }),
      secret({ same: PLANTED_B64, changed: OTHER_B64, added: OTHER_B64 }),
    );
    expect(before.data).toEqual({ same: MASK, changed: MASK_BEFORE, gone: MASK });
    expect(after.data).toEqual({ same: MASK, changed: MASK_AFTER, added: MASK });
  });

  it('masks stringData and the last-applied annotation, and leaves other annotations alone', () => {
    const meta = (lastApplied: string) => ({
      name: 'creds',
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied, note: 'visible' },
    });
    const { before, after } = maskSecretPair(
      { ...secret({}), metadata: meta(`{"data":{"k":"${PLANTED_B64}"}}`), stringData: { k: PLANTED } },
      { ...secret({}), metadata: meta(`{"data":{"k":"${OTHER_B64}"}}`), stringData: { k: OTHER } },
    );
    expect(before.stringData).toEqual({ k: MASK_BEFORE });
    expect(after.stringData).toEqual({ k: MASK_AFTER });
    expect(before.metadata).toEqual({
      name: 'creds',
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': MASK_BEFORE, note: 'visible' },
    });
    expectNoSecret(JSON.stringify([before, after]));
  });

  it('hides a malformed data field whole', () => {
    const { before } = maskSecretPair(secret({}, { data: [PLANTED] }), secret({}));
    expect(before.data).toBe(MASK);
  });

  it('leaves other kinds and its inputs untouched', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } };
    expect(maskSecretPair(cm, cm)).toEqual({ before: cm, after: cm });
    const input = secret({ k: PLANTED_B64 });
    maskSecretPair(input, input);
    expect(input.data.k).toBe(PLANTED_B64);
  });
});

describe('objectDiff of a Secret', () => {
  it('shows that a value changed without printing either value', () => {
    const out = objectDiff(ref, secret({ password: PLANTED_B64 }), secret({ password: OTHER_B64 }));
    expect(out).toContain('--- live Secret/shop/creds\n+++ merged\n');
    expect(out).toContain(`-  password: "${MASK_BEFORE}"`);
    expect(out).toContain(`+  password: "${MASK_AFTER}"`);
    expectNoSecret(out);
  });

  it('shows other changes with the unchanged values masked', () => {
    const changed = secret({ password: PLANTED_B64 }, { type: 'example.com/other' });
    const out = objectDiff(ref, secret({ password: PLANTED_B64 }), changed);
    expect(out).toContain(`   password: "${MASK}"\n-type: Opaque\n+type: example.com/other\n`);
    expect(out).not.toContain(MASK_BEFORE);
    expectNoSecret(out);
  });
});
