import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { postRenderKustomization } from '../../../src/render/helm/post-render.js';

describe('the kustomization of a post-renderer', () => {
  it('lists the files, the patches with their targets, and the images', () => {
    const text = postRenderKustomization(['app/templates/a.yaml', 'helm-template.yaml'], {
      patches: [
        {
          patch: '- op: add\n  path: /metadata/labels/x\n  value: y\n',
          target: { kind: 'Deployment', labelSelector: 'a=b' },
        },
        { patch: 'kind: Service\nmetadata: {name: web}\n' },
      ],
      images: [{ name: 'nginx', newName: 'mirror/nginx', digest: `sha256:${'a'.repeat(64)}` }],
    });
    expect(parse(text)).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['app/templates/a.yaml', 'helm-template.yaml'],
      patches: [
        {
          patch: '- op: add\n  path: /metadata/labels/x\n  value: y\n',
          target: { kind: 'Deployment', labelSelector: 'a=b' },
        },
        { patch: 'kind: Service\nmetadata: {name: web}\n' },
      ],
      images: [{ name: 'nginx', newName: 'mirror/nginx', digest: `sha256:${'a'.repeat(64)}` }],
    });
  });

  it('leaves out what is not given', () => {
    expect(parse(postRenderKustomization([], { patches: [], images: [] }))).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [],
    });
  });
});
