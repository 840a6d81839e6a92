// Streaming: the rewritten head of a page reaches the client while the origin is still
// sending (time to first byte as an ORDERING check, no timing asserts), and large non-HTML
// bodies stream through byte for byte.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startOrigin } from '../support/origin.mjs';
import { startWorker } from '../support/worker.mjs';
import { siteConfig, tcDecline } from '../support/config.mjs';

const filler = (n, tag = 'p') => Array.from({ length: n }, (_, i) =>
  `<${tag}>Paragraph ${i}: licensed plumbers for drains, water heaters and leaks across the city, open every day.</${tag}>\n`).join('');

// About 10 KB of head (the number in <title> and in the call bar), then the rest of the page.
const HEAD = '<!doctype html><html><head><meta charset="utf-8"><title>Harbor &amp; Pine | Call (503) 555-0142</title></head>\n'
  + '<body><header><a class="call" href="tel:+15035550142">Call (503) 555-0142</a></header>\n'
  + filler(90) + '<div id="held-here"></div>\n';
const REST = filler(600) + '<footer>Office <a href="tel:+15035550142">(503) 555-0142</a></footer></body></html>\n';
const PAGE = HEAD + REST;
const swapped = (s) => s.replaceAll('(503) 555-0142', '(503) 555-0199').replaceAll('tel:+15035550142', 'tel:+15035550199');

const BINARY = crypto.randomBytes(6 * 1024 * 1024 + 12345);
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

let releaseOrigin;
const released = new Promise((r) => { releaseOrigin = r; });
let releaseTrickle;
const trickleReleased = new Promise((r) => { releaseTrickle = r; });
let origin, worker;

before(async () => {
  origin = await startOrigin({
    '/held.html': {
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: PAGE,
      chunkSize: 16 * 1024,
      holdAfter: { bytes: Buffer.byteLength(HEAD), release: released },
    },
    // The head in 300-byte pieces a millisecond apart (never 2 ms of silence), then a hold:
    // the pump gathers input for the rewriter, and what it gathered must not wait for more.
    '/trickle.html': async (req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      const head = Buffer.from(HEAD);
      for (let at = 0; at < head.length; at += 300) {
        res.write(head.subarray(at, at + 300));
        await new Promise((r) => setTimeout(r, 1));
      }
      await trickleReleased;
      res.end(REST);
    },
    '/big.bin': { headers: { 'content-type': 'application/octet-stream' }, body: BINARY, chunkSize: 64 * 1024 },
    '/big.html': { headers: { 'content-type': 'text/html' }, body: PAGE.repeat(40), chunkSize: 32 * 1024 },
    // The origin's connection dies after 40 KB of a chunked page (no terminating chunk).
    '/broken.html': (req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.write(PAGE.slice(0, 20_000));
      setTimeout(() => {
        res.write(PAGE.slice(20_000, 40_000));
        setTimeout(() => res.destroy(), 20);
      }, 20);
    },
  });
  worker = await startWorker({ config: siteConfig(origin.url) });
});
after(async () => {
  releaseOrigin?.();
  releaseTrickle?.();
  await worker?.dispose();
  await origin?.close();
});

// A declining visitor (fallback numbers: deterministic). `accept-encoding: identity`: with
// gzip accepted, local workerd compresses text/html responses and its gzip stream holds small
// output back until the body ends, which would hide the worker's own streaming (checked: a
// plain JS worker streaming text/html shows the same; application/octet-stream is not held).
const declined = () => ({ headers: { accept: 'text/html', 'accept-encoding': 'identity', cookie: `TC_PRIVACY=${tcDecline()}` } });

/** Rejects if `promise` has not settled after `ms` (a hang guard, not a timing assert). */
function guard(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms); }),
  ]);
}

/** The rest of a body being read with `reader`, decoded to its end (each read hang-guarded). */
async function readRest(reader, decoder) {
  let rest = '';
  for (;;) {
    const { done, value } = await guard(reader.read(), 20_000, 'rest of the body');
    if (done) return rest + decoder.decode();
    rest += decoder.decode(value, { stream: true });
  }
}

test('the rewritten head arrives while the origin is still holding the rest of the page', async () => {
  let originHolding = true;
  const r = await guard(worker.fetch('/held.html', declined()), 20_000, 'response headers');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-length'), null);
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let received = '';
  // Read until the whole head (already rewritten) is in; the origin has sent nothing more.
  while (!received.includes('<div id="held-here">')) {
    const { done, value } = await guard(reader.read(), 20_000, 'first bytes while the origin holds');
    assert.ok(!done, 'the body ended before the origin was released');
    received += decoder.decode(value, { stream: true });
  }
  assert.ok(originHolding, 'the head arrived only after the origin was released');
  assert.ok(received.includes('<title>Harbor &amp; Pine | Call (503) 555-0199</title>'), 'number in <title> swapped');
  assert.ok(received.includes('<a class="call" href="tel:+15035550199">Call (503) 555-0199</a>'), 'call bar swapped');
  assert.ok(!received.includes('555-0142'), 'no original number in what arrived');
  assert.ok(swapped(PAGE).startsWith(received), 'what arrived is a prefix of the rewritten page');
  assert.ok(!received.includes('Paragraph 599'), 'nothing past the hold point arrived');

  originHolding = false;
  releaseOrigin();
  received += await readRest(reader, decoder);
  assert.equal(received, swapped(PAGE));
});

test('a head trickling in small pieces arrives whole while the origin holds the rest', async () => {
  let originHolding = true;
  const r = await guard(worker.fetch('/trickle.html', declined()), 20_000, 'response headers');
  assert.equal(r.status, 200);
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let received = '';
  while (!received.includes('<div id="held-here">')) {
    const { done, value } = await guard(reader.read(), 20_000, 'the trickled head while the origin holds');
    assert.ok(!done, 'the body ended before the origin was released');
    received += decoder.decode(value, { stream: true });
  }
  assert.ok(originHolding, 'the head arrived only after the origin was released');
  assert.ok(swapped(PAGE).startsWith(received), 'what arrived is a prefix of the rewritten page');
  assert.ok(!received.includes('Paragraph 599'), 'nothing past the hold point arrived');

  originHolding = false;
  releaseTrickle();
  received += await readRest(reader, decoder);
  assert.equal(received, swapped(PAGE));
});

test('a several-MB non-HTML body streams through unchanged', async () => {
  const r = await worker.fetch('/big.bin', declined());
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/octet-stream');
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  let chunks = 0;
  for await (const c of r.body) {
    hash.update(c);
    bytes += c.length;
    chunks += 1;
  }
  assert.equal(bytes, BINARY.length);
  assert.equal(hash.digest('hex'), sha256(BINARY));
  assert.ok(chunks > 1, 'the body arrived in several chunks (streamed, not one buffer)');
});

test('a multi-MB HTML page is rewritten throughout, start to end', async () => {
  const r = await worker.fetch('/big.html', declined());
  assert.equal(r.status, 200);
  const body = await r.text();
  const expected = swapped(PAGE.repeat(40));
  assert.equal(body.length, expected.length);
  assert.equal(sha256(body), sha256(expected));
});

test('an origin body that breaks off mid-page stops the rewrite and the log line says why', async () => {
  const r = await guard(worker.fetch('/broken.html', declined()), 20_000, 'response headers');
  assert.equal(r.status, 200);
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let received = '';
  // The worker aborts its output stream; through Miniflare's proxy the client sees the body
  // end early (checked: no error reaches undici), so only "nothing past the break" is asserted.
  await guard((async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        received += decoder.decode(value, { stream: true });
      }
    } catch {
      // a broken body is what the worker asks for
    }
  })(), 20_000, 'body of the broken page');
  assert.ok(swapped(PAGE).startsWith(received), 'what arrived is a prefix of the rewritten page');
  assert.ok(!received.includes('</html>'), 'no complete-looking page');
  // The request's log line names the failure (emitted when the pump stops).
  let line;
  for (let i = 0; i < 50 && !line; i++) {
    line = worker.logs.map((l) => { try { return JSON.parse(l); } catch { return null; } })
      .find((l) => l?.path === '/broken.html');
    if (!line) await new Promise((res) => setTimeout(res, 100));
  }
  assert.ok(line, 'a log line for the broken page');
  assert.equal(line.rewritten, true);
  assert.match(line.note ?? '', /^origin body: /, `note: ${line.note}`);
});
