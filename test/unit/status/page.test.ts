import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../src/status/html.js';
import { PAGE_CSP, statusPageHtml, statusPageRoutes } from '../../../src/status/page.js';
import { PAGE_SCRIPT } from '../../../src/status/page-script.js';
import { PAGE_STYLE } from '../../../src/status/page-style.js';

describe('escapeHtml', () => {
  it.each([
    ['plain', 'plain'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['a & b', 'a &amp; b'],
    [`"quoted" 'single'`, '&quot;quoted&quot; &#39;single&#39;'],
    ['&amp;', '&amp;amp;'],
    ['<img src=x onerror="alert(1)">', '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'],
  ])('%s', (input, want) => {
    expect(escapeHtml(input)).toBe(want);
  });
});

const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The text between the page's one <tag> and </tag>. */
function inline(html: string, tag: string): string {
  const open = `<${tag}>`;
  const start = html.indexOf(open);
  const end = html.indexOf(`</${tag}>`, start);
  expect(start).toBeGreaterThan(0);
  return html.slice(start + open.length, end);
}

describe('the status page', () => {
  const html = statusPageHtml('0.1.0');

  it('allows exactly its inline script and style by hash, and nothing else inline or remote', () => {
    const directives = new Map(
      PAGE_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')] as const),
    );
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe(sha(inline(html, 'script')));
    expect(directives.get('style-src')).toBe(sha(inline(html, 'style')));
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(PAGE_CSP).not.toContain('unsafe');
    expect(inline(html, 'script')).toBe(PAGE_SCRIPT);
    expect(inline(html, 'style')).toBe(PAGE_STYLE);
  });

  it('loads nothing from elsewhere and never writes markup from data', () => {
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/ on[a-z]+=|style="/);
    for (const sink of [
      'innerHTML',
      'outerHTML',
      'insertAdjacentHTML',
      'document.write',
      'eval(',
      'new Function',
    ])
      expect(PAGE_SCRIPT).not.toContain(sink);
    expect(PAGE_SCRIPT).not.toMatch(/<\/script/i);
    expect(PAGE_STYLE).not.toMatch(/<\/style|@import|url\(/i);
  });

  it('escapes the version it writes', () => {
    expect(statusPageHtml('<b>1</b>')).toContain('agent &lt;b&gt;1&lt;/b&gt;');
  });

  it('has the landmarks, live region and controls the script uses', () => {
    for (const id of [
      'announce',
      'error',
      'tiles',
      'tenants',
      'sources',
      'images',
      'notifications',
      'events',
      'auto',
      'refresh',
    ])
      expect(html).toContain(`id="${id}"`);
    expect(html).toMatch(/<p id="announce" role="status" aria-live="polite">/);
    // Hidden until there is image automation to show, labelled by its heading.
    expect(html).toContain(
      '<section id="images-section" aria-labelledby="h-images" hidden><h2 id="h-images">Image automation</h2>',
    );
    expect(html).toContain('<html lang="en">');
    expect(PAGE_STYLE).toContain('prefers-color-scheme: dark');
  });

  it('is served at / and /status with the policy and no caching', async () => {
    const routes = statusPageRoutes('0.1.0');
    for (const path of ['/', '/status']) {
      const route = routes.find((r) => r.path === path);
      const res = await route?.handler(
        { method: 'GET', path, query: new URLSearchParams(), headers: {}, body: Buffer.alloc(0) },
        new AbortController().signal,
      );
      expect(res?.status).toBe(200);
      expect(res?.headers).toMatchObject({
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': PAGE_CSP,
      });
      expect(res?.body).toBe(html);
    }
  });
});
