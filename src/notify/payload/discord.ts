/**
 * Discord, through its Slack-compatible webhook endpoint (`<webhook>/slack`), as Flux's discord provider does.
 * Chosen over native embeds so that a Discord webhook address that works with Flux works unchanged here, and
 * so one tested payload serves both services: Discord turns each attachment into an embed (colour, title,
 * fields), and text inside embeds never pings anyone.
 */
import type { Notification } from '../notification.js';
import type { ProviderTarget } from '../provider.js';
import { type SlackPayload, slackPayload } from './slack.js';

/** The webhook address with `/slack` appended to its path, unless it is there already; the query is kept. */
export function discordSlackUrl(address: string): string {
  const url = new URL(address);
  if (!url.pathname.endsWith('/slack')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/slack`;
  return url.toString();
}

/** Discord shows HTML entities literally, so the text goes as it is. */
export function discordPayload(
  n: Notification,
  target: Pick<ProviderTarget, 'channel' | 'username'>,
): SlackPayload {
  return slackPayload(n, target, (text) => text);
}
