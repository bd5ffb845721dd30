/**
 * The commit message template of an ImageUpdateAutomation (`spec.git.commit.messageTemplate`): the subset of
 * Go's text/template that Flux's examples use, with Go's semantics, rendered with Flux-shaped data
 * (./template-data.ts). Pure.
 *
 * The subset: text, actions with trim markers, comments; pipelines of fields, variables, literals and the
 * functions and, or, not, len, index, print, printf (%s %d %v %q %%), println, eq, ne, lt, le, gt, ge; if, with
 * and range with else. Anything else is refused when the template is compiled, with the line and column, so a
 * bad template stalls the automation when it is applied rather than when it first commits.
 *
 * Different from Flux: printing a list, a map or an object without a String form is an error rather than Go's
 * `[a b]` / `map[k:v]` / `{a b}`; a template is bounded in output and work (TemplateLimits); and the default
 * message lists every change, where Flux's default is a bare "Update from image update automation".
 */
import type { Node } from './template-ast.js';
import { TemplateError } from './template-error.js';
import type { ExecLimits } from './template-exec.js';
import { execute } from './template-exec.js';
import { parseTemplate } from './template-parse.js';

export type {
  ChangeInput,
  ObjectIdentifier,
  TemplateChange,
  TemplateData,
  TemplateDataInput,
} from './template-data.js';
export { templateData } from './template-data.js';
export { TemplateError } from './template-error.js';

/** A parsed template, ready to render with data. */
export interface CompiledTemplate {
  /** Renders the template; throws a TemplateError (phase `execute`) naming the line, column and reason. */
  render(data: unknown): string;
}

/** Bounds of one render, so that one tenant's template cannot exhaust the agent's memory or time. */
export interface TemplateLimits {
  /** Bytes of output, and of any one string a function builds (default 64 KiB). */
  maxOutputBytes?: number;
  /** Range iterations over one render, nested ranges included (default 10,000). */
  maxRangeIterations?: number;
  /** Bytes of all the strings print, printf and println build in one render (default 1 MiB). */
  maxBuiltBytes?: number;
}

/** The bounds used when TemplateLimits leaves one out. */
export const DEFAULT_TEMPLATE_LIMITS: Readonly<Required<TemplateLimits>> = Object.freeze({
  maxOutputBytes: 64 * 1024,
  maxRangeIterations: 10_000,
  maxBuiltBytes: 1024 * 1024,
});

/** The template's name in messages when none is given; Flux's name for it. */
export const DEFAULT_TEMPLATE_NAME = 'commit message';

/**
 * The message when the automation sets no template. Flux's default is a bare "Update from image update
 * automation"; ours keeps that subject line and lists every change, per file and object:
 *
 * ```
 * Update from image update automation
 *
 * apps/podinfo.yaml
 * - Deployment/apps/podinfo: ghcr.io/org/podinfo:5.0.0 -> ghcr.io/org/podinfo:5.0.3
 * ```
 */
export const DEFAULT_MESSAGE_TEMPLATE = `Update from image update automation
{{ range $file, $objects := .Changed.FileChanges }}
{{ $file }}
{{- range $object, $changes := $objects }}
{{- range $changes }}
- {{ with print $object }}{{ . }}: {{ end }}{{ .OldValue }} -> {{ .NewValue }}
{{- end }}
{{- end }}
{{ end -}}
`;

/** Parses `source`; throws a TemplateError (phase `parse`) with the line, column and reason. */
export function compileTemplate(
  source: string,
  name: string = DEFAULT_TEMPLATE_NAME,
  limits: TemplateLimits = {},
): CompiledTemplate {
  const nodes: readonly Node[] = parseTemplate(source, name);
  const bounds: ExecLimits = { ...DEFAULT_TEMPLATE_LIMITS, ...limits };
  return { render: (data: unknown) => execute(source, name, nodes, data, bounds) };
}

/** Why `source` is not a usable template (the TemplateError's message), or undefined; for admission checks. */
export function checkMessageTemplate(source: string): string | undefined {
  try {
    compileTemplate(source);
    return undefined;
  } catch (e) {
    if (e instanceof TemplateError) return e.message;
    throw e;
  }
}
