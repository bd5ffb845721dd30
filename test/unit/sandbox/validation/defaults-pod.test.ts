/**
 * Pod template defaults, image tags and the Job selector. Upstream: kubernetes
 * pkg/apis/core/v1/defaults.go (SetDefaults_Probe, SetDefaults_HTTPGetAction, SetDefaults_Volume,
 * SetDefaults_ObjectFieldSelector), pkg/apis/apps/v1/defaults.go (SetDefaults_DaemonSet),
 * pkg/util/parsers/parsers.go (ParseImageName), pkg/registry/batch/job/strategy.go (generateSelector).
 */
import { describe, expect, it } from 'vitest';
import { applyDefaults, generateJobSelector } from '../../../../src/sandbox/validation/defaults.js';
import { imageTag } from '../../../../src/sandbox/validation/defaults-pod.js';

describe('pod template defaults', () => {
  it('defaults DaemonSet strategy, probes, volumes and fieldRefs in pod templates', () => {
    const out = applyDefaults('apps', 'DaemonSet', {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'a',
                image: 'a:1',
                readinessProbe: { httpGet: { port: 8080 } },
                env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
              },
            ],
            volumes: [{ name: 'tmp' }, { name: 'cfg', configMap: { name: 'cfg' } }],
          },
        },
      },
    });
    expect(out.spec).toMatchObject({
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      template: {
        spec: {
          containers: [
            {
              readinessProbe: {
                httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
                timeoutSeconds: 1,
                periodSeconds: 10,
                successThreshold: 1,
                failureThreshold: 3,
              },
              env: [{ valueFrom: { fieldRef: { fieldPath: 'spec.nodeName', apiVersion: 'v1' } } }],
            },
          ],
          volumes: [
            { name: 'tmp', emptyDir: {} },
            { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } },
          ],
        },
      },
    });
  });
});

describe('imageTag (imagePullPolicy Always only for latest)', () => {
  it.each([
    ['nginx', 'latest'],
    ['nginx:latest', 'latest'],
    ['nginx:1.27', '1.27'],
    ['localhost:5000/nginx', 'latest'],
    ['registry.example.com:5000/team/app:v2', 'v2'],
    ['nginx@sha256:abc', ''],
    ['nginx:latest@sha256:abc', 'latest'],
    ['Nginx', ''],
    ['', ''],
  ])('%s → %s', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });
});

describe('generateJobSelector', () => {
  it('labels the template and selects by controller uid', () => {
    const out = generateJobSelector(
      { metadata: { name: 'pi' }, spec: { template: { metadata: { labels: { app: 'pi' } } } } },
      'u-1',
    );
    expect(out.spec).toEqual({
      template: {
        metadata: {
          labels: {
            app: 'pi',
            'job-name': 'pi',
            'batch.kubernetes.io/job-name': 'pi',
            'controller-uid': 'u-1',
            'batch.kubernetes.io/controller-uid': 'u-1',
          },
        },
      },
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } },
    });
  });

  it('leaves manual selectors alone', () => {
    const job = {
      metadata: { name: 'pi' },
      spec: { manualSelector: true, selector: { matchLabels: { a: 'b' } } },
    };
    expect(generateJobSelector(job, 'u-1')).toEqual(job);
  });
});
