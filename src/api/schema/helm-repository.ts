/**
 * HelmRepository: a Helm chart repository, either HTTP (an index.yaml) or an OCI registry (`oci://`). Field names
 * and meaning follow Flux's source.toolkit.fluxcd.io/v1 HelmRepository, minus TLS client certificates, proxies
 * and cloud provider login, which Steward does not support yet.
 */
import { type Static, Type } from '@sinclair/typebox';
import { GROUP_VERSION } from '../../core/constants.js';
import { SpecDuration, Strict, StringEnum } from './builders.js';
import { CommonStatusProperties, LocalObjectReference, ObjectMetaSchema } from './common.js';
import { ArtifactSchema } from './git-repository.js';

/** Plain http and oci over plain http both need the explicit opt-in, as for GitRepository. */
export const HELM_HTTP_NEEDS_INSECURE_RULE = {
  rule: "!self.url.startsWith('http://') || (has(self.insecure) && self.insecure)",
  message: 'an http:// url requires insecure: true',
};

export const HelmRepositorySpecSchema = Strict(
  {
    url: Type.String({
      description:
        'The repository URL: https:// (or http:// with insecure: true) for an index.yaml repository, oci:// for ' +
        'a registry holding charts as OCI artifacts.',
      pattern: '^(https?|oci)://',
      maxLength: 2048,
      errorMessage: 'must be an https://, http:// (with insecure: true) or oci:// URL',
    }),
    type: Type.Optional(
      StringEnum(['default', 'oci'], {
        description:
          'default for an HTTP repository with index.yaml, oci for a registry; oci:// URLs need oci.',
        default: 'default',
      }),
    ),
    insecure: Type.Optional(
      Type.Boolean({ description: 'Allow plain HTTP (an http:// URL, or an OCI registry without TLS).' }),
    ),
    secretRef: Type.Optional(
      LocalObjectReference(
        'A Secret in the same namespace with `username` and `password` (basic auth), or of type ' +
          'kubernetes.io/dockerconfigjson (OCI registries).',
      ),
    ),
    interval: SpecDuration('How often the index is fetched (HTTP repositories).'),
    timeout: SpecDuration('Time limit of one index or chart download.', { default: '60s' }),
    suspend: Type.Optional(Type.Boolean({ description: 'Stop fetching; the last index stays available.' })),
  },
  {
    description: 'Where charts come from.',
    'x-kubernetes-validations': [
      HELM_HTTP_NEEDS_INSECURE_RULE,
      {
        rule: "!self.url.startsWith('oci://') || (has(self.type) && self.type == 'oci')",
        message: 'an oci:// url requires type: oci',
      },
    ],
  },
);

export const HelmRepositoryStatusSchema = Type.Object(
  {
    ...CommonStatusProperties,
    artifact: Type.Optional(ArtifactSchema),
  },
  { description: 'Observed state, written by Steward. OCI repositories have no index and so no artifact.' },
);

export const HelmRepositorySchema = Strict({
  apiVersion: Type.Literal(GROUP_VERSION),
  kind: Type.Literal('HelmRepository'),
  metadata: ObjectMetaSchema,
  spec: HelmRepositorySpecSchema,
  status: Type.Optional(HelmRepositoryStatusSchema),
});

export type HelmRepositorySpec = Static<typeof HelmRepositorySpecSchema>;
export type HelmRepositoryStatus = Static<typeof HelmRepositoryStatusSchema>;
/** A validated HelmRepository, defaults applied (type default, timeout 60s). */
export type HelmRepository = Static<typeof HelmRepositorySchema>;
