// Cookie and tag suppression (SPEC section 3) end to end: a real origin HTTP server behind the
// built worker in workerd, real HTTP both ways. A visitor who declined (opt-in country with
// no signal, a TC_PRIVACY refusal, analytics only, GPC) against one who accepted: origin
// Set-Cookie filtering judged header by header, expiry of leftover tracking cookies
// (withdrawal), the Cookie header the origin receives, vendor <script> neutralising, the
// worker's own cookie, Cache-Control / Vary, and malformed input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { startOrigin } from '../support/origin.mjs';
import { startWorker } from '../support/worker.mjs';
import { siteConfig, tcAccept, tcDecline, MAIN_FALLBACK, ADS_POOL, DEFAULT_POOL, BROWSER } from '../support/config.mjs';

const EXPIRY = 'Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/';

// What the origin sets, interleaving tracking cookies (declined vendors) and the site's own.
const ORIGIN_SET_COOKIES = [
  'session=s3ss10n; Path=/; HttpOnly; Secure; SameSite=Lax',
  '_ga=GA1.2.1111.2222; Path=/; Domain=.example.com; Max-Age=63072000; SameSite=Lax',
  'csrftoken=Tok3n; Path=/; SameSite=Strict',
  '_fbp=fb.1.1700000000000.42; Path=/; Max-Age=7776000',
  '__ctmid=65a1b2c3d4e5f6; Path=/; Max-Age=2592000',
  'cart=sku1%2Csku2; Path=/; Max-Age=86400',
  'calltrk_session_id=abc-123; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT',
];
const TRACKING = ['_ga', '_fbp', '__ctmid', 'calltrk_session_id'];
const SITE_OWN = ['session', 'csrftoken', 'cart'];

const SCRIPTS_PAGE = `<!doctype html><html><head><title>Scripts</title>
<script src="https://www.googletagmanager.com/gtag/js?id=G-1" async></script>
<script src="https://www.googletagmanager.com/gtag/js?id=AW-123456"></script>
<script src="https://connect.facebook.net/en_US/fbevents.js"></script>
<script src="https://cdn.callrail.com/companies/123456789/abcdef/12/swap.js" defer></script>
<script type="module" src="https://connect.facebook.net/signals/config.mjs"></script>
<script type="text/plain" data-consent-category="marketing" src="https://connect.facebook.net/already.js"></script>
<script data-dni-category="marketing">fbq('init', '1234');</script>
<script data-dni-category="analytics">window.dataLayer = [];</script>
<script data-dni-category="necessary">window.essential = 1;</script>
<script src="/static/app.js"></script>
<script src="https://cdn.jsdelivr.net/npm/lib@1/lib.min.js"></script>
<script type="application/ld+json">{"@type":"Organization"}</script>
<script>var inline = "first-party";</script>
</head><body><p>No numbers here.</p></body></html>`;

const NUMBER_PAGE = '<!doctype html><html><head><title>Call us</title></head><body>'
  + '<a href="tel:+15035550142">(503) 555-0142</a></body></html>';

const html = { 'content-type': 'text/html; charset=utf-8' };
const UNTYPED_JSON = '{"phone":"(503) 555-0142","pixel":"<script src=\\"https://connect.facebook.net/en_US/fbevents.js\\"></script>"}';
// Preload hints in a header (Cloudflare also sends them as 103 Early Hints).
const LINK = '</app.css>; rel=preload; as=style, <https://connect.facebook.net/en_US/fbevents.js>; rel=preload; as=script, '
  + '<https://www.googletagmanager.com/gtag/js?id=AW-123456>; rel=preload; as=script';
let origin, eu, euDomain, us, euOneTrust;

before(async () => {
  origin = await startOrigin({
    '/cookies': { headers: html, setCookies: ORIGIN_SET_COOKIES, body: NUMBER_PAGE },
    '/cookies.json': { headers: { 'content-type': 'application/json' }, setCookies: ORIGIN_SET_COOKIES, body: '{"ok":true}' },
    '/scripts': { headers: html, body: SCRIPTS_PAGE },
    '/plain': { headers: { 'content-type': 'text/plain' }, body: 'hello' },
    '/public': { headers: { ...html, 'cache-control': 'public, max-age=600, s-maxage=3600', vary: 'Accept-Encoding' }, body: NUMBER_PAGE },
    '/nostore': { headers: { ...html, 'cache-control': 'no-store' }, body: NUMBER_PAGE },
    '/link': { headers: { ...html, link: LINK }, body: NUMBER_PAGE },
    '/link.png': { headers: { 'content-type': 'image/png', link: LINK }, body: 'png' },
    '/nonumber-public': { headers: { 'content-type': 'text/plain', 'cache-control': 'public, max-age=600' }, body: 'static' },
    // No Content-Type (a misconfigured origin, a bare error page): browsers sniff these.
    '/untyped': { body: `\n  ${SCRIPTS_PAGE}`, chunkSize: 3 },
    '/untyped-nosniff': { headers: { 'x-content-type-options': 'nosniff' }, body: SCRIPTS_PAGE },
    '/untyped-json': { body: UNTYPED_JSON, chunkSize: 5 },
    '/untyped-404': { status: 404, headers: { 'content-type': 'unknown/unknown' }, body: SCRIPTS_PAGE },
    // Encoded bodies the runtime's fetch does not decode (it asks for `br, gzip`; these
    // origins answer deflate, or zstd, unasked).
    '/deflate': { headers: { ...html, 'content-encoding': 'deflate' }, setCookies: ORIGIN_SET_COOKIES, body: zlib.deflateSync(SCRIPTS_PAGE + NUMBER_PAGE), chunkSize: 7 },
    '/zstd': { headers: { ...html, 'content-encoding': 'zstd' }, body: Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3]) },
    // zstd unless asked for no coding: then the page as is.
    '/zstd-or-identity': (req, res) => {
      if (req.headers['accept-encoding'] === 'identity') {
        res.writeHead(200, { ...html, 'set-cookie': ORIGIN_SET_COOKIES });
        res.end(SCRIPTS_PAGE + NUMBER_PAGE);
      } else {
        res.writeHead(200, { ...html, 'content-encoding': 'zstd' });
        res.end(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3]));
      }
    },
  });
  eu = await startWorker({ config: siteConfig(origin.url), cf: { country: 'DE' } });
  euDomain = await startWorker({ config: siteConfig(origin.url, { vendors: { cookie_domain: '.example.com' } }), cf: { country: 'DE' } });
  us = await startWorker({ config: siteConfig(origin.url), cf: { country: 'US' } });
  euOneTrust = await startWorker({ config: siteConfig(origin.url, { consent: { primary: 'onetrust' } }), cf: { country: 'DE' } });
});
after(async () => {
  await eu?.dispose();
  await euDomain?.dispose();
  await us?.dispose();
  await euOneTrust?.dispose();
  await origin?.close();
});

const nav = (cookie, extra = {}) => ({
  headers: { ...BROWSER, ...(cookie === undefined ? {} : { cookie }), ...extra },
});
const nameOf = (setCookie) => setCookie.split(';')[0].split('=')[0].trim();
/** The origin request that carried `marker` in its query string. */
function originRequest(marker) {
  const found = origin.requests.filter((r) => r.search.includes(marker));
  assert.equal(found.length, 1, `exactly one origin request for ${marker}`);
  return found[0];
}
const pairs = (header) => (header ?? '').split(';').map((s) => s.trim()).filter(Boolean);
let seq = 0;
const mark = () => `m=${++seq}`;

const ACCEPT = () => `TC_PRIVACY=${tcAccept()}`;
const DECLINE = () => `TC_PRIVACY=${tcDecline()}`;
const ANALYTICS_ONLY = () => `TC_PRIVACY=${tcAccept([3])}`;

// ---------------------------------------------------------------- origin Set-Cookie

for (const [label, cookie] of [['EU, no signal', undefined], ['TC_PRIVACY decline', 'DECLINE']]) {
  test(`declined (${label}): tracking Set-Cookies removed one by one, the site's own kept exactly`, async () => {
    for (const path of ['/cookies', '/cookies.json']) {
      const r = await eu.fetch(path, nav(cookie === 'DECLINE' ? DECLINE() : cookie));
      assert.equal(r.status, 200);
      await r.arrayBuffer();
      const got = r.headers.getSetCookie();
      const kept = ORIGIN_SET_COOKIES.filter((c) => SITE_OWN.includes(nameOf(c)));
      assert.deepEqual(got, kept, `${path}: exactly the non-tracking cookies, byte for byte, in order`);
      for (const name of TRACKING) assert.ok(!got.some((c) => nameOf(c) === name), `${path}: ${name} removed`);
    }
  });
}

test('accepted: every origin Set-Cookie kept as sent (plus the worker session cookie)', async () => {
  const r = await eu.fetch('/cookies', nav(ACCEPT()));
  await r.text();
  const got = r.headers.getSetCookie();
  const origins = got.filter((c) => nameOf(c) !== 'ct1001');
  assert.deepEqual(origins, ORIGIN_SET_COOKIES);
  assert.equal(got.filter((c) => nameOf(c) === 'ct1001').length, 1, 'the session cookie with consent');
});

test('analytics only: _ga kept, marketing vendors (_fbp, __ctmid, calltrk_*) removed', async () => {
  const r = await eu.fetch('/cookies', nav(ANALYTICS_ONLY()));
  await r.text();
  const got = r.headers.getSetCookie();
  assert.deepEqual(got, ORIGIN_SET_COOKIES.filter((c) => !['_fbp', '__ctmid', 'calltrk_session_id'].includes(nameOf(c))));
});

test('opt-out country with Sec-GPC: 1: marketing cookies removed, analytics kept', async () => {
  const r = await us.fetch('/cookies', nav(undefined, { 'sec-gpc': '1' }));
  await r.text();
  const names = r.headers.getSetCookie().map(nameOf);
  assert.deepEqual(names, ['session', '_ga', 'csrftoken', 'cart']);
});

// ---------------------------------------------------------------- withdrawal: expiry

const LEFTOVER = (consent) => `${consent}; _ga=GA1.2.3.4; session=abc; __ctmid=x1; ct1001=v1.someid.sig; _fbp=fb.1.2.3; cart=c; _gid=GA1.2.9; calltrk_referrer=direct`;
const EXPIRED = ['_ga', '__ctmid', 'ct1001', '_fbp', '_gid', 'calltrk_referrer'];

test('withdrawal: leftover tracking cookies and the session cookie ct1001 are expired, host-only', async () => {
  const r = await eu.fetch(`/plain?${mark()}`, nav(LEFTOVER(DECLINE())));
  await r.text();
  const sc = r.headers.getSetCookie();
  assert.deepEqual(sc, EXPIRED.map((n) => `${n}=; ${EXPIRY}`), 'one expiry per tracking cookie, in request order');
  for (const c of sc) {
    assert.match(c, /Max-Age=0/);
    assert.match(c, /Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
    assert.match(c, /Path=\//);
    assert.doesNotMatch(c, /Domain=/i, 'host-only');
  }
  for (const n of ['TC_PRIVACY', 'session', 'cart']) assert.ok(!sc.some((c) => nameOf(c) === n), `${n} not expired`);
});

test('withdrawal with vendors.cookie_domain: each tracking cookie expired host-only and on the domain', async () => {
  const r = await euDomain.fetch(`/plain?${mark()}`, nav(LEFTOVER(DECLINE())));
  await r.text();
  const sc = r.headers.getSetCookie();
  const expected = EXPIRED.flatMap((n) => [`${n}=; ${EXPIRY}`, `${n}=; ${EXPIRY}; Domain=.example.com`]);
  assert.deepEqual(sc, expected);
});

test('withdrawal in the EU with no signal at all (the consent cookie was deleted) expires them too', async () => {
  const r = await eu.fetch(`/plain?${mark()}`, nav('_ga=1; ct1001=abc; keep=1'));
  await r.text();
  assert.deepEqual(r.headers.getSetCookie(), [`_ga=; ${EXPIRY}`, `ct1001=; ${EXPIRY}`]);
});

test('withdrawal on an HTML page: expiry plus origin filtering, the worker sets no cookie of its own', async () => {
  const r = await eu.fetch(`/cookies?${mark()}`, nav(`${DECLINE()}; _ga=old; ct1001=old.session.sig`));
  const body = await r.text();
  const sc = r.headers.getSetCookie();
  assert.ok(body.includes('(503) 555-0199'), 'fallback number');
  assert.deepEqual(sc.filter((c) => !c.includes('Max-Age=0')), ORIGIN_SET_COOKIES.filter((c) => SITE_OWN.includes(nameOf(c))));
  assert.deepEqual(sc.filter((c) => c.includes('Max-Age=0')), [`_ga=; ${EXPIRY}`, `ct1001=; ${EXPIRY}`]);
});

test('accepted visitor: nothing is expired', async () => {
  const r = await eu.fetch(`/plain?${mark()}`, nav(LEFTOVER(ACCEPT())));
  await r.text();
  assert.ok(!r.headers.getSetCookie().some((c) => /Max-Age=0/.test(c)));
});

test('analytics only: only the marketing leftovers are expired', async () => {
  const r = await eu.fetch(`/plain?${mark()}`, nav(LEFTOVER(ANALYTICS_ONLY())));
  await r.text();
  assert.deepEqual(r.headers.getSetCookie().map(nameOf), ['__ctmid', 'ct1001', '_fbp', 'calltrk_referrer']);
});

// ---------------------------------------------------------------- Cookie header to the origin

test('declined: tracking cookies never reach the origin, the others arrive untouched and in order', async () => {
  const m = mark();
  const consent = DECLINE();
  const r = await eu.fetch(`/cookies?${m}`, nav(LEFTOVER(consent)));
  await r.text();
  const got = originRequest(m).headers.cookie;
  assert.equal(got, `${consent}; session=abc; cart=c`);
});

test('accepted: the origin receives the Cookie header exactly as sent', async () => {
  const m = mark();
  const sent = LEFTOVER(ACCEPT());
  await (await eu.fetch(`/plain?${m}`, nav(sent))).text();
  assert.equal(originRequest(m).headers.cookie, sent);
});

test('declined, only tracking cookies: the origin gets no Cookie header at all', async () => {
  const m = mark();
  await (await eu.fetch(`/plain?${m}`, nav('_ga=1; _fbp=2; __ctmid=3'))).text();
  assert.equal(originRequest(m).headers.cookie, undefined);
});

test('a messy Cookie header (duplicates, empty pairs, odd quoting) is filtered without losing a pair', async () => {
  const m = mark();
  const sent = 'a=1;; ; _ga=GA1.1; b="quoted; value"; _ga=dup;c=;=empty;  flag ; _fbp=x;d="4";session=1; session=2;\t_ga_ABC123=GS1.1;e=a=b=c; _gaid=keep; _gateway=keep;';
  const r = await eu.fetch(`/plain?${m}`, nav(sent));
  await r.text();
  const got = originRequest(m).headers.cookie;
  const expected = pairs(sent).filter((p) => !['_ga', '_fbp', '_ga_ABC123'].includes(p.split('=')[0].trim()));
  assert.deepEqual(pairs(got), expected, `origin got ${got}`);
  assert.deepEqual(expected.slice(0, 3), ['a=1', 'b="quoted', 'value"']);
  // Expired once per name, even when duplicated; look-alike names are not matched.
  assert.deepEqual(r.headers.getSetCookie().map(nameOf), ['_ga', '_fbp', '_ga_ABC123']);
});

// ---------------------------------------------------------------- vendor scripts

function scriptTags(body) {
  return [...body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
}
function tagWith(tags, needle) {
  const t = tags.find((x) => x.includes(needle));
  assert.ok(t, `a <script> with ${needle}`);
  return t;
}
const neutralised = (tag, category) => {
  assert.match(tag, /\btype="text\/plain"/, tag);
  assert.match(tag, new RegExp(`data-consent-category="${category}"`), tag);
};
const untouched = (tags, original) => assert.ok(tags.includes(original), `unchanged: ${original}`);

test('declined: vendor <script src> and marked inline scripts become text/plain with their category', async () => {
  const body = await (await eu.fetch('/scripts', nav(DECLINE()))).text();
  const tags = scriptTags(body);
  neutralised(tagWith(tags, 'gtag/js?id=G-1'), 'analytics');
  neutralised(tagWith(tags, 'gtag/js?id=AW-123456'), 'marketing');
  neutralised(tagWith(tags, 'fbevents.js'), 'marketing');
  neutralised(tagWith(tags, 'cdn.callrail.com'), 'marketing');
  const mod = tagWith(tags, 'signals/config.mjs');
  neutralised(mod, 'marketing');
  assert.match(mod, /data-dni-original-type="module"/);
  neutralised(tagWith(tags, 'data-dni-category="marketing"'), 'marketing');
  neutralised(tagWith(tags, 'data-dni-category="analytics"'), 'analytics');
  // Untouched: already text/plain, necessary, first-party, unknown hosts, JSON-LD, plain inline.
  untouched(tags, '<script type="text/plain" data-consent-category="marketing" src="https://connect.facebook.net/already.js">');
  untouched(tags, '<script data-dni-category="necessary">');
  untouched(tags, '<script src="/static/app.js">');
  untouched(tags, '<script src="https://cdn.jsdelivr.net/npm/lib@1/lib.min.js">');
  untouched(tags, '<script type="application/ld+json">');
  untouched(tags, '<script>');
  // Script bodies are never touched.
  assert.ok(body.includes("fbq('init', '1234');"));
  // One more: the Consent Mode default (the page carries Google tags), first in <head>.
  assert.equal(tags.length, scriptTags(SCRIPTS_PAGE).length + 1);
  assert.match(body, /<head><script data-dni-consent-mode>[^<]*'ad_storage':'denied'/);
});

test('a page in a coding the worker cannot read is asked for again without coding, then filtered; if it stays unreadable it passes as sent', async () => {
  const seen = origin.requests.length;
  const r = await eu.fetch('/zstd-or-identity?m=refetch', nav(DECLINE()));
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-encoding'), null);
  const body = await r.text();
  const tags = scriptTags(body);
  neutralised(tagWith(tags, 'fbevents.js'), 'marketing');
  neutralised(tagWith(tags, 'gtag/js?id=G-1'), 'analytics');
  assert.ok(body.includes('(503) 555-0199'), 'the number is swapped (fallback for a declined visitor)');
  assert.deepEqual(r.headers.getSetCookie().map(nameOf), SITE_OWN, 'tracking Set-Cookies removed');
  const asked = origin.requests.slice(seen).filter((q) => q.search.includes('m=refetch'));
  assert.equal(asked.length, 2, 'asked twice');
  assert.notEqual(asked[0].headers['accept-encoding'], 'identity');
  assert.equal(asked[1].headers['accept-encoding'], 'identity');
  // Nothing to rewrite (a POST is never repeated; a visitor with nothing to change): one request.
  const before = origin.requests.length;
  const p = await eu.fetch('/zstd-or-identity?m=post', { method: 'POST', body: 'x', ...nav(DECLINE()) });
  assert.equal(p.headers.get('content-encoding'), 'zstd');
  await p.arrayBuffer();
  assert.equal(origin.requests.slice(before).filter((q) => q.search.includes('m=post')).length, 1);
});

test('a deflate-encoded page is decoded and filtered like any page (it goes out decoded); another coding passes as sent', async () => {
  const r = await eu.fetch('/deflate', nav(DECLINE()));
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-encoding'), null, 'sent decoded');
  const body = await r.text();
  const tags = scriptTags(body);
  neutralised(tagWith(tags, 'fbevents.js'), 'marketing');
  neutralised(tagWith(tags, 'gtag/js?id=G-1'), 'analytics');
  assert.ok(body.includes('(503) 555-0199'), 'the number is swapped (fallback for a declined visitor)');
  const got = r.headers.getSetCookie().map(nameOf);
  assert.deepEqual(got, SITE_OWN, 'tracking Set-Cookies removed');
  const z = await eu.fetch('/zstd', nav(DECLINE()));
  assert.equal(z.headers.get('content-encoding'), 'zstd');
  assert.deepEqual([...new Uint8Array(await z.arrayBuffer())], [0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3]);
});

test('analytics only: analytics scripts run, marketing ones are neutralised', async () => {
  const body = await (await eu.fetch('/scripts', nav(ANALYTICS_ONLY()))).text();
  const tags = scriptTags(body);
  untouched(tags, '<script src="https://www.googletagmanager.com/gtag/js?id=G-1" async>');
  untouched(tags, '<script data-dni-category="analytics">');
  neutralised(tagWith(tags, 'gtag/js?id=AW-123456'), 'marketing');
  neutralised(tagWith(tags, 'fbevents.js'), 'marketing');
  neutralised(tagWith(tags, 'cdn.callrail.com'), 'marketing');
  neutralised(tagWith(tags, 'data-dni-category="marketing"'), 'marketing');
});

test('accepted: the page arrives byte for byte as the origin sent it, but for the Consent Mode default', async () => {
  const body = await (await eu.fetch('/scripts', nav(ACCEPT()))).text();
  const block = body.match(/<script data-dni-consent-mode>[^<]*<\/script>/)[0];
  assert.ok(!block.includes('denied'), block);
  assert.equal(body.replace(block, ''), SCRIPTS_PAGE);
});

// ---------------------------------------------------------------- the worker's own cookie

test('no consent, no cookie of the worker: EU no signal, decline, analytics only, GPC', async () => {
  const cases = [
    [eu, undefined, {}],
    [eu, DECLINE(), {}],
    [eu, ANALYTICS_ONLY(), {}],
    [us, undefined, { 'sec-gpc': '1' }],
  ];
  for (const [w, cookie, extra] of cases) {
    for (const path of ['/cookies', '/scripts', '/plain', '/__dni/consent', '/__dni/number?target=%2B15035550142']) {
      const r = await w.fetch(path, nav(cookie, extra));
      const body = await r.text();
      const own = r.headers.getSetCookie().filter((c) => nameOf(c) === 'ct1001');
      assert.deepEqual(own, [], `${path} with ${cookie ?? 'no cookie'} ${JSON.stringify(extra)}`);
      if (path === '/cookies') assert.ok(body.includes('(503) 555-0199'), 'fallback number');
    }
  }
  const bare = await eu.fetch('/plain', nav());
  await bare.text();
  assert.deepEqual(bare.headers.getSetCookie(), [], 'no Set-Cookie at all for a fresh declined visitor');
});

// ---------------------------------------------------------------- Cache-Control and Vary

const TRACKING_NUMBERS = [...ADS_POOL, ...DEFAULT_POOL];

test('tracking number: Cache-Control private merged with the origin, never loosening; Vary: Cookie', async () => {
  // A worker of its own: the other tests' cookie-less accepted views hold provisional leases.
  const fresh = await startWorker({ config: siteConfig(origin.url), cf: { country: 'DE' } });
  try {
    await cacheControlChecks(fresh);
  } finally {
    await fresh.dispose();
  }
});

async function cacheControlChecks(eu) {
  const r = await eu.fetch('/public', nav(ACCEPT()));
  const body = await r.text();
  const tel = body.match(/href="tel:(\+\d+)"/)[1];
  assert.ok(TRACKING_NUMBERS.includes(tel), `tracking number ${tel}`);
  const cc = r.headers.get('cache-control');
  const directives = cc.split(',').map((s) => s.trim());
  assert.ok(directives.includes('private'), cc);
  assert.ok(directives.includes('max-age=600'), cc);
  assert.ok(!directives.includes('public'), cc);
  assert.ok(!directives.some((d) => d.startsWith('s-maxage')), cc);
  const vary = r.headers.get('vary').split(',').map((s) => s.trim().toLowerCase());
  assert.ok(vary.includes('cookie'), r.headers.get('vary'));
  assert.ok(vary.includes('sec-gpc'), 'the decision reads Sec-GPC too');
  assert.ok(vary.includes('accept-encoding'), 'origin Vary kept');

  const ns = await eu.fetch('/nostore', nav(ACCEPT()));
  const nsBody = await ns.text();
  const nsd = ns.headers.get('cache-control').split(',').map((s) => s.trim());
  assert.ok(nsd.includes('private') && nsd.includes('no-store'), ns.headers.get('cache-control'));
  assert.match(ns.headers.get('vary') ?? '', /cookie/i);
  const nsTel = nsBody.match(/href="tel:(\+\d+)"/)[1];
  assert.ok(TRACKING_NUMBERS.includes(nsTel), `tracking number ${nsTel}`);
}

test('expiry cookies make a response private too, even a non-HTML one', async () => {
  const r = await eu.fetch('/nonumber-public', nav('_ga=1'));
  await r.text();
  assert.deepEqual(r.headers.getSetCookie(), [`_ga=; ${EXPIRY}`]);
  const cc = r.headers.get('cache-control');
  assert.match(cc, /private/);
  assert.doesNotMatch(cc, /public/);
  assert.match(cc, /max-age=600/);
  assert.match(r.headers.get('vary') ?? '', /cookie/i);
});

test('a declined visitor with nothing personal: the fallback page keeps the origin caching, with Vary: Cookie', async () => {
  const r = await eu.fetch('/public', nav());
  const body = await r.text();
  assert.ok(body.includes(`tel:${MAIN_FALLBACK}`));
  assert.deepEqual(r.headers.getSetCookie(), []);
  assert.match(r.headers.get('vary') ?? '', /cookie/i, 'the page depends on the consent cookie');
  const passthrough = await eu.fetch('/nonumber-public', nav());
  await passthrough.text();
  assert.equal(passthrough.headers.get('cache-control'), 'public, max-age=600', 'non-HTML, no cookies: untouched');
});

// ---------------------------------------------------------------- malformed Set-Cookie

test('malformed Set-Cookie values pass through unchanged unless they name a declined vendor', async () => {
  const big = `big=${'x'.repeat(8192)}; Path=/`;
  // (8 KB + 4 KB: both together stay under node's 16 KB response header limit.)
  const bigTracking = `_ga=${'y'.repeat(4096)}; Path=/`;
  const odd = [
    'novalue',
    '_ga',
    '=orphan; Path=/',
    '= spaces; Path=/',
    'weird=1; Path=/; Foo; =bar; Max-Age=abc; Domain=; ;;',
    'dup=1; Path=/; Path=/x; Secure; Secure',
    'q="a quoted, value"; Path=/',
    big,
    '_gaid=1; Path=/',
    '_gateway=1',
    'ctx123=1',
    '_fbp = fb.1 ; Path=/',
    '_gid=1; Path=/; ;;; Secure',
    '_ga_ABC123=GS1.1.1; Path=/',
    'ct1001=forged; Path=/',
    bigTracking,
  ];
  origin.route('/odd', { headers: html, setCookies: odd, body: '<p>odd</p>' });
  const declinedVendors = ['_fbp = fb.1 ; Path=/', '_gid=1; Path=/; ;;; Secure', '_ga_ABC123=GS1.1.1; Path=/', 'ct1001=forged; Path=/', bigTracking];
  const r = await eu.fetch('/odd', nav());
  assert.equal(r.status, 200);
  assert.equal(await r.text(), '<p>odd</p>');
  assert.deepEqual(r.headers.getSetCookie(), odd.filter((c) => !declinedVendors.includes(c)));
  const accepted = await eu.fetch('/odd', nav(ACCEPT()));
  await accepted.text();
  const keptForAccepted = accepted.headers.getSetCookie();
  for (const c of odd) assert.ok(keptForAccepted.includes(c), `accepted keeps ${c.slice(0, 40)}`);
});

// ---------------------------------------------------------------- validators (ETag / 304)

test('a rewritten page keeps no origin validator: after a consent change, a conditional request gets the new page, not 304', async () => {
  // An origin that honours validators, as the Workers assets binding and most servers do.
  const ETAG = '"v1-origin"';
  const LAST_MODIFIED = 'Wed, 21 Oct 2026 07:28:00 GMT';
  const page = '<!doctype html><html><head><script src="https://connect.facebook.net/en_US/fbevents.js"></script></head>'
    + '<body><a href="tel:+15035550142">(503) 555-0142</a></body></html>';
  origin.route('/validated', (req, res) => {
    if (req.headers['if-none-match'] === ETAG) {
      res.writeHead(304, { etag: ETAG, 'last-modified': LAST_MODIFIED, 'cache-control': 'no-cache' });
      return res.end();
    }
    res.writeHead(200, { ...html, etag: ETAG, 'last-modified': LAST_MODIFIED, 'cache-control': 'no-cache' });
    res.end(page);
  });
  const fresh = await startWorker({ config: siteConfig(origin.url), cf: { country: 'DE' } });
  try {
    // First view, declined: fallback number, the pixel neutralised.
    const declined = await fresh.fetch('/validated', nav());
    const declinedBody = await declined.text();
    assert.ok(declinedBody.includes('(503) 555-0199'));
    const etag = declined.headers.get('etag');
    // The visitor accepts; the browser revalidates its cached copy with the ETag it was
    // given (Chromium sends If-None-Match even when Vary: Cookie no longer matches; it drops
    // If-Modified-Since then).
    const conditional = etag ? { 'if-none-match': etag } : {};
    const accepted = await fresh.fetch('/validated', nav(ACCEPT(), conditional));
    const acceptedBody = await accepted.text();
    assert.equal(accepted.status, 200,
      `got ${accepted.status} for ${JSON.stringify(conditional)}: the browser would keep showing the declined page`);
    const tel = acceptedBody.match(/href="tel:(\+\d+)"/)?.[1];
    assert.ok(TRACKING_NUMBERS.includes(tel), `tracking number, got ${tel}`);
    // The origin's strong ETag names the origin's bytes, not the rewritten page (RFC 9110 8.8.3).
    assert.notEqual(etag, ETAG, 'the rewritten page must not carry the origin\'s strong ETag');
  } finally {
    await fresh.dispose();
  }
});

test('Link header: a declined visitor gets no preload hint for a declined vendor, on pages and other responses', async () => {
  for (const path of ['/link', '/link.png']) {
    const r = await eu.fetch(path, nav(`TC_PRIVACY=${tcDecline()}`));
    await r.arrayBuffer();
    const link = r.headers.get('link') ?? '';
    assert.ok(link.startsWith('</app.css>; rel=preload; as=style') && !link.includes('facebook'), `${path}: ${link}`);
    const ok = await eu.fetch(path, nav(`TC_PRIVACY=${tcAccept()}`));
    await ok.arrayBuffer();
    assert.equal(ok.headers.get('link'), LINK, `${path}: consent keeps every hint`);
  }
});

test('no Content-Type: a body browsers render as HTML is filtered as a page and sent as text/html; others, and nosniff, pass byte for byte', async () => {
  for (const path of ['/untyped', '/untyped-404']) {
    const r = await eu.fetch(path, nav(DECLINE()));
    const body = await r.text();
    assert.equal(r.headers.get('content-type'), 'text/html', `${path}: sniffed as the browser does`);
    const tags = scriptTags(body);
    neutralised(tagWith(tags, 'fbevents.js'), 'marketing');
    neutralised(tagWith(tags, 'gtag/js?id=AW-123456'), 'marketing');
    untouched(tags, '<script src="/static/app.js">');
  }
  const json = await eu.fetch('/untyped-json', nav(DECLINE()));
  assert.equal(json.headers.get('content-type'), null);
  assert.equal(await json.text(), UNTYPED_JSON, 'not HTML to a browser: untouched, every chunk');
  const nosniff = await eu.fetch('/untyped-nosniff', nav(DECLINE()));
  assert.equal(nosniff.headers.get('content-type'), null);
  assert.equal(await nosniff.text(), SCRIPTS_PAGE, 'nosniff: the browser will not render it as a page');
});

test('consent.primary = onetrust: neutralised scripts carry OneTrust\'s optanon-category class, so Accept runs them without a reload', async () => {
  // No OptanonConsent cookie in an opt-in country: everything but necessary is declined.
  const body = await (await euOneTrust.fetch('/scripts', nav())).text();
  const tags = scriptTags(body);
  const fb = tagWith(tags, 'fbevents.js');
  neutralised(fb, 'marketing');
  assert.match(fb, /class="optanon-category-C0004"/, fb);
  const ga = tagWith(tags, 'gtag/js?id=G-1');
  neutralised(ga, 'analytics');
  assert.match(ga, /class="optanon-category-C0002"/, ga);
  assert.match(tagWith(tags, 'data-dni-category="marketing"'), /class="optanon-category-C0004"/);
  untouched(tags, '<script src="/static/app.js">');
  // Without a primary platform only data-consent-category is written.
  const plain = await (await eu.fetch('/scripts', nav(DECLINE()))).text();
  assert.ok(!plain.includes('optanon-category'), 'no platform named, no platform markup');
});
