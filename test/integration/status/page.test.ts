/**
 * The status page in a real headless Chromium, served by the real agent: it renders both tenants from the JSON
 * API, shows hostile text as text, breaks no Content-Security-Policy rule, stays readable in light and dark
 * mode, and refreshes on its own. Screenshots go to test-results/.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusSnapshot } from '../../../src/status/index.js';
import {
  HOSTILE_NAME,
  IMAGE_REPOSITORY,
  SECRETS,
  type StatusFixture,
  settled,
  startStatusFixture,
} from './fixture.js';

/** Debian's chromium package; the setup script installs it. */
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const RESULTS = join(process.cwd(), 'test-results');

/** The machine has no network: without these Chromium waits on connections it will never get. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let fx: StatusFixture;
/** The snapshot the page was loaded after. */
let snap: StatusSnapshot;
let profile: string;
let browser: BrowserContext;
let page: Page;
const problems: string[] = [];

describe.skipIf(!available)(
  available ? 'the status page in Chromium' : `the status page in Chromium (skipped: no ${CHROMIUM})`,
  () => {
    beforeAll(async () => {
      fx = await startStatusFixture();
      snap = (await settled(fx.base)) as unknown as StatusSnapshot;
      profile = await mkdtemp(join(tmpdir(), 'steward-chromium-'));
      browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: ARGS,
        viewport: { width: 1400, height: 900 },
      });
      page = await browser.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      // Runs before the page's own script (and outside its CSP) to see every violation.
      await page.addInitScript({ content: REPORT_CSP_VIOLATIONS });
      await page.goto(`${fx.base}/`);
      await page.waitForSelector('html[data-loaded="true"]', { timeout: 15_000 });
    }, 90_000);

    afterAll(async () => {
      await browser?.close();
      if (profile) await rm(profile, { recursive: true, force: true });
      await fx?.stop();
    });

    it('shows each tenant with its Syncs, a Ready and a failing badge and the failure message', async () => {
      const a = page.locator('section[data-tenant="team-a"]');
      const b = page.locator('section[data-tenant="team-b"]');
      expect(await text(a.locator('h3'))).toMatch(/team-a\s*tenant\s*applies as deployer/);
      expect(await text(b.locator('h3'))).toMatch(/team-b\s*tenant\s*applies as deployer/);

      const good = page.locator('tr[data-sync="team-a/app"]');
      const bad = page.locator('tr[data-sync="team-b/app"]');
      expect(await text(good.locator('th'))).toMatch(/^app\s+\.\/good$/);
      expect(await text(bad.locator('th'))).toMatch(/^app\s+\.\/broken$/);
      expect(await text(good.locator('.badge'))).toBe('Ready');
      expect(await good.locator('.badge').getAttribute('data-state')).toBe('ready');
      expect(await text(bad.locator('.badge'))).toBe('Stalled');
      expect(await bad.locator('.badge').getAttribute('data-state')).toBe('failed');
      expect(await text(good.locator('td.message'))).toMatch(/^Applied revision: main@sha1:[0-9a-f]{40}$/);
      expect(await text(good.locator('code').first())).toMatch(/^main@[0-9a-f]{8}$/);
      expect(await text(good.locator('td').nth(3))).toMatch(/\d+s ago, took [\d.]+ (ms|s)/);

      const message = await text(bad.locator('td.message'));
      expect(message).toContain('broken/cm.yaml');
      // The manifest's markup is shown as text and never becomes an element.
      expect(message).toContain(HOSTILE_NAME);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.evaluate('typeof window.__xss')).toBe('undefined');
    });

    it('shows the summary, the sources and a recent event, and announces the counts', async () => {
      const tile = (label: string) =>
        page.locator('.tile', { has: page.locator('.label', { hasText: new RegExp(`^${label}$`) }) });
      expect(await text(tile('Syncs').locator('.value'))).toBe('2');
      expect(await text(tile('Ready').locator('.value'))).toBe('1');
      expect(await text(tile('Not ready').locator('.value'))).toBe('1');
      expect(await text(page.locator('#announce'))).toBe('2 Syncs: 1 ready, 1 not ready, 0 suspended.');
      const sources = await text(page.locator('#sources tbody'));
      expect(sources).toContain('team-a/repo');
      expect(sources).toContain(fx.git.url('tenants'));
      expect(sources).not.toContain('hunter2');
      const events = page.locator('#events tbody tr', { hasText: 'Sync team-a/app' });
      expect(await text(events.first())).toContain('ReconciliationSucceeded');
      expect(await page.locator('table thead th[scope="col"]').count()).toBeGreaterThan(10);
    });

    it('shows image automation in three tables, and team-c as a namespace with no Syncs', async () => {
      const image = `${fx.registry.host}/${IMAGE_REPOSITORY}`;
      const section = page.locator('#images-section');
      expect(await section.isVisible()).toBe(true);
      expect(await section.getAttribute('aria-labelledby')).toBe('h-images');
      expect(await section.locator('h3').allInnerTexts()).toEqual([
        'Image repositories',
        'Image policies',
        'Image update automations',
      ]);
      expect(await section.locator('caption').allTextContents()).toEqual([
        'Image repositories',
        'Image policies',
        'Image update automations',
      ]);

      const repo = page.locator('tr[data-image-repository="team-c/app"]');
      expect(await text(repo.locator('th'))).toBe('team-c/app');
      expect(await text(repo.locator('td').nth(0))).toBe(image);
      expect(await text(repo.locator('td').nth(1))).toBe('2');
      expect(await text(repo.locator('td').nth(2))).toMatch(/^\d+s ago$/);
      expect(await repo.locator('.badge').getAttribute('data-state')).toBe('ready');
      expect(await text(repo.locator('td.message'))).toBe('successful scan: found 2 tags');

      const policy = page.locator('tr[data-image-policy="team-c/app"]');
      expect(await text(policy.locator('td').nth(0))).toBe('app');
      expect(await text(policy.locator('td').nth(1))).toBe('semver >=1.0.0');
      expect(await text(policy.locator('td.pick'))).toBe(`${image}:1.1.0`);
      expect(await text(policy.locator('.badge'))).toBe('Ready');

      const commit = snap.images.automations[0]?.lastPushCommit ?? '';
      expect(commit).toMatch(/^[0-9a-f]{40}$/);
      const automation = page.locator('tr[data-image-automation="team-c/app"]');
      expect(await text(automation.locator('th'))).toMatch(/^team-c\/app\s+\.\/deploy$/);
      expect(await text(automation.locator('td').nth(0))).toBe('GitRepository images');
      expect(await text(automation.locator('td').nth(1))).toBe('main');
      const pushed = automation.locator('td').nth(3).locator('code');
      expect(await text(pushed)).toBe(commit.slice(0, 8));
      expect(await pushed.getAttribute('title')).toBe(commit);
      expect(await text(automation.locator('.badge'))).toBe('Ready');

      const tile = page.locator('.tile', {
        has: page.locator('.label', { hasText: /^Image automation ready$/ }),
      });
      expect(await text(tile.locator('.value'))).toBe('3 of 3');

      const teamC = page.locator('section[data-tenant="team-c"]');
      expect(await text(teamC.locator('h3'))).toMatch(/team-c\s*tenant\s*no Syncs/);
      expect(await text(teamC.locator('p.images'))).toBe(
        'Image automation: 3 objects, 3 ready, 0 not ready.',
      );
      expect(await teamC.locator('table').count()).toBe(0);

      const helm = page.locator('tr[data-source="HelmRepository/team-a/charts"]');
      expect(await text(helm.locator('td.url'))).toBe(`oci://${fx.registry.host}/charts\noci`);

      const body = await text(page.locator('body'));
      for (const secret of SECRETS) expect(body).not.toContain(secret);
    });

    it('is readable in light and dark mode', async () => {
      await mkdir(RESULTS, { recursive: true });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        const worst = (await page.evaluate(LOWEST_CONTRAST)) as { ratio: number; what: string };
        expect(worst.ratio, `${scheme}: ${worst.what}`).toBeGreaterThanOrEqual(4.5);
        await page.screenshot({
          path: join(RESULTS, scheme === 'light' ? 'status-page.png' : 'status-page-dark.png'),
          fullPage: true,
        });
      }
      await page.emulateMedia({ colorScheme: 'light' });
    });

    it('refreshes by itself: a suspended Sync shows as suspended within seconds', async () => {
      const r = await fx.sb.raw(
        'PATCH',
        '/apis/steward.dev/v1alpha1/namespaces/team-a/syncs/app?fieldManager=status-test',
        { body: { spec: { suspend: true } }, contentType: 'application/merge-patch+json' },
      );
      expect(r.status).toBe(200);
      await page.waitForSelector('tr[data-sync="team-a/app"] .badge[data-state="suspended"]', {
        timeout: 12_000,
      });
      await page.waitForSelector('#announce:text-is("2 Syncs: 0 ready, 1 not ready, 1 suspended.")', {
        timeout: 5_000,
      });
    });

    it('logged no console error, CSP violation or failed request', () => {
      expect(problems).toEqual([]);
    });
  },
);

/** Playwright's innerText: the text as rendered, with line breaks between blocks. */
function text(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: a Playwright Locator method, not the DOM property
  return locator.innerText();
}

/*
 * Page-side code is kept in strings: the project compiles without the DOM library.
 */

/** Runs before the page's own script (and outside its CSP): every violation becomes a console error. */
const REPORT_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (e) =>
  console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`;

/**
 * The lowest WCAG contrast ratio between text and the background behind it, over every visible element that
 * holds text directly.
 */
const LOWEST_CONTRAST = `(() => {
  const rgb = (c) => (c.match(/[0-9.]+/g) || []).map(Number);
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] !== 0)) return c;
    }
    return [255, 255, 255];
  };
  let worst = { ratio: 21, what: '' };
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!own || el.offsetParent === null) continue;
    const a = lum(rgb(getComputedStyle(el).color));
    const b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < worst.ratio) worst = { ratio, what: el.tagName + '.' + el.className + ': ' + el.textContent.slice(0, 40) };
  }
  return worst;
})()`;
