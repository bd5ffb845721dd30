/** The one error type of the quick start: a stable code and a message that says what to do. */

export type QuickstartErrorCode = 'ToolMissing' | 'GitFailed' | 'CloneInvalid' | 'NoMainBranch' | 'PortTaken';

/** A start-up problem the user can fix; the CLI prints the message alone, without a stack. */
export class QuickstartError extends Error {
  override readonly name = 'QuickstartError';
  constructor(
    readonly code: QuickstartErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
