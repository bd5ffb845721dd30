/**
 * What reaches a message from kustomize's stderr. Kustomize prints objects it fails on (`missing
 * metadata.name in object {{v1 Secret} {{ } map[...] map[...]}}`), and a kubectl last-applied-configuration
 * annotation holds a Secret's data: the dump must be cut before the Ready condition and events see it.
 */
import { describe, expect, it } from 'vitest';
import { cleanStderr } from '../../../src/render/kustomize-exec.js';

const ROOT = '/var/lib/steward/artifacts/team-a/repo/gen-1/files';

describe('cleanStderr', () => {
  it.each<[string, string, string]>([
    [
      'an object dump with annotations',
      `error: accumulating resources: accumulation err='accumulating resources from 'bad.yaml': missing metadata.name in object {{v1 Secret} {{ } map[] map[kubectl.kubernetes.io/last-applied-configuration:{"stringData":{"password":"hunter2"}}\n]}}': must build at directory: '${ROOT}/bad.yaml': file is not directory\n`,
      "accumulating resources: accumulation err='accumulating resources from 'bad.yaml': missing metadata.name (object contents omitted)",
    ],
    [
      'a YAML node dump',
      'error: wrong node kind: expected MappingNode but got ScalarNode: node contents:\nhunter2\n',
      'wrong node kind: expected MappingNode but got ScalarNode: (object contents omitted)',
    ],
    [
      'a Go map dump',
      'error: map[string]interface {}{"apiVersion":"v1", "data":map[interface {}]interface {}{"password":"hunter2"}}: json: unsupported type',
      '(object contents omitted)',
    ],
    [
      'a %v map of labels',
      'error: something failed for labels map[app:web token:hunter2]',
      'something failed for labels (object contents omitted)',
    ],
    [
      'an error without a dump, with the root',
      `error: accumulating resources: accumulation err='accumulating resources from 'bad.yaml': may not add resource with an already registered id: Secret.v1.[noGrp]/a.[noNs]': must build at directory: '${ROOT}/bad.yaml': file is not directory`,
      "accumulating resources: accumulation err='accumulating resources from 'bad.yaml': may not add resource with an already registered id: Secret.v1.[noGrp]/a.[noNs]': must build at directory: 'bad.yaml': file is not directory",
    ],
    [
      'a Go type name, which is not a dump',
      'error: invalid Kustomization: json: cannot unmarshal array into Go value of type map[string]interface {}',
      'invalid Kustomization: json: cannot unmarshal array into Go value of type map[string]interface {}',
    ],
    ['nothing', '\n', 'no error output'],
  ])('%s', (_, stderr, message) => {
    const cleaned = cleanStderr(stderr, ROOT);
    expect(cleaned).toBe(message);
    expect(cleaned).not.toContain('hunter2');
  });
});
