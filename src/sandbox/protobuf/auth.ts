/**
 * authorization.k8s.io/v1 reviews (`kubectl auth can-i [--list]`) and authentication.k8s.io/v1 TokenRequest
 * (`kubectl create token`), from kubernetes/api authorization/v1 and authentication/v1 generated.proto. See
 * schemas.ts for `emit`.
 */
import { OBJECT_META, requirement, TIME } from './meta.js';
import type { MessageDesc } from './schemas.js';
import { bool, int64, msg, msgs, str, strs } from './schemas.js';

const AUTHZ = 'k8s.io.api.authorization.v1';
const AUTHN = 'k8s.io.api.authentication.v1';

// --- authorization/v1 -----------------------------------------------------------------------------------------

const selectorAttributes = (name: string, requirements: MessageDesc): MessageDesc => ({
  name: `${AUTHZ}.${name}`,
  fields: [str(1, 'rawSelector'), msgs(2, 'requirements', requirements)],
});
const FIELD_SELECTOR = selectorAttributes('FieldSelectorAttributes', requirement('FieldSelectorRequirement'));
const LABEL_SELECTOR = selectorAttributes('LabelSelectorAttributes', requirement('LabelSelectorRequirement'));

const RESOURCE_ATTRIBUTES: MessageDesc = {
  name: `${AUTHZ}.ResourceAttributes`,
  fields: [
    str(1, 'namespace'),
    str(2, 'verb'),
    str(3, 'group'),
    str(4, 'version'),
    str(5, 'resource'),
    str(6, 'subresource'),
    str(7, 'name'),
    msg(8, 'fieldSelector', FIELD_SELECTOR, 'pointer'),
    msg(9, 'labelSelector', LABEL_SELECTOR, 'pointer'),
  ],
};

const NON_RESOURCE_ATTRIBUTES: MessageDesc = {
  name: `${AUTHZ}.NonResourceAttributes`,
  fields: [str(1, 'path'), str(2, 'verb')],
};

const SELF_SUBJECT_ACCESS_REVIEW_SPEC: MessageDesc = {
  name: `${AUTHZ}.SelfSubjectAccessReviewSpec`,
  fields: [
    msg(1, 'resourceAttributes', RESOURCE_ATTRIBUTES, 'pointer'),
    msg(2, 'nonResourceAttributes', NON_RESOURCE_ATTRIBUTES, 'pointer'),
  ],
};

const SUBJECT_ACCESS_REVIEW_STATUS: MessageDesc = {
  name: `${AUTHZ}.SubjectAccessReviewStatus`,
  fields: [bool(1, 'allowed', 'always'), bool(4, 'denied'), str(2, 'reason'), str(3, 'evaluationError')],
};

/** The top-level message of a kind the sandbox decodes. */
export const SELF_SUBJECT_ACCESS_REVIEW: MessageDesc = {
  name: `${AUTHZ}.SelfSubjectAccessReview`,
  fields: [
    msg(1, 'metadata', OBJECT_META),
    msg(2, 'spec', SELF_SUBJECT_ACCESS_REVIEW_SPEC),
    msg(3, 'status', SUBJECT_ACCESS_REVIEW_STATUS),
  ],
};

const RESOURCE_RULE: MessageDesc = {
  name: `${AUTHZ}.ResourceRule`,
  fields: [strs(1, 'verbs', 'always'), strs(2, 'apiGroups'), strs(3, 'resources'), strs(4, 'resourceNames')],
};

const NON_RESOURCE_RULE: MessageDesc = {
  name: `${AUTHZ}.NonResourceRule`,
  fields: [strs(1, 'verbs', 'always'), strs(2, 'nonResourceURLs')],
};

const SUBJECT_RULES_REVIEW_STATUS: MessageDesc = {
  name: `${AUTHZ}.SubjectRulesReviewStatus`,
  fields: [
    msgs(1, 'resourceRules', RESOURCE_RULE, 'always'),
    msgs(2, 'nonResourceRules', NON_RESOURCE_RULE, 'always'),
    bool(3, 'incomplete', 'always'),
    str(4, 'evaluationError'),
  ],
};

/** The top-level message of a kind the sandbox decodes. */
export const SELF_SUBJECT_RULES_REVIEW: MessageDesc = {
  name: `${AUTHZ}.SelfSubjectRulesReview`,
  fields: [
    msg(1, 'metadata', OBJECT_META),
    msg(2, 'spec', { name: `${AUTHZ}.SelfSubjectRulesReviewSpec`, fields: [str(1, 'namespace')] }),
    msg(3, 'status', SUBJECT_RULES_REVIEW_STATUS),
  ],
};

// --- authentication/v1 ----------------------------------------------------------------------------------------

/** expirationSeconds and boundObjectRef are pointers whose json tags lack omitempty: `null` when unset. */
const TOKEN_REQUEST_SPEC: MessageDesc = {
  name: `${AUTHN}.TokenRequestSpec`,
  fields: [
    strs(1, 'audiences', 'always'),
    int64(4, 'expirationSeconds', 'nullable'),
    msg(
      3,
      'boundObjectRef',
      {
        name: `${AUTHN}.BoundObjectReference`,
        fields: [str(1, 'kind'), str(2, 'apiVersion'), str(3, 'name'), str(4, 'uid')],
      },
      'nullable',
    ),
  ],
};

/** The top-level message of a kind the sandbox decodes. */
export const TOKEN_REQUEST: MessageDesc = {
  name: `${AUTHN}.TokenRequest`,
  fields: [
    msg(1, 'metadata', OBJECT_META),
    msg(2, 'spec', TOKEN_REQUEST_SPEC),
    msg(3, 'status', {
      name: `${AUTHN}.TokenRequestStatus`,
      fields: [str(1, 'token', 'always'), msg(2, 'expirationTimestamp', TIME)],
    }),
  ],
};
