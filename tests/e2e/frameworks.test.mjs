// Framework pages and their data requests end to end (issue 13): the built worker in workerd
// in front of the real framework build output (tests/fixtures/frameworks, served by the static
// server). The page's markup AND the payloads its client hydrates from carry the visitor's
// number; the data fetched on client-side navigation (Next.js `/_next/data/…json` and RSC
// `.txt`, Nuxt `_payload.json`, the React app's own `/data/*.json` via `rewrite.data_paths`)
// is swapped for the same visitor with the same number, never starts a session, and is
// private; JSON-LD and excluded keys keep the real number; the hydration guard is inserted
// once with the visitor's map only; the log line names the framework and counts data and
// markup swaps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startStaticServer } from '../support/static-server.mjs';
import { startWorker, ROOT } from '../support/worker.mjs';
import { siteConfig, tcAccept, tcDecline, MAIN_FALLBACK, DEFAULT_POOL, BROWSER } from '../support/config.mjs';

const FIXTURES = path.join(ROOT, 'tests/fixtures/frameworks');
const APPS = ['react18-ssr', 'next-pages', 'next-app', 'nuxt', 'astro'];
const REWRITE = { data_exclude_keys: ['invoiceId'], data_paths: ['/data/*.json'] };
const servers = {};
const workers = {};

before(async () => {
  for (const app of APPS) {
    servers[app] = await startStaticServer(path.join(FIXTURES, app));
    workers[app] = await startWorker({ config: siteConfig(servers[app].url, { rewrite: REWRITE }), cf: { country: 'DE' } });
  }
});
after(async () => {
  for (const w of Object.values(workers)) await w.dispose();
  for (const s of Object.values(servers)) await s.close();
});

const base = { 'accept-encoding': 'identity' };
// A browser's navigation, and its router's fetch (Fetch Metadata as Chromium sends them).
const navigate = (cookie) => ({ headers: { ...BROWSER, ...base, cookie } });
const fetchData = (cookie, extra = {}) => ({ headers: { ...BROWSER, ...base, 'sec-fetch-dest': 'empty', 'sec-fetch-mode': 'cors', 'sec-fetch-site': 'same-origin', accept: '*/*', cookie, ...extra } });

/** Lands a consenting visitor on `/`: the page, its tracking number and the cookie header to send next. */
async function land(worker) {
  const consent = `TC_PRIVACY=${tcAccept()}`;
  const r = await worker.fetch('/', navigate(consent));
  assert.equal(r.status, 200);
  const page = await r.text();
  const session = r.headers.getSetCookie().find((c) => c.startsWith('ct1001='));
  assert.ok(session, 'a session cookie on landing');
  const shown = DEFAULT_POOL.find((n) => page.includes(`tel:${n}`));
  assert.ok(shown, 'a tracking number from the pool');
  return { page, number: shown, cookie: `${consent}; ${session.split(';')[0]}` };
}

/** `+15035550170` -> `0170`: the last four digits, as printed in every format. */
const last4 = (e164) => e164.slice(-4);

/** The last log line (JSON) whose path is `p`, once the worker wrote it (after the body). */
async function lastLog(worker, p) {
  for (let i = 0; i < 100; i++) {
    const lines = worker.logs.map((l) => { try { return JSON.parse(l); } catch { return null; } })
      .filter((l) => l?.path === p);
    if (lines.length) return lines.at(-1);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`no log line for ${p}:\n${worker.logs.join('\n')}`);
}

/** Every printed occurrence of the main number (0142) in `text`, with some context. */
function originals(text) {
  return [...text.matchAll(/.{0,40}555.?0142.{0,10}/g)].map((m) => m[0]);
}

test('the page and its inline payloads carry the visitor number; JSON-LD and excluded keys do not; the guard is inserted once', async () => {
  for (const app of APPS) {
    workers[app].logs.length = 0;
    const { page, number } = await land(workers[app]);
    const left = originals(page);
    // What keeps the real number: JSON-LD, the data-dni-skip invoice (and its data key), the
    // guard's map (target -> number).
    for (const l of left) {
      assert.ok(/telephone|invoice|5035550142\\?"|"\+15035550142"/.test(l), `${app}: original number left in ${l}`);
    }
    assert.equal((page.match(/<script data-dni-hydration-guard/g) ?? []).length, 1, `${app}: one guard`);
    const guard = page.match(/<script data-dni-hydration-guard>([\s\S]*?)<\/script>/)[1];
    assert.ok(guard.includes(`{"pairs":[["+15035550142","${number}"]]`), `${app}: the guard carries the visitor's map`);
    assert.ok(!/ct1001|TC_PRIVACY/.test(guard), `${app}: no identifier in the guard`);
    const line = await lastLog(workers[app], '/');
    assert.equal(line.hydration_guard, 'inserted', app);
    assert.ok(line.numbers_swapped >= 10, `${app}: ${line.numbers_swapped} in markup`);
    assert.ok(line.data_numbers_swapped >= 7, `${app}: ${line.data_numbers_swapped} in data`);
    assert.equal(line.framework, { 'react18-ssr': 'data-island', 'next-pages': 'next-pages', 'next-app': 'next-app', nuxt: 'nuxt', astro: 'astro' }[app]);
    assert.ok(page.includes(last4(number)));
  }
});

test('data fetched on client-side navigation is swapped for the same visitor, without a new session, private', async () => {
  const cases = {
    // `min`: the main number's occurrences in that data (MANIFEST.md), the invoice id aside.
    'react18-ssr': { path: '/data/contact.json', framework: 'data-island', min: 9 },
    'next-pages': { path: '/_next/data/consent-dni-next-pages/contact.json', framework: 'next-pages', headers: { 'x-nextjs-data': '1' }, min: 9 },
    'next-app': { path: '/contact/index.txt?_rsc=1x2y3', framework: 'next-app', headers: { rsc: '1' }, min: 9 },
    nuxt: { path: '/contact/_payload.json?consent-dni-nuxt', framework: 'nuxt', min: 2 },
  };
  for (const [app, c] of Object.entries(cases)) {
    const { number, cookie } = await land(workers[app]);
    const origin = await (await fetch(servers[app].url + c.path, { headers: c.headers })).text();
    const r = await workers[app].fetch(c.path, fetchData(cookie, c.headers));
    assert.equal(r.status, 200, app);
    const body = await r.text();
    assert.equal(body.length, origin.length, `${app}: digit for digit`);
    assert.ok(!r.headers.getSetCookie().some((s) => s.startsWith('ct1001=')), `${app}: no session cookie from a data request`);
    assert.match(r.headers.get('cache-control') ?? '', /private/, app);
    assert.match(r.headers.get('vary') ?? '', /Cookie/i, app);
    // Every form of the main number changed to the visitor's, but the invoice id.
    if (origin.includes('invoiceId')) assert.ok(body.includes('5035550142'), `${app}: the invoice id keeps its digits`);
    const diff = [...body].filter((ch, i) => ch !== origin[i]).length;
    assert.ok(diff >= 2 * c.min, `${app}: ${diff} digits changed`);
    assert.ok(originals(body).every((l) => /invoice|5035550142/.test(l)), `${app}: ${originals(body).join(' | ')}`);
    const line = await lastLog(workers[app], c.path.split('?')[0]);
    assert.equal(line.framework, c.framework, app);
    assert.ok(line.data_numbers_swapped >= c.min, `${app}: ${line.data_numbers_swapped}`);
    if (origin.includes('invoiceId')) assert.ok(line.data_numbers_skipped >= 1, `${app}: the invoice id counted as skipped`);
  }
});

test('a declined visitor gets the fallback in pages and data; a visitor without a session gets no session from data', async () => {
  const worker = workers['next-pages'];
  const decline = `TC_PRIVACY=${tcDecline()}`;
  const page = await (await worker.fetch('/', navigate(decline))).text();
  assert.ok(page.includes(`tel:${MAIN_FALLBACK}`));
  assert.ok(page.includes(`"e164":"${MAIN_FALLBACK}"`), 'the __NEXT_DATA__ carries the fallback');
  const data = await worker.fetch('/_next/data/consent-dni-next-pages/contact.json', fetchData(decline));
  const json = await data.json();
  assert.equal(json.pageProps.business.phone.e164, MAIN_FALLBACK);
  assert.equal(json.pageProps.business.invoiceId, '5035550142');
  const consent = `TC_PRIVACY=${tcAccept()}`;
  const anonymous = await worker.fetch('/_next/data/consent-dni-next-pages/contact.json', fetchData(consent));
  assert.ok(!anonymous.headers.getSetCookie().some((s) => s.startsWith('ct1001=')));
  assert.equal((await anonymous.json()).pageProps.business.phone.e164, MAIN_FALLBACK);
  // HEAD (Next.js sends one before using prefetched data) passes through.
  const head = await worker.fetch('/_next/data/consent-dni-next-pages/contact.json', { method: 'HEAD', ...fetchData(consent) });
  assert.equal(head.status, 200);
});

test('with hydration_guard off no guard is inserted; payloads are still swapped', async () => {
  const server = servers['next-app'];
  const worker = await startWorker({ config: siteConfig(server.url, { rewrite: { ...REWRITE, hydration_guard: 'off' } }), cf: { country: 'DE' } });
  try {
    const { page, number } = await land(worker);
    assert.ok(!page.includes('data-dni-hydration-guard'));
    assert.ok(page.includes(`tel:${number}`) && page.includes(`\\"e164\\":\\"${number}\\"`), 'RSC rows swapped');
    assert.equal((await lastLog(worker, '/')).hydration_guard, 'off');
  } finally {
    await worker.dispose();
  }
});
