// End-to-end benchmark in workerd (one Miniflare instance, several workers, one process):
//   origin      JS worker serving the bench pages from memory in 16 KiB slices
//   pass-js     `return fetch(request)` to the origin: the floor
//   rust-noop   consent-dni with no targets and consent granted: nothing applies
//   rust        consent-dni, full pipeline (build/), consent granted / declined
//   rust-16k, rust-256k   the same with DNI_OUTPUT_CHUNK_BYTES = 16384 / 262144
//   rust-size   another build side by side: BENCH_ALT=<dir> (label BENCH_ALT_LABEL), else
//               bench/build-size/ (the opt-level "s" experiment) if built
// BENCH_CORE=1 measures only pass-through, nothing applies, granted, declined, the JS twin and
// the other build (not the chunk-size and BYOB experiments).
//   js-*        the same swap job with the runtime's HTMLRewriter (bench/js-worker.mjs)
// Checks first that the JS and Rust outputs are identical (declined: fallback numbers,
// neutralised vendor scripts and inline snippets, the Consent Mode block), then warms up and
// measures every case interleaved, wall time per request from Node (dispatchFetch + reading
// the whole body) and workerd's CPU time (sum of its threads' /proc schedstat) per request. Prints the table and appends it to
// BENCHMARKS.md.
//
//   npm run bench                     (= node bench/run.mjs)
//   node bench/run.mjs --quick        (fewer requests, no BENCHMARKS.md update)
//   BENCH_N100=30 BENCH_N700=15 node bench/run.mjs
import { Miniflare } from 'miniflare';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writePages, nextLikePage, prng } from './pages.mjs';
import { siteConfig, tcAccept, tcDecline, mainTarget } from '../tests/support/config.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const QUICK = process.argv.includes('--quick');
const NO_WRITE = QUICK || process.argv.includes('--no-write');
const N = { '100k': Number(process.env.BENCH_N100 ?? (QUICK ? 5 : 30)), '700k': Number(process.env.BENCH_N700 ?? (QUICK ? 3 : 15)), 'next-300k': Number(process.env.BENCH_N300 ?? (QUICK ? 5 : 20)) };
const WARMUP = QUICK ? 2 : 5;
const SLICE = 16 * 1024;
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';

const compatibilityDate = fs.readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8').match(/^compatibility_date\s*=\s*"([^"]+)"/m)[1];

// ---------------------------------------------------------------- pages and configs
// BENCH_PAGES=tag-heavy: the vendor fixture pages (every catalogued vendor's documented snippet,
// tests/fixtures/vendors/tag-heavy-*.html) instead of the generated ones, to measure the tag
// firewall's cost: pass-through, nothing applies, granted (no firewall) and declined (firewall).
// BENCH_PAGES=next: a Next.js app-router page of 300 KB, half of it inline RSC payload (issue 13:
// numbers swapped in the payload too), same four cases.
const TAG_HEAVY = process.env.BENCH_PAGES === 'tag-heavy';
const NEXT = process.env.BENCH_PAGES === 'next';
const FEW_CASES = TAG_HEAVY || NEXT;
const pages = TAG_HEAVY
  ? Object.fromEntries(['100k', '700k'].map((k) => [k, fs.readFileSync(path.join(ROOT, `tests/fixtures/vendors/tag-heavy-${k}.html`), 'utf8')]))
  : NEXT ? { 'next-300k': nextLikePage() } : writePages();
const FIRST_PAGE = Object.keys(pages)[0];

const TARGETS = [
  mainTarget({ ads: ['+15035550150', '+15035550151'], pool: ['+15035550170', '+15035550171', '+15035550172'] }),
  { number: '+15035550187', fallback: '+15035550198', sources: [{ name: 'default', numbers: ['+15035550180', '+15035550181'] }] },
  { number: '+442079460018', fallback: '+442079460999', sources: [{ name: 'default', numbers: ['+442079460100', '+442079460101'] }] },
];
// Node's fetch (undici, under dispatchFetch) replaces Sec-Fetch-Mode with `cors`, so the bench's
// navigations cannot carry Fetch Metadata: leases here require the browser headers only (as
// for a browser without Fetch Metadata). The gate itself is tested in tests/e2e/traffic.test.mjs.
const session = { lease_requires: { fetch_metadata: false } };
const FULL_CONFIG = siteConfig('origin', { targets: TARGETS, session });
// No targets and no Consent Mode block: nothing applies, the body never enters the wasm.
const NOOP_CONFIG = siteConfig('origin', { targets: [], session, vendors: { consent_mode: { insert: 'off' } } });
/** The Consent Mode default block consent-dni inserts (src/response/consent_mode.rs, 500 ms). */
const consentModeScript = (granted) => {
  const s = granted ? 'granted' : 'denied';
  return "window.dataLayer=window.dataLayer||[];window.gtag=window.gtag||function(){dataLayer.push(arguments)};"
    + `gtag('consent','default',{'ad_storage':'${s}','ad_user_data':'${s}','ad_personalization':'${s}','analytics_storage':'${s}','functionality_storage':'${s}','personalization_storage':'${s}','security_storage':'granted','wait_for_update':500});`
    + (granted ? '' : "gtag('set','ads_data_redaction',true);");
};

const ORIGIN_SRC = `
const cache = new Map();
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const name = url.pathname.replace(/^\\/p\\//, '');
    let bytes = cache.get(name);
    if (!bytes) {
      const html = env.PAGES[name];
      if (html === undefined) return new Response('no such page', { status: 404 });
      bytes = new TextEncoder().encode(html);
      cache.set(name, bytes);
    }
    let at = 0;
    const body = new ReadableStream({
      pull(controller) {
        if (at >= bytes.length) { controller.close(); return; }
        controller.enqueue(bytes.slice(at, at + ${SLICE}));
        at += ${SLICE};
      },
    });
    const headers = new Headers({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'max-age=60' });
    headers.append('set-cookie', 'sid=abc123; Path=/; HttpOnly');
    headers.append('set-cookie', '_fbp=fb.1.1700000000000.123456789; Path=/; Max-Age=7776000');
    return new Response(body, { headers });
  },
};`;

// ---------------------------------------------------------------- workers
const rustModules = (dir) => ({
  modules: true,
  scriptPath: path.join(dir, 'index.js'),
  modulesRoot: dir,
  modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'], fallthrough: true }],
  durableObjects: { POOLS: { className: 'NumberPool', useSQLite: true } },
});
const rustWorker = (name, dir, { config = FULL_CONFIG, chunk, entry } = {}) => ({
  name,
  ...rustModules(dir),
  ...(entry ? {
    scriptPath: entry,
    modulesRoot: ROOT,
    modulesRules: [{ type: 'ESModule', include: ['**/*.js'] }, { type: 'CompiledWasm', include: ['**/*.wasm'], fallthrough: true }],
  } : {}),
  compatibilityDate,
  routes: [`${name}.bench/*`],
  outboundService: 'origin',
  bindings: {
    DNI_CONFIG: config,
    DNI_SECRET: SECRET,
    DNI_API_TOKEN: 'bench-api-token-abcdefghijklmnop',
    DNI_STATS_FLUSH_SECONDS: '86400',
    ...(chunk ? { DNI_OUTPUT_CHUNK_BYTES: String(chunk) } : {}),
  },
});
const jsWorker = (name, swap) => ({
  name,
  modules: true,
  scriptPath: path.join(HERE, 'js-worker.mjs'),
  compatibilityDate,
  routes: [`${name}.bench/*`],
  outboundService: 'origin',
  bindings: { SWAP: swap },
});
const fallbackSwaps = TARGETS.map((t) => [t.number, t.fallback]);

const SIZE_DIR = process.env.BENCH_ALT ? path.resolve(process.env.BENCH_ALT) : path.join(HERE, 'build-size');
const SIZE_LABEL = process.env.BENCH_ALT_LABEL ?? (process.env.BENCH_ALT ? path.basename(SIZE_DIR) : 'opt-level "s"');
const haveSize = fs.existsSync(path.join(SIZE_DIR, 'index.js')) && fs.existsSync(path.join(SIZE_DIR, 'index_bg.wasm'));

const workers = [
  { name: 'origin', modules: true, script: ORIGIN_SRC, compatibilityDate, bindings: { PAGES: pages } },
  { name: 'pass-js', modules: true, script: 'export default { fetch: (request) => fetch(request) };', compatibilityDate, routes: ['pass-js.bench/*'], outboundService: 'origin' },
  rustWorker('rust-noop', path.join(ROOT, 'build'), { config: NOOP_CONFIG }),
  rustWorker('rust', path.join(ROOT, 'build')),
  rustWorker('rust-16k', path.join(ROOT, 'build'), { chunk: 16384 }),
  rustWorker('rust-256k', path.join(ROOT, 'build'), { chunk: 262144 }),
  ...(haveSize ? [rustWorker('rust-size', SIZE_DIR)] : []),
  rustWorker('rust-byob', path.join(ROOT, 'build'), { entry: path.join(HERE, 'byob-entry.mjs') }),
  jsWorker('js-declined', { swaps: fallbackSwaps, scripts: true, declined: ['functional', 'analytics', 'marketing'], consentMode: consentModeScript(false) }),
  // granted: the JS version swaps to fixed pool numbers (the Rust one gets its lease).
  jsWorker('js-granted', { swaps: TARGETS.map((t) => [t.number, t.sources.at(-1).numbers[0]]), scripts: false, consentMode: consentModeScript(true) }),
];

const declinedCookie = () => `TC_PRIVACY=${tcDecline()}; _ga=GA1.1.1234567890.1700000000; _fbp=fb.1.1700000000000.123; _hjSessionUser_3141592=eyJpZCI6IjEifQ; cart=3`;
const grantedCookie = () => `TC_PRIVACY=${tcAccept([2, 3, 4])}; _ga=GA1.1.1234567890.1700000000; cart=3`;
// identity: local workerd would otherwise gzip every text/html response (CPU the edge spends
// outside the worker, and a stream that holds output back), the same for every case.
const baseHeaders = { 'user-agent': UA, accept: 'text/html,application/xhtml+xml', 'accept-language': 'en-US,en;q=0.9', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'accept-encoding': 'identity' };

// ---------------------------------------------------------------- measuring
// workerd's stdout/stderr (the worker's log line per request) must be READ: left unread,
// the 64 KiB pipe fills after a few hundred requests and workerd blocks on its next
// console.log, so every isolate on that thread stops answering (the "hang" of long runs).
// Drained and dropped, or written to BENCH_LOG.
const runtimeLog = process.env.BENCH_LOG ? fs.createWriteStream(process.env.BENCH_LOG) : null;
const T0 = Date.now();
const mf = new Miniflare({
  workers,
  handleRuntimeStdio(stdout, stderr) {
    for (const s of [stdout, stderr]) {
      if (runtimeLog) s.on('data', (d) => runtimeLog.write(`[${((Date.now() - T0) / 1000).toFixed(1)}s] ${d}`));
      else s.resume();
    }
  },
});
await mf.ready;

function workerdPids() {
  const pids = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const m = stat.match(/^\d+ \((.*)\) \S (\d+)/);
      if (m && m[1].startsWith('workerd') && Number(m[2]) === process.pid) pids.push(Number(d));
    } catch { /* gone */ }
  }
  return pids;
}
const WORKERD = workerdPids();
/** Nanoseconds of CPU used so far by all threads of workerd. */
function workerdCpuNs() {
  let ns = 0;
  for (const pid of WORKERD) {
    for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
      try { ns += Number(fs.readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]); } catch { /* thread gone */ }
    }
  }
  return ns;
}

async function request(host, page, cookie) {
  const headers = { ...baseHeaders, ...(cookie ? { cookie } : {}) };
  const r = await mf.dispatchFetch(`http://${host}.bench/p/${page}`, { headers, redirect: 'manual' });
  const chunks = [];
  for await (const c of r.body) chunks.push(c);
  return { status: r.status, headers: r.headers, body: Buffer.concat(chunks).toString('utf8') };
}

/** Rejects when a request takes longer than a minute (a hang, reported with its case). */
function deadline(promise, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no complete response after 60 s`)), 60_000); }),
  ]);
}

const hangs = [];
async function timed(host, page, cookie) {
  try {
    return await deadline(timedOnce(host, page, cookie), `${host} ${page} (${cookie?.includes(tcDecline().slice(0, 6)) ? 'declined' : cookie ? 'granted' : 'no cookie'})`);
  } catch (e) {
    hangs.push(e.message);
    console.error(`HANG: ${e.message}`);
    return null;
  }
}

async function timedOnce(host, page, cookie) {
  const headers = { ...baseHeaders, ...(cookie ? { cookie } : {}) };
  const cpu0 = workerdCpuNs();
  const t0 = process.hrtime.bigint();
  const r = await mf.dispatchFetch(`http://${host}.bench/p/${page}`, { headers, redirect: 'manual' });
  let bytes = 0;
  let first = null;
  for await (const c of r.body) {
    if (first === null) first = process.hrtime.bigint();
    bytes += c.length;
  }
  const t1 = process.hrtime.bigint();
  const cpu1 = workerdCpuNs();
  if (r.status !== 200) throw new Error(`${host} ${page}: status ${r.status}`);
  return { wall: Number(t1 - t0) / 1e6, ttfb: Number((first ?? t1) - t0) / 1e6, cpu: (cpu1 - cpu0) / 1e6, bytes };
}

// Consent granted: a first view leases tracking numbers (Durable Object) and sets a
// provisional session cookie; the second view confirms the lease (one more call) and updates
// it. The measured views send the final cookie back: ordinary page views, no DO call (checked:
// they set no cookie of ours).
const ownCookies = (r) => r.headers.getSetCookie().map((c) => c.split(';')[0]).filter((c) => !/^(sid|_fbp)=/.test(c));
async function sessionCookie(host) {
  const jar = new Map();
  const cookie = () => [grantedCookie(), ...[...jar].map(([k, v]) => `${k}=${v}`)].join('; ');
  for (let view = 0; view < 4; view++) {
    const own = ownCookies(await request(host, FIRST_PAGE, cookie()));
    if (view > 0 && !own.length) return cookie();
    for (const c of own) { const i = c.indexOf('='); jar.set(c.slice(0, i), c.slice(i + 1)); }
  }
  throw new Error(`${host}: the session cookie keeps changing after 4 consented views`);
}

function firstDiff(a, b) {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}

const failures = [];
const check = (ok, msg) => { if (!ok) { failures.push(msg); console.error(`CHECK FAILED: ${msg}`); } };

const granted = {};
for (const w of workers.filter((w) => w.name.startsWith('rust') && w.name !== 'rust-noop')) granted[w.name] = await sessionCookie(w.name);
granted['rust-noop'] = grantedCookie();

// ---------------------------------------------------------------- equivalence checks
for (const page of TAG_HEAVY ? Object.keys(pages) : []) {
  const src = pages[page];
  const rd = (await request('rust', page, declinedCookie())).body;
  const live = (rd.match(/<script(?![^>]*type="text\/plain")[^>]*src="[^"]*(facebook|hotjar|bing|licdn|tiktok|pinimg|clarity)/g) ?? []).length;
  const neutralised = (rd.match(/type="text\/plain" data-consent-category=/g) ?? []).length;
  check(live === 0 && neutralised >= 15, `${page}: declined output neutralises every vendor (${neutralised} neutralised, ${live} live)`);
  check(rd.includes('<script data-dni-consent-mode>'), `${page}: declined output carries the Consent Mode default`);
  const rg = (await request('rust', page, granted.rust)).body;
  check(!rg.includes('type="text/plain" data-consent-category='), `${page}: granted output neutralises nothing`);
  check((await request('pass-js', page)).body === src, `${page}: pass-js passes the page through unchanged`);
}
for (const page of NEXT ? Object.keys(pages) : []) {
  const src = pages[page];
  const rd = (await request('rust', page, declinedCookie())).body;
  const rg = (await request('rust', page, granted.rust)).body;
  const rows = (s) => (s.match(/self\.__next_f\.push/g) ?? []).length;
  check(rd.length === src.length + (rd.match(/<script data-dni-[^>]*>[\s\S]*?<\/script>/g) ?? []).join('').length, `${page}: declined output differs from the page only by digits and inserted scripts`);
  check(rows(rd) === rows(src) && /\\"e164\\":\\"\+15035550199\\"/.test(rd), `${page}: declined RSC rows carry the fallback`);
  check(/\\"e164\\":\\"\+1503555017\d\\"/.test(rg) && rg.includes('data-dni-hydration-guard'), `${page}: granted RSC rows carry the tracking number, the guard is in`);
  check((await request('pass-js', page)).body === src, `${page}: pass-js passes the page through unchanged`);
  console.log(`${page}: ${Buffer.byteLength(src)} bytes, ${rows(src)} RSC scripts`);
}
for (const page of FEW_CASES ? [] : Object.keys(pages)) {
  const src = pages[page];
  const rd = (await request('rust', page, declinedCookie())).body;
  const jd = (await request('js-declined', page, declinedCookie())).body;
  const swaps = (rd.match(/555-0199|555 0199|555\.0199|5550199/g) ?? []).length;
  check(rd !== src && swaps > 10, `${page}: Rust declined output swaps fallback numbers (${swaps})`);
  check(rd.includes('type="text/plain" data-consent-category="marketing"'), `${page}: Rust declined output neutralises scripts`);
  if (rd !== jd) {
    const at = firstDiff(rd, jd);
    check(false, `${page}: JS and Rust declined outputs differ at byte ${at}:\n  rust: ${JSON.stringify(rd.slice(Math.max(0, at - 80), at + 80))}\n  js:   ${JSON.stringify(jd.slice(Math.max(0, at - 80), at + 80))}`);
  } else console.log(`${page}: JS HTMLRewriter and Rust outputs identical (declined), ${swaps} fallback numbers, ${Buffer.byteLength(rd)} bytes`);
  const rgr = await request('rust', page, granted.rust);
  const rg = rgr.body;
  check(!ownCookies(rgr).length, `${page}: a returning consented view sets no session cookie (no lease call)`);
  check(/555-017\d|555-015\d/.test(rg) && !rg.includes('(503) 555-0142</a>'), `${page}: Rust granted output has tracking numbers`);
  for (const w of ['rust-16k', 'rust-256k', 'rust-byob', ...(haveSize ? ['rust-size'] : [])]) {
    check((await request(w, page, declinedCookie())).body === rd, `${page}: ${w} declined output equals rust's`);
  }
  check((await request('rust-noop', page, grantedCookie())).body === src, `${page}: rust-noop passes the page through unchanged`);
  check((await request('pass-js', page)).body === src, `${page}: pass-js passes the page through unchanged`);
}

// ---------------------------------------------------------------- cases
const CASES = [
  { id: 'pass-js', label: 'pass-through: JS `fetch(request)`', host: 'pass-js', cookie: () => undefined },
  { id: 'rust-noop', label: 'consent-dni, nothing applies (no targets)', host: 'rust-noop', cookie: () => granted['rust-noop'] },
  { id: 'rust-granted', label: 'consent-dni, consent granted (tracking numbers)', host: 'rust', cookie: () => granted.rust },
  { id: 'rust-declined', label: 'consent-dni, declined (fallbacks, scripts, cookies)', host: 'rust', cookie: declinedCookie },
  { id: 'js-granted', label: 'JS HTMLRewriter, swap (granted)', host: 'js-granted', cookie: () => undefined },
  { id: 'js-declined', label: 'JS HTMLRewriter, declined (fallbacks + scripts)', host: 'js-declined', cookie: declinedCookie },
  { id: 'rust-declined-16k', label: 'consent-dni declined, output chunks 16 KiB', host: 'rust-16k', cookie: declinedCookie },
  { id: 'rust-declined-256k', label: 'consent-dni declined, output chunks 256 KiB', host: 'rust-256k', cookie: declinedCookie },
  { id: 'rust-granted-16k', label: 'consent-dni granted, output chunks 16 KiB', host: 'rust-16k', cookie: () => granted['rust-16k'] },
  { id: 'rust-granted-256k', label: 'consent-dni granted, output chunks 256 KiB', host: 'rust-256k', cookie: () => granted['rust-256k'] },
  { id: 'byob-granted', label: 'experiment: granted, input re-read by a 64 KiB BYOB reader', host: 'rust-byob', cookie: () => granted['rust-byob'] },
  { id: 'byob-declined', label: 'experiment: declined, input re-read by a 64 KiB BYOB reader', host: 'rust-byob', cookie: declinedCookie },
  ...(haveSize ? [
    { id: 'size-granted', label: `consent-dni ${SIZE_LABEL}, granted`, host: 'rust-size', cookie: () => granted['rust-size'] },
    { id: 'size-declined', label: `consent-dni ${SIZE_LABEL}, declined`, host: 'rust-size', cookie: declinedCookie },
  ] : []),
];

if (FEW_CASES || process.env.BENCH_CORE) {
  const keep = new Set(['pass-js', 'rust-noop', 'rust-granted', 'rust-declined', ...(FEW_CASES ? [] : ['js-granted', 'js-declined', 'size-granted', 'size-declined'])]);
  for (let i = CASES.length - 1; i >= 0; i--) if (!keep.has(CASES[i].id)) CASES.splice(i, 1);
}

/** A Fisher-Yates shuffle with a seeded PRNG (`prng` of pages.mjs). */
function shuffled(xs, random) {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
};

const results = {};
for (const page of Object.keys(pages)) {
  for (let i = 0; i < WARMUP; i++) for (const c of CASES) await timed(c.host, page, c.cookie());
  const samples = Object.fromEntries(CASES.map((c) => [c.id, []]));
  const random = prng(page.length);
  for (let round = 0; round < N[page]; round++) {
    // Interleave in a new shuffled order each round, so no case always follows the same one.
    // (A rotation kept the cyclic order: the case after the JS twin always paid for the twin's
    // background GC in workerd's CPU; the same build in two slots differed by up to 2 ms.)
    for (const c of shuffled(CASES, random)) {
      const t = await timed(c.host, page, c.cookie());
      if (t) samples[c.id].push(t);
    }
  }
  results[page] = Object.fromEntries(CASES.map((c) => {
    const s = samples[c.id];
    const w = s.map((x) => x.wall);
    const cpu = s.map((x) => x.cpu);
    const tt = s.map((x) => x.ttfb);
    return [c.id, {
      n: s.length, bytes: s[0].bytes,
      wall: { p10: quantile(w, 0.1), median: quantile(w, 0.5), p90: quantile(w, 0.9) },
      cpu: { p10: quantile(cpu, 0.1), median: quantile(cpu, 0.5), p90: quantile(cpu, 0.9) },
      ttfb: { median: quantile(tt, 0.5) },
    }];
  }));
  process.stderr.write(`measured ${page}\n`);
}
await mf.dispose();

// ---------------------------------------------------------------- report
const f1 = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const f2 = (x) => x.toFixed(2);
const jsFor = (id) => (id.includes('declined') ? 'js-declined' : id.includes('granted') ? 'js-granted' : null);
function table() {
  const lines = [];
  for (const page of Object.keys(pages)) {
    const R = results[page];
    const pass = R['pass-js'];
    lines.push('', `**${TAG_HEAVY ? 'tag-heavy ' : ''}${NEXT ? 'Next.js app router ' : ''}${page} page** (${Buffer.byteLength(pages[page])} bytes; ${N[page]} requests per case, after ${WARMUP} warm-up rounds)`, '');
    lines.push('| case | wall ms median (p10–p90) | × pass-through | workerd CPU ms median (p10–p90) | CPU × pass-through | JS HTMLRewriter ÷ this (wall / CPU) | TTFB ms |');
    lines.push('|---|---|---|---|---|---|---|');
    for (const c of CASES) {
      const r = R[c.id];
      const js = jsFor(c.id);
      const vsJs = js && R[js] && !c.id.startsWith('js') ? `${f1(R[js].wall.median / r.wall.median)}× / ${f1(R[js].cpu.median / r.cpu.median)}×` : '';
      lines.push(`| ${c.label} | ${f1(r.wall.median)} (${f1(r.wall.p10)}–${f1(r.wall.p90)}) | ${f2(r.wall.median / pass.wall.median)} | ${f1(r.cpu.median)} (${f1(r.cpu.p10)}–${f1(r.cpu.p90)}) | ${f2(r.cpu.median / pass.cpu.median)} | ${vsJs} | ${f1(r.ttfb.median)} |`);
    }
  }
  return lines.join('\n');
}
function gz(file) {
  if (!fs.existsSync(file)) return null;
  return { raw: fs.statSync(file).size, gzip: Number(execSync(`gzip -9 -c ${JSON.stringify(file)} | wc -c`).toString().trim()) };
}
const sizes = [['build/ (release build)', gz(path.join(ROOT, 'build/index_bg.wasm'))], [`${path.relative(ROOT, SIZE_DIR)} (${SIZE_LABEL})`, haveSize ? gz(path.join(SIZE_DIR, 'index_bg.wasm')) : null]];
const workerdVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/workerd/package.json'), 'utf8')).version;
const miniflareVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/miniflare/package.json'), 'utf8')).version;
const machine = `${os.cpus().length} CPUs (nproc ${execSync('nproc').toString().trim()}), ${os.cpus()[0].model}, ${os.platform()} ${os.release()}, load avg at end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`;
const report = [
  `### Run of ${new Date().toISOString()}`,
  '',
  `Machine: ${machine}. Node ${process.version}, workerd ${workerdVersion} (Miniflare ${miniflareVersion}), compatibility date ${compatibilityDate}.`,
  `Origin: JS worker, 16 KiB slices, in the same workerd. Wall = \`dispatchFetch\` until the last body byte, from Node; CPU = workerd process CPU (all threads, /proc schedstat) during the request, so it includes the origin worker and workerd's HTTP handling (see the pass-through row).`,
  hangs.length ? `\n**Requests that never completed (dropped from the samples):**\n${hangs.map((h) => `- ${h}`).join('\n')}\n` : '',
  failures.length ? `\n**Checks failed:**\n${failures.map((f) => `- ${f}`).join('\n')}` : (TAG_HEAVY ? 'Checks: declined output neutralises every vendor on each page and carries the Consent Mode default; granted output neutralises nothing; pass-through rows byte-identical to the page.'
    : NEXT ? 'Checks: declined output differs from the page only by digits and inserted scripts, its RSC rows carry the fallback; granted RSC rows carry a tracking number and the hydration guard is in; pass-through rows byte-identical to the page.'
    : 'Checks: JS HTMLRewriter output identical to consent-dni\'s (declined) on both pages; chunk-size, BYOB and other-build variants identical to the default build; pass-through rows byte-identical to the page.'),
  table(),
  '',
  '| wasm | raw bytes | gzip -9 bytes |',
  '|---|---|---|',
  ...sizes.filter(([, s]) => s).map(([n, s]) => `| ${n} | ${s.raw.toLocaleString('en')} | ${s.gzip.toLocaleString('en')} |`),
  '',
].join('\n');
console.log(`\n${report}`);
fs.mkdirSync(path.join(HERE, 'results'), { recursive: true });
fs.writeFileSync(path.join(HERE, 'results', `run-${Date.now()}.json`), JSON.stringify({ machine, workerdVersion, N, results, sizes, failures }, null, 2));
if (!NO_WRITE) {
  fs.appendFileSync(path.join(ROOT, 'BENCHMARKS.md'), `\n${report}`);
  console.log('appended to BENCHMARKS.md');
}
if (failures.length) process.exitCode = 1;
