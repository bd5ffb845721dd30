/** TokenRequest (`serviceaccounts/<name>/token`): issues a sandbox-signed token for a service account. */
import { serviceAccountToken } from './auth/users.js';
import { notFound } from './errors.js';
import type { Call, Reply } from './handlers/call.js';
import { jsonBody } from './handlers/call.js';
import { rfc3339 } from './objects.js';
import { isObj } from './types.js';

export function serviceAccountTokenRequest(call: Call): Reply {
  const sa = call.core.get(call.def, call.info.namespace, call.info.name);
  if (!sa) throw notFound({ group: '', resource: 'serviceaccounts' }, call.info.name);
  const body = jsonBody(call);
  const spec = isObj(body.spec) ? body.spec : {};
  const seconds = typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : 3600;
  const token = serviceAccountToken(call.info.namespace, call.info.name, call.core.options.tokenSecret);
  const exp = new Date(call.core.clock().getTime() + seconds * 1000);
  return {
    status: 201,
    body: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: call.info.name, namespace: call.info.namespace, creationTimestamp: null },
      spec: {
        audiences: spec.audiences ?? ['https://kubernetes.default.svc'],
        expirationSeconds: seconds,
        boundObjectRef: null,
      },
      status: { token, expirationTimestamp: rfc3339(exp) },
    },
  };
}
