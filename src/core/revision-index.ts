/**
 * What a source reconciler produced, by `namespace/name`, for the reconcilers that read it (Git artifacts, Helm
 * indexes, image tag lists); listeners hear of each new revision, so its readers reconcile at once.
 */
export class RevisionIndex<T> {
  private readonly byKey = new Map<string, T>();
  private readonly listeners = new Set<(key: string, value: T) => void>();

  /** `revisionOf` says when a value is new: listeners are told when it differs from the stored one's. */
  constructor(private readonly revisionOf: (value: T) => string) {}

  get(namespace: string, name: string): T | undefined {
    return this.byKey.get(`${namespace}/${name}`);
  }

  set(namespace: string, name: string, value: T): void {
    const key = `${namespace}/${name}`;
    const prev = this.byKey.get(key);
    this.byKey.set(key, value);
    if (prev === undefined || this.revisionOf(prev) !== this.revisionOf(value))
      for (const l of this.listeners) l(key, value);
  }

  delete(namespace: string, name: string): void {
    this.byKey.delete(`${namespace}/${name}`);
  }

  /** Called with the key and the value of each new revision; returns the unsubscribe. */
  onNewRevision(listener: (key: string, value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
