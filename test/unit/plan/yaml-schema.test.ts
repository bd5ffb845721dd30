/**
 * Plain scalars as go-yaml v2 (kubectl's decoder) reads numbers. The expected values were taken from
 * `kubectl label --local -o json` on the same YAML (kubectl v1.36), which decodes a custom kind without a
 * schema; booleans are the exception, kept as kustomize and Flux apply them (see src/plan/yaml-schema.ts).
 */
import { describe, expect, it } from 'vitest';
import { streamDocuments } from '../../../src/plan/documents.js';
import { goYamlNumber } from '../../../src/plan/yaml-schema.js';

function parsed(scalar: string): unknown {
  const [doc] = [...streamDocuments(`v: ${scalar}\n`)];
  if (!doc) throw new Error('no document');
  return (doc.toJS() as { v: unknown }).v;
}

describe('numbers as go-yaml v2 reads them', () => {
  it.each<[string, unknown]>([
    ['0400', 256],
    ['0644', 420],
    ['-0755', -493],
    ['0800', 800],
    ['08', 8],
    ['0', 0],
    ['0o17', 15],
    ['0x_1F', 31],
    ['0b101', 5],
    ['1_000', 1000],
    ['+12', 12],
    ['1e3', 1000],
    ['1.', 1],
    ['.5', 0.5],
    ['-.5', -0.5],
    ['1.20', 1.2],
    ['99999999999999999999', 1e20],
  ])('%s is %j', (scalar, value) => {
    expect(parsed(scalar)).toBe(value);
  });

  it.each([
    // go-yaml has no base 60, and gives timestamps as strings when decoding into an untyped value.
    '1:20',
    '2001-12-14',
    '.',
    '+',
    '-x',
    '1abc',
    '12e',
    '0b',
    '1.2.3',
    // Too large for uint64 and not decimal, so not a float either.
    '0xFFFFFFFFFFFFFFFFFFFF',
  ])('%s stays a string', (scalar) => {
    expect(parsed(scalar)).toBe(scalar);
  });

  it.each(['yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'OFF'])('%s stays a string', (scalar) => {
    expect(parsed(scalar)).toBe(scalar);
  });

  it.each<[string, unknown]>([
    ['true', true],
    ['False', false],
    ['~', null],
    ['null', null],
    ['"0400"', '0400'],
    ['!!int 0400', 256],
  ])('%s is %j', (scalar, value) => {
    expect(parsed(scalar)).toBe(value);
  });

  it('applies to keys too, as kubectl does', () => {
    const [doc] = [...streamDocuments('0400: a\nyes: b\n')];
    expect(doc?.toJS()).toEqual({ 256: 'a', yes: 'b' });
  });

  it('is what goYamlNumber returns', () => {
    expect(goYamlNumber('0400')).toBe(256);
    expect(goYamlNumber('-0x10')).toBe(-16);
    expect(goYamlNumber('0x_')).toBe('0x_');
  });
});
