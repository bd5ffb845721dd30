/** Where a Receiver listens: a path derived from its token, so only those who hold the token can find it. */
import { createHash } from 'node:crypto';

/** Every Receiver path starts with this (Flux's ReceiverWebhookPath). */
export const WEBHOOK_PATH_PREFIX = '/hook/';

/**
 * The webhook path of Receiver `namespace/name` with `token`: `/hook/` and the hex SHA-256 of token, name and
 * namespace concatenated, exactly as Flux's `Receiver.GetWebhookPath` derives it, so a Git host's hook set up
 * for Flux keeps working after a move to Steward with the same Secret, name and namespace.
 */
export function webhookPath(token: string, name: string, namespace: string): string {
  const digest = createHash('sha256').update(`${token}${name}${namespace}`, 'utf8').digest('hex');
  return `${WEBHOOK_PATH_PREFIX}${digest}`;
}
