// Sessions, pools and call attribution through the real NumberPool Durable Object
// (SQLite) in workerd.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOrigin } from '../support/origin.mjs';
import { startWorker, TEST_API_TOKEN } from '../support/worker.mjs';
import { siteConfig, mainTarget, tcAccept, ADS_POOL, DEFAULT_POOL, MAIN, MAIN_FALLBACK, BROWSER } from '../support/config.mjs';

const page = '<!doctype html><html><head><title>Call (503) 555-0142</title></head><body>'
  + '<a href="tel:+15035550142">(503) 555-0142</a><p>or 503.555.0142</p></body></html>';
const consentCookie = `TC_PRIVACY=${tcAccept()}`;
const nav = (cookie, extra = {}) => ({ headers: { ...BROWSER, cookie, ...extra } });
// The AMP runtime's credentialed CORS fetch, from Chrome.
const AMP_FETCH = { 'user-agent': BROWSER['user-agent'], 'accept-language': 'en-US', accept: 'application/json', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' };

function numberIn(html) {
  const m = html.match(/href="tel:(\+\d+)"/);
  return m?.[1];
}
function sessionCookie(resp) {
  return resp.headers.getSetCookie().find((c) => c.startsWith('ct1001='));
}
function cookiePair(setCookie) {
  return setCookie.split(';')[0];
}

let origin, worker;
before(async () => {
  origin = await startOrigin({ '/': { headers: { 'content-type': 'text/html' }, body: page }, '/next': { headers: { 'content-type': 'text/html' }, body: page } });
  worker = await startWorker({ config: siteConfig(origin.url), cf: { country: 'DE' } });
});
after(async () => { await worker?.dispose(); await origin?.close(); });

test('a Google Ads landing gets a number from the ads pool and a signed session cookie', async () => {
  const r = await worker.fetch('/?gclid=abc123&utm_source=google&utm_medium=cpc&utm_campaign=spring', nav(consentCookie, { referer: 'https://www.google.com/' }));
  const html = await r.text();
  const number = numberIn(html);
  assert.ok(ADS_POOL.includes(number), `${number} from ads pool`);
  const sc = sessionCookie(r);
  assert.ok(sc, 'session cookie set');
  assert.match(sc, /HttpOnly/);
  assert.match(sc, /Secure/);
  assert.match(sc, /SameSite=Lax/);
  assert.match(sc, /Path=\//);
  assert.doesNotMatch(sc, /Max-Age|Expires/, 'a browser-session cookie on standard pages');
  assert.match(r.headers.get('cache-control') ?? '', /private/);
  assert.match(r.headers.get('vary') ?? '', /Cookie/i);
  // Every printed form of the main number shows the same tracking number.
  const digits = number.slice(2);
  assert.ok(html.includes(`(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`));
  assert.ok(html.includes(`${digits.slice(0, 3)}.${digits.slice(3, 6)}.${digits.slice(6)}`));
});

/** A worker of its own, so pool state from other tests cannot interfere. */
async function withFreshWorker(fn, config = siteConfig(origin.url)) {
  const w = await startWorker({ config, cf: { country: 'DE' } });
  try {
    return await fn(w);
  } finally {
    await w.dispose();
  }
}

test('the next page view of the session keeps its number; a second session gets another', () => withFreshWorker(async (worker) => {
  const first = await worker.fetch('/?gclid=first', nav(consentCookie));
  const n1 = numberIn(await first.text());
  const cookie1 = cookiePair(sessionCookie(first));
  // Second view: cookie comes back (the provisional lease is confirmed), same number.
  const second = await worker.fetch('/next', nav(`${consentCookie}; ${cookie1}`));
  assert.equal(numberIn(await second.text()), n1);
  const cookie1b = sessionCookie(second) ? cookiePair(sessionCookie(second)) : cookie1;
  // Third view: no Durable Object call needed; still the same number, no new cookie.
  const third = await worker.fetch('/next', nav(`${consentCookie}; ${cookie1b}`));
  assert.equal(numberIn(await third.text()), n1);
  assert.equal(sessionCookie(third), undefined, 'nothing to update on an ordinary view');
  const other = await worker.fetch('/?gclid=second', nav(consentCookie));
  const n2 = numberIn(await other.text());
  assert.ok(ADS_POOL.includes(n2));
  assert.notEqual(n2, n1);
}));

test('a lease close to idling out is renewed: same number, a later expiry in a fresh cookie', () => withFreshWorker(async (w) => {
  // idle 60 s, renew when less than 59 s are left: the view after a short pause renews.
  const first = await w.fetch('/', nav(consentCookie));
  const n = numberIn(await first.text());
  const confirmed = await w.fetch('/next', nav(`${consentCookie}; ${cookiePair(sessionCookie(first))}`));
  assert.equal(numberIn(await confirmed.text()), n);
  const cookie = cookiePair(sessionCookie(confirmed));
  const untilOf = (pair) => Buffer.from(pair.split('=')[1], 'base64url').readBigInt64BE(1 + 16 + 8 + 1 + 1);
  await new Promise((r) => setTimeout(r, 1500));
  const renewed = await w.fetch('/next', nav(`${consentCookie}; ${cookie}`));
  assert.equal(numberIn(await renewed.text()), n, 'the same number');
  const fresh = sessionCookie(renewed);
  assert.ok(fresh, 'the renewed lease is written back to the cookie');
  assert.ok(untilOf(cookiePair(fresh)) > untilOf(cookie), 'with a later expiry');
  // The pool renewed it too: a call now is attributed to this session.
  const r = await call({ called: n }, { via: w });
  assert.ok((await r.json()).attribution);
}, siteConfig(origin.url, { session: { idle_timeout_minutes: 1, renew_before_seconds: 59, provisional_hold_seconds: 30 } })));

test('a tampered session cookie is ignored and replaced', async () => {
  const first = await worker.fetch('/', nav(consentCookie));
  await first.text();
  const pair = cookiePair(sessionCookie(first));
  const [name, value] = pair.split('=');
  const flipped = value.slice(0, -2) + (value.at(-2) === 'A' ? 'B' : 'A') + value.at(-1);
  const r = await worker.fetch('/next', nav(`${consentCookie}; ${name}=${flipped}`));
  await r.text();
  const fresh = sessionCookie(r);
  assert.ok(fresh, 'a new session cookie replaces the forged one');
  assert.notEqual(cookiePair(fresh), `${name}=${flipped}`);
});

test('without consent: fallback numbers, no session cookie, no lease', async () => {
  const r = await worker.fetch('/?gclid=x', nav(''));
  const html = await r.text();
  assert.equal(numberIn(html), MAIN_FALLBACK);
  assert.equal(sessionCookie(r), undefined);
});

test('an exhausted pool gives the fallback number (overflow)', async () => {
  const w = await startWorker({ config: siteConfig(origin.url, { targets: [mainTarget({ ads: ['+15035550150'], pool: ['+15035550170'] })] }), cf: { country: 'DE' } });
  try {
    const a = await w.fetch('/', nav(consentCookie));
    assert.equal(numberIn(await a.text()), '+15035550170');
    // The first session confirms its lease by coming back.
    const back = await w.fetch('/next', nav(`${consentCookie}; ${cookiePair(sessionCookie(a))}`));
    assert.equal(numberIn(await back.text()), '+15035550170');
    const b = await w.fetch('/', nav(consentCookie));
    assert.equal(numberIn(await b.text()), MAIN_FALLBACK);
  } finally {
    await w.dispose();
  }
});

test('a flood of cookie-less page views does not drain the pool for real visitors', async () => {
  const w = await startWorker({
    config: siteConfig(origin.url, { targets: [mainTarget({ pool: ['+15035550170', '+15035550171'] })], session: { provisional_hold_seconds: 1 } }),
    cf: { country: 'DE' },
  });
  try {
    // A real visitor lands and comes back (full lease).
    const real = await w.fetch('/', nav(consentCookie));
    const realNumber = numberIn(await real.text());
    const realCookie = cookiePair(sessionCookie(real));
    const again = await w.fetch('/next', nav(`${consentCookie}; ${realCookie}`));
    assert.equal(numberIn(await again.text()), realNumber);
    // 60 bots that never send the cookie back.
    for (let i = 0; i < 60; i++) await (await w.fetch('/', nav(consentCookie))).text();
    // The real visitor keeps their number...
    const later = await w.fetch('/next', nav(`${consentCookie}; ${realCookie}`));
    assert.equal(numberIn(await later.text()), realNumber);
    // ...and a new real visitor, whose cookie comes back, gets a tracking number once the last
    // bot's provisional lease has outlived its hold (1 s here; holds are protected from
    // everyone, returning sessions included).
    const newcomer = await w.fetch('/', nav(consentCookie));
    await newcomer.text();
    const cookie = sessionCookie(newcomer);
    assert.ok(cookie, 'a consenting newcomer gets a session cookie even when the pool is busy');
    await new Promise((r) => setTimeout(r, 1100));
    const confirmed = await w.fetch('/next', nav(`${consentCookie}; ${cookiePair(cookie)}`));
    const n = numberIn(await confirmed.text());
    assert.ok(['+15035550170', '+15035550171'].includes(n), `newcomer's second view got ${n}`);
    assert.notEqual(n, realNumber);
  } finally {
    await w.dispose();
  }
});

test('many concurrent first visits: no number is ever held by two sessions', () => withFreshWorker(async (w) => {
  const pool = ['+15035550170', '+15035550171', '+15035550172', '+15035550173', '+15035550174', '+15035550175'];
  const visits = await Promise.all(Array.from({ length: 24 }, async () => {
    const r = await w.fetch('/', nav(consentCookie));
    return numberIn(await r.text());
  }));
  const tracking = visits.filter((n) => pool.includes(n));
  assert.equal(tracking.length, pool.length, `every number leased once: ${visits}`);
  assert.equal(new Set(tracking).size, tracking.length, `no duplicates: ${tracking}`);
  assert.ok(visits.every((n) => pool.includes(n) || n === MAIN_FALLBACK), `${visits}`);
}, siteConfig(origin.url, { targets: [mainTarget({ pool: ['+15035550170', '+15035550171', '+15035550172', '+15035550173', '+15035550174', '+15035550175'] })] })));

test('sub-resource requests never create sessions or leases', async () => {
  const r = await worker.fetch('/', { headers: { cookie: consentCookie, accept: 'image/avif,image/webp', 'sec-fetch-dest': 'image' } });
  await r.text();
  assert.equal(sessionCookie(r), undefined);
});

async function call(body, { contentType = 'application/json', token = TEST_API_TOKEN, via = worker } = {}) {
  return via.fetch('/__dni/calls', {
    method: 'POST',
    headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

test('a call to a tracking number returns the landing attribution and the target', () => withFreshWorker(async (worker) => {
  const landing = await worker.fetch('/?gclid=CALLTEST&utm_source=google&utm_medium=cpc&utm_campaign=calls', nav(consentCookie, { referer: 'https://www.google.com/search?q=plumber' }));
  const number = numberIn(await landing.text());
  const r = await call({ called: number, at: new Date().toISOString() }, { via: worker });
  assert.equal(r.status, 200);
  const j = await r.json();
  assert.equal(j.target, MAIN);
  assert.equal(j.tracking_number, number);
  assert.ok(j.attribution, JSON.stringify(j));
  assert.equal(j.attribution.source, 'google_ads');
  assert.equal(j.attribution.utm_campaign, 'calls');
  assert.match(JSON.stringify(j.attribution.click_ids), /CALLTEST/);
  assert.match(j.attribution.landing_url, /gclid=CALLTEST/);
  assert.match(j.attribution.referrer, /google\.com/);
}));

test('Twilio-style form posts get TwiML dialling the target', async () => {
  const r = await call(`To=${encodeURIComponent(ADS_POOL[0])}&From=%2B442071234567&CallSid=CA123`, { contentType: 'application/x-www-form-urlencoded' });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /xml/);
  const xml = await r.text();
  assert.match(xml, /<Dial[^>]*>\+15035550142<\/Dial>|<Number>\+15035550142<\/Number>/);
});

test('unknown time or number: the target and null attribution; unknown number: 404', async () => {
  const r = await call({ called: DEFAULT_POOL[2], at: '2001-01-01T00:00:00Z' });
  const j = await r.json();
  assert.equal(j.target, MAIN);
  assert.equal(j.attribution, null);
  const u = await call({ called: '+19995550000' });
  assert.equal(u.status, 404);
  await u.text();
});

test('calls API: a missing or wrong token is 401; neither reveals anything; bad bodies are 400', async () => {
  for (const [token, status] of [[null, 401], ['wrong', 401], [TEST_API_TOKEN + 'x', 401]]) {
    const r = await call({ called: ADS_POOL[0] }, { token });
    assert.equal(r.status, status);
    assert.doesNotMatch(await r.text(), /\+1503/);
  }
  for (const body of ['{', '{"called":"555"}', '{}']) {
    const r = await call(body);
    assert.equal(r.status, 400, body);
    assert.match(await r.text(), /bad request/);
  }
  // Oversized bodies are refused without being read past the limit.
  const big = await call(JSON.stringify({ called: ADS_POOL[0], pad: 'x'.repeat(20_000) }));
  assert.equal(big.status, 413);
  await big.text();
  // The connection survives refused requests: the next call works.
  const ok = await call({ called: ADS_POOL[0] });
  assert.equal(ok.status, 200);
  await ok.json();
});

test('AMP: /__dni/number gives the tracking number, AMP CORS, a 30-day cookie', async () => {
  const r = await worker.fetch(`/__dni/number?target=${encodeURIComponent(MAIN)}&__amp_source_origin=${encodeURIComponent(worker.url)}`, {
    headers: { ...AMP_FETCH, cookie: consentCookie, origin: worker.url },
  });
  assert.equal(r.status, 200);
  const j = await r.json();
  assert.ok(DEFAULT_POOL.includes(j.phoneNumber), j.phoneNumber);
  const d = j.phoneNumber.slice(2);
  assert.equal(j.formattedPhoneNumber, `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`);
  assert.equal(r.headers.get('amp-access-control-allow-source-origin'), worker.url);
  assert.equal(r.headers.get('access-control-allow-origin'), worker.url);
  assert.match(sessionCookie(r), /Max-Age=2592000/);
  const denied = await worker.fetch(`/__dni/number?target=${encodeURIComponent(MAIN)}`);
  assert.equal((await denied.json()).phoneNumber, MAIN_FALLBACK);
  const evil = await worker.fetch(`/__dni/number?target=${encodeURIComponent(MAIN)}`, { headers: { origin: 'https://evil.test' } });
  assert.equal(evil.status, 403);
  await evil.text();
});
