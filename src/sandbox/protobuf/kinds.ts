/**
 * The kinds the sandbox decodes from Kubernetes protobuf, by the envelope's apiVersion and kind: those kubectl 1.36
 * sends as protobuf in the commands the sandbox serves (`create namespace|configmap|secret generic|serviceaccount|
 * deployment|job|cronjob|token`, `auth can-i [--list]`).
 */
import { SELF_SUBJECT_ACCESS_REVIEW, SELF_SUBJECT_RULES_REVIEW, TOKEN_REQUEST } from './auth.js';
import { CONFIG_MAP, NAMESPACE, SECRET, SERVICE_ACCOUNT } from './core-v1.js';
import type { MessageDesc } from './schemas.js';
import { CRON_JOB, DEPLOYMENT, JOB } from './workloads.js';

/** apiVersion → kind → the kind's top-level message. */
export const PROTOBUF_KINDS: ReadonlyMap<string, ReadonlyMap<string, MessageDesc>> = new Map([
  [
    'v1',
    new Map([
      ['Namespace', NAMESPACE],
      ['ConfigMap', CONFIG_MAP],
      ['Secret', SECRET],
      ['ServiceAccount', SERVICE_ACCOUNT],
    ]),
  ],
  ['apps/v1', new Map([['Deployment', DEPLOYMENT]])],
  [
    'batch/v1',
    new Map([
      ['Job', JOB],
      ['CronJob', CRON_JOB],
    ]),
  ],
  ['authentication.k8s.io/v1', new Map([['TokenRequest', TOKEN_REQUEST]])],
  [
    'authorization.k8s.io/v1',
    new Map([
      ['SelfSubjectAccessReview', SELF_SUBJECT_ACCESS_REVIEW],
      ['SelfSubjectRulesReview', SELF_SUBJECT_RULES_REVIEW],
    ]),
  ],
]);
