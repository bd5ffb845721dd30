/**
 * PATCH bodies other than server-side apply, dispatched on the Content-Type the way apiserver
 * handlers/patch.go PatchResource and patcher.patchResource do. Apply patches take another route in the server.
 */
import { renderValue, StatusError, unsupportedMediaType } from '../errors.js';
import type { Obj, Shape } from '../types.js';
import { isObj } from '../types.js';
import { PatchError, toStatusError } from './errors.js';
import { jsonKind } from './go-json.js';
import { applyJsonPatch, decodeJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.js';
import { cloneJson } from './json-value.js';
import { applyMergePatch, decodeMergePatch } from './merge-patch.js';
import { applyStrategicMergePatch, decodeStrategicPatch } from './strategic.js';

export { PatchError, toStatusError } from './errors.js';
export { applyJsonPatch, decodeJsonPatch } from './json-patch.js';
export { applyMergePatch, decodeMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch, decodeStrategicPatch } from './strategic.js';

/** RFC 6902 JSON patch. */
export const JSON_PATCH = 'application/json-patch+json';
/** RFC 7386 JSON merge patch. */
export const MERGE_PATCH = 'application/merge-patch+json';
/** Kubernetes strategic merge patch. */
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
/** Server-side apply; accepted by the 415 check but applied elsewhere. */
export const APPLY_PATCH = 'application/apply-patch+yaml';

/**
 * Patch media types of a built-in resource, in the order the 415 message lists them (apiserver
 * endpoints/installer.go; `application/apply-patch+cbor` joins only behind the CBORServingAndStorage gate).
 */
export const BUILTIN_PATCH_TYPES: readonly string[] = [
  JSON_PATCH,
  MERGE_PATCH,
  STRATEGIC_MERGE_PATCH,
  APPLY_PATCH,
];

/** Custom resources have no Go struct tags to drive strategic merge (apiextensions customresource_handler.go). */
export const CUSTOM_RESOURCE_PATCH_TYPES: readonly string[] = [JSON_PATCH, MERGE_PATCH, APPLY_PATCH];

/** The media type the handler matches: everything before the first `;`, untrimmed and case-sensitive. */
export function patchMediaType(contentType: string): string {
  const i = contentType.indexOf(';');
  return i > 0 ? contentType.slice(0, i) : contentType;
}

/**
 * A JSON patch may replace the whole document with an array; decoding that into the object then fails with a 422
 * on the field `patch` (jsonPatcher.applyPatchToCurrentObject). The decoder's text depends on the Go type, so the
 * detail here is the one unstructured decoding gives.
 */
function notAnObject(result: unknown): StatusError {
  const value = renderValue(JSON.stringify(result));
  const body = `Invalid value: ${value}: json: cannot unmarshal ${jsonKind(result)} into Go value of type map[string]interface {}`;
  return new StatusError(422, 'Invalid', ` "" is invalid: patch: ${body}`, {
    causes: [{ reason: 'FieldValueInvalid', message: body, field: 'patch' }],
  });
}

/**
 * Applies a JSON, merge or strategic merge patch to `original` and returns the patched object. Throws the
 * StatusError the apiserver would send: 415 for a media type the resource does not accept, 400 for a body that
 * does not decode, 413 for more than 10000 JSON patch operations, 422 when a JSON patch operation fails, and
 * the strategic merge statuses of handlers/patch.go interpretStrategicMergePatchError. Inputs are not modified.
 */
export function applyPatch(
  contentType: string,
  original: Obj,
  patchBody: string,
  shape: Shape,
  isCustomResource: boolean,
): Obj {
  const mediaType = patchMediaType(contentType);
  const accepted = isCustomResource ? CUSTOM_RESOURCE_PATCH_TYPES : BUILTIN_PATCH_TYPES;
  if (!accepted.includes(mediaType)) throw unsupportedMediaType(accepted);
  try {
    switch (mediaType) {
      case JSON_PATCH: {
        const ops = decodeJsonPatch(patchBody);
        if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
          const why = `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`;
          throw new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: ${why}`);
        }
        const result = applyJsonPatch(original, ops);
        if (!isObj(result)) throw notAnObject(result);
        return result;
      }
      case MERGE_PATCH:
        return applyMergePatch(original, decodeMergePatch(patchBody));
      case STRATEGIC_MERGE_PATCH: {
        const patch = decodeStrategicPatch(patchBody);
        return patch === null ? cloneJson(original) : applyStrategicMergePatch(original, patch, shape);
      }
      default:
        throw new Error(`${mediaType} patches are applied by server-side apply, not applyPatch`);
    }
  } catch (e) {
    if (e instanceof PatchError) throw toStatusError(e);
    throw e;
  }
}
