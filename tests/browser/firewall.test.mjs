// The tag firewall in a real browser (issue 12): Debian's Chromium loads the vendor fixture page
// (every catalogued vendor's documented snippet, tests/fixtures/vendors/all-vendors.html, with
// the demo's consent banner) through the built worker in workerd, its origin a local HTTP
// server; every vendor host is answered by a stand-in behaving like the real script (loads its
// sub-scripts, sets the vendor's first-party cookies through document.cookie, fires its beacon).
//   declined   zero requests to any tracking host, zero tracking cookies (jar and document.cookie),
//              the Consent Mode default reads denied, the banner and the site's own code work
//   accepted   every vendor loads and sets its cookies; the Consent Mode default reads granted
//   withdrawn  after declining on a page where the tags ran, the next page makes no tracking request
//   no JS      the <noscript> pixels and the GTM frame are not requested either
//   404        an error page in the same template is protected the same way
//   forms      pixels written as pages write them (character references, uppercase markup,
//              imagesrcset, lazy-loader attributes, <template>, CSS backgrounds and @import,
//              <base href>, fired from code with document.write, new Image, sendBeacon, and
//              from onload/onerror handlers) are not requested
//              either; with consent they are
// Screenshots go to tests/artifacts/firewall-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { startWorker, ROOT } from '../support/worker.mjs';
import { siteConfig } from '../support/config.mjs';
import { launchChromium, screenshot, clickAndWaitForLoad, documentCookieNames } from '../support/browser.mjs';
import { routeVendors, trackingCookieNames, cookieVendor, AD_CLICK_QUERY, VENDOR_DATA } from '../support/vendor-routes.mjs';

const FIXTURES = path.join(ROOT, 'tests/fixtures/vendors');
const DEMO = path.join(ROOT, 'demo');

/** The fixture page with the demo's consent banner (markup and script) before </body>. */
function pageWithBanner() {
  const page = fs.readFileSync(path.join(FIXTURES, 'all-vendors.html'), 'utf8');
  const demo = fs.readFileSync(path.join(DEMO, 'index.html'), 'utf8');
  const banner = demo.slice(demo.indexOf('<div id="consent-banner"'), demo.indexOf('<footer class="site-footer">'));
  return page.replace('</body>', `${banner}<script src="/consent-banner.js" defer></script>\n</body>`);
}

let browser, origin, worker, base;

before(async () => {
  browser = await launchChromium();
  const html = pageWithBanner();
  origin = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://origin.test');
    const file = { '/consent-banner.js': 'consent-banner.js', '/styles.css': 'styles.css' }[url.pathname];
    if (file) {
      res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/css' });
      return res.end(fs.readFileSync(path.join(DEMO, file)));
    }
    if (url.pathname === '/logo.gif') {
      res.writeHead(200, { 'content-type': 'image/gif' });
      return res.end(Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'));
    }
    const fixture = { '/pixel-forms': 'pixel-forms.html', '/pixel-base': 'pixel-base.html' }[url.pathname];
    if (fixture) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(fs.readFileSync(path.join(FIXTURES, fixture)));
    }
    if (url.pathname === '/' || url.pathname === '/services') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(html);
    }
    res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(html.replace('<h1>', '<h1>Page not found. '));
  });
  await new Promise((resolve) => origin.listen(0, '127.0.0.1', resolve));
  const upstream = `http://127.0.0.1:${origin.address().port}`;
  worker = await startWorker({
    config: siteConfig(upstream, { consent: { opt_in_countries: ['*'] } }),
    cf: { country: 'DE' },
  });
  base = worker.url.replace('127.0.0.1', 'localhost');
});
after(async () => {
  await browser?.close();
  await worker?.dispose();
  await new Promise((resolve) => (origin ? origin.close(resolve) : resolve()));
});

async function visitor(fn, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const log = [];
  await routeVendors(context, { log });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    return await fn({ context, page, log });
  } finally {
    await context.close();
    assert.deepEqual(errors, [], 'no JavaScript error on the page');
  }
}

/** Waits until the page made no new vendor request for 600 ms (the tags chain their loads). */
async function settle(log) {
  let n = -1;
  for (let i = 0; i < 100 && n !== log.length; i++) {
    n = log.length;
    await new Promise((r) => setTimeout(r, 600));
  }
}

async function consentDefault(page) {
  return page.evaluate(() => {
    const entry = (window.dataLayer || []).map((a) => Array.from(a)).find((a) => a[0] === 'consent' && a[1] === 'default');
    return entry ? entry[2] : null;
  });
}

async function assertUntracked({ context, page, log }, label) {
  await settle(log);
  const tracking = log.filter((e) => e.tracking).map((e) => `${e.vendor}: ${e.url}`);
  assert.deepEqual(tracking, [], `${label}: no request to a tracking host`);
  assert.deepEqual(trackingCookieNames(await context.cookies()), [], `${label}: no tracking cookie in the jar`);
  const doc = (await documentCookieNames(page)).filter((n) => cookieVendor(n));
  assert.deepEqual(doc, [], `${label}: no tracking cookie in document.cookie`);
}

test('declined: no tracking request and no tracking cookie; the banner and the site still work', () => visitor(async (v) => {
  const { page } = v;
  await page.goto(`${base}/?${AD_CLICK_QUERY}`, { waitUntil: 'load' });
  await assertUntracked(v, 'no choice yet (opt-in)');
  const cm = await consentDefault(page);
  assert.equal(cm?.ad_storage, 'denied');
  assert.equal(cm?.analytics_storage, 'denied');
  assert.equal(await page.evaluate(() => window.__siteScriptRan), true, "the site's own script ran");
  assert.ok(await page.locator('#consent-banner').isVisible(), 'the consent banner is shown');
  assert.ok((await page.locator('body').innerText()).includes('(503) 555-0199'), 'the fallback number');
  await screenshot(page, 'firewall-01-declined-banner');
  v.log.length = 0;
  await clickAndWaitForLoad(page, '#consent-decline');
  await assertUntracked(v, 'after Decline');
  assert.ok(!(await page.locator('#consent-banner').isVisible()), 'the banner closed');
  await screenshot(page, 'firewall-02-declined');
}));

test('accepted: every vendor loads and sets its cookies; the Consent Mode default reads granted', () => visitor(async ({ context, page, log }) => {
  await page.goto(`${base}/?${AD_CLICK_QUERY}`, { waitUntil: 'load' });
  await clickAndWaitForLoad(page, '#consent-accept');
  await page.goto(`${base}/services?${AD_CLICK_QUERY}`, { waitUntil: 'load' });
  await settle(log);
  const cm = await consentDefault(page);
  for (const k of ['ad_storage', 'analytics_storage', 'ad_user_data', 'ad_personalization']) assert.equal(cm?.[k], 'granted', k);
  for (const vendor of Object.keys(VENDOR_DATA.vendors)) {
    assert.ok(log.some((e) => e.vendor === vendor && e.resourceType === 'script'), `${vendor} loaded`);
  }
  const jar = trackingCookieNames(await context.cookies());
  const vendorsWithCookies = new Set(jar.map((n) => cookieVendor(n)));
  for (const vendor of ['google-analytics', 'google-ads', 'meta', 'microsoft-clarity', 'hotjar', 'linkedin', 'tiktok', 'microsoft-ads',
    'pinterest', 'snapchat', 'reddit', 'x-ads', 'hubspot', 'segment', 'matomo', 'calltrackingmetrics', 'callrail', 'invoca', 'callpage']) {
    assert.ok(vendorsWithCookies.has(vendor), `${vendor} set its cookies (${jar.join(' ')})`);
  }
  assert.ok((await page.locator('body').innerText()).match(/\(503\) 555-01[5-7]\d/), 'a tracking number');
  await screenshot(page, 'firewall-03-accepted');
}));

test('withdrawal: after declining on a page where the tags ran, the next page tracks nothing', () => visitor(async (v) => {
  const { page, log } = v;
  await page.goto(`${base}/?${AD_CLICK_QUERY}`, { waitUntil: 'load' });
  await clickAndWaitForLoad(page, '#consent-accept');
  await settle(log);
  assert.ok(log.some((e) => e.tracking), 'the tags ran while accepted');
  await page.click('#cookie-settings');
  log.length = 0;
  await clickAndWaitForLoad(page, '#consent-decline');
  await assertUntracked(v, 'the page after withdrawal');
  log.length = 0;
  await page.goto(`${base}/services`, { waitUntil: 'load' });
  await assertUntracked(v, 'the next page');
  await screenshot(page, 'firewall-04-withdrawn');
}));

test('JavaScript off: the <noscript> pixels and the GTM frame are not requested for a declined visitor', () => visitor(async (v) => {
  await v.page.goto(`${base}/`, { waitUntil: 'load' });
  await assertUntracked(v, 'noscript');
  assert.deepEqual(v.log.map((e) => e.url), [], 'no vendor request at all');
}, { javaScriptEnabled: false }));

test('an error page in the site template is protected the same way', () => visitor(async (v) => {
  const resp = await v.page.goto(`${base}/no-such-page?${AD_CLICK_QUERY}`, { waitUntil: 'load' });
  assert.equal(resp.status(), 404);
  await assertUntracked(v, '404');
  assert.ok((await v.page.locator('body').innerText()).includes('Page not found'));
  await screenshot(v.page, 'firewall-05-404');
}));

test('pixels in the forms pages write them are not requested for a declined visitor, and are with consent', () => visitor(async (v) => {
  const { page } = v;
  for (const p of ['/pixel-forms', '/pixel-base']) {
    await page.goto(`${base}${p}`, { waitUntil: 'load' });
    await assertUntracked(v, p);
    assert.equal(await page.evaluate(() => window.__siteScriptRan), true, `${p}: the site's own script ran`);
  }
  // The same pages for a visitor who accepted: the pixels are requested (the forms are real).
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await clickAndWaitForLoad(page, '#consent-accept');
  v.log.length = 0;
  for (const p of ['/pixel-forms', '/pixel-base']) await page.goto(`${base}${p}`, { waitUntil: 'load' });
  await settle(v.log);
  const events = new Set(v.log.filter((e) => e.tracking).map((e) => new URL(e.url).searchParams.get('ev') ?? new URL(e.url).hostname));
  for (const ev of ['ImageSrcset', 'StyleBlock', 'UpperCase', 'EntityScheme', 'EntityHost', 'NamedColon', 'StyleAttr', 'DocWrite', 'NewImage', 'StyleImport', 'OnLoad', 'OnError',
    'BaseHref', 'px.ads.linkedin.com', 't.co', 'ct.pinterest.com', 'api.segment.io']) {
    assert.ok(events.has(ev), `${ev} requested with consent (${[...events].join(' ')})`);
  }
}));
