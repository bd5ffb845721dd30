/**
 * Slack incoming webhook payload (api.slack.com "Sending messages using incoming webhooks", legacy attachments):
 * one attachment coloured by severity with a title, the message, and fields for object, reason and revision.
 * Discord's Slack-compatible endpoint takes the same body (see discord.ts).
 */
import { REPORTING_CONTROLLER } from '../event.js';
import type { Notification } from '../notification.js';
import type { ProviderTarget } from '../provider.js';
import { facts, headline } from './common.js';

/** Slack's own attachment colours for good and danger, as hex so Discord's Slack endpoint reads them too. */
export const SLACK_COLORS = { good: '#2eb886', danger: '#a30200' } as const;

export interface SlackField {
  title: string;
  value: string;
  short: boolean;
}

export interface SlackAttachment {
  color: string;
  fallback: string;
  title: string;
  text: string;
  fields: SlackField[];
  footer: string;
  /** Seconds since the epoch: Slack shows the event's time in the reader's time zone. */
  ts: number;
}

export interface SlackPayload {
  channel?: string;
  username: string;
  text?: string;
  attachments: SlackAttachment[];
}

/**
 * Slack treats `&`, `<` and `>` as control characters in message text (links and mentions); they must be sent
 * as HTML entities or a message containing `<!channel>` could ping a whole channel.
 */
export function slackEscape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** The payload; `escapeText` is Slack's escaping (Discord shows entities literally, so it passes identity). */
export function slackPayload(
  n: Notification,
  target: Pick<ProviderTarget, 'channel' | 'username'>,
  escapeText: (text: string) => string = slackEscape,
): SlackPayload {
  const title = headline(n);
  const fields = facts(n).map((f) => ({
    title: f.title,
    value: escapeText(f.value),
    // Object, reason and revision are short enough to sit two abreast; lists take the full width.
    short: f.title !== 'Failing objects' && f.value.length <= 40,
  }));
  return {
    ...(target.channel ? { channel: target.channel } : {}),
    username: target.username ?? REPORTING_CONTROLLER,
    ...(n.summary ? { text: escapeText(n.summary) } : {}),
    attachments: [
      {
        color: n.event.severity === 'error' ? SLACK_COLORS.danger : SLACK_COLORS.good,
        fallback: escapeText(`${title}: ${n.event.message}`),
        title: escapeText(title),
        text: escapeText(n.event.message),
        fields,
        footer: REPORTING_CONTROLLER,
        ts: Math.floor(n.event.timestamp.getTime() / 1000),
      },
    ],
  };
}
