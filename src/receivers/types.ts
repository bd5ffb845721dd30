/** What the webhook server knows about one Receiver: enough to verify a call and trigger its objects. */
import type { ReceiverType } from '../api/index.js';

/** An object a call reconciles: one by name, or every object of the kind matching labels (`name: *`). */
export type Target = {
  apiVersion: string;
  kind: string;
  namespace: string;
} & ({ name: string } | { matchLabels: Readonly<Record<string, string>> });

/** A Receiver whose Secret was read: its shared secret stays in memory only, never in logs or status. */
export interface ReceiverEntry {
  namespace: string;
  name: string;
  type: ReceiverType;
  token: string;
  /** Event types that trigger; all when empty. */
  events: readonly string[];
  suspended: boolean;
  targets: readonly Target[];
}
