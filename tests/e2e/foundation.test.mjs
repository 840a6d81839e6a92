// Foundation: health, pass-through of non-HTML bytes, byte-identical HTML when nothing
// applies, 1-byte chunked origins, invalid config, failing origins, unsupported charsets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import net from 'node:net';
import { startOrigin } from '../support/origin.mjs';
import { startWorker } from '../support/worker.mjs';
import { siteConfig, tcAccept, tcDecline } from '../support/config.mjs';

const binary = crypto.randomBytes(300_000);
const plainPage = '<!doctype html><html><head><title>Hi</title></head><body><p>No phone numbers here, order #12345.</p>'
  + '<a href="/x">x</a>' + 'é'.repeat(10) + '</body></html>';
const pageWithNumber = '<!doctype html><html><body><p>Call (503) 555-0142 today</p><p>'
  + 'Lorem ipsum dolor sit amet. '.repeat(400) + '</p><a href="tel:+15035550142">call</a></body></html>';

const UTF16_PAGE = '<p>Café (503) 555-0142</p><script src="https://connect.facebook.net/en_US/fbevents.js"></script>';

let origin, worker;
before(async () => {
  origin = await startOrigin({
    '/image.bin': { headers: { 'content-type': 'application/octet-stream', etag: '"abc"' }, body: binary, chunkSize: 7777 },
    '/plain.html': { headers: { 'content-type': 'text/html; charset=utf-8', 'x-origin': 'yes' }, body: plainPage },
    '/number.html': { headers: { 'content-type': 'text/html' }, body: pageWithNumber },
    '/number-1byte.html': { headers: { 'content-type': 'text/html' }, body: pageWithNumber, chunkSize: 1 },
    '/cookies.html': {
      headers: { 'content-type': 'text/html' },
      setCookies: ['session=abc; Path=/; HttpOnly', 'cart=1; Path=/', 'csrf=zz; Path=/; Secure'],
      body: plainPage,
    },
    '/utf16.html': { headers: { 'content-type': 'text/html; charset=utf-16le' }, body: Buffer.from(UTF16_PAGE, 'utf16le'), chunkSize: 7 },
    '/iso-2022-kr.html': { headers: { 'content-type': 'text/html; charset=iso-2022-kr' }, body: Buffer.from('<p>(503) 555-0142</p>') },
    '/redirect': { status: 302, headers: { location: '/plain.html' }, body: '' },
    '/error': { status: 500, headers: { 'content-type': 'text/html' }, body: '<p>origin broke (503) 555-0142</p>' },
    '/api.json': { headers: { 'content-type': 'application/json' }, body: '{"phone":"(503) 555-0142"}' },
    '/contact-form': (req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(`<p>Thanks, ${body.length} bytes received. Questions? Call (503) 555-0142.</p>`);
      });
    },
  });
  worker = await startWorker({ config: siteConfig(origin.url) });
});
after(async () => { await worker?.dispose(); await origin?.close(); });

const accept = { headers: { cookie: `TC_PRIVACY=${tcAccept()}`, accept: 'text/html' } };
const declined = { headers: { accept: 'text/html' } };

test('/__dni/health answers without touching the origin', async () => {
  const before = origin.requests.length;
  const r = await worker.fetch('/__dni/health');
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { status: 'ok', service: 'consent-dni' });
  assert.equal(origin.requests.length, before);
});

test('unknown /__dni/ routes are 404 and never forwarded', async () => {
  const before = origin.requests.length;
  const r = await worker.fetch('/__dni/nope');
  assert.equal(r.status, 404);
  await r.arrayBuffer();
  assert.equal(origin.requests.length, before);
});

test('a binary response passes through byte for byte with its headers', async () => {
  const r = await worker.fetch('/image.bin', accept);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('etag'), '"abc"');
  const body = Buffer.from(await r.arrayBuffer());
  assert.equal(body.length, binary.length);
  assert.ok(body.equals(binary));
});

test('HTML with nothing to rewrite comes back byte-identical', async () => {
  for (const init of [accept, declined]) {
    const r = await worker.fetch('/plain.html', init);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-origin'), 'yes');
    assert.equal(await r.text(), plainPage);
  }
});

test('a declined visitor sees the fallback number, on a 1-byte-chunked origin too', async () => {
  for (const path of ['/number.html', '/number-1byte.html']) {
    const r = await worker.fetch(path, declined);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-length'), null);
    const text = await r.text();
    assert.equal(text, pageWithNumber.replace('(503) 555-0142', '(503) 555-0199').replace('tel:+15035550142', 'tel:+15035550199'), path);
  }
});

test('several origin Set-Cookie headers are preserved one by one', async () => {
  const r = await worker.fetch('/cookies.html', accept);
  // The origin's three, exactly as sent (a consenting visitor may also get our session cookie).
  const fromOrigin = r.headers.getSetCookie().filter((c) => !c.startsWith('ct1001=')).sort();
  assert.deepEqual(fromOrigin, ['cart=1; Path=/', 'csrf=zz; Path=/; Secure', 'session=abc; Path=/; HttpOnly']);
  await r.text();
});

test('redirects and JSON pass through untouched; an HTML error page is rewritten like any page', async () => {
  const red = await worker.fetch('/redirect', declined);
  assert.equal(red.status, 302);
  assert.equal(red.headers.get('location'), '/plain.html');
  // Error pages share the site's template: numbers swap and the firewall applies (issue 12).
  const err = await worker.fetch('/error', declined);
  assert.equal(err.status, 500);
  assert.equal(await err.text(), '<p>origin broke (503) 555-0199</p>');
  const api = await worker.fetch('/api.json', declined);
  assert.equal(await api.text(), '{"phone":"(503) 555-0142"}');
});

test('HEAD requests pass through', async () => {
  const r = await worker.fetch('/number.html', { method: 'HEAD', headers: declined.headers });
  assert.equal(r.status, 200);
  assert.equal((await r.arrayBuffer()).byteLength, 0);
});

test('a UTF-16 page is read as the browser reads it and goes out in UTF-8; the replacement encoding passes untouched', async () => {
  const r = await worker.fetch('/utf16.html', { headers: { ...declined.headers, cookie: `TC_PRIVACY=${tcDecline()}` } });
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  const body = Buffer.from(await r.arrayBuffer()).toString('utf8');
  assert.match(body, /<p>Café \(503\) 555-0199<\/p>/, 'decoded, the fallback number swapped in, no byte lost');
  assert.match(body, /<script src="https:\/\/connect\.facebook\.net\/en_US\/fbevents\.js" type="text\/plain" data-consent-category="marketing">/);
  const kr = await worker.fetch('/iso-2022-kr.html', declined);
  assert.equal(kr.headers.get('content-type'), 'text/html; charset=iso-2022-kr');
  assert.equal(await kr.text(), '<p>(503) 555-0142</p>', 'browsers show one U+FFFD for it: untouched');
});

test('an unreachable origin gives a 502 with a short message', async () => {
  // An origin that drops every connection. (A closed server's port was free to be taken by
  // the next server started, Miniflare's own included, which then answered 404.)
  const dead = net.createServer((socket) => socket.destroy());
  await new Promise((resolve) => dead.listen(0, '127.0.0.1', resolve));
  const w = await startWorker({ config: siteConfig(`http://127.0.0.1:${dead.address().port}`) });
  try {
    const r = await w.fetch('/anything', declined);
    assert.equal(r.status, 502);
    assert.match(await r.text(), /could not be reached/);
  } finally {
    await w.dispose();
    await new Promise((resolve) => dead.close(resolve));
  }
});

test('an invalid config leaves numbers untouched, answers health 503 and logs the key once', async () => {
  const bad = siteConfig(origin.url);
  bad.sites[0].targets[0].fallback = '555-0199';
  bad.sites[0].consent.requried_category = 'marketing';
  const w = await startWorker({ config: bad, vars: { DNI_PASSTHROUGH_UPSTREAM: 'assets' } });
  try {
    const r1 = await w.fetch('/', declined);
    const r2 = await w.fetch('/about', declined);
    assert.equal(r1.status, 200);
    const html = await r1.text();
    await r2.text();
    assert.match(html, /\(503\) 555-0142/, 'numbers are not rewritten');
    const health = await w.fetch('/__dni/health');
    assert.equal(health.status, 503);
    assert.match(await health.text(), /requried_category/);
    await new Promise((r) => setTimeout(r, 200));
    const errors = w.logs.filter((l) => l.includes('invalid DNI_CONFIG'));
    assert.equal(errors.length, 1, w.logs.join('\n'));
    assert.match(errors[0], /requried_category/);
  } finally {
    await w.dispose();
  }
});

test('an HTML page answering a POST (a form result) is rewritten too; its body reaches the origin', async () => {
  const r = await worker.fetch('/contact-form', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: 'name=Ann&msg=hello' });
  assert.equal(r.status, 200);
  assert.equal(await r.text(), '<p>Thanks, 18 bytes received. Questions? Call (503) 555-0199.</p>');
  assert.equal(r.headers.getSetCookie().filter((c) => c.startsWith('ct1001=')).length, 0, 'a POST never starts a session');
});
