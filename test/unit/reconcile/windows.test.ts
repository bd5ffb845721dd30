import { describe, expect, it } from 'vitest';
import { heldByWindow } from '../../../src/reconcile/sync.js';

describe('heldByWindow', () => {
  it.each([
    // allowed, driftCorrection, newWork, held
    [true, true, true, false],
    [true, true, false, false],
    [false, true, true, true],
    [false, true, false, false],
    [false, false, false, true],
    [false, false, true, true],
  ])('allowed=%s driftCorrection=%s newWork=%s -> held=%s', (allowed, driftCorrection, newWork, held) => {
    expect(heldByWindow({ allowed, driftCorrection }, newWork)).toBe(held);
  });
});
