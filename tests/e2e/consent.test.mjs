// The consent decision over real HTTP: GET /__dni/consent for real CMP cookies, regimes
// picked by request.cf.country, Sec-GPC.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOrigin } from '../support/origin.mjs';
import { startWorker } from '../support/worker.mjs';
import { siteConfig, tcAccept, tcDecline } from '../support/config.mjs';
import { tcString } from '../support/tcf.mjs';

let origin, eu, us;
before(async () => {
  origin = await startOrigin({});
  eu = await startWorker({ config: siteConfig(origin.url), cf: { country: 'DE' } });
  us = await startWorker({ config: siteConfig(origin.url), cf: { country: 'US' } });
});
after(async () => { await eu?.dispose(); await us?.dispose(); await origin?.close(); });

async function consent(w, headers = {}, init = {}) {
  const r = await w.fetch('/__dni/consent', { headers, ...init });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('cache-control') ?? '', /no-store/);
  return r.json();
}

test('shape of the decision (SPEC section 4)', async () => {
  const d = await consent(eu);
  assert.deepEqual(Object.keys(d).sort(), ['categories', 'country', 'gpc', 'regime', 'region', 'signal', 'signals', 'swap']);
  assert.deepEqual(Object.keys(d.categories).sort(), ['analytics', 'functional', 'marketing', 'necessary']);
});

test('opt-in country, no signal: everything but necessary denied', async () => {
  assert.deepEqual(await consent(eu), {
    categories: { necessary: true, functional: false, analytics: false, marketing: false },
    signal: 'none', gpc: false, regime: 'opt_in', swap: false, country: 'DE', region: null, signals: [],
  });
});

test('opt-out country, no signal: granted', async () => {
  const d = await consent(us);
  assert.equal(d.regime, 'opt_out');
  assert.equal(d.signal, 'none');
  assert.equal(d.categories.marketing, true);
  assert.equal(d.swap, true);
});

test('opt-out country with Sec-GPC: 1: marketing off, no swap', async () => {
  const d = await consent(us, { 'sec-gpc': '1' });
  assert.equal(d.gpc, true);
  assert.equal(d.signal, 'gpc');
  assert.equal(d.categories.marketing, false);
  assert.equal(d.categories.analytics, true);
  assert.equal(d.swap, false);
});

test('Sec-GPC values other than exactly "1" are ignored', async () => {
  for (const v of ['0', 'true', ' 1x', 'yes']) {
    const d = await consent(us, { 'sec-gpc': v });
    assert.equal(d.gpc, false, v);
    assert.equal(d.swap, true, v);
  }
});

test('Commanders Act TC_PRIVACY accept and decline, in the EU', async () => {
  const a = await consent(eu, { cookie: `TC_PRIVACY=${tcAccept()}` });
  assert.equal(a.signal, 'tc_privacy');
  assert.deepEqual(a.categories, { necessary: true, functional: true, analytics: true, marketing: true });
  assert.equal(a.swap, true);
  const d = await consent(eu, { cookie: `TC_PRIVACY=${tcDecline()}` });
  assert.equal(d.signal, 'tc_privacy');
  assert.equal(d.swap, false);
  assert.equal(d.categories.marketing, false);
});

test('Commanders Act: analytics only, marketing not chosen', async () => {
  const d = await consent(eu, { cookie: `TC_PRIVACY=${tcAccept([3])}` });
  assert.equal(d.categories.analytics, true);
  assert.equal(d.categories.marketing, false);
  assert.equal(d.swap, false);
});

test('an expired Commanders Act consent counts as absent (opt-in: denied)', async () => {
  const old = encodeURIComponent('0@001|7|1001@2,3,4@1@1592900933049,1592900933049,1600000000000');
  const d = await consent(eu, { cookie: `TC_PRIVACY=${old}` });
  assert.equal(d.signal, 'none');
  assert.equal(d.swap, false);
});

test('OneTrust accept-all and reject-all (real values)', async () => {
  const acceptAll = 'isGpcEnabled=0&datestamp=Tue+Oct+19+2021+11%3A31%3A41+GMT%2B0800&version=6.20.0&isIABGlobal=false&hosts=&consentId=0c737b02&interactionCount=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0003%3A1%2CC0002%3A1%2CC0004%3A1&geolocation=TW%3BTPE&AwaitingReconsent=false';
  const rejectAll = 'isGpcEnabled=0&datestamp=Wed+Jan+29+2025&version=202409.1.0&browserGpcFlag=0&isIABGlobal=false&hosts=&interactionCount=1&groups=C0003%3A0%2CC0004%3A0%2CC0002%3A0%2CC0001%3A1';
  const a = await consent(eu, { cookie: `OptanonConsent=${acceptAll}; OptanonAlertBoxClosed=2021-10-19T03:31:41.236Z` });
  assert.equal(a.signal, 'onetrust');
  assert.equal(a.swap, true);
  const r = await consent(eu, { cookie: `OptanonConsent=${rejectAll}` });
  assert.equal(r.signal, 'onetrust');
  assert.equal(r.swap, false);
});

test('Cookiebot object literal and legacy -1', async () => {
  const v = "{stamp:%27nzop4kdZl7Llhd0WVkBMpPBXiCYKOWMza3VyBR7q2HgeBWYy7kEFrA==%27%2Cnecessary:true%2Cpreferences:false%2Cstatistics:true%2Cmarketing:false%2Cver:1%2Cutc:1595512362926%2Cregion:%27de%27}";
  const d = await consent(eu, { cookie: `CookieConsent=${v}` });
  assert.equal(d.signal, 'cookiebot');
  assert.deepEqual(d.categories, { necessary: true, functional: false, analytics: true, marketing: false });
  const all = await consent(eu, { cookie: 'CookieConsent=-1' });
  assert.equal(all.swap, true);
});

test('IAB TCF: a fresh accept-all string grants, a fresh reject-all denies', async () => {
  const a = await consent(eu, { cookie: `euconsent-v2=${tcString({ purposes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] })}` });
  assert.equal(a.signal, 'tcf');
  assert.equal(a.swap, true);
  const r = await consent(eu, { cookie: `euconsent-v2=${tcString({ purposes: [] })}` });
  assert.equal(r.signal, 'tcf');
  assert.equal(r.swap, false);
  // Storage (purpose 1) alone does not grant marketing; with measure advertising performance
  // (purpose 7) it does.
  const p1 = await consent(eu, { cookie: `euconsent-v2=${tcString({ purposes: [1] })}` });
  assert.equal(p1.categories.marketing, false);
  const p17 = await consent(eu, { cookie: `euconsent-v2=${tcString({ purposes: [1, 7] })}` });
  assert.equal(p17.categories.marketing, true);
});

test('IAB TCF: a real string older than the 396-day max age counts as absent', async () => {
  // Didomi reject-all, 2024-10-15.
  const old = 'CQGiOUAQGiOUAAHABBENBLFgAAAAAAAAAAAAAAAAAAAA.YAAAAAAAAAAA';
  const d = await consent(eu, { cookie: `euconsent-v2=${old}` });
  assert.equal(d.signal, 'none');
  assert.equal(d.swap, false);
});

test('malformed and oversized cookies count as absent, never an error', async () => {
  const cases = [
    'TC_PRIVACY=%E0%A4%A',
    'TC_PRIVACY=garbage@@@',
    'OptanonConsent=groups=',
    'CookieConsent={{{{',
    'euconsent-v2=!!!!',
    `TC_PRIVACY=${'9'.repeat(60_000)}`,
    `x=${'a'.repeat(50_000)}; TC_PRIVACY=${'@'.repeat(40_000)}`,
  ];
  for (const cookie of cases) {
    const d = await consent(eu, { cookie });
    assert.equal(d.signal, 'none', cookie.slice(0, 40));
    assert.equal(d.swap, false);
  }
});

test('country comes from request.cf: an unknown country is opt-in', async () => {
  const r = await us.dispatch('/__dni/consent', { cf: { country: 'XX' } });
  const d = await r.json();
  assert.equal(d.regime, 'opt_in');
  const gb = await (await us.dispatch('/__dni/consent', { cf: { country: 'GB' } })).json();
  assert.equal(gb.regime, 'opt_in');
  const br = await (await us.dispatch('/__dni/consent', { cf: { country: 'BR' } })).json();
  assert.equal(br.regime, 'opt_out');
});

test('necessary as required category swaps for everyone (Option B)', async () => {
  const w = await startWorker({ config: siteConfig(origin.url, { consent: { required_category: 'necessary' } }), cf: { country: 'FR' } });
  try {
    const d = await (await w.fetch('/__dni/consent')).json();
    assert.equal(d.categories.marketing, false);
    assert.equal(d.swap, true);
  } finally {
    await w.dispose();
  }
});
