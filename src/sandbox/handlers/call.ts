/** What a resource handler gets and gives back. */
import type { IncomingHttpHeaders } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { SandboxCore } from '../core.js';
import { badRequest, unsupportedMediaType } from '../errors.js';
import { decodeKubeProtobuf, PROTOBUF_CONTENT_TYPE } from '../protobuf/index.js';
import type { RequestInfo } from '../request.js';
import type { Obj, ResourceDef, UserInfo } from '../types.js';
import { isObj } from '../types.js';
import type { AdmissionHook, FieldValidation } from '../write.js';

export interface Call {
  core: SandboxCore;
  def: ResourceDef;
  info: RequestInfo;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  user: UserInfo;
  admission: readonly AdmissionHook[];
  /** Authorizes one more verb on the same resource (apply that creates needs `create`). */
  can(verb: string): boolean;
}

export interface Reply {
  status: number;
  body: Obj | string;
  headers?: Record<string, string>;
}

export function json(status: number, body: Obj, warnings: readonly string[] = []): Reply {
  const headers: Record<string, string> = {};
  if (warnings.length > 0) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');
  return { status, body, headers };
}

/**
 * Body media types the sandbox decodes. Protobuf only for the kinds kubectl sends that way (see
 * protobuf/index.ts); CBOR not at all (415, as a server without it).
 */
const BODY_TYPES = ['application/json', 'application/yaml', PROTOBUF_CONTENT_TYPE];

/** Decodes a JSON, YAML or (some) protobuf request body into an object, with the apiserver's errors on failure. */
export function jsonBody(call: Call): Obj {
  const type = (call.headers['content-type'] ?? 'application/json').split(';')[0]?.trim() ?? '';
  if (!BODY_TYPES.includes(type)) throw unsupportedMediaType(BODY_TYPES);
  if (type === PROTOBUF_CONTENT_TYPE) return decodeKubeProtobuf(call.body);
  const text = call.body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = type === 'application/yaml' ? parseYaml(text, { maxAliasCount: 100 }) : JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw badRequest(`Object 'Kind' is missing in '${text.slice(0, 200)}': ${why}`);
  }
  if (!isObj(parsed)) throw badRequest(`Object 'Kind' is missing in '${text.slice(0, 200)}'`);
  return parsed;
}

/** fieldManager from the query, else the User-Agent prefix (apiserver handlers/rest.go prefixFromUserAgent). */
export function managerOf(call: Call): string {
  const fm = call.url.searchParams.get('fieldManager');
  if (fm) return fm;
  const ua = call.headers['user-agent'] ?? 'unknown';
  return ua.split('/')[0]?.slice(0, 128) || 'unknown';
}

export function fieldValidationOf(call: Call): FieldValidation {
  const v = call.url.searchParams.get('fieldValidation');
  if (v === 'Strict' || v === 'Ignore') return v;
  return 'Warn';
}

export function dryRunOf(call: Call): boolean {
  const values = call.url.searchParams.getAll('dryRun');
  for (const v of values) {
    if (v !== 'All') throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  }
  return values.includes('All');
}

/** The namespace a namespaced request addresses ('' for cluster-scoped resources). */
export function namespaceOf(call: Call): string {
  return call.def.namespaced ? call.info.namespace : '';
}
