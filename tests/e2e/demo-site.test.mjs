// The bundled demo site with the shipped wrangler.toml configuration: what a newcomer sees
// at `wrangler dev`, over real HTTP. Accepted consent: tracking numbers in every printed
// form; declined: fallback numbers; places that must keep the real number keep it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from '../support/worker.mjs';
import { wranglerVars, tcAccept, tcDecline, BROWSER } from '../support/config.mjs';

const MAIN_POOL = ['+15035550150', '+15035550151', '+15035550152', '+15035550160', '+15035550161', '+15035550170', '+15035550171', '+15035550172', '+15035550173', '+15035550174', '+15035550175', '+15035550176', '+15035550177'];

let worker;
before(async () => {
  worker = await startWorker({ vars: await wranglerVars(), cf: { country: 'US' } });
});
after(async () => { await worker?.dispose(); });

const get = async (path, cookie) => {
  const r = await worker.fetch(path, { headers: { ...BROWSER, cookie } });
  assert.equal(r.status, 200, path);
  return { r, html: await r.text() };
};

function nanp(e164) {
  const d = e164.slice(2);
  return { d, paren: `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`, dash: `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`, dot: `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}` };
}

test('declined: every printed form shows the fallback, the kept places keep the real number', async () => {
  const { r, html } = await get('/contact', `TC_PRIVACY=${tcDecline()}`);
  assert.doesNotMatch(html, /<title>[^<]*555-0142/, 'title rewritten');
  assert.match(html, /<title>[^<]*\(503\) 555-0199/);
  assert.match(html, /href="tel:\+1-503-555-0199;ext=12"/);
  assert.match(html, /\+1\.503\.555\.0199/);
  assert.match(html, /\+44 \(0\)20 7946 0999/);
  assert.match(html, /020 7946 0999/);
  // Kept: JSON-LD, inline script, textarea, comment, data-dni-skip.
  assert.match(html, /"telephone": "\+1-503-555-0142"/);
  assert.match(html, /var officePhone = "503-555-0142";/);
  assert.match(html, /<textarea[^>]*>[^<]*\(503\) 555-0142/);
  assert.match(html, /<!--[^>]*555-0142[^>]*-->/);
  assert.match(html, /Billing department \(direct\): \(503\) 555-0142/);
  // No session, the vendor tag is neutralised, the page may be cached privately only by Vary.
  assert.equal(r.headers.getSetCookie().filter((c) => c.startsWith('ct1001=')).length, 0);
  assert.match(html, /<script[^>]*type="text\/plain"[^>]*data-consent-category="marketing"[^>]*>|<script[^>]*data-consent-category="marketing"[^>]*type="text\/plain"/);
});

test('declined: every form on services and index is swapped, nothing else changes', async () => {
  const { html } = await get('/services', `TC_PRIVACY=${tcDecline()}`);
  for (const form of ['503-555-0199', '503 555 0199', '(503)\u00a0555-0199', '1-503-555-0199', '+1-503-555-0199', '503\u2009555\u20090199']) {
    assert.ok(html.includes(form), `services: ${JSON.stringify(form)}`);
  }
  assert.doesNotMatch(html.replace(/<script[\s\S]*?<\/script>/g, ''), /555[\s.\-\u00a0\u2009]?0142/);
  const index = (await get('/', `TC_PRIVACY=${tcDecline()}`)).html;
  assert.ok(index.includes('(503)&nbsp;555-0199'));
  assert.ok(index.includes('503.555.0199'));
  assert.ok(index.includes('+1 503 555 0199'));
});

test('about: invoice numbers, prices and dates are never mistaken for phone numbers', async () => {
  const { html } = await get('/about', `TC_PRIVACY=${tcDecline()}`);
  assert.ok(html.includes('Invoice #50355501420'));
  assert.ok(html.includes('$1,503.55'));
  assert.ok(html.includes('2026-05-03'));
});

test('accepted: a tracking number from the pool in every form, with a session cookie', async () => {
  const { r, html } = await get('/services', `TC_PRIVACY=${tcAccept()}`);
  const tels = [...html.matchAll(/href="tel:(\+1503555\d{4})"/g)].map((m) => m[1]);
  const tracking = tels.find((t) => MAIN_POOL.includes(t));
  assert.ok(tracking, `a tel: link with a main-line tracking number in ${tels}`);
  assert.ok(MAIN_POOL.includes(tracking), tracking);
  const n = nanp(tracking);
  assert.ok(html.includes(n.dash));
  assert.ok(html.includes(`1-${n.dash}`));
  assert.ok(r.headers.getSetCookie().some((c) => c.startsWith('ct1001=')));
  assert.match(r.headers.get('cache-control') ?? '', /private/);
  // The vendor script stays executable.
  assert.match(html, /<script src="\/vendor\/ctm-tracker\.js" async><\/script>/);
});

test('crawlers get the original numbers', async () => {
  const r = await worker.fetch('/services', { headers: { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', accept: 'text/html' } });
  const html = await r.text();
  assert.ok(html.includes('503-555-0142'));
  assert.ok(!html.includes('555-0199'));
});

test('static files of the demo pass through untouched', async () => {
  const r = await worker.fetch('/styles.css');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /css/);
  await r.text();
});
