/**
 * Microsoft Teams through a Workflows (Power Automate) webhook: a message whose first attachment is an Adaptive
 * Card, the shape Flux's msteams provider posts ("Send adaptive cards using an incoming webhook", Microsoft
 * Learn). Card version 1.4, the highest Teams renders.
 */
import type { Notification } from '../notification.js';
import { facts, headline } from './common.js';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
export const ADAPTIVE_CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
export const ADAPTIVE_CARD_VERSION = '1.4';

export interface TextBlock {
  type: 'TextBlock';
  text: string;
  wrap: true;
  size?: 'large';
  weight?: 'bolder';
  color?: 'attention' | 'good';
}

export interface FactSet {
  type: 'FactSet';
  facts: { title: string; value: string }[];
}

export interface TeamsPayload {
  type: 'message';
  attachments: [
    {
      contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE;
      content: {
        $schema: typeof ADAPTIVE_CARD_SCHEMA;
        type: 'AdaptiveCard';
        version: typeof ADAPTIVE_CARD_VERSION;
        msteams: { width: 'Full' };
        body: [{ type: 'Container'; items: (TextBlock | FactSet)[] }];
      };
    },
  ];
}

export function teamsPayload(n: Notification): TeamsPayload {
  const items: (TextBlock | FactSet)[] = [];
  if (n.summary) items.push({ type: 'TextBlock', text: n.summary, wrap: true, weight: 'bolder' });
  items.push({ type: 'TextBlock', text: headline(n), wrap: true, size: 'large', weight: 'bolder' });
  const message: TextBlock = { type: 'TextBlock', text: n.event.message, wrap: true };
  if (n.event.severity === 'error') message.color = 'attention';
  else if (n.kind === 'recovery') message.color = 'good';
  items.push(message);
  items.push({ type: 'FactSet', facts: facts(n) });
  return {
    type: 'message',
    attachments: [
      {
        contentType: ADAPTIVE_CARD_CONTENT_TYPE,
        content: {
          $schema: ADAPTIVE_CARD_SCHEMA,
          type: 'AdaptiveCard',
          version: ADAPTIVE_CARD_VERSION,
          msteams: { width: 'Full' },
          body: [{ type: 'Container', items }],
        },
      },
    ],
  };
}
