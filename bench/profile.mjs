// Where the time of one request goes inside the worker's isolate: V8's sampling CPU profiler
// (the DevTools protocol, through Miniflare's inspector proxy) on consent-dni while it serves
// the bench pages, granted and declined. Prints self time per function and per crate (wasm
// functions carry their Rust names when the build keeps the name section: see BENCHMARKS.md,
// "Profile"), and inclusive time for the pipeline's main steps, in ms per request.
//
//   node bench/profile.mjs [--build DIR] [--n 20] [--interval-us 50] [--top 25] [--json FILE]
//   node bench/profile.mjs --cold [--build DIR]   only the isolate's first request
//   node bench/profile.mjs --noop [--pages 100k]  the "nothing applies" worker (no targets, no
//                                                 Consent Mode block: the body is not rewritten)
//   --pages 100k,700k / --cases granted,declined  only these pages / visitors
//
// DIR defaults to build/. worker-build keeps the wasm's name section (it runs wasm-opt with
// --debuginfo), so wasm functions show their Rust names without a special build.
import { Miniflare } from 'miniflare';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { writePages } from './pages.mjs';
import { siteConfig, tcAccept, tcDecline, mainTarget } from '../tests/support/config.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const BUILD = path.resolve(ROOT, arg('build', 'build'));
const N = Number(arg('n', 20));
const INTERVAL_US = Number(arg('interval-us', 50));
const TOP = Number(arg('top', 25));
const JSON_OUT = arg('json', null);
const NOOP = process.argv.includes('--noop');
const PAGES = arg('pages', '100k,700k').split(',');
const CASES = arg('cases', 'granted,declined').split(',');
const PORT = 9300 + Math.floor(Math.random() * 500);
const SLICE = 16 * 1024;
const compatibilityDate = fs.readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8').match(/^compatibility_date\s*=\s*"([^"]+)"/m)[1];

const pages = writePages();
const TARGETS = [
  mainTarget({ ads: ['+15035550150', '+15035550151'], pool: ['+15035550170', '+15035550171', '+15035550172'] }),
  { number: '+15035550187', fallback: '+15035550198', sources: [{ name: 'default', numbers: ['+15035550180', '+15035550181'] }] },
  { number: '+442079460018', fallback: '+442079460999', sources: [{ name: 'default', numbers: ['+442079460100', '+442079460101'] }] },
];
const ORIGIN_SRC = `
const cache = new Map();
export default {
  async fetch(request, env) {
    const name = new URL(request.url).pathname.replace(/^\\/p\\//, '');
    let bytes = cache.get(name);
    if (!bytes) { bytes = new TextEncoder().encode(env.PAGES[name]); cache.set(name, bytes); }
    let at = 0;
    const body = new ReadableStream({ pull(c) { if (at >= bytes.length) { c.close(); return; } c.enqueue(bytes.slice(at, at + ${SLICE})); at += ${SLICE}; } });
    return new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } });
  },
};`;

const mf = new Miniflare({
  inspectorPort: PORT,
  handleRuntimeStdio(stdout, stderr) { stdout.resume(); stderr.resume(); } /* read, or the pipe fills and workerd blocks */,
  workers: [
    { name: 'origin', modules: true, script: ORIGIN_SRC, compatibilityDate, bindings: { PAGES: pages } },
    {
      name: 'rust',
      modules: true,
      scriptPath: path.join(BUILD, 'index.js'),
      modulesRoot: BUILD,
      modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'], fallthrough: true }],
      durableObjects: { POOLS: { className: 'NumberPool', useSQLite: true } },
      compatibilityDate,
      routes: ['rust.bench/*'],
      outboundService: 'origin',
      unsafeInspectorProxy: true,
      bindings: {
        // --noop: bench/run.mjs's "nothing applies" config (no targets, no Consent Mode block).
        DNI_CONFIG: NOOP
          ? siteConfig('origin', { targets: [], session: { lease_requires: { fetch_metadata: false } }, vendors: { consent_mode: { insert: 'off' } } })
          : siteConfig('origin', { targets: TARGETS, session: { lease_requires: { fetch_metadata: false } } }),
        DNI_SECRET: 'bench-secret-0123456789abcdef0123456789abcdef',
        DNI_API_TOKEN: 'bench-api-token-abcdefghijklmnop',
        DNI_STATS_FLUSH_SECONDS: '86400',
      },
    },
  ],
});
await mf.ready;

const headers = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0.0.0', accept: 'text/html', 'sec-fetch-dest': 'document', 'accept-encoding': 'identity' };
async function get(page, cookie) {
  const r = await mf.dispatchFetch(`http://rust.bench/p/${page}`, { headers: { ...headers, cookie } });
  let bytes = 0;
  for await (const c of r.body) bytes += c.length;
  return { r, bytes };
}
const declined = `TC_PRIVACY=${tcDecline()}; _ga=GA1.1.1234567890.1700000000; _fbp=fb.1.1700000000000.123; cart=3`;
async function grantedCookie() {
  const jar = new Map();
  const cookie = () => [`TC_PRIVACY=${tcAccept([2, 3, 4])}`, ...[...jar].map(([k, v]) => `${k}=${v}`)].join('; ');
  for (let i = 0; i < 4; i++) {
    const { r } = await get('100k', cookie());
    const own = r.headers.getSetCookie().map((c) => c.split(';')[0]);
    if (i > 0 && !own.length) return cookie();
    for (const c of own) jar.set(c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1));
  }
  throw new Error('no stable session cookie');
}

// ------------------------------------------------------------- inspector
const ws = new WebSocket(`ws://127.0.0.1:${PORT}/rust`);
await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); });
let nextId = 1;
const pending = new Map();
ws.on('message', (m) => {
  const msg = JSON.parse(m);
  if (msg.id && pending.has(msg.id)) {
    const { res, rej } = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) rej(new Error(JSON.stringify(msg.error)));
    else res(msg.result);
  }
});
const send = (method, params = {}) => new Promise((res, rej) => {
  const id = nextId++;
  pending.set(id, { res, rej });
  ws.send(JSON.stringify({ id, method, params }));
});
await send('Profiler.enable');
await send('Profiler.setSamplingInterval', { interval: INTERVAL_US });

// ------------------------------------------------------------- aggregation
/** `_ZN...` / `_R...` Rust symbol (as V8 shows a wasm function) → readable path. */
function demangle(name) {
  let s = name.replace(/^\$/, '');
  const m = /^_ZN(.*)E$/.exec(s) || /^_ZN(.*?)17h[0-9a-f]{16}E?$/.exec(s);
  if (m) {
    const parts = [];
    let rest = m[1];
    while (rest.length) {
      const d = /^(\d+)/.exec(rest);
      if (!d) break;
      const len = Number(d[1]);
      parts.push(rest.slice(d[1].length, d[1].length + len));
      rest = rest.slice(d[1].length + len);
    }
    s = parts.filter((p) => !/^h[0-9a-f]{16}$/.test(p)).join('::');
  }
  return s.replace(/\$LT\$/g, '<').replace(/\$GT\$/g, '>').replace(/\$u20\$/g, ' ').replace(/\$RF\$/g, '&')
    .replace(/\$C\$/g, ',').replace(/\$u7b\$/g, '{').replace(/\$u7d\$/g, '}').replace(/\.\./g, '::').replace(/\$BP\$/g, '*');
}
function crateOf(fn, url) {
  if (fn.startsWith('(')) return fn;
  if (!url.startsWith('wasm')) return url ? `JS ${path.basename(url)}` : 'JS (native/builtin)';
  const d = demangle(fn);
  const impl = /^<([a-z_0-9]+)::/.exec(d);
  if (impl) return impl[1];
  const m = /^([a-z_0-9]+)::/.exec(d);
  return m ? m[1] : 'wasm (unnamed)';
}

function analyse(profile, requests) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const dt = new Map();
  // timeDeltas[i] is the time before sample i: charge it to sample i-1's node.
  for (let i = 1; i < profile.samples.length; i++) {
    const id = profile.samples[i - 1];
    dt.set(id, (dt.get(id) ?? 0) + profile.timeDeltas[i]);
  }
  const selfFn = new Map();
  const selfCrate = new Map();
  const incl = new Map();
  const stackCache = new Map();
  const stackNames = (id) => {
    if (stackCache.has(id)) return stackCache.get(id);
    const names = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at).callFrame;
      names.add(f.url.startsWith('wasm') ? demangle(f.functionName) : `${f.functionName || '(anonymous)'} [${path.basename(f.url) || 'native'}]`);
    }
    stackCache.set(id, names);
    return names;
  };
  let total = 0;
  let busy = 0;
  for (const [id, us] of dt) {
    const f = byId.get(id).callFrame;
    const name = f.url.startsWith('wasm') ? demangle(f.functionName) : `${f.functionName || '(anonymous)'} [${path.basename(f.url) || 'native'}]`;
    total += us;
    if (f.functionName !== '(idle)') busy += us;
    selfFn.set(name, (selfFn.get(name) ?? 0) + us);
    const c = crateOf(f.functionName, f.url);
    selfCrate.set(c, (selfCrate.get(c) ?? 0) + us);
    if (f.functionName === '(idle)' || f.functionName === '(program)' || f.functionName === '(garbage collector)') continue;
    for (const n of stackNames(id)) incl.set(n, (incl.get(n) ?? 0) + us);
  }
  const per = (us) => us / 1000 / requests;
  return { total: per(total), busy: per(busy), selfFn, selfCrate, incl, per };
}

const KEY = [
  /lol_html::rewriter::HtmlRewriter.*::write$/, /lol_html::rewriter::HtmlRewriter.*::end$/,
  /dni_rewrite::numbers::Numbers::on_text$/, /dni_rewrite::numbers::Numbers::on_attributes$/,
  /dni_numbers::.*::swap_in_text$/, /dni_numbers::.*DataStream.*::push$/,
  /dni_rewrite::script::.*on_script_text$/, /dni_rewrite::script::.*on_script$/,
  /dni_rewrite::rewriter::StreamRewriter::write$/, /dni_rewrite::sink::Output::take$/,
  /consent_dni::shell::body::pump/, /consent_dni::shell::body::.*fill/, /consent_dni::shell::page::handle/,
  /consent_dni::shell::fetch/, /dni_rewrite::rewriter::StreamRewriter::new$/,
  /__wbindgen_malloc|dlmalloc|__rdl_alloc|__rust_alloc$/, /memcpy|memmove/, /__wbg_/,
];

const fmt = (x) => x.toFixed(3);
// --cold: the isolate's very first request (declined visitor, 100 KB page), profiled from
// before it arrives: what a cold start spends before and while serving it.
if (process.argv.includes('--cold')) {
  await send('Profiler.start');
  const t0 = process.hrtime.bigint();
  await get('100k', declined);
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const { profile } = await send('Profiler.stop');
  const a = analyse(profile, 1);
  const lines = [`#### first request of a fresh isolate (100k, declined): ${fmt(wall)} ms wall; isolate busy ${fmt(a.busy)} ms`, ''];
  lines.push('| self time by crate / category | ms |', '|---|---|');
  for (const [c, us] of [...a.selfCrate].filter(([c]) => c !== '(idle)').sort((x, y) => y[1] - x[1]).slice(0, 16)) lines.push(`| ${c} | ${fmt(a.per(us))} |`);
  lines.push('', '| inclusive (function and what it calls) | ms |', '|---|---|');
  for (const [f, us] of [...a.incl].sort((x, y) => y[1] - x[1]).slice(0, TOP)) lines.push(`| \`${f.slice(0, 140).replace(/\|/g, '\\|')}\` | ${fmt(a.per(us))} |`);
  console.log(lines.join('\n'));
  ws.close();
  await mf.dispose();
  process.exit(0);
}
const granted = NOOP ? `TC_PRIVACY=${tcAccept([2, 3, 4])}` : await grantedCookie();

const report = [];
for (const page of PAGES) {
  for (const [label, cookie] of [['granted', granted], ['declined', declined]].filter(([l]) => CASES.includes(l))) {
    for (let i = 0; i < 5; i++) await get(page, cookie); // warm-up
    await send('Profiler.start');
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await get(page, cookie);
    const wall = Number(process.hrtime.bigint() - t0) / 1e6 / N;
    const { profile } = await send('Profiler.stop');
    const a = analyse(profile, N);
    const lines = [`#### ${page}, ${NOOP ? 'nothing applies, ' : ''}${label}: ${N} requests, ${fmt(wall)} ms wall each; isolate busy ${fmt(a.busy)} ms per request (sampled every ${INTERVAL_US} µs)`, ''];
    lines.push('| self time by crate / category | ms per request | share of busy |', '|---|---|---|');
    for (const [c, us] of [...a.selfCrate].filter(([c]) => c !== '(idle)').sort((x, y) => y[1] - x[1]).slice(0, 16)) lines.push(`| ${c} | ${fmt(a.per(us))} | ${(100 * a.per(us) / a.busy).toFixed(1)} % |`);
    lines.push('', '| self time by function | ms per request |', '|---|---|');
    for (const [f, us] of [...a.selfFn].filter(([f]) => !f.startsWith('(idle)')).sort((x, y) => y[1] - x[1]).slice(0, TOP)) lines.push(`| \`${f.slice(0, 140).replace(/\|/g, '\\|')}\` | ${fmt(a.per(us))} |`);
    lines.push('', '| inclusive (function and what it calls) | ms per request |', '|---|---|');
    const inc = [...a.incl].filter(([f]) => KEY.some((k) => k.test(f))).sort((x, y) => y[1] - x[1]).slice(0, 30);
    for (const [f, us] of inc) lines.push(`| \`${f.slice(0, 140).replace(/\|/g, '\\|')}\` | ${fmt(a.per(us))} |`);
    lines.push('');
    console.log(lines.join('\n'));
    report.push({ page, label, wall, busy: a.busy, crates: Object.fromEntries([...a.selfCrate].map(([k, v]) => [k, a.per(v)])), functions: Object.fromEntries([...a.selfFn].sort((x, y) => y[1] - x[1]).slice(0, 200).map(([k, v]) => [k, a.per(v)])), inclusive: Object.fromEntries([...a.incl].sort((x, y) => y[1] - x[1]).slice(0, 400).map(([k, v]) => [k, a.per(v)])) });
  }
}
if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify(report, null, 2));
ws.close();
await mf.dispose();
