// Self-test of the vendor stand-ins (tests/browser/vendors/) and their routing
// (tests/support/vendor-routes.mjs): Debian's Chromium loads tests/fixtures/vendors/all-vendors.html
// from a plain local HTTP server (no worker, no firewall) with every vendor host routed to its
// stand-in, and the test checks that every vendor loaded, set its documented first-party cookies
// and fired its beacon. This is what a declined visitor must NOT get once the firewall is in front.
// Also: Google Consent Mode (basic) in the gtag.js / gtm.js stand-ins, the <noscript> pixels with
// JavaScript off, and the fixture pages being up to date with the snippets.
//   node --test tests/browser/vendor-stand-ins.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT } from '../support/worker.mjs';
import { launchChromium, screenshot, documentCookieNames } from '../support/browser.mjs';
import {
  routeVendors, classifyUrl, trackingCookieNames, cookieVendor, AD_CLICK_QUERY, TRACKING_HOSTS, VENDOR_DATA,
} from '../support/vendor-routes.mjs';

const FIXTURES = path.join(ROOT, 'tests/fixtures/vendors');

// The cookies each stand-in sets on this page, per the vendor's documentation (sources in
// tests/fixtures/vendors/vendors.json). Ids are the fake ids of the snippets: GA4 G-ABCDEF1234,
// the GTM container's GA4 tag G-GTM7K2Q9XW, Hotjar site 3581234, TikTok pixel D25JHK3C77UABCDEF012.
// The landing URL carries AD_CLICK_QUERY, so click-id cookies are expected too.
const EXPECTED_COOKIES = {
  'google-analytics': ['_ga', '_ga_ABCDEF1234'],
  'google-tag-manager': ['_ga_GTM7K2Q9XW'],
  'google-ads': ['_gcl_au', '_gcl_aw'],
  meta: ['_fbp', '_fbc'],
  'microsoft-clarity': ['_clck', '_clsk'],
  hotjar: ['_hjSessionUser_3581234', '_hjSession_3581234'],
  linkedin: ['li_fat_id', 'ln_or'],
  tiktok: ['_ttp', '_tt_enable_cookie', 'ttcsid', 'ttcsid_D25JHK3C77UABCDEF012', 'ttclid'],
  'microsoft-ads': ['_uetsid', '_uetvid', '_uetmsclkid'],
  pinterest: ['_pin_unauth', '_epik'],
  snapchat: ['_scid', '_sctr', '_scid_r'],
  reddit: ['_rdt_uuid', '_rdt_cid'],
  'x-ads': ['_twclid'],
  hubspot: ['__hstc', 'hubspotutk', '__hssc', '__hssrc'],
  segment: ['ajs_anonymous_id'],
  matomo: [/^_pk_id\.1\.[0-9a-f]{4}$/, /^_pk_ses\.1\.[0-9a-f]{4}$/],
  calltrackingmetrics: ['__ctmid', '__ctmdd'],
  callrail: ['calltrk_referrer', 'calltrk_landing', 'calltrk_session_id'],
  invoca: ['invoca_session'],
  callpage: ['callpage-widget-version'],
};
const ALL_VENDORS = Object.keys(VENDOR_DATA.vendors);
const GOOGLE_COOKIE = /^(_ga|_ga_.*|_gcl_.*)$/;

let browser;
let server;
let base;

before(async () => {
  browser = await launchChromium();
  server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname === '/styles.css') {
      res.writeHead(200, { 'content-type': 'text/css' });
      return res.end(fs.readFileSync(path.join(ROOT, 'demo/styles.css')));
    }
    const file = path.join(FIXTURES, path.basename(url.pathname));
    if (!file.endsWith('.html') || !fs.existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('not found');
    }
    let html = fs.readFileSync(file, 'utf8');
    // What the worker will insert for a declined visitor (issue 12, item 3): a Consent Mode
    // default at the top of <head>, before any other script.
    if (url.searchParams.get('consent') === 'denied') {
      html = html.replace('<head>\n', `<head>\n<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('consent','default',{ad_storage:'denied',analytics_storage:'denied',ad_user_data:'denied',ad_personalization:'denied',functionality_storage:'denied',personalization_storage:'denied',security_storage:'granted',wait_for_update:500});</script>\n`);
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(html);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://localhost:${server.address().port}`;
});
after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

async function visit(fn, options = {}) {
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

function cookieMatches(expected, name) {
  return typeof expected === 'string' ? expected === name : expected.test(name);
}

/** Polls until every expected cookie is in the jar (the tags are async), or gives up after 10 s. */
async function waitForCookies(context, expected) {
  let names = [];
  for (let i = 0; i < 100; i++) {
    names = (await context.cookies()).map((c) => c.name);
    if (expected.every((e) => names.some((n) => cookieMatches(e, n)))) return names;
    await new Promise((r) => setTimeout(r, 100));
  }
  return names;
}

const isBeacon = (e) => e.resourceType !== 'script' && e.resourceType !== 'document';

/**
 * Waits until the page made no new vendor request for 600 ms (the tags chain loaders, sub-scripts
 * and beacons). Not 'networkidle': routed navigator.sendBeacon pings never report completion.
 */
async function settle(log) {
  let n = -1;
  for (let i = 0; i < 100 && n !== log.length; i++) {
    n = log.length;
    await new Promise((r) => setTimeout(r, 600));
  }
}

test('fixture pages are up to date with the snippets', () => {
  execFileSync(process.execPath, [path.join(FIXTURES, 'build-pages.mjs'), '--check'], { stdio: 'pipe' });
  for (const [name, min] of [['tag-heavy-100k.html', 100 * 1024], ['tag-heavy-700k.html', 700 * 1024]]) {
    const size = fs.statSync(path.join(FIXTURES, name)).size;
    assert.ok(size >= min && size < min * 1.05, `${name}: ${size} bytes`);
  }
});

test('every snippet file names its source and every vendor of builtin.rs has one', () => {
  const files = fs.readdirSync(path.join(FIXTURES, 'snippets'));
  const builtin = fs.readFileSync(path.join(ROOT, 'crates/dni-privacy/src/builtin.rs'), 'utf8');
  const ids = [...builtin.matchAll(/id: "([a-z0-9-]+)"/g)].map((m) => m[1]);
  for (const id of [...ids, 'google-tag-manager']) {
    assert.ok(files.includes(`${id}.html`), `snippets/${id}.html`);
    assert.ok(VENDOR_DATA.vendors[id], `vendors.json has ${id}`);
  }
  // vendors.json's copy of each builtin.rs cookie list is the current one.
  for (const m of builtin.matchAll(/id: "([a-z0-9-]+)",[\s\S]*?cookies: &\[([\s\S]*?)\],/g)) {
    const names = [...m[2].matchAll(/"([^"]+)"/g)].map((c) => c[1]);
    assert.deepEqual(VENDOR_DATA.vendors[m[1]].cookies.builtin, names, `vendors.json ${m[1]}.cookies.builtin = builtin.rs`);
  }
  for (const f of files) {
    const first = fs.readFileSync(path.join(FIXTURES, 'snippets', f), 'utf8').split('\n')[0];
    assert.match(first, /^<!-- source: https?:\/\/\S+.*copied \d{4}-\d{2}-\d{2}/, f);
  }
});

test('every inline signature of vendors.json occurs in that vendor\'s snippet files', () => {
  for (const [id, v] of Object.entries(VENDOR_DATA.vendors)) {
    const text = v.snippets.map((f) => fs.readFileSync(path.join(FIXTURES, 'snippets', f), 'utf8')).join('\n');
    for (const s of v.inline_signatures) {
      const hit = s.kind === 'regex' ? new RegExp(s.text).test(text) : text.includes(s.text);
      assert.ok(hit, `${id}: ${s.text}`);
    }
  }
});

test('no firewall: every vendor loads, sets its cookies and fires its beacon', () => visit(async ({ context, page, log }) => {
  await page.goto(`${base}/all-vendors.html?${AD_CLICK_QUERY}`, { waitUntil: 'load' });
  const expected = Object.values(EXPECTED_COOKIES).flat();
  const jar = await waitForCookies(context, expected);
  await settle(log);
  await screenshot(page, 'vendors-01-no-firewall');

  for (const [vendor, cookies] of Object.entries(EXPECTED_COOKIES)) {
    for (const c of cookies) {
      const name = jar.find((n) => cookieMatches(c, n));
      assert.ok(name, `${vendor}: cookie ${c} in the jar (${jar.join(' ')})`);
      // The catalog (builtin.rs patterns + vendors.json additions) recognises every one of them.
      assert.ok(cookieVendor(name), `${name} is matched by a catalog cookie pattern`);
    }
  }
  const doc = await documentCookieNames(page);
  for (const c of Object.values(EXPECTED_COOKIES).flat()) {
    assert.ok(doc.some((n) => cookieMatches(c, n)), `${c} set through document.cookie (${doc.join(' ')})`);
  }
  assert.deepEqual(trackingCookieNames(await context.cookies()).sort(), jar.filter((n) => cookieVendor(n)).sort());

  for (const vendor of ALL_VENDORS) {
    const mine = log.filter((e) => e.vendor === vendor);
    assert.ok(mine.some((e) => e.resourceType === 'script' && e.standIn), `${vendor}: its script was served by a stand-in (${JSON.stringify(mine)})`);
    if (vendor !== 'google-tag-manager') {
      assert.ok(mine.some((e) => e.tracking && isBeacon(e)), `${vendor}: a beacon to its endpoint (${mine.map((e) => `${e.resourceType} ${e.url}`).join('\n')})`);
    }
  }
  // Sub-scripts loaded from the vendors' hosts, as the real loaders do.
  for (const sub of ['connect.facebook.net/signals/config/123456789012345', 'scripts.clarity.ms/', 'script.hotjar.com/modules.',
    'analytics.tiktok.com/i18n/pixel/static/main.', 'bat.bing.com/p/action/187654321.js', 's.pinimg.com/ct/lib/main.',
    'js.hs-analytics.net/analytics/', 'js.hs-banner.com/', 'js.callrail.com/group/0/0a1b2c3d4e5f6a7b8c9d/12/icap.js',
    'solutions.invocacdn.com/js/networks/1234/tags/5678901234/', 'cdn.matomo.cloud/harborandpine.matomo.cloud/matomo.js',
    'www.googletagmanager.com/gtag/destination?id=AW-123456789', 'www.googletagmanager.com/gtag/js?id=G-GTM7K2Q9XW']) {
    assert.ok(log.some((e) => e.url.includes(sub) && e.resourceType === 'script'), `sub-script ${sub}`);
  }
  // GA4 hits for both measurement ids (the page's and the GTM container's).
  for (const tid of ['G-ABCDEF1234', 'G-GTM7K2Q9XW']) {
    assert.ok(log.some((e) => e.url.startsWith('https://www.google-analytics.com/g/collect?') && e.url.includes(`tid=${tid}`)), `GA4 hit for ${tid}`);
  }
  // Every request the page made to a third party went to a routed vendor host (nothing escaped).
  assert.ok(log.every((e) => e.vendor), JSON.stringify(log.filter((e) => !e.vendor)));
  // The page's own scripts and data blocks were not disturbed.
  assert.equal(await page.evaluate(() => window.__siteScriptRan), true);
  assert.equal(await page.locator('script#site-structured-data').getAttribute('type'), 'application/ld+json');
}));

test('Consent Mode (basic) in the Google stand-ins: denied default, then update to granted', () => visit(async ({ context, page, log }) => {
  await page.goto(`${base}/all-vendors.html?consent=denied&${AD_CLICK_QUERY}`, { waitUntil: 'load' });
  // Other vendors do not read Google Consent Mode: they track (what the firewall has to stop).
  await waitForCookies(context, ['_fbp', '__hstc', '_uetsid']);
  await settle(log);
  await new Promise((r) => setTimeout(r, 700)); // past wait_for_update (500 ms)
  const jar = (await context.cookies()).map((c) => c.name);
  assert.deepEqual(jar.filter((n) => GOOGLE_COOKIE.test(n)), [], 'no Google cookie while denied');
  const googleHits = log.filter((e) => ['google-analytics', 'google-ads'].includes(e.vendor) && isBeacon(e));
  assert.deepEqual(googleHits.map((e) => e.url), [], 'no Google hit while denied');
  assert.ok(log.some((e) => e.url.startsWith('https://www.googletagmanager.com/gtm.js?id=GTM-ABC1234')), 'GTM itself loads');
  assert.ok(!log.some((e) => e.url.includes('gtag/js?id=G-GTM7K2Q9XW')), 'the container did not fire its GA4 tag');
  assert.ok(jar.includes('_fbp'), 'Meta ignores Google Consent Mode');

  await page.evaluate(() => window.gtag('consent', 'update', { analytics_storage: 'granted', ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' }));
  const after = await waitForCookies(context, ['_ga', '_ga_ABCDEF1234', '_ga_GTM7K2Q9XW', '_gcl_au', '_gcl_aw']);
  for (const c of ['_ga', '_ga_ABCDEF1234', '_ga_GTM7K2Q9XW', '_gcl_au', '_gcl_aw']) assert.ok(after.includes(c), `${c} after the update`);
  await settle(log);
  assert.ok(log.some((e) => e.url.includes('gtag/js?id=G-GTM7K2Q9XW')), 'the container fires its GA4 tag after the update');
  assert.ok(log.some((e) => e.url.startsWith('https://www.google-analytics.com/g/collect?')), 'GA4 hit after the update');
  assert.ok(log.some((e) => e.url.startsWith('https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123456789/')), 'Ads hit after the update');
}));

test('analytics only: ad_storage stays denied, analytics_storage granted', () => visit(async ({ context, page, log }) => {
  await page.goto(`${base}/all-vendors.html?consent=denied&${AD_CLICK_QUERY}`, { waitUntil: 'load' });
  await page.evaluate(() => window.gtag('consent', 'update', { analytics_storage: 'granted' }));
  const jar = await waitForCookies(context, ['_ga', '_ga_ABCDEF1234', '_ga_GTM7K2Q9XW']);
  await settle(log);
  assert.ok(jar.includes('_ga'));
  assert.deepEqual(jar.filter((n) => n.startsWith('_gcl_')), [], 'no Ads cookie');
  assert.ok(!log.some((e) => e.vendor === 'google-ads' && isBeacon(e)), 'no Ads hit');
}));

test('JavaScript off: the <noscript> pixels and the GTM frame are requested', () => visit(async ({ page, log }) => {
  await page.goto(`${base}/all-vendors.html`, { waitUntil: 'load' });
  await settle(log);
  const hits = (prefix) => log.some((e) => e.url.startsWith(prefix));
  assert.ok(hits('https://www.facebook.com/tr?id=123456789012345&ev=PageView&noscript=1'), 'Meta noscript image');
  assert.ok(hits('https://www.googletagmanager.com/ns.html?id=GTM-ABC1234'), 'GTM noscript iframe');
  assert.ok(hits('https://px.ads.linkedin.com/collect/?pid=5123456&fmt=gif'), 'LinkedIn noscript image');
  assert.ok(hits('https://ct.pinterest.com/v3/?event=init&tid=2612345678901'), 'Pinterest noscript image');
  assert.ok(hits('https://harborandpine.matomo.cloud/matomo.php?idsite=1&rec=1'), 'Matomo image tracker');
  assert.ok(log.every((e) => e.resourceType !== 'script'), 'no script ran or loaded');
  for (const e of log) assert.equal(classifyUrl(e.url)?.tracking, true, `${e.url} is a tracking request`);
}, { javaScriptEnabled: false }));

test('TRACKING_HOSTS and the cookie patterns come from vendors.json', () => {
  assert.ok(TRACKING_HOSTS.includes('connect.facebook.net'));
  assert.ok(TRACKING_HOSTS.includes('*.clarity.ms'));
  assert.ok(!TRACKING_HOSTS.includes('www.googletagmanager.com'), 'GTM host is path-scoped (gtm.js is not tracking, gtag/js is)');
  assert.equal(classifyUrl('https://www.googletagmanager.com/gtag/js?id=AW-123456789').vendor, 'google-ads');
  assert.equal(classifyUrl('https://www.googletagmanager.com/gtag/js?id=G-ABCDEF1234').vendor, 'google-analytics');
  assert.equal(classifyUrl('https://www.googletagmanager.com/gtm.js?id=GTM-ABC1234').tracking, false);
  assert.equal(classifyUrl('https://www.google.com/search?q=plumber'), null);
  assert.deepEqual(trackingCookieNames(['_ga', '_gaid', '_gateway', 'ct264810', 'ctx', '__hs_opt_out', 'TC_PRIVACY', 'mtm_consent']), ['_ga', 'ct264810']);
});
