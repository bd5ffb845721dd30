/**
 * helm's stderr, made fit for a status condition: the agent's own paths removed, values that helm quotes
 * masked (a values.schema.json `pattern` failure prints the value, which may come from a Secret), object dumps
 * cut, length capped; and the missing-dependency error reworded for charts that are rendered offline. Pure.
 */
import { cleanStderr } from '../kustomize-exec.js';

/** Shorter strings are not masked: they would blank out ordinary words of the message. */
export const MIN_REDACTED_LENGTH = 4;

/** `'value' does not match pattern`, `'value' is not valid email`: the validator quotes the value first. */
const QUOTED_VALUE = /'(?:[^'\\\n]|\\.)*'(?= does not match pattern| is not valid )/g;

const MISSING_DEPENDENCIES = /found in Chart\.yaml, but missing in charts\/ directory: ([^\n]+)/;

/** What helm's message is cleaned against. */
export interface HelmMessageContext {
  /** Paths of the agent's that helm may print (the chart directory, the work directory). */
  paths: readonly string[];
  /** Strings that must not appear (values read from Secrets). */
  redact: readonly string[];
}

/** helm's hint after a failed render, which names a flag the tenant cannot pass. */
const DEBUG_HINT = /^Use --debug flag/;

/**
 * helm 4 spreads one error over lines (`file:3:10`, then `  executing ... at <...>:`, then `    nil pointer
 * ...`); a condition message reads better as one line. An indented line continues the one before it.
 */
function oneLine(text: string): string {
  let out = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || DEBUG_HINT.test(line)) continue;
    if (out === '') out = line;
    else if (out.endsWith(':')) out += ` ${line}`;
    else out += /^\s/.test(raw) ? `: ${line}` : `; ${line}`;
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces every occurrence of the secrets, longest first, with `***`. */
export function redactStrings(text: string, secrets: readonly string[]): string {
  const masks = [...new Set(secrets)].filter((s) => s.length >= MIN_REDACTED_LENGTH);
  if (masks.length === 0) return text;
  masks.sort((a, b) => b.length - a.length);
  return text.replace(new RegExp(masks.map(escapeRegExp).join('|'), 'g'), '***');
}

/** helm's failure message for `chart <label>: helm template failed: <message>`. */
export function helmFailureMessage(stderr: string, ctx: HelmMessageContext): string {
  let text = redactStrings(stderr, ctx.redact);
  // Longest first, so that a work directory inside the chart's parent is not cut in two.
  for (const path of [...ctx.paths].sort((a, b) => b.length - a.length)) {
    text = text.replaceAll(`${path}/`, '').replaceAll(path, '.');
  }
  text = oneLine(text).replace(/^Error: /, '');
  const missing = MISSING_DEPENDENCIES.exec(text);
  if (missing) {
    return (
      `dependencies listed in Chart.yaml but not vendored in charts/: ${missing[1]?.trim()} ` +
      '(charts are rendered offline: vendor subcharts with helm dependency build before packaging)'
    );
  }
  // The paths are gone already; cleanStderr still cuts object dumps and caps the length.
  return cleanStderr(text.replace(QUOTED_VALUE, 'the value'), '\0');
}
