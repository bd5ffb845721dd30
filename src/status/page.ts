/**
 * The status page: one self-contained HTML document (inline style and script, no external assets) that reads
 * the JSON API from the same origin. Its Content-Security-Policy allows nothing but that: the inline style and
 * script by hash, fetches to 'self', and the page's own icon.
 */
import { createHash } from 'node:crypto';
import type { HttpResponse, Route } from '../server/server.js';
import { escapeHtml } from './html.js';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';

/** A CSP source expression for inline content: `'sha256-<base64>'` of its exact text. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export const PAGE_CSP = [
  "default-src 'none'",
  `script-src ${cspHash(PAGE_SCRIPT)}`,
  `style-src ${cspHash(PAGE_STYLE)}`,
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#1a7f37"/></svg>\n';

/** The page's HTML; `version` is the only value written on the server, escaped. */
export function statusPageHtml(version: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Steward status</title>
<link rel="icon" href="favicon.svg" type="image/svg+xml">
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>Steward status</h1>
<span id="version" class="muted">agent ${escapeHtml(version)}</span>
<span id="updated" class="muted">loading</span>
<div class="controls">
<label><input type="checkbox" id="auto" checked> Refresh every 5 seconds</label>
<button type="button" id="refresh">Refresh now</button>
</div>
</header>
<main>
<p id="announce" role="status" aria-live="polite">Loading the status.</p>
<div id="error" role="alert" hidden></div>
<section aria-labelledby="h-summary"><h2 id="h-summary">Summary</h2><ul id="tiles" class="tiles"></ul></section>
<section aria-labelledby="h-tenants"><h2 id="h-tenants">Tenants and their Syncs</h2><div id="tenants"></div></section>
<section aria-labelledby="h-sources"><h2 id="h-sources">Sources</h2><div id="sources"></div></section>
<section id="images-section" aria-labelledby="h-images" hidden><h2 id="h-images">Image automation</h2><div id="images"></div></section>
<section id="notifications-section" aria-labelledby="h-notifications" hidden><h2 id="h-notifications">Notifications and receivers</h2><div id="notifications"></div></section>
<section aria-labelledby="h-events"><h2 id="h-events">Recent events</h2><div id="events"></div></section>
<noscript><p>This page needs JavaScript. The same data is served as JSON at <a href="api/v1/status">api/v1/status</a>.</p></noscript>
</main>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** GET / and /status serve the page; /favicon.svg its icon. */
export function statusPageRoutes(version: string): Route[] {
  const html = statusPageHtml(version);
  const page = (): HttpResponse => ({ status: 200, headers: { ...PAGE_HEADERS }, body: html });
  return [
    { method: 'GET', path: '/', handler: page },
    { method: 'GET', path: '/status', handler: page },
    {
      method: 'GET',
      path: '/favicon.svg',
      handler: () => ({
        status: 200,
        headers: {
          'content-type': 'image/svg+xml',
          'cache-control': 'max-age=86400',
          'content-security-policy': "default-src 'none'",
          'x-content-type-options': 'nosniff',
        },
        body: FAVICON,
      }),
    },
  ];
}
