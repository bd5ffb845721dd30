/**
 * The HTTP request for one notification to one Provider: the type's URL and body, then the headers every type
 * shares (bearer token or basic auth, the Secret's headers) and, for generic-hmac, the signature of the body.
 */

import type { Notification } from '../notification.js';
import type { ProviderTarget } from '../provider.js';
import { type AlertmanagerAlert, alertmanagerUrl } from './alertmanager.js';
import type { HttpRequest } from './common.js';
import { discordPayload, discordSlackUrl } from './discord.js';
import { genericPayload, hmacSignature, SIGNATURE_HEADER } from './generic.js';
import { teamsPayload } from './msteams.js';
import { slackPayload } from './slack.js';

export const USER_AGENT = 'steward-notification';

/** The request for a chat or webhook Provider (every type but alertmanager, which posts alerts). */
export function eventRequest(n: Notification, target: ProviderTarget): HttpRequest {
  switch (target.type) {
    case 'slack':
      return request(target.address, slackPayload(n, target), target);
    case 'discord':
      return request(discordSlackUrl(target.address), discordPayload(n, target), target);
    case 'msteams':
      return request(target.address, teamsPayload(n), target);
    case 'generic':
    case 'generic-hmac':
      return request(target.address, genericPayload(n), target);
    case 'alertmanager':
      throw new Error('alertmanager Providers are sent alerts: use alertmanagerRequest');
  }
}

/** The request posting `alerts` to an Alertmanager Provider. */
export function alertmanagerRequest(
  alerts: readonly AlertmanagerAlert[],
  target: ProviderTarget,
): HttpRequest {
  return request(alertmanagerUrl(target.address), alerts, target);
}

function request(url: string, payload: unknown, target: ProviderTarget): HttpRequest {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT };
  if (target.type !== 'generic-hmac' && target.token) headers.Authorization = `Bearer ${target.token}`;
  if (target.basicAuth) {
    const { username, password } = target.basicAuth;
    headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  // The Secret's headers come last so they can override the defaults (Flux applies them the same way)...
  for (const [name, value] of Object.entries(target.headers)) setHeader(headers, name, value);
  // ...but never the signature, which must be the one of the body actually sent.
  if (target.type === 'generic-hmac' && target.token)
    setHeader(headers, SIGNATURE_HEADER, hmacSignature(body, target.token));
  return { url, headers, body };
}

/** Header names are case-insensitive: replace any spelling of `name`, or fetch would send both values. */
function setHeader(headers: Record<string, string>, name: string, value: string): void {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
  headers[name] = value;
}
