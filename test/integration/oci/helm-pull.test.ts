/**
 * The artifact pushHelmChart writes is what helm itself expects: the real `helm pull oci://...` fetches it from
 * the real registry in each auth mode, and finds the chart it packed.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildChartTgz,
  type RegistryAuthMode,
  type RegistryHandle,
  startRegistry,
} from '../../harness/registry.js';

describe.each<RegistryAuthMode>(['none', 'htpasswd', 'token'])(
  'helm pull of a chart pushed by the harness (auth %s)',
  (mode) => {
    let reg: RegistryHandle;
    let work: string;

    beforeAll(async () => {
      reg = await startRegistry({ auth: mode });
      work = await mkdtemp(join(tmpdir(), 'steward-helm-pull-'));
    });
    afterAll(async () => {
      await reg?.stop();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it('pulls the chart with --plain-http and gets the same bytes', async () => {
      const chart = { name: 'x', version: '1.0.0', appVersion: '2.3.4', description: 'pulled by helm' };
      const files = {
        'values.yaml': 'greeting: hello\n',
        'templates/cm.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  g: {{ .Values.greeting }}\n',
      };
      const tgz = await buildChartTgz(chart, files);
      await reg.pushHelmChart('charts/x', tgz, chart);
      await reg.pushHelmChart('charts/x', await buildChartTgz({ ...chart, version: '1.1.0' }), {
        ...chart,
        version: '1.1.0',
      });
      const dest = join(work, 'out');
      await mkdir(dest);
      const credentials = mode === 'none' ? [] : ['--username', reg.username, '--password', reg.password];
      const res = await execa(
        'helm',
        [
          'pull',
          `oci://${reg.host}/charts/x`,
          '--version',
          '1.0.0',
          '--plain-http',
          '--destination',
          dest,
          ...credentials,
        ],
        {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: work,
            HELM_CONFIG_HOME: join(work, 'config'),
            HELM_CACHE_HOME: join(work, 'cache'),
            HELM_DATA_HOME: join(work, 'data'),
            HELM_REGISTRY_CONFIG: join(work, 'config', 'registry.json'),
          },
          extendEnv: false,
          reject: false,
          timeout: 30_000,
        },
      );
      expect(res.exitCode, `${res.stdout}\n${res.stderr}\n${reg.log().slice(-2000)}`).toBe(0);
      expect(res.stdout).toContain('Digest: sha256:');
      const pulled = await readFile(join(dest, 'x-1.0.0.tgz'));
      expect(pulled.equals(tgz)).toBe(true);
      // The harness packs reproducibly: the same chart gives the same bytes, so the same digest, every time.
      expect((await buildChartTgz(chart, files)).equals(tgz)).toBe(true);
      // helm went through the registry's API: a manifest and the chart layer at least.
      const paths = reg.requests().map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')} ${r.status}`);
      expect(paths).toContain('GET /v2/charts/x/manifests/1.0.0 200');
      expect(paths.some((p) => /^GET \/v2\/charts\/x\/blobs\/sha256:[a-f0-9]{64} 200$/.test(p))).toBe(true);
    });
  },
);
