/**
 * The identity check of a downloaded chart: its Chart.yaml must name the chart and version the index or the
 * registry said it was. A repository that serves another chart under a name (by mistake or not) is refused
 * rather than rendered under the wrong name.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { compareBuild } from 'semver';
import { parse } from 'yaml';
import { HelmSourceError } from './errors.js';
import { toSemver } from './select.js';

/** Chart.yaml is a few hundred bytes; anything past this is not read. */
const MAX_CHART_YAML_BYTES = 1024 * 1024;

export async function checkChartYaml(
  dir: string,
  name: string,
  version: string,
  what: string,
): Promise<void> {
  const meta = await readChartYaml(dir, what);
  const gotName = typeof meta.name === 'string' ? meta.name : undefined;
  const gotVersion = typeof meta.version === 'string' ? meta.version : undefined;
  if (gotName !== name || gotVersion === undefined || !sameVersion(gotVersion, version)) {
    throw new HelmSourceError(
      'InvalidChart',
      `${what}: the archive holds chart '${gotName ?? '?'}' version '${gotVersion ?? '?'}', not '${name}' version '${version}'`,
    );
  }
}

function sameVersion(a: string, b: string): boolean {
  if (a === b) return true;
  const va = toSemver(a);
  const vb = toSemver(b);
  return va !== undefined && vb !== undefined && compareBuild(va, vb) === 0;
}

async function readChartYaml(dir: string, what: string): Promise<Record<string, unknown>> {
  const fh = await open(join(dir, 'Chart.yaml'), 'r');
  let text: string;
  try {
    const buf = Buffer.alloc(MAX_CHART_YAML_BYTES + 1);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    if (bytesRead > MAX_CHART_YAML_BYTES)
      throw new HelmSourceError(
        'InvalidChart',
        `${what}: Chart.yaml is larger than ${MAX_CHART_YAML_BYTES} bytes`,
      );
    text = buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
  let v: unknown;
  try {
    // Scalars as strings, as helm reads Chart.yaml into its Go struct: `version: 1.10` is "1.10".
    v = parse(text, { schema: 'failsafe' });
  } catch {
    throw new HelmSourceError('InvalidChart', `${what}: Chart.yaml is not valid YAML`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new HelmSourceError('InvalidChart', `${what}: Chart.yaml is not a mapping`);
  return v as Record<string, unknown>;
}
