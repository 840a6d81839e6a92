// The tag firewall end to end (issue 12): the built worker in workerd in front of a real origin
// serving the vendor fixture page (every catalogued vendor's documented snippet). A declined
// visitor's page, whatever the status (200, 404, 410, 451, 500, 503) or HTML type
// (text/html, application/xhtml+xml), leaves no live tracking; a page whose charset is declared
// only in <meta> keeps its encoding; the Consent Mode default gets past the page's CSP by nonce
// or hash, or is skipped and logged; the log line counts what was disarmed; a memory bail-out
// is logged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startOrigin } from '../support/origin.mjs';
import { startWorker, ROOT } from '../support/worker.mjs';
import { siteConfig, BROWSER } from '../support/config.mjs';
import { isTrackingUrl } from '../support/vendor-routes.mjs';

const PAGE = fs.readFileSync(path.join(ROOT, 'tests/fixtures/vendors/all-vendors.html'), 'utf8');
const html = { 'content-type': 'text/html; charset=utf-8' };
const nav = (extra = {}) => ({ headers: { ...BROWSER, 'accept-encoding': 'identity', ...extra } });
let origin, worker;

before(async () => {
  const routes = {
    '/': { headers: html, body: PAGE, chunkSize: 997 },
    '/xhtml': { headers: { 'content-type': 'application/xhtml+xml; charset=utf-8' }, body: PAGE },
    '/meta-charset': {
      headers: { 'content-type': 'text/html' },
      body: Buffer.concat([Buffer.from('<html><head><meta charset="windows-1252"><title>Caf'), Buffer.from([0xe9]),
        Buffer.from('</title></head><body>Caf'), Buffer.from([0xe9]), Buffer.from(' (503) 555-0142 \u00a0'.replace('\u00a0', '')),
        Buffer.from([0xa0]), Buffer.from('</body></html>')]),
    },
    '/csp-nonce': { headers: { ...html, 'content-security-policy': "script-src 'nonce-Zm9vYmFy' 'strict-dynamic'; object-src 'none'" }, body: PAGE },
    '/csp-hosts': { headers: { ...html, 'content-security-policy': "default-src 'self'; script-src 'self' https://www.googletagmanager.com" }, body: PAGE },
    '/csp-broken': { headers: { ...html, 'content-security-policy': "script-src 'self'; scr!pt-src 'none'" }, body: PAGE },
    '/huge-attribute': { headers: html, body: `<html><head>${PAGE.slice(PAGE.indexOf('<head>') + 6, PAGE.indexOf('</head>'))}</head><body><div data-x="${'a'.repeat(5 * 1024 * 1024)}"></div><script src="https://connect.facebook.net/en_US/fbevents.js"></script></body></html>` },
    '/huge-script': { headers: html, body: `<html><head></head><body><script>var blob = "${'x'.repeat(3 * 1024 * 1024)}";</script><p>(503) 555-0142</p></body></html>`, chunkSize: 65536 },
  };
  for (const status of [404, 410, 451, 500, 503]) routes[`/status-${status}`] = { status, headers: html, body: PAGE };
  origin = await startOrigin(routes);
  worker = await startWorker({ config: siteConfig(origin.url), cf: { country: 'DE' } });
});
after(async () => {
  await worker?.dispose();
  await origin?.close();
});

/** URLs of scripts, pixels, frames and preloads left live in `body` that are tracking requests. */
function liveTrackingUrls(body) {
  const live = [];
  for (const m of body.matchAll(/<(script|img|iframe|link|source)\b([^>]*)>/gis)) {
    const attrs = m[2];
    if (/type="text\/plain"/.test(attrs)) continue;
    for (const a of attrs.matchAll(/(?:^|\s)(src|href|srcset)\s*=\s*["']?([^"'\s>]+)/gi)) {
      let url = a[2].replace(/&amp;/g, '&');
      if (url.startsWith('//')) url = `https:${url}`;
      if (/^https?:/i.test(url) && isTrackingUrl(url)) live.push(`<${m[1]}> ${url}`);
    }
  }
  return live;
}

async function get(p, extra) {
  const r = await worker.fetch(p, nav(extra));
  return { r, body: await r.text() };
}

test('a declined visitor gets no live tracking on the page, whatever its status or HTML type', async () => {
  assert.ok(liveTrackingUrls(PAGE).length >= 10, 'the origin page carries live tags');
  const { r, body } = await get('/');
  assert.equal(r.status, 200);
  assert.deepEqual(liveTrackingUrls(body), []);
  const neutralised = (body.match(/type="text\/plain" data-consent-category=/g) ?? []).length
    + (body.match(/data-dni-original-type=/g) ?? []).length;
  assert.ok(neutralised >= 20, `${neutralised} scripts neutralised`);
  assert.ok(body.includes('<head><script data-dni-consent-mode>'), 'Consent Mode default first in <head>');
  for (const p of ['/xhtml', '/status-404', '/status-410', '/status-451', '/status-500', '/status-503']) {
    const other = await get(p);
    assert.equal(other.r.status, p.startsWith('/status-') ? Number(p.slice(8)) : 200, p);
    assert.equal(other.body, body, `${p} is rewritten like the 200 page`);
    assert.equal(other.r.headers.get('etag'), null);
  }
});

test('the log line counts inline scripts, pixels, frames and the Consent Mode default', async () => {
  worker.logs.length = 0;
  await get('/');
  await new Promise((r) => setTimeout(r, 200));
  const line = worker.logs.map((l) => { try { return JSON.parse(l); } catch { return null; } }).find((l) => l?.path === '/');
  assert.ok(line, worker.logs.join('\n'));
  assert.ok(line.inline_scripts_neutralised >= 15, JSON.stringify(line));
  assert.ok(line.scripts_neutralised >= 4, JSON.stringify(line));
  assert.ok(line.pixels_disarmed >= 4, JSON.stringify(line));
  assert.equal(line.frames_disarmed, 1);
  assert.equal(line.consent_mode, 'inserted');
  assert.equal(line.rewriter_bailed_out, false);
});

test('a page whose charset is only in <meta> is rewritten in its own encoding', async () => {
  const r = await worker.fetch('/meta-charset', nav());
  const bytes = Buffer.from(await r.arrayBuffer());
  const latin1 = bytes.toString('latin1');
  assert.ok(latin1.includes('<title>Caf\u00e9</title>'), latin1);
  assert.ok(latin1.includes('Caf\u00e9 (503) 555-0199 \u00a0'), 'swapped, and é and nbsp still one byte each');
});

test('the Consent Mode default carries the CSP nonce, or its hash is added to the policy, or it is skipped and logged', async () => {
  const nonce = await get('/csp-nonce');
  assert.match(nonce.body, /<script data-dni-consent-mode nonce="Zm9vYmFy">/);
  assert.equal(nonce.r.headers.get('content-security-policy'), "script-src 'nonce-Zm9vYmFy' 'strict-dynamic'; object-src 'none'");

  const hosts = await get('/csp-hosts');
  const script = hosts.body.match(/<script data-dni-consent-mode>([^<]*)<\/script>/)[1];
  const hash = crypto.createHash('sha256').update(script).digest('base64');
  // The page has the site's number, so the hydration guard's hash is added too (whether or not
  // the page turns out to be a framework page: the headers leave before the body is read).
  const policy = hosts.r.headers.get('content-security-policy');
  assert.ok(policy.startsWith(`default-src 'self'; script-src 'self' https://www.googletagmanager.com 'sha256-${hash}'`), policy);
  assert.match(policy, /^[^;]+; script-src 'self' https:\/\/www\.googletagmanager\.com 'sha256-[^']+'( 'sha256-[^']+')?$/);

  worker.logs.length = 0;
  const broken = await get('/csp-broken');
  assert.ok(!broken.body.includes('data-dni-consent-mode'), 'not inserted');
  assert.deepEqual(liveTrackingUrls(broken.body), [], 'the firewall still applies');
  await new Promise((r) => setTimeout(r, 200));
  const line = worker.logs.map((l) => { try { return JSON.parse(l); } catch { return null; } }).find((l) => l?.path === '/csp-broken');
  assert.equal(line?.consent_mode, 'skipped', worker.logs.join('\n'));
  assert.match(line.note, /consent mode skipped/);
});

test("the rewriter's memory bail-out is logged: the operator sees where the firewall gave up", async () => {
  worker.logs.length = 0;
  const { r, body } = await get('/huge-attribute');
  assert.equal(r.status, 200);
  assert.ok(body.length > 5 * 1024 * 1024);
  await new Promise((res) => setTimeout(res, 300));
  const line = worker.logs.map((l) => { try { return JSON.parse(l); } catch { return null; } }).find((l) => l?.path === '/huge-attribute');
  assert.equal(line?.rewriter_bailed_out, true, worker.logs.join('\n'));
  assert.match(line.note, /memory limit/);
});

test('an inline script of several MB is bounded: neutralised for a declined visitor, the rest of the page intact', async () => {
  const { body } = await get('/huge-script');
  assert.match(body, /^<html><head><\/head><body><script type="text\/plain" data-consent-category="marketing">var blob = "x{100}/);
  assert.ok(body.endsWith('";</script><p>(503) 555-0199</p></body></html>'));
  const original = `<html><head></head><body><script>var blob = "${'x'.repeat(3 * 1024 * 1024)}";</script><p>(503) 555-0142</p></body></html>`;
  const added = '<script type="text/plain" data-consent-category="marketing">'.length - '<script>'.length;
  assert.equal(body.length, original.length + added);
});
