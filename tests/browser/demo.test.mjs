// A real browser (Debian's Chromium through playwright-core) on the bundled demo site, run by
// the built worker in workerd with the shipped wrangler.toml configuration (opt-in
// everywhere: the banner decides). A visitor clicks the consent banner; the test checks what
// the page shows, which scripts ran and which cookies the browser really holds.
// Screenshots of every state go to tests/artifacts/ (gitignored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, TEST_API_TOKEN } from '../support/worker.mjs';
import { wranglerVars } from '../support/config.mjs';
import { launchChromium, screenshot, clickAndWaitForLoad, documentCookieNames } from '../support/browser.mjs';

const TRACKING_COOKIES = ['__ctmid', '_ctmdd', '_ga', 'ct1001'];
// The demo's pools (wrangler.toml), as printed on the page.
const MAIN_POOL = ['0150', '0151', '0152', '0160', '0161', '0170', '0171', '0172', '0173', '0174', '0175', '0176', '0177'].map((s) => `(503) 555-${s}`);
const EMERGENCY_POOL = ['0180', '0181', '0182', '0183', '0184', '0185'].map((s) => `(503) 555-${s}`);
const LONDON_POOL = ['0100', '0101', '0102', '0103', '0104', '0105'].map((s) => `+44 20 7946 ${s}`);

let browser, worker, base;

before(async () => {
  browser = await launchChromium();
  worker = await startWorker({ vars: await wranglerVars() });
  // Miniflare listens on 127.0.0.1; browse it as http://localhost:<port>, which Chromium
  // treats as a secure context, so the worker's `Secure` session cookie is stored.
  base = worker.url.replace('127.0.0.1', 'localhost');
});
after(async () => {
  await browser?.close();
  await worker?.dispose();
});

/**
 * A fresh visitor: new context (empty cookie jar), one page.
 *
 * Chromium's HTTP cache is on, as for a real visitor (`httpCache: false` turns it off). A page
 * reloaded after a consent choice must never be served from a copy rendered for the previous
 * choice: rewritten pages carry no origin validators and navigations go upstream
 * unconditionally (see 'consent change with the HTTP cache on').
 */
async function visitor(fn, { httpCache = true } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  if (!httpCache) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  }
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  try {
    return await fn({ context, page });
  } finally {
    await context.close();
    assert.deepEqual(errors.map(String), [], 'no JavaScript error on the page');
  }
}

async function open(page, path) {
  const resp = await page.goto(base + path, { waitUntil: 'load' });
  assert.equal(resp.status(), 200, path);
  await page.waitForSelector('#dni-debug-output[data-state="ok"]');
  return resp;
}

async function jarNames(context) {
  return (await context.cookies()).map((c) => c.name);
}

/** What a visitor who declined marketing must see: no tracking cookie, no vendor script, fallback numbers. */
async function assertNoTracking({ context, page }, { analytics = false } = {}) {
  const jar = await jarNames(context);
  const doc = await documentCookieNames(page);
  const forbidden = analytics ? TRACKING_COOKIES.filter((c) => c !== '_ga') : TRACKING_COOKIES;
  for (const name of forbidden) {
    assert.ok(!jar.includes(name), `${name} not in the cookie jar (${jar})`);
    assert.ok(!doc.includes(name), `${name} not in document.cookie (${doc})`);
  }
  assert.equal(await page.evaluate(() => window.__ctmLoaded), undefined, 'the vendor script did not run');
  assert.equal(await page.locator('#ctm-status').count(), 0);
  const vendorTag = page.locator('script[src="/vendor/ctm-tracker.js"]');
  assert.equal(await vendorTag.getAttribute('type'), 'text/plain');
  assert.equal(await vendorTag.getAttribute('data-consent-category'), 'marketing');
  assert.equal(await page.evaluate(() => window.__analyticsInline), analytics ? true : undefined);
  await assertFallbackNumbers(page);
}

/**
 * The text a visitor sees: visible text nodes, without the places the demo marks to keep the
 * real number (`[data-dni-skip]`, a `<textarea>`'s default text).
 */
function screenText(page) {
  return page.evaluate(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('script, style, noscript, textarea, [data-dni-skip]')) continue;
      if (!el.checkVisibility()) continue;
      out.push(n.data);
    }
    return out.join(' ').replace(/\s+/g, ' ');
  });
}

async function assertFallbackNumbers(page) {
  assert.equal((await page.locator('header .header-phone').innerText()).trim(), '(503) 555-0199');
  assert.equal(await page.locator('header .header-phone').getAttribute('href'), 'tel:+15035550199');
  const text = await screenText(page);
  assert.doesNotMatch(text, /\b555[\s.\-]?0142\b/, 'the printed main number is replaced everywhere on screen');
  assert.doesNotMatch(text, /\b555[\s.\-]?0187\b/, 'the printed emergency number too');
  assert.ok(text.includes('(503) 555-0198'), 'emergency fallback');
  assert.ok(text.includes('+44 20 7946 0999'), 'London fallback');
}

/** The tracking numbers on screen: { main, emergency, london }. */
async function assertTrackingNumbers(page) {
  const main = (await page.locator('header .header-phone').innerText()).trim();
  assert.ok(MAIN_POOL.includes(main), `header shows a main-line tracking number, got ${main}`);
 const text = await screenText(page);
  assert.doesNotMatch(text, /\b555[\s.\-]?01(42|99)\b/, 'neither the printed nor the fallback main number on screen');
  const emergency = EMERGENCY_POOL.find((n) => text.includes(n));
  const london = LONDON_POOL.find((n) => text.includes(n));
  assert.ok(emergency, 'emergency tracking number on screen');
  assert.ok(london, 'London tracking number on screen');
  return { main, emergency, london };
}

async function consentDecision(page) {
  return JSON.parse(await page.locator('#dni-debug-output').innerText());
}

test('first visit: the banner asks, nothing tracks yet (opt-in: no signal means declined)', () => visitor(async (v) => {
  await open(v.page, '/');
  assert.ok(await v.page.locator('#consent-banner').isVisible());
  await assertNoTracking(v);
  assert.deepEqual(await jarNames(v.context), [], 'an empty cookie jar');
  const d = await consentDecision(v.page);
  assert.equal(d.signal, 'none');
  assert.equal(d.swap, false);
  await screenshot(v.page, '01-first-visit-banner');
}));

test('Decline: no tracking cookie, no vendor script, fallback numbers, on every page', () => visitor(async (v) => {
  await open(v.page, '/');
  await clickAndWaitForLoad(v.page, '#consent-decline');
  await v.page.waitForSelector('#dni-debug-output[data-state="ok"]');
  assert.ok(!(await v.page.locator('#consent-banner').isVisible()), 'banner closed after a choice');
  assert.deepEqual((await jarNames(v.context)).sort(), ['TC_PRIVACY', 'TC_PRIVACY_CENTER']);
  await assertNoTracking(v);
  const d = await consentDecision(v.page);
  assert.equal(d.signal, 'tc_privacy');
  assert.equal(d.categories.marketing, false);
  await screenshot(v.page, '02-declined-home');
  for (const path of ['/services.html', '/contact.html']) {
    await open(v.page, path);
    await assertNoTracking(v);
  }
  await screenshot(v.page, '03-declined-contact');
}));

test('Accept all: tracking numbers, the HttpOnly session cookie, the vendor script ran', () => visitor(async (v) => {
  await open(v.page, '/');
  await clickAndWaitForLoad(v.page, '#consent-accept');
  await v.page.waitForSelector('#ctm-status');
  const numbers = await assertTrackingNumbers(v.page);
  assert.equal(await v.page.locator('header .header-phone').getAttribute('href'), `tel:+1${numbers.main.replace(/\D/g, '')}`);
  const jar = await v.context.cookies();
  const session = jar.find((c) => c.name === 'ct1001');
  assert.ok(session, `ct1001 in the jar (${jar.map((c) => c.name)})`);
  assert.equal(session.httpOnly, true);
  assert.equal(session.secure, true);
  assert.equal(session.sameSite, 'Lax');
  assert.equal(session.path, '/');
  assert.equal(session.expires, -1, 'a browser-session cookie');
  const doc = await documentCookieNames(v.page);
  assert.ok(!doc.includes('ct1001'), 'HttpOnly: not visible to scripts');
  for (const name of ['__ctmid', '_ctmdd', '_ga']) {
    assert.ok(doc.includes(name), `${name} set by the page's scripts (${doc})`);
  }
  assert.equal(await v.page.evaluate(() => window.__ctmLoaded), true);
  assert.equal(await v.page.evaluate(() => window.__analyticsInline), true);
  assert.equal(await v.page.locator('script[src="/vendor/ctm-tracker.js"]').getAttribute('type'), null);
  const d = await consentDecision(v.page);
  assert.equal(d.swap, true);
  await screenshot(v.page, '04-accepted-home');
  // The next page keeps the session's numbers.
  await open(v.page, '/contact.html');
  const again = await assertTrackingNumbers(v.page);
  assert.deepEqual(again, numbers, 'same tracking numbers for the whole session');
  await screenshot(v.page, '05-accepted-contact');
}));

test('withdrawal: Cookie settings, then Decline: the tracking cookies are gone on the next page', () => visitor(async (v) => {
  await open(v.page, '/');
  await clickAndWaitForLoad(v.page, '#consent-accept');
  await v.page.waitForSelector('#ctm-status');
  await assertTrackingNumbers(v.page);
  const before = await jarNames(v.context);
  for (const name of TRACKING_COOKIES) assert.ok(before.includes(name), `${name} set while consented (${before})`);

  await v.page.click('#cookie-settings');
  assert.ok(await v.page.locator('#consent-banner').isVisible());
  assert.ok(await v.page.locator('#consent-preferences').isVisible());
  assert.equal(await v.page.locator('#consent-marketing').isChecked(), true, 'current choice shown');
  await screenshot(v.page, '06-withdraw-settings');
  const [response] = await Promise.all([
    v.page.waitForResponse((r) => r.url() === `${base}/` && r.request().resourceType() === 'document'),
    clickAndWaitForLoad(v.page, '#consent-decline'),
  ]);
  // The worker expired what the browser still carried.
  const expiry = (await response.headersArray()).filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => h.value);
  for (const name of TRACKING_COOKIES) {
    assert.ok(expiry.some((c) => c.startsWith(`${name}=;`) && /Max-Age=0/.test(c)), `expiry Set-Cookie for ${name} in ${JSON.stringify(expiry)}`);
  }
  await v.page.waitForSelector('#dni-debug-output[data-state="ok"]');
  await assertNoTracking(v);
  assert.deepEqual((await jarNames(v.context)).sort(), ['TC_PRIVACY', 'TC_PRIVACY_CENTER'], 'only the consent cookies remain');
  await screenshot(v.page, '07-withdrawn-home');
  await open(v.page, '/services.html');
  await assertNoTracking(v);
}));

test('Choose analytics only: the analytics snippet runs, the marketing vendor does not, fallback numbers', () => visitor(async (v) => {
  await open(v.page, '/');
  await v.page.click('#consent-choose');
  assert.ok(await v.page.locator('#consent-preferences').isVisible());
  await v.page.check('#consent-analytics');
  await screenshot(v.page, '08-choose-analytics');
  await clickAndWaitForLoad(v.page, '#consent-save');
  await v.page.waitForSelector('#dni-debug-output[data-state="ok"]');
  await assertNoTracking(v, { analytics: true });
  assert.ok((await documentCookieNames(v.page)).includes('_ga'), 'the analytics snippet set _ga');
  const d = await consentDecision(v.page);
  assert.equal(d.categories.analytics, true);
  assert.equal(d.categories.marketing, false);
  assert.equal(d.swap, false);
  await screenshot(v.page, '09-analytics-only-home');
  await open(v.page, '/about.html');
  await assertNoTracking(v, { analytics: true });
}));

test('consent change with the HTTP cache on: the reloaded page shows the new choice, not a cached one', () => visitor(async (v) => {
  // What every real visitor does: first view (declined by default), then "Accept all".
  await open(v.page, '/');
  await clickAndWaitForLoad(v.page, '#consent-accept');
  await v.page.waitForSelector('#dni-debug-output[data-state="ok"]');
  assert.equal((await consentDecision(v.page)).swap, true, 'the worker decided: swap');
  await screenshot(v.page, '12-cache-on-after-accept');
  // Fails today: the reload was answered 304 and the page on screen is the cached one,
  // rendered for the previous (declined) choice: fallback numbers, vendor script disabled.
  await assertTrackingNumbers(v.page);
  assert.equal(await v.page.evaluate(() => window.__ctmLoaded), true, 'the vendor script runs after consent');
}, { httpCache: true }));

test('withdrawal with the HTTP cache on: no tracking cookie comes back on the next page', () => visitor(async (v) => {
  // Accept on a first page that was never cached declined (the cache is empty for /about).
  await open(v.page, '/about.html');
  await v.page.evaluate(() => window.hpConsent.accept({ reload: false }));
  await open(v.page, '/');
  await v.page.waitForSelector('#ctm-status');
  // Withdraw: the reload of "/" revalidates the accepted page the browser cached.
  await v.page.click('#cookie-settings');
  await clickAndWaitForLoad(v.page, '#consent-decline');
  await v.page.waitForSelector('#dni-debug-output[data-state="ok"]');
  assert.equal((await consentDecision(v.page)).swap, false, 'the worker decided: no swap');
  await screenshot(v.page, '13-cache-on-after-withdrawal');
  // Fails today: the cached, accepted page is shown again (304): its inline analytics and
  // vendor script run again and set _ga / __ctmid / _ctmdd right after the worker expired
  // them (the next subresource responses happen to expire them again: they come and go).
  await assertNoTracking(v);
}, { httpCache: true }));

test('the Secure session cookie is kept on http://localhost and on http://127.0.0.1 (secure contexts)', async () => {
  // The host this suite browses must keep the Secure session cookie, or the accepted
  // scenarios would lease a new number on every page.
  for (const origin of [base, worker.url]) {
    await visitor(async ({ context, page }) => {
      await page.goto(`${origin}/`);
      assert.equal(await page.evaluate(() => window.isSecureContext), true, `${origin} is a secure context`);
      await page.evaluate(() => window.hpConsent.accept({ reload: false }));
      await page.goto(`${origin}/about.html`);
      const session = (await context.cookies()).find((c) => c.name === 'ct1001');
      assert.ok(session, `ct1001 stored for ${origin}`);
      assert.equal(new URL(origin).hostname, session.domain);
    });
  }
});

// ---------------------------------------------------------------- dashboard

test('dashboard: a wrong token is refused; the right one shows consent rates and pool use', async () => {
  // A worker of its own, flushing counters on every request, so the numbers are exactly ours.
  const w = await startWorker({ vars: { ...await wranglerVars(), DNI_STATS_FLUSH_SECONDS: '0' } });
  const wbase = w.url.replace('127.0.0.1', 'localhost');
  try {
    // Two visitors who decline (2 + 1 views without consent), one who accepts
    // (1 view before the choice, then 3 with consent).
    for (let i = 0; i < 2; i++) {
      await visitor(async ({ page }) => {
        await page.goto(`${wbase}/`);
        if (i === 0) {
          await clickAndWaitForLoad(page, '#consent-decline');
        }
      });
    }
    let trackingMain;
    await visitor(async ({ page }) => {
      await page.goto(`${wbase}/`);
      await clickAndWaitForLoad(page, '#consent-accept');
      trackingMain = (await page.locator('header .header-phone').innerText()).trim();
      // Paths without the assets' .html -> extensionless redirect (see the next test).
      await page.goto(`${wbase}/services`);
      await page.goto(`${wbase}/contact`);
    });
    // views: decliner 1 (2: first + reload), decliner 2 (1), accepter (1 + 3) = 7; granted 3.
    const expected = { views: 7, granted: 3, denied: 4 };
    const totals = await waitForStats(w, expected.views);
    assert.deepEqual(totals, expected);

    await visitor(async ({ page }) => {
      await page.goto(`${wbase}/__dni/dashboard`);
      assert.equal(await page.locator('#token').getAttribute('type'), 'password');
      await page.fill('#token', 'not-the-token');
      await Promise.all([page.waitForNavigation(), page.click('#show')]);
      assert.match(await page.locator('[role="alert"]').innerText(), /not valid/);
      assert.equal(await page.locator('#consent-rate').count(), 0, 'no numbers without the token');
      await screenshot(page, '10-dashboard-wrong-token');

      await page.fill('#token', TEST_API_TOKEN);
      await Promise.all([page.waitForNavigation(), page.click('#show')]);
      assert.equal(await page.locator('[role="alert"]').count(), 0);
      assert.equal((await page.locator('#consent-rate').innerText()).trim(), `${Math.round(100 * 3 / 7)}%`);
      assert.equal((await page.locator('#tracking-rate').innerText()).trim(), `${Math.round(100 * 3 / 7)}%`);
      assert.match(await page.locator('#summary').innerText(), /^7 page views/);
      const bar = async (series) => Number(await page.locator(`#chart-consent rect[data-series="${series}"]`).getAttribute('data-value'));
      assert.equal(await bar('consent.granted'), 3);
      assert.equal(await bar('consent.denied'), 4);
      // Pools: the accepted visitor holds one number of each target's default pool.
      const rows = await page.locator('#pools tr').evaluateAll((trs) => trs.slice(1).map((tr) => [...tr.cells].map((c) => c.innerText.trim())));
      const row = (target, source) => rows.find((r) => r[0] === target && r[1] === source);
      assert.equal(rows.length, 5, JSON.stringify(rows));
      assert.equal(row('+15035550142', 'default')?.[2], '1 / 8', JSON.stringify(rows));
      assert.equal(row('+15035550142', 'google_ads')?.[2], '0 / 3');
      assert.equal(row('+15035550142', 'search')?.[2], '0 / 2');
      assert.equal(row('+15035550187', 'default')?.[2], '1 / 6');
      assert.equal(row('+442079460018', 'default')?.[2], '1 / 6');
      assert.ok(['(503) 555-0170', '(503) 555-0171', '(503) 555-0172'].includes(trackingMain), trackingMain);
      await screenshot(page, '11-dashboard');
    });
  } finally {
    await w.dispose();
  }
});

/** Polls GET /__dni/stats until `views` page views are counted (flushes run after the response). */
async function waitForStats(w, views) {
  let last;
  for (let i = 0; i < 50; i++) {
    const r = await w.fetch('/__dni/stats', { headers: { authorization: `Bearer ${TEST_API_TOKEN}` } });
    assert.equal(r.status, 200);
    const report = await r.json();
    const total = (k) => report.days.reduce((s, d) => s + (d.counters[k] ?? 0), 0);
    last = { views: total('views'), granted: total('consent.granted'), denied: total('consent.denied') };
    if (last.views >= views) return last;
    await new Promise((res) => setTimeout(res, 100));
  }
  return last;
}

test('a redirect is not a page view: /services.html (307 to /services) counts once on the dashboard', async () => {
  const w = await startWorker({ vars: { ...await wranglerVars(), DNI_STATS_FLUSH_SECONDS: '0' } });
  try {
    await visitor(async ({ page }) => {
      // The demo's own navigation links point to /services.html; the assets redirect it.
      const resp = await page.goto(`${w.url.replace('127.0.0.1', 'localhost')}/services.html`);
      assert.equal(new URL(resp.url()).pathname, '/services');
      assert.equal(resp.request().redirectedFrom()?.url().endsWith('/services.html'), true);
    });
    // The first count lands, then give any further background flush time to land too.
    await waitForStats(w, 1);
    await new Promise((res) => setTimeout(res, 500));
    const totals = await waitForStats(w, 1);
    assert.equal(totals.views, 1, `one page seen, counted ${totals.views} times`);
  } finally {
    await w.dispose();
  }
});
