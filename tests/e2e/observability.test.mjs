// One structured log line per request, with no cookie value, session id, query string or
// IP; daily counters readable at /__dni/stats behind the API token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOrigin } from '../support/origin.mjs';
import { startWorker, TEST_API_TOKEN } from '../support/worker.mjs';
import { siteConfig, tcAccept, tcDecline, BROWSER } from '../support/config.mjs';

const page = '<html><body><a href="tel:+15035550142">(503) 555-0142</a>'
  + '<script src="https://connect.facebook.net/en_US/fbevents.js"></script></body></html>';
let origin, worker;
before(async () => {
  origin = await startOrigin({
    '/': { headers: { 'content-type': 'text/html' }, setCookies: ['_fbp=fb.1.2.3; Path=/', 'session=keep; Path=/'], body: page },
  });
  worker = await startWorker({ config: siteConfig(origin.url), cf: { country: 'DE' }, vars: { DNI_STATS_FLUSH_SECONDS: '0' } });
});
after(async () => { await worker?.dispose(); await origin?.close(); });

const nav = (cookie) => ({ headers: { ...BROWSER, cookie, 'cf-connecting-ip': '203.0.113.77' } });
const logLines = () => worker.logs.filter((l) => l.includes('"consent_signal"')).map((l) => JSON.parse(l.slice(l.indexOf('{'))));
const settle = () => new Promise((r) => setTimeout(r, 300));

test('a declined page view logs its decision, outcome and what was suppressed', async () => {
  const secretCookie = '_fbp=fb.1.SECRETVALUE.9; _ga=GA1.1.SECRETGA.1';
  const r = await worker.fetch('/?gclid=SECRETCLICK&email=a%40b.c', nav(`TC_PRIVACY=${tcDecline()}; ${secretCookie}`));
  await r.text();
  await settle();
  const line = logLines().at(-1);
  assert.equal(line.site, 'test');
  assert.equal(line.path, '/');
  assert.equal(line.consent_signal, 'tc_privacy');
  assert.equal(line.regime, 'opt_in');
  assert.equal(line.marketing, false);
  assert.equal(line.swap, 'fallback');
  assert.equal(line.status, 200);
  assert.equal(line.rewritten, true);
  assert.equal(line.numbers_swapped, 2);
  assert.equal(line.scripts_neutralised, 1);
  assert.equal(line.set_cookies_removed, 1);
  assert.equal(line.cookies_withheld, 2);
  assert.ok(line.cookies_expired >= 2);
  assert.equal(typeof line.ms_total, 'number');
  const raw = worker.logs.join('\n');
  for (const secret of ['SECRETVALUE', 'SECRETGA', 'SECRETCLICK', 'a%40b.c', '203.0.113.77', 'TC_PRIVACY=']) {
    assert.ok(!raw.includes(secret), `logs must not contain ${secret}`);
  }
});

test('an accepted page view logs tracking, never the session id', async () => {
  const r = await worker.fetch('/', nav(`TC_PRIVACY=${tcAccept()}`));
  await r.text();
  const session = r.headers.getSetCookie().find((c) => c.startsWith('ct1001=')).split(';')[0].split('=')[1];
  await settle();
  assert.equal(logLines().at(-1).swap, 'tracking');
  assert.ok(!worker.logs.join('\n').includes(session), 'the session cookie value is never logged');
});

test('/__dni/stats: counters per day and pool use, behind the token', async () => {
  for (let i = 0; i < 3; i++) await (await worker.fetch('/', nav(`TC_PRIVACY=${tcDecline()}`))).text();
  await (await worker.fetch('/', nav(`TC_PRIVACY=${tcAccept()}`))).text();
  await settle();
  const denied = await worker.fetch('/__dni/stats');
  assert.equal(denied.status, 401);
  await denied.text();
  const r = await worker.fetch('/__dni/stats', { headers: { authorization: `Bearer ${TEST_API_TOKEN}` } });
  assert.equal(r.status, 200);
  const stats = await r.json();
  assert.equal(stats.site, 'test');
  const today = new Date().toISOString().slice(0, 10);
  const day = stats.days.find((d) => d.day === today);
  assert.ok(day, JSON.stringify(stats));
  assert.ok(day.counters.views >= 6, JSON.stringify(day));
  assert.ok(day.counters['consent.denied'] >= 4);
  assert.ok(day.counters['consent.granted'] >= 2);
  assert.ok(day.counters['swap.tracking'] >= 2);
  assert.ok(day.counters['signal.tc_privacy'] >= 6);
  const pool = stats.pools.find((p) => p.source === 'default');
  assert.equal(pool.numbers, 3);
  assert.ok(pool.leased >= 1, JSON.stringify(pool));
});
