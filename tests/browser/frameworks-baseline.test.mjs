// The framework fixtures (tests/fixtures/frameworks/<app>/: real build output of React 18/19
// SSR, Next.js pages and app router static exports, Nuxt generate and Astro, see MANIFEST.md
// there) served by a plain static server, no worker, in Debian's Chromium: each page hydrates
// with no error or warning logged, shows the number, and a client-side navigation to the second
// page fetches that page's data (the request each framework makes is asserted) and shows the
// number too. This proves the fixtures are real and healthy before the worker is put in front.
// A control per app proves the check can fail: the same page with the number changed in the
// markup only (what the worker's HTML swap alone does) must log a hydration error, and the
// framework puts the original number back (issue 13).
// Screenshots: tests/artifacts/frameworks-<app>-{home,contact,markup-only}.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startStaticServer } from '../support/static-server.mjs';
import { launchChromium, screenshot } from '../support/browser.mjs';
import { ROOT } from '../support/worker.mjs';

const FIXTURES = path.join(ROOT, 'tests/fixtures/frameworks');
const DISPLAY = '(503) 555-0142';
const HREF = 'tel:+15035550142';
const JSON_LD = '"telephone":"+1-503-555-0142"';

// What client-side navigation to /contact/ must fetch, per app (see MANIFEST.md), checked on
// the requests the static server received.
const APPS = {
  'react18-ssr': (r) => r.path === '/data/contact.json' && r.headers.accept === 'application/json',
  'react19-ssr': (r) => r.path === '/data/contact.json' && r.headers.accept === 'application/json',
  'next-pages': (r) => r.path === '/_next/data/consent-dni-next-pages/contact.json' && r.headers['x-nextjs-data'] === '1'
    && r.contentType === 'application/json',
  'next-app': (r) => r.path.startsWith('/contact/') && r.path.endsWith('.txt') && r.headers.rsc === '1'
    && /^_rsc=/.test(r.search.slice(1)) && r.contentType === 'text/x-component',
  nuxt: (r) => r.path === '/contact/_payload.json' && r.search === '?consent-dni-nuxt' && r.contentType === 'application/json',
  astro: (r) => r.path === '/contact/' && r.headers['sec-fetch-dest'] === 'empty' && r.contentType?.startsWith('text/html'),
};

// The same navigation with the router's prefetches refused (a click on a link that was never
// prefetched): Next.js then fetches the page data itself.
const WITHOUT_PREFETCH = {
  'next-pages': (r) => r.method === 'GET' && r.path === '/_next/data/consent-dni-next-pages/contact.json'
    && r.headers['x-nextjs-data'] === '1' && !r.headers.purpose,
  'next-app': (r) => r.path === '/contact/index.txt' && r.headers.rsc === '1' && r.headers['next-url'] === '/'
    && Boolean(r.headers['next-router-state-tree']) && !r.headers['next-router-prefetch'] && r.contentType === 'text/x-component',
};

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

/** A fresh page on `server` that records console errors/warnings and uncaught errors. */
async function withPage(fn) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  try {
    return await fn(page, problems);
  } finally {
    await context.close();
  }
}

const hydrated = (page) => page.waitForFunction(
  () => document.querySelector('#hydration-state')?.textContent === 'hydrated', null, { timeout: 20000 });

async function assertNumbers(page) {
  assert.equal((await page.locator('#phone-link').innerText()).trim(), DISPLAY);
  assert.equal(await page.locator('#phone-link').getAttribute('href'), HREF);
  assert.equal(await page.locator('.phone-dotted').innerText(), '503.555.0142');
  assert.equal((await page.locator('#bundled-link').innerText()).trim(), '+1 503-555-0142');
  assert.equal(await page.locator('#invoice').innerText(), '5035550142');
  const onScreen = await page.locator('#app-main').innerText();
  assert.ok(onScreen.includes(DISPLAY), 'the number is on screen');
  const ld = await page.locator('script[type="application/ld+json"]').first().textContent();
  assert.ok(ld.includes(JSON_LD), `JSON-LD carries the number: ${ld}`);
}

for (const [app, isNavigationData] of Object.entries(APPS)) {
  test(`${app}: hydrates cleanly, shows the number, navigates client-side to /contact/`, async () => {
    const server = await startStaticServer(path.join(FIXTURES, app));
    try {
      await withPage(async (page, problems) => {
        const resp = await page.goto(`${server.url}/`, { waitUntil: 'load' });
        assert.equal(resp.status(), 200);
        await hydrated(page);
        assert.equal(await page.locator('#app-main').getAttribute('data-page'), 'index');
        await assertNumbers(page);
        await screenshot(page, `frameworks-${app}-home`);
        if (app === 'nuxt') {
          // generate extracts the page's useAsyncData result: fetched on the first load too.
          assert.ok(server.requests.some((r) => r.path === '/_payload.json' && r.search === '?consent-dni-nuxt'
            && r.contentType === 'application/json'), 'nuxt: /_payload.json fetched on the first load');
        }

        await page.evaluate(() => { window.__sameDocument = true; });
        const before = server.requests.length;
        await page.click('#nav-link');
        await page.waitForFunction(() => document.querySelector('#app-main')?.dataset.page === 'contact', null, { timeout: 20000 });
        await hydrated(page);
        assert.equal(new URL(page.url()).pathname, '/contact/');
        assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no full page load: the navigation was client-side');
        await assertNumbers(page);
        await page.waitForTimeout(300); // late prefetches and logs
        await screenshot(page, `frameworks-${app}-contact`);

        const documents = server.requests.slice(before).filter((r) => r.headers['sec-fetch-dest'] === 'document');
        assert.deepEqual(documents.map((r) => r.path), [], 'no document request after the first load');
        const data = server.requests.filter(isNavigationData);
        assert.ok(data.length > 0, `the navigation data request was made; requests: ${JSON.stringify(
          server.requests.map((r) => [r.method, r.path + r.search, r.headers.rsc ?? '', r.contentType]))}`);

        await page.goBack();
        await page.waitForFunction(() => document.querySelector('#app-main')?.dataset.page === 'index', null, { timeout: 20000 });
        await hydrated(page);
        await assertNumbers(page);
        assert.deepEqual(problems, [], 'no hydration error or warning, no console error, no uncaught error');
      });
    } finally {
      await server.close();
    }
  });

  test(`${app}: control: the number changed in the markup only is reverted by hydration, with an error logged`, async () => {
    // Only the visible text of #phone-link, not the serialized data nor the bundle.
    const rewrite = (urlPath, body, type) => {
      if (!type.startsWith('text/html')) return undefined;
      const html = body.toString('utf8');
      const out = html.replace(/(<a[^>]*id="phone-link"[^>]*>)\(503\) 555-0142</, '$1(503) 555-0199<');
      assert.notEqual(out, html, `${urlPath}: #phone-link found in the HTML`);
      return out;
    };
    const server = await startStaticServer(path.join(FIXTURES, app), { rewrite });
    try {
      await withPage(async (page, problems) => {
        await page.goto(`${server.url}/`, { waitUntil: 'load' });
        await hydrated(page);
        await page.waitForFunction(() => document.querySelector('#phone-link')?.textContent.includes('0142'), null, { timeout: 5000 });
        await page.waitForTimeout(300);
        await screenshot(page, `frameworks-${app}-markup-only`);
        assert.ok(problems.length > 0, 'a hydration mismatch is logged');
        assert.ok(problems.some((p) => /hydrat|#418|#425|#423/i.test(p)), `a hydration error: ${problems.join(' | ')}`);
      });
    } finally {
      await server.close();
    }
  });
}

for (const [app, isNavigationData] of Object.entries(WITHOUT_PREFETCH)) {
  test(`${app}: navigation without prefetch fetches the page data on click`, async () => {
    const server = await startStaticServer(path.join(FIXTURES, app));
    try {
      await withPage(async (page, problems) => {
        const refused = [];
        await page.route('**/*', (route) => {
          const h = route.request().headers();
          if (h['next-router-prefetch'] || h.purpose === 'prefetch' || h['sec-purpose']) {
            refused.push(route.request().url());
            return route.abort();
          }
          return route.continue();
        });
        await page.goto(`${server.url}/`, { waitUntil: 'load' });
        await hydrated(page);
        await page.waitForTimeout(500); // the viewport prefetch is tried (and refused) first
        const before = server.requests.length;
        await page.evaluate(() => { window.__sameDocument = true; });
        await page.click('#nav-link');
        await page.waitForFunction(() => document.querySelector('#app-main')?.dataset.page === 'contact', null, { timeout: 20000 });
        await hydrated(page);
        assert.equal(await page.evaluate(() => window.__sameDocument), true, 'client-side navigation');
        await assertNumbers(page);
        assert.ok(refused.length > 0, 'the router tried to prefetch');
        const made = server.requests.slice(before);
        assert.ok(made.some(isNavigationData), `the data request on click; requests: ${JSON.stringify(
          made.map((r) => [r.method, r.path + r.search, r.headers.rsc ?? '', r.contentType]))}`);
        // The refused prefetches are logged as failed loads; nothing else may be.
        assert.deepEqual(problems.filter((p) => !p.includes('net::ERR_FAILED')), []);
      });
    } finally {
      await server.close();
    }
  });
}
