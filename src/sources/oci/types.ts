/** The shapes the OCI client takes and returns. */

/** Registry credentials: basic auth to the registry, or to its token service (see auth.ts for where they go). */
export interface RegistryAuth {
  username?: string;
  password?: string;
}

/** A manifest as the registry served it. */
export interface FetchedManifest {
  /** The digest of the exact bytes served (verified against Docker-Content-Digest and a digest reference). */
  digest: string;
  /** The manifest's own `mediaType`, else the response's Content-Type (without parameters). */
  mediaType: string;
  manifest: Record<string, unknown>;
}

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call (for instance when the agent shuts down); each request also has the client's timeout. */
  signal?: AbortSignal;
}

/** Media types of manifests; pass the ones the caller can handle as `accept`. */
export const MediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociImageConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  helmConfig: 'application/vnd.cncf.helm.config.v1+json',
  helmChartContent: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
} as const;
