import { describe, expect, it } from 'vitest';
import {
  compileImageMatcher,
  DEFAULT_SIMULATOR_CONFIG,
  resolveSimulatorConfig,
  SimulatorConfigError,
} from '../../../../src/sandbox/simulator/config.js';

describe('compileImageMatcher', () => {
  const match = compileImageMatcher(['*:broken', 'registry.local/never-ready/*', 'app:v?']);
  it.each([
    ['nginx:broken', true],
    ['ghcr.io/org/app:broken', true],
    ['nginx:broken-not', false],
    ['registry.local/never-ready/web:1', true],
    ['registry.local/never-ready', false],
    ['registry.local/ready/web:1', false],
    ['app:v1', true],
    ['app:v10', false],
    ['app.v1', false],
  ])('%s -> %s', (image, expected) => {
    expect(match(image)).toBe(expected);
  });

  it('matches nothing without patterns, and treats regex characters literally', () => {
    expect(compileImageMatcher([])('anything')).toBe(false);
    expect(compileImageMatcher(['a.b+c'])('a.b+c')).toBe(true);
    expect(compileImageMatcher(['a.b+c'])('axbbc')).toBe(false);
  });
});

describe('resolveSimulatorConfig', () => {
  it('fills the defaults, which cannot be changed', () => {
    expect(resolveSimulatorConfig()).toEqual({ enabled: true, settleMs: 2000, failImagePatterns: [] });
    expect(Object.isFrozen(DEFAULT_SIMULATOR_CONFIG)).toBe(true);
    expect(resolveSimulatorConfig({ settleMs: 50, progressDeadlineMs: 500 })).toMatchObject({
      settleMs: 50,
      progressDeadlineMs: 500,
    });
  });

  it.each([
    [{ settleMs: -1 }, 'simulator settleMs must be a number >= 0, got -1'],
    [{ settleMs: Number.NaN }, 'simulator settleMs must be a number >= 0, got NaN'],
    [{ progressDeadlineMs: 0 }, 'simulator progressDeadlineMs must be a number > 0, got 0'],
    [{ failImagePatterns: ['ok', ''] }, 'simulator failImagePatterns[1] must be a non-empty glob'],
  ])('rejects %o', (input, message) => {
    expect(() => resolveSimulatorConfig(input)).toThrow(new SimulatorConfigError(message));
  });
});
