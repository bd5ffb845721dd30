/**
 * Error constructors for the render and plan stages. Everything they report comes from the artifact (bad
 * manifests, refused kustomizations), so it is terminal: retrying the same revision gives the same answer.
 */
import type { ManifestSource } from '../core/types.js';
import { Reasons, ReconcileError } from '../core/types.js';

/** The input could not be turned into manifests (render, substitution, YAML). */
export function buildFailed(message: string, subject?: string): ReconcileError {
  return new ReconcileError(Reasons.BuildFailed, 'terminal', message, subject);
}

/** The manifests were read but are not acceptable (names, duplicates, unknown kinds). */
export function validationFailed(message: string, subject?: string): ReconcileError {
  return new ReconcileError(Reasons.ValidationFailed, 'terminal', message, subject);
}

/** `apps/web.yaml`, or `apps/web.yaml (document 2)` when the file holds several documents. */
export function describeSource(source: ManifestSource): string {
  return source.document > 0 ? `${source.file} (document ${source.document + 1})` : source.file;
}
