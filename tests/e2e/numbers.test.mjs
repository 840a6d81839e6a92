// Number rewriting through the worker over real HTTP: non-UTF-8 pages, international
// targets, attributes, chunking, a 300 KB text node.
import { test, before, after } from 'node:test';
import zlib from 'node:zlib';
import assert from 'node:assert/strict';
import { startOrigin } from '../support/origin.mjs';
import { startWorker } from '../support/worker.mjs';
import { siteConfig, mainTarget } from '../support/config.mjs';

const UK = { number: '+442079460018', fallback: '+442079460999' };
// "Café – Ring (503) 555-0142 or 020 7946 0018" in windows-1252 (é = 0xE9, – = 0x96).
const cp1252 = Buffer.concat([
  Buffer.from('<html><head><meta charset="windows-1252"><title>Caf'), Buffer.from([0xe9]),
  Buffer.from('</title></head><body><p>Caf'), Buffer.from([0xe9, 0x20, 0x96]),
  Buffer.from(' Ring (503) 555-0142 or 020 7946 0018</p></body></html>'),
]);
const attrs = '<html><body><a href="tel:+1-503-555-0142;ext=12" aria-label="Call 503-555-0142" title="(503) 555-0142" data-phone="503.555.0142" data-other="503-555-0142">x</a></body></html>';
const huge = `<html><body><p>${'x'.repeat(300_000)} (503) 555-0142</p><p>(503) 555-0142</p></body></html>`;

let origin, worker;
before(async () => {
  origin = await startOrigin({
    '/cp1252.html': { headers: { 'content-type': 'text/html; charset=windows-1252' }, body: cp1252, chunkSize: 7 },
    '/attrs.html': { headers: { 'content-type': 'text/html' }, body: attrs },
    '/huge.html': { headers: { 'content-type': 'text/html' }, body: huge, chunkSize: 4096 },
    '/gzip.html': { headers: { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip', vary: 'Accept-Encoding' }, body: zlib.gzipSync(Buffer.from(attrs)), chunkSize: 50 },
    '/br.html': { headers: { 'content-type': 'text/html', 'content-encoding': 'br' }, body: zlib.brotliCompressSync(Buffer.from(attrs)) },
  });
  worker = await startWorker({ config: siteConfig(origin.url, { targets: [mainTarget(), UK] }), cf: { country: 'DE' } });
});
after(async () => { await worker?.dispose(); await origin?.close(); });

const declined = { headers: { accept: 'text/html' } };

test('a windows-1252 page is rewritten in its own encoding', async () => {
  const r = await worker.fetch('/cp1252.html', declined);
  const body = Buffer.from(await r.arrayBuffer());
  const expected = Buffer.from(cp1252.toString('latin1').replace('(503) 555-0142', '(503) 555-0199').replace('020 7946 0018', '020 7946 0999'), 'latin1');
  assert.ok(body.equals(expected), `${body.toString('latin1')}`);
  assert.ok(body.includes(Buffer.from([0xe9, 0x20, 0x96])), 'non-ASCII bytes kept as windows-1252');
});

test('tel: links keep their style and ;ext=, configured attributes are rewritten, others not', async () => {
  const html = await (await worker.fetch('/attrs.html', declined)).text();
  assert.match(html, /href="tel:\+1-503-555-0199;ext=12"/);
  assert.match(html, /aria-label="Call 503-555-0199"/);
  assert.match(html, /title="\(503\) 555-0199"/);
  assert.match(html, /data-phone="503\.555\.0199"/);
  assert.match(html, /data-other="503-555-0142"/, 'attributes not configured stay');
});

test('a 300 KB text node is rewritten throughout (no text-node size limit), in 4 KiB origin chunks', async () => {
  const html = await (await worker.fetch('/huge.html', declined)).text();
  assert.equal(html.length, huge.length);
  assert.ok(html.includes(`${'x'.repeat(1000)} (503) 555-0199</p>`), 'the number at the end of the 300 KB node is swapped');
  assert.ok(!html.includes('555-0142'));
  assert.ok(html.endsWith('<p>(503) 555-0199</p></body></html>'));
});

test('a gzip- or brotli-compressed origin page is decompressed, rewritten and re-encoded', async () => {
  for (const path of ['/gzip.html', '/br.html']) {
    const r = await worker.fetch(path, { headers: { accept: 'text/html', 'accept-encoding': 'gzip, br' } });
    assert.equal(r.status, 200);
    const html = await r.text(); // node's fetch decodes whatever encoding the worker sent
    assert.match(html, /href="tel:\+1-503-555-0199;ext=12"/, path);
    assert.match(html, /aria-label="Call 503-555-0199"/, path);
  }
});
