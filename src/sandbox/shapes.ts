/** Merge semantics of the built-in kinds (placeholder: every value deduced until the table is filled). */
import type { Shape } from './types.js';

/** The Shape of a built-in kind's whole object, by API group ('' for core) and Kind. */
export function builtinShape(_group: string, _kind: string): Shape {
  return {};
}
