/**
 * How patch failures reach the client. The patch functions throw PatchError with the library's own message
 * (evanphx/json-patch, apimachinery strategicpatch); `toStatusError` applies the apiserver's mapping.
 */
import { StatusError } from '../errors.js';

/**
 * - `badRequest`: 400 with the message (handlers/patch.go `errors.NewBadRequest(err.Error())`).
 * - `invalid`: 422 through `errors.NewGenericServerResponse(422, ...)`, which drops the message and sends a
 *   fixed text with empty details (apimachinery pkg/api/errors/errors.go).
 * - `internal`: an error the handler passes through unconverted; responsewriters/status.go ErrorToAPIStatus turns
 *   it into a 500 with the message and no reason.
 */
export type PatchFailure = 'badRequest' | 'invalid' | 'internal';

/** A patch that cannot apply, carrying the library's message and the status class it maps to. */
export class PatchError extends Error {
  override readonly name = 'PatchError';
  constructor(
    readonly failure: PatchFailure,
    message: string,
  ) {
    super(message);
  }
}

/** NewGenericServerResponse's text for 422 (apimachinery pkg/api/errors/errors.go). */
export const GENERIC_INVALID_MESSAGE = 'the server rejected our request due to an error in our request';

/** The Status error the apiserver answers a PatchError with. */
export function toStatusError(e: PatchError): StatusError {
  switch (e.failure) {
    case 'badRequest':
      return new StatusError(400, 'BadRequest', e.message);
    case 'invalid':
      return new StatusError(422, 'Invalid', GENERIC_INVALID_MESSAGE, {});
    case 'internal':
      return new StatusError(500, '', e.message);
  }
}
