// US privacy signals over real HTTP: request.cf.regionCode picks the GPP state section and
// per-state regimes; GPP, US Privacy and conflicting CMP cookies turn marketing off; the
// decision reports the country, the state and every signal read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOrigin } from '../support/origin.mjs';
import { startWorker } from '../support/worker.mjs';
import { siteConfig } from '../support/config.mjs';

const PAGE = '<!doctype html><html><head><title>Call</title></head><body><p>Call (503) 555-0142</p></body></html>';

let origin, worker, stateful;
before(async () => {
  origin = await startOrigin({ '/': { headers: { 'content-type': 'text/html; charset=utf-8' }, body: PAGE } });
  worker = await startWorker({ config: siteConfig(origin.url), cf: { country: 'US', regionCode: 'CA' } });
  stateful = await startWorker({
    config: siteConfig(origin.url, { consent: { opt_in_regions: ['US-CA'] } }),
    cf: { country: 'US' },
  });
});
after(async () => { await worker?.dispose(); await stateful?.dispose(); await origin?.close(); });

async function consent(w, cf, cookie) {
  const headers = cookie ? { cookie } : {};
  const r = await w.dispatch('/__dni/consent', { cf, headers });
  assert.equal(r.status, 200);
  return r.json();
}

// Real values captured in public code: OneTrust's OTGPPConsent on cbssports.com (usnat,
// opted out of sale, sharing and targeted advertising) and on other OneTrust sites (usnat,
// no opt-out); the usca section of a OneTrust site (opted out of sale and sharing).
const USNAT_OPT_OUT = 'DBABLA~BVQVAAAAAgA.QA';
const USNAT_NO_OPT_OUT = 'DBABLA~BVQqAAAACgA.QA';
const USNAT_AND_USCA_OPT_OUT = 'DBABrw~BVQqAAAACgA.QA~BUUAAAGA.QA';

test('the decision reports the country and the state from request.cf', async () => {
  const d = await consent(worker, { country: 'US', regionCode: 'CA' });
  assert.equal(d.country, 'US');
  assert.equal(d.region, 'CA');
  assert.equal(d.regime, 'opt_out');
  assert.deepEqual(d.signals, []);
  assert.equal(d.swap, true);
});

test('a GPP opt-out turns marketing off, and the page keeps its number', async () => {
  const d = await consent(worker, { country: 'US', regionCode: 'NY' }, `OTGPPConsent=${USNAT_OPT_OUT}`);
  assert.equal(d.signal, 'gpp');
  assert.equal(d.categories.marketing, false);
  assert.equal(d.swap, false);
  assert.deepEqual(d.signals, [{ name: 'gpp', cookie: 'OTGPPConsent', status: 'verdict', section: 'usnat', decided: true }]);
  const page = await worker.dispatch('/', {
    cf: { country: 'US', regionCode: 'NY' },
    headers: { cookie: `OTGPPConsent=${USNAT_OPT_OUT}`, accept: 'text/html', 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' },
  });
  const body = await page.text();
  assert.ok(!/\(503\) 555-01[5-7]\d/.test(body), 'no tracking number');
  assert.equal(page.headers.get('set-cookie'), null, 'no session cookie');
});

test("the visitor's state section wins over usnat", async () => {
  const cookie = `__gpp=${USNAT_AND_USCA_OPT_OUT}`;
  const ca = await consent(worker, { country: 'US', regionCode: 'CA' }, cookie);
  assert.equal(ca.categories.marketing, false);
  assert.equal(ca.signals[0].section, 'usca');
  const tx = await consent(worker, { country: 'US', regionCode: 'TX' }, cookie);
  assert.equal(tx.categories.marketing, true);
  assert.equal(tx.signals[0].section, 'usnat');
});

test('usnat wins over US Privacy; US Privacy alone decides', async () => {
  const both = await consent(worker, { country: 'US', regionCode: 'NY' }, `__gpp=${USNAT_NO_OPT_OUT}; us_privacy=1YYN`);
  assert.equal(both.categories.marketing, true);
  const usp = both.signals.find((s) => s.name === 'usp');
  assert.equal(usp.status, 'ignored');
  assert.equal(usp.reason, 'superseded by a GPP US section');
  const alone = await consent(worker, { country: 'US', regionCode: 'NY' }, 'us_privacy=1yyn');
  assert.equal(alone.signal, 'usp');
  assert.equal(alone.swap, false);
  const na = await consent(worker, { country: 'US', regionCode: 'NY' }, 'us_privacy=1---');
  assert.equal(na.signal, 'none');
  assert.equal(na.swap, true);
});

test('a stale grant from one CMP does not override a refusal from another', async () => {
  const cookie = 'CookieConsent=0; OptanonConsent=groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A1';
  for (const cf of [{ country: 'US', regionCode: 'CA' }, { country: 'DE' }]) {
    const d = await consent(worker, cf, cookie);
    assert.equal(d.categories.marketing, false, cf.country);
    assert.equal(d.signal, 'cookiebot', cf.country);
  }
});

test('malformed signals are listed by name and reason, never by value', async () => {
  const d = await consent(worker, { country: 'US', regionCode: 'CA' }, '__gpp=DBABLA~BAA; us_privacy=2YNN');
  assert.deepEqual(d.signals.map((s) => [s.name, s.status, s.reason]), [
    ['gpp', 'malformed', 'a GPP US section does not decode'],
    ['usp', 'malformed', 'US Privacy string version is not 1'],
  ]);
  assert.ok(!JSON.stringify(d).includes('DBABLA'));
});

test('regimes per state: US-CA configured opt-in, the rest of the US opt-out', async () => {
  const ca = await consent(stateful, { country: 'US', regionCode: 'CA' });
  assert.equal(ca.regime, 'opt_in');
  assert.equal(ca.swap, false);
  const nv = await consent(stateful, { country: 'US', regionCode: 'NV' });
  assert.equal(nv.regime, 'opt_out');
  assert.equal(nv.swap, true);
});
