// Production-traffic measurements in local workerd (issue 15), not part of the tests:
//
//   1. mixed run: browsers with cookie jars landing from ads (a gclid each) and coming back,
//      plus scripted clients (no cookies, no Fetch Metadata) at ten times the pool size per
//      hold window. Share of browsers that got a tracking number and kept their landing
//      attribution (the calls API answers their gclid for their number), and double leases
//      (one number seen by two sessions at once).
//   2. leases per second on ONE NumberPool object, driven from inside workerd: a JS driver
//      worker in the same Miniflare calls the object's stub (no Node round trip per lease).
//   3. a pool object that hangs, answers garbage or fails: page wall time until the last
//      byte, with the fallback number, against the pool timeout.
//
//   npm run bench:traffic                 (= node bench/traffic.mjs; appends to BENCHMARKS.md)
//   node bench/traffic.mjs --no-write     (prints only)
//   BENCH_BROWSERS=20 BENCH_POOL=20 BENCH_HOLD_S=4 BENCH_LEASES=5000 node bench/traffic.mjs
import { Miniflare } from 'miniflare';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOrigin } from '../tests/support/origin.mjs';
import { startWorker, ROOT, TEST_SECRET, TEST_API_TOKEN } from '../tests/support/worker.mjs';
import { siteConfig, BROWSER } from '../tests/support/config.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WRITE = !process.argv.includes('--no-write');
const POOL = Number(process.env.BENCH_POOL ?? 20);
const BROWSERS = Number(process.env.BENCH_BROWSERS ?? POOL);
const HOLD_S = Number(process.env.BENCH_HOLD_S ?? 4);
const WINDOWS = Number(process.env.BENCH_WINDOWS ?? 3);
const LEASES = Number(process.env.BENCH_LEASES ?? 4000);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 32);
const FAULT_VIEWS = Number(process.env.BENCH_FAULT_VIEWS ?? 20);

const MAIN = '+15035550142';
const FALLBACK = '+15035550199';
const numbers = (prefix, n) => Array.from({ length: n }, (_, i) => `+1503${prefix}${String(i).padStart(4, '0')}`);
const ADS = numbers('556', POOL);
const page = '<!doctype html><html><body><a href="tel:+15035550142">(503) 555-0142</a></body></html>';
const numberIn = (html) => html.match(/href="tel:(\+\d+)"/)?.[1];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
const lines = [];
const say = (s) => { console.log(s); lines.push(s); };

// ------------------------------------------------------------------ 1. mixed run
async function mixedRun(origin) {
  const config = siteConfig(origin.url, {
    targets: [{ number: MAIN, fallback: FALLBACK, sources: [{ name: 'google_ads', when: { click_ids: ['gclid'] }, numbers: ADS }] }],
    session: { provisional_hold_seconds: HOLD_S },
  });
  // US: an opt-out region, no consent signal needed (the setup).
  const w = await startWorker({ config, cf: { country: 'US' } });
  const runMs = WINDOWS * HOLD_S * 1000;
  const scriptedPerSecond = (10 * POOL) / HOLD_S;
  const scripted = { sent: 0, tracking: 0 };
  const SCRIPTED = [{ 'user-agent': 'curl/8.5.0', accept: '*/*' }, { 'user-agent': 'python-requests/2.32.3', accept: '*/*' }, { 'user-agent': 'Go-http-client/1.1' }];
  const t0 = Date.now();
  const flood = (async () => {
    const inflight = new Set();
    let i = 0;
    while (Date.now() - t0 < runMs) {
      const due = Math.floor(((Date.now() - t0) / 1000) * scriptedPerSecond);
      while (i < due) {
        const n = i++;
        const p = w.fetch(`/?gclid=BOT${n}`, { headers: SCRIPTED[n % SCRIPTED.length] })
          .then(async (r) => { scripted.sent++; if (numberIn(await r.text()) !== FALLBACK) scripted.tracking++; })
          .catch(() => {})
          .finally(() => inflight.delete(p));
        inflight.add(p);
      }
      await sleep(20);
    }
    await Promise.all(inflight);
  })();
  // Browsers arrive spread over the run; each lands, then views two more pages with its cookie.
  const observations = [];
  const browsers = Array.from({ length: BROWSERS }, (_, b) => (async () => {
    await sleep((b / BROWSERS) * runMs * 0.8);
    let cookie = null;
    const seen = [];
    for (let v = 0; v < 3; v++) {
      const url = v === 0 ? `/?gclid=REAL${b}&utm_source=google` : '/next';
      const headers = { ...BROWSER, ...(cookie ? { cookie } : {}), ...(v === 0 ? { 'sec-fetch-site': 'cross-site', referer: 'https://www.google.com/' } : { 'sec-fetch-site': 'same-origin' }) };
      const r = await w.fetch(url, { headers });
      const n = numberIn(await r.text());
      const set = r.headers.getSetCookie().find((c) => c.startsWith('ct1001='));
      if (set) cookie = set.split(';')[0];
      seen.push({ n, at: Date.now() });
      observations.push({ b, n, at: Date.now() });
      await sleep(HOLD_S * 1000 * 0.6);
    }
    return { b, seen };
  })());
  const results = await Promise.all(browsers);
  await flood;
  // Attribution: the calls API, asked for each browser's tracking number at the time it saw it.
  let good = 0, tracked = 0;
  for (const { b, seen } of results) {
    const hit = seen.find((s) => s.n && s.n !== FALLBACK);
    if (!hit) continue;
    tracked++;
    const r = await w.fetch('/__dni/calls', { method: 'POST', headers: { authorization: `Bearer ${TEST_API_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ called: hit.n, at: hit.at }) });
    const j = await r.json();
    if (j.attribution?.click_ids?.gclid === `REAL${b}` && j.attribution?.source === 'google_ads') good++;
  }
  // Double leases: a number seen by two browsers (each keeps its number for the whole run).
  const holders = new Map();
  for (const o of observations) if (o.n && o.n !== FALLBACK) (holders.get(o.n) ?? holders.set(o.n, new Set()).get(o.n)).add(o.b);
  const doubles = [...holders.values()].filter((s) => s.size > 1).length;
  await w.dispose();
  return { tracked, good, doubles, scripted, runMs, scriptedPerSecond };
}

// ------------------------------------------------------------------ 2. leases/s inside workerd
const DRIVER = `
export default {
  async fetch(request, env) {
    const { total, inflight, batch, numbers, policy } = await request.json();
    const stub = env.POOLS.get(env.POOLS.idFromName('bench/+15035550142/google_ads'));
    const hex = (n) => n.toString(16).padStart(32, '0');
    const attribution = { source: 'google_ads', landing_url: 'https://www.example.com/?gclid=x', click_ids: { gclid: 'x' }, landed_at_ms: Date.now() };
    // The pool protocol is externally tagged (src/pool/protocol.rs): { op: { lease: {...} } }.
    const wire = ({ op, ...fields }) => ({ [op]: op === 'batch' ? { ops: fields.ops.map(wire) } : fields });
    const call = async (op) => (await stub.fetch('https://pool.internal/op', { method: 'POST', body: JSON.stringify({ op: wire(op), now_ms: Date.now(), numbers, policy }) })).json();
    await call({ op: 'stats', days: 1 }); // the object syncs its numbers once
    let next = 0, leased = 0, overflow = 0, other = 0;
    const t0 = Date.now();
    const count = (a) => { const o = a.lease?.outcome; if (o?.leased) leased++; else if (o === 'overflow') overflow++; else other++; };
    async function lane() {
      while (next < total) {
        if (batch > 1) {
          const ops = [];
          while (ops.length < batch && next < total) ops.push({ op: 'lease', session: hex(++next), attribution, provisional: true });
          const r = await call({ op: 'batch', ops });
          (r.batch?.replies ?? []).forEach(count);
        } else {
          count(await call({ op: 'lease', session: hex(++next), attribution, provisional: true }));
        }
      }
    }
    await Promise.all(Array.from({ length: inflight }, lane));
    const ms = Date.now() - t0;
    return Response.json({ total, ms, leased, overflow, other });
  },
};`;

async function leasesPerSecond() {
  const worker = {
    name: 'consent-dni', modules: true, scriptPath: path.join(ROOT, 'build/index.js'),
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'], fallthrough: true }],
    compatibilityDate: fs.readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8').match(/^compatibility_date\s*=\s*"([^"]+)"/m)[1],
    durableObjects: { POOLS: { className: 'NumberPool', useSQLite: true } },
    bindings: { DNI_SECRET: TEST_SECRET, DNI_API_TOKEN: TEST_API_TOKEN },
  };
  const driver = { name: 'driver', modules: true, script: DRIVER, compatibilityDate: worker.compatibilityDate, durableObjects: { POOLS: { className: 'NumberPool', scriptName: 'consent-dni', useSQLite: true } } };
  const mf = new Miniflare({ workers: [driver, worker] });
  await mf.ready;
  const pool = numbers('557', 50);
  // Leases idle out after 20 ms and provisional holds last 5 ms: numbers recycle all the time.
  const policy = { idle_ms: 20, provisional_hold_ms: 5, history_retention_ms: 86_400_000 };
  const run = async (total, inflight, batch) => (await mf.dispatchFetch('http://driver/', { method: 'POST', body: JSON.stringify({ total, inflight, batch, numbers: pool, policy }) })).json();
  await run(200, 8, 1); // warm-up
  const rows = [];
  for (const [inflight, batch] of [[1, 1], [IN_FLIGHT, 1], [1, 16], [4, 16], [4, 64]]) rows.push({ inflight, batch, ...(await run(LEASES, inflight, batch)) });
  await mf.dispose();
  return rows;
}

// ------------------------------------------------------------------ 3. failing pool objects
async function faultyPools(origin) {
  const rows = [];
  for (const mode of ['hang', 'garbage', 'error']) {
    const config = siteConfig(origin.url, { targets: [{ number: MAIN, fallback: FALLBACK, sources: [{ name: 'default', numbers: ADS.slice(0, 3) }] }] });
    const w = await startWorker({ config, cf: { country: 'US' }, faultyPools: mode });
    const times = [];
    let fallbacks = 0;
    for (let i = 0; i < FAULT_VIEWS; i++) {
      const t = performance.now();
      const r = await w.fetch(`/?v=${i}`, { headers: BROWSER });
      if (numberIn(await r.text()) === FALLBACK) fallbacks++;
      times.push(performance.now() - t);
    }
    await w.dispose();
    rows.push({ mode, fallbacks, p50: quantile(times, 0.5), max: Math.max(...times) });
  }
  return rows;
}

// ------------------------------------------------------------------ run
const origin = await startOrigin({ '/': { headers: { 'content-type': 'text/html' }, body: page }, '/next': { headers: { 'content-type': 'text/html' }, body: page } });
const machine = `${os.cpus().length} CPUs (${os.cpus()[0]?.model?.trim()}), load avg ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`;
say(`### Run of ${new Date().toISOString()} (\`node bench/traffic.mjs\`)`);
say('');
say(`Machine: ${machine}.`);
say('');
const m = await mixedRun(origin);
const share = m.good / BROWSERS;
say(`**Mixed run** (${(m.runMs / 1000).toFixed(0)} s; ${POOL}-number ads pool; hold ${HOLD_S} s; opt-out region): ${BROWSERS} browsers with cookie jars (landing with a gclid, two more views), ${m.scripted.sent} scripted-client page views (${m.scriptedPerSecond.toFixed(0)}/s = 10 × pool per hold window, no cookies, no Fetch Metadata).`);
say('');
say('| browsers | got a tracking number | kept their landing attribution (calls API: their gclid, source google_ads) | share | double leases | scripted views given a tracking number |');
say('|---|---|---|---|---|---|');
say(`| ${BROWSERS} | ${m.tracked} | ${m.good} | ${(share * 100).toFixed(1)} % | ${m.doubles} | ${m.scripted.tracking} of ${m.scripted.sent} |`);
say('');
const l = await leasesPerSecond();
say('**Leases per second on one NumberPool object**, driven from a JS worker inside the same workerd (each lease a provisional `lease` op with its attribution; 50-number pool, leases idle out after 20 ms so numbers recycle). One request = one storage transaction; a `batch` request carries several leases in one:');
say('');
say('| requests in flight | leases per request | leases | ms | leases/s | leased | overflow |');
say('|---|---|---|---|---|---|---|');
for (const r of l) say(`| ${r.inflight} | ${r.batch} | ${r.total} | ${r.ms} | ${Math.round((r.total / r.ms) * 1000)} | ${r.leased} | ${r.overflow} |`);
say('');
const f = await faultyPools(origin);
say(`**A failing pool object** (POOLS bound to a stand-in; \`session.pool_timeout_ms\` = 300, the default): ${FAULT_VIEWS} first page views each, wall time until the last byte, from Node.`);
say('');
say('| pool object | fallback shown | p50 ms | max ms |');
say('|---|---|---|---|');
for (const r of f) say(`| ${r.mode === 'hang' ? 'never answers' : r.mode === 'garbage' ? 'answers 200 with garbage' : 'answers 500'} | ${r.fallbacks} of ${FAULT_VIEWS} | ${r.p50.toFixed(0)} | ${r.max.toFixed(0)} |`);
await origin.close();
if (WRITE) {
  const file = path.join(HERE, '..', 'BENCHMARKS.md');
  fs.appendFileSync(file, `\n${lines.join('\n')}\n`);
  console.log(`\nappended to ${path.relative(process.cwd(), file)}`);
}
