/** Names that never change once published: changing one orphans what older versions applied. */

/** The API group and version of Steward's own kinds. */
export const API_GROUP = 'steward.dev';
export const API_VERSION = 'v1alpha1';
export const GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;

/** The server-side apply field manager every Steward write uses. */
export const FIELD_MANAGER = 'steward';

/** Labels Steward sets on every object it applies, naming the Sync that owns it (Flux: kustomize.toolkit.fluxcd.io/*). */
export const OWNER_NAME_LABEL = 'steward.dev/name';
export const OWNER_NAMESPACE_LABEL = 'steward.dev/namespace';

/** Annotation that keeps an object from ever being pruned. */
export const PRUNE_ANNOTATION = 'steward.dev/prune';
export const PRUNE_DISABLED = 'disabled';

/** Annotation that turns off postBuild substitution for one object. */
export const SUBSTITUTE_ANNOTATION = 'steward.dev/substitute';

/** Annotation a user sets (to any new value) to request an immediate reconcile (Flux: reconcile.fluxcd.io/requestedAt). */
export const RECONCILE_REQUEST_ANNOTATION = 'steward.dev/reconcile-requested-at';

/** Annotation carrying the SSA policy for one object: `IfNotPresent` applies only on create, `Ignore` never. */
export const SSA_ANNOTATION = 'steward.dev/ssa';
