// Routes the browser's requests to tag vendors to local stand-ins (tests/browser/vendors/*.js) that
// behave like the real scripts: they load their documented sub-scripts from the vendor's hosts,
// set the vendor's first-party cookies through document.cookie and fire its beacons. No request
// leaves the machine: every host in tests/fixtures/vendors/vendors.json (script hosts and pixel
// endpoints) is answered here; an unknown path on a vendor host gets an empty script, a 1x1 GIF,
// an empty document or a 204 depending on what the browser asked for.
//
//   import { routeVendors, isTrackingUrl, trackingCookieNames, TRACKING_HOSTS } from '../support/vendor-routes.mjs';
//   const log = [];
//   await routeVendors(context, { log });   // context: a Playwright BrowserContext
//   ... log: [{ url, host, method, resourceType, vendor, tracking, standIn }]
//
// What counts as tracking (see vendors.json and docs/research/tag-firewall-vendors.md):
//  - every request to a vendor's script host or pixel endpoint, EXCEPT
//  - www.googletagmanager.com/gtm.js: the Tag Manager loader is not blocked when the visitor
//    declined (issue 12: it often loads the CMP; Consent Mode governs the Google tags inside it),
//  - consent tools (js.hs-banner.com, HubSpot's cookie banner) and support libraries
//    (cdnjs.cloudflare.com/ajax/libs/babel-polyfill/, loaded first by CallPage's snippet).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STAND_IN_DIR = path.join(ROOT, 'tests/browser/vendors');

/** tests/fixtures/vendors/vendors.json, parsed. */
export const VENDOR_DATA = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests/fixtures/vendors/vendors.json'), 'utf8'));

/**
 * The landing query of a visitor who came from an ad on every network: the click ids that make
 * vendors set their click cookies (_gcl_aw, _fbc, _uetmsclkid, ttclid, _twclid, li_fat_id, _epik,
 * _scid_r, _rdt_cid). Values are shaped like real ones.
 */
export const AD_CLICK_QUERY = new URLSearchParams({
  gclid: 'Cj0KCQiA4NWrBhD-ARIsAFCKwWvK3x9p2m7qaHP2',
  fbclid: 'IwAR2hp7x2k9m4q1zHarborPine0142',
  msclkid: '4b6a2c1e9f0d4e8a8c3b2a1f0e9d8c7b',
  ttclid: 'E.C.P.CrcBHarborPine0142',
  twclid: '2-7hp42k9m4q1z0142',
  li_fat_id: '8f4c2a1e-5b6d-4e7f-9a0b-1c2d3e4f5a6b',
  epik: 'dj0yJnU9aHA3eDJrOW00cTF6',
  ScCid: 'a1b2c3d4-5e6f-4a1b-9c2d-3e4f5a6b7c8d',
  rdt_cid: '1234567890123456789_hp',
}).toString();

// ---------------------------------------------------------------- host patterns from vendors.json

/** 'host', '*.host', each optionally followed by a path prefix; commentary after a space. */
function parseEntry(entry) {
  const first = entry.split(' ')[0];
  if (first.includes('<')) return null; // a description (<self-hosted>/matomo.php), not a pattern
  const m = first.match(/^(\*\.)?([a-z0-9.-]+)(\/.*)?$/i);
  if (!m) return null;
  return { wildcard: Boolean(m[1]), host: m[2].toLowerCase(), path: m[3] ?? '', entry: first };
}

function hostMatches(p, host) {
  return host === p.host || (p.wildcard && host.endsWith(`.${p.host}`));
}

const EXEMPT = [parseEntry('www.googletagmanager.com/gtm.js')];
const NON_TRACKING = ['js.hs-banner.com', 'cdnjs.cloudflare.com/ajax/libs/babel-polyfill/'].map(parseEntry);

/** Every vendor pattern: { vendor, wildcard, host, path, entry }. */
export const VENDOR_PATTERNS = Object.entries(VENDOR_DATA.vendors).flatMap(([vendor, v]) =>
  [...(v.script_hosts ?? []), ...(v.pixel_endpoints ?? [])]
    .map(parseEntry).filter(Boolean).map((p) => ({ vendor, ...p })));

/** Host patterns where every request is tracking (no path scope): 'connect.facebook.net', '*.clarity.ms', ... */
export const TRACKING_HOSTS = [...new Set(VENDOR_PATTERNS.filter((p) => !p.path).map((p) => (p.wildcard ? `*.${p.host}` : p.host)))].sort();

/** Path-scoped tracking patterns on hosts that also serve other things: 'www.googletagmanager.com/gtag/js', ... */
export const TRACKING_URL_PREFIXES = [...new Set(VENDOR_PATTERNS
  .filter((p) => p.path && !EXEMPT.some((e) => e.host === p.host && e.path === p.path)).map((p) => p.entry))].sort();

const ROUTED_HOSTS = [...VENDOR_PATTERNS, ...EXEMPT, ...NON_TRACKING];

function urlMatches(p, url) {
  return hostMatches(p, url.hostname.toLowerCase()) && (url.pathname + url.search).startsWith(p.path);
}

/**
 * Which vendor a URL belongs to and whether it is a tracking request: { vendor, tracking } or null
 * for a URL that is no vendor's. The most specific pattern wins (gtag/js?id=AW- is Google Ads).
 */
export function classifyUrl(input) {
  const url = typeof input === 'string' ? new URL(input) : input;
  if (EXEMPT.some((p) => urlMatches(p, url))) return { vendor: 'google-tag-manager', tracking: false, reason: 'loader, not blocked' };
  if (NON_TRACKING.some((p) => urlMatches(p, url))) return { vendor: url.hostname.includes('hs-banner') ? 'hubspot' : 'callpage', tracking: false, reason: 'consent tool or support library' };
  let best = null;
  for (const p of VENDOR_PATTERNS) {
    if (!urlMatches(p, url)) continue;
    const score = p.host.length + p.path.length + (p.wildcard ? 0 : 1);
    if (!best || score > best.score) best = { score, vendor: p.vendor };
  }
  return best ? { vendor: best.vendor, tracking: true } : null;
}

/** True when the URL is a tracking request to a catalogued vendor (see the header comment). */
export function isTrackingUrl(url) {
  return classifyUrl(url)?.tracking === true;
}

// ---------------------------------------------------------------- cookies

function cookiePattern(p) {
  const name = p.split(' ')[0];
  const re = name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{digits\\\}/g, '\\d+').replace(/\*/g, '.*');
  return new RegExp(`^${re}$`);
}

/** Cookie name patterns per vendor: builtin.rs's list plus vendors.json's additions. */
export const COOKIE_PATTERNS = Object.fromEntries(Object.entries(VENDOR_DATA.vendors).map(([vendor, v]) =>
  [vendor, [...(v.cookies?.builtin ?? []), ...(v.cookies?.additions ?? [])].map(cookiePattern)]));

/** The vendor whose cookie patterns match `name`, or null. */
export function cookieVendor(name) {
  for (const [vendor, patterns] of Object.entries(COOKIE_PATTERNS)) {
    if (patterns.some((re) => re.test(name))) return vendor;
  }
  return null;
}

/**
 * Names of the tracking cookies in `jar`: an array of Playwright cookies ({ name, ... }, from
 * context.cookies()) or of names (document.cookie names).
 */
export function trackingCookieNames(jar) {
  return jar.map((c) => (typeof c === 'string' ? c : c.name)).filter((n) => cookieVendor(n) !== null);
}

// ---------------------------------------------------------------- stand-ins

const h = (host) => (u) => u.hostname === host;
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** URL -> stand-in script (files concatenated after _prelude.js), first match wins. */
const STAND_INS = [
  { when: h('www.googletagmanager.com'), path: /^\/gtm\.js$/, files: ['_google.js', 'google-tag-manager.js'] },
  { when: h('www.googletagmanager.com'), path: /^\/gtag\/js$/, files: ['_google.js', 'gtag.js'] },
  { when: h('connect.facebook.net'), path: /^\/[a-z]{2}_[A-Z]{2}\/fbevents\.js$/, files: ['meta-fbevents.js'] },
  { when: h('connect.facebook.net'), path: /^\/signals\/config\//, files: ['meta-signals-config.js'] },
  { when: h('www.clarity.ms'), path: /^\/tag\/[a-z0-9]+$/, files: ['clarity-tag.js'] },
  { when: h('scripts.clarity.ms'), path: /\/clarity\.js$/, files: ['clarity.js'] },
  { when: h('static.hotjar.com'), path: /^\/c\/hotjar-\d+\.js$/, files: ['hotjar-loader.js'] },
  { when: h('script.hotjar.com'), path: /^\/modules\.[0-9a-f]+\.js$/, files: ['hotjar-modules.js'] },
  { when: h('snap.licdn.com'), path: /^\/li\.lms-analytics\/insight\.min\.js$/, files: ['linkedin-insight.js'] },
  { when: h('analytics.tiktok.com'), path: /^\/i18n\/pixel\/events\.js$/, files: ['tiktok-events.js'] },
  { when: h('analytics.tiktok.com'), path: /^\/i18n\/pixel\/static\/main\./, files: ['tiktok-main.js'] },
  { when: h('bat.bing.com'), path: /^\/bat\.js$/, files: ['uet-bat.js'] },
  { when: h('bat.bing.com'), path: /^\/p\/action\/\d+\.js$/, files: ['uet-action.js'] },
  { when: h('s.pinimg.com'), path: /^\/ct\/core\.js$/, files: ['pinterest-core.js'] },
  { when: h('s.pinimg.com'), path: /^\/ct\/lib\/main\./, files: ['pinterest-main.js'] },
  { when: h('sc-static.net'), path: /^\/scevent\.min\.js$/, files: ['snap-scevent.js'] },
  { when: h('www.redditstatic.com'), path: /^\/ads\/pixel\.js$/, files: ['reddit-pixel.js'] },
  { when: h('static.ads-twitter.com'), path: /^\/uwt\.js$/, files: ['x-uwt.js'] },
  { when: (u) => /^js(-[a-z0-9]+)?\.hs-scripts\.com$/.test(u.hostname), path: /^\/\d+\.js$/, files: ['hubspot-loader.js'] },
  { when: h('js.hs-analytics.net'), path: /^\/analytics\/\d+\/\d+\.js$/, files: ['hubspot-analytics.js'] },
  { when: h('js.hs-banner.com'), path: /\/banner\.js$/, files: ['hubspot-banner.js'] },
  { when: h('cdn.segment.com'), path: /^\/analytics\.js\/v1\/[^/]+\/analytics\.min\.js$/, files: ['segment-analytics.js'] },
  { when: h('cdn.segment.com'), path: /^\/v1\/projects\/[^/]+\/settings$/, json: { integrations: { 'Segment.io': { apiKey: 'stand-in', apiHost: 'api.segment.io/v1' } }, plan: { track: { __default: { enabled: true } } } } },
  { when: h('api.segment.io'), path: /^\/v1\//, json: { success: true } },
  { when: (u) => u.hostname === 'cdn.matomo.cloud' || u.hostname.endsWith('.matomo.cloud'), path: /\/matomo\.js$/, files: ['matomo.js'] },
  { when: (u) => u.hostname.endsWith('.tctm.co'), path: /^\/t\.js$/, files: ['ctm-t.js'] },
  { when: h('cdn.callrail.com'), path: /^\/companies\/\d+\/[0-9a-f]+\/\d+\/swap\.js$/, files: ['callrail-swap.js'] },
  { when: h('js.callrail.com'), path: /\/icap\.js$/, files: ['callrail-icap.js'] },
  { when: h('solutions.invocacdn.com'), path: /^\/js\/invoca-latest\.min\.js$/, files: ['invoca-latest.js'] },
  { when: h('solutions.invocacdn.com'), path: /^\/js\/networks\//, files: ['invoca-tag.js'] },
  { when: h('cdn-widget.callpage.io'), path: /^\/build\/js\/callpage\.js$/, files: ['callpage-widget.js'] },
  { when: h('cdnjs.cloudflare.com'), path: /^\/ajax\/libs\/babel-polyfill\//, files: ['_empty.js'] },
];

const cache = new Map();
function standInScript(files) {
  const key = files.join('+');
  if (!cache.has(key)) {
    cache.set(key, ['_prelude.js', ...files].map((f) => fs.readFileSync(path.join(STAND_IN_DIR, f), 'utf8')).join('\n'));
  }
  return cache.get(key);
}

function fallback(resourceType) {
  if (resourceType === 'script') return { status: 200, contentType: 'application/javascript', body: '' };
  if (resourceType === 'image') return { status: 200, contentType: 'image/gif', body: GIF };
  if (resourceType === 'document') return { status: 200, contentType: 'text/html', body: '<!doctype html><title></title>' };
  return { status: 204, body: '' };
}

/**
 * Routes every vendor host of vendors.json (and the two non-tracking hosts above) in `context` to
 * the stand-ins, and appends each such request to `log`.
 */
export async function routeVendors(context, { log = [] } = {}) {
  await context.route((url) => ROUTED_HOSTS.some((p) => urlMatches(p, url)), async (route, request) => {
    const url = new URL(request.url());
    const cls = classifyUrl(url) ?? { vendor: null, tracking: false };
    const standIn = STAND_INS.find((s) => s.when(url) && s.path.test(url.pathname));
    log.push({
      url: request.url(), host: url.hostname, method: request.method(), resourceType: request.resourceType(),
      vendor: cls.vendor, tracking: cls.tracking, standIn: Boolean(standIn),
    });
    const headers = { 'access-control-allow-origin': '*', 'cache-control': 'no-store' };
    if (standIn?.files) {
      return route.fulfill({ status: 200, headers, contentType: 'application/javascript', body: standInScript(standIn.files) });
    }
    if (standIn?.json) {
      return route.fulfill({ status: 200, headers, contentType: 'application/json', body: JSON.stringify(standIn.json) });
    }
    const fb = fallback(request.resourceType());
    return route.fulfill({ ...fb, headers });
  });
  return log;
}
