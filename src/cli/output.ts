/** `-o json|yaml` as kubectl prints it: one object as itself, several as a `v1` List. */
import { Option } from 'commander';
import { stringify } from 'yaml';
import type { Obj } from '../kube/index.js';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The `-o/--output` option. */
export function outputOption(): Option {
  return new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table');
}

/** A List of `items`, as `kubectl get -o json` wraps a listing. */
export function listOf(items: readonly Obj[]): Obj {
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
}

/** `value` in `format` (json or yaml), ending with a newline. */
export function serialize(value: unknown, format: 'json' | 'yaml'): string {
  // kubectl indents JSON by four; YAML is never folded, so long status messages stay greppable.
  return format === 'json' ? `${JSON.stringify(value, null, 4)}\n` : stringify(value, { lineWidth: 0 });
}
