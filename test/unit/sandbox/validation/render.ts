/** Renders field errors the way kubectl and the Status message show them: `<field>: <body>`. */
import { type FieldError, fieldErrorBody } from '../../../../src/sandbox/errors.js';

export function lines(errs: readonly FieldError[]): string[] {
  return errs.map((e) => `${e.field}: ${fieldErrorBody(e)}`);
}
