// Cold start: a fresh Miniflare (a new workerd process, a new isolate) per sample, then one
// page request. Measures, for consent-dni (build/ or --build DIR) and for a pass-through JS
// worker next to the same origin:
//   ready   `new Miniflare(...)` until `mf.ready` (workerd starts, compiles the scripts and
//           the wasm module, evaluates the top-level modules)
//   ttfb    first request: `dispatchFetch` until its first body byte (first fetch event:
//           config parse, consent decision, rewriter set up)
//   first   first request until its last byte
//   warm    the second request, until its last byte (for comparison)
//   start→first byte = ready + ttfb
// The wasm's size (raw and gzip -9) is printed too.
//
//   node bench/cold-start.mjs [--n 10] [--build DIR] [--page 100k]
import { Miniflare } from 'miniflare';
import fs from 'node:fs';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writePages } from './pages.mjs';
import { siteConfig, tcDecline, mainTarget } from '../tests/support/config.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const N = Number(arg('n', 10));
const BUILD = path.resolve(ROOT, arg('build', 'build'));
const PAGE = arg('page', '100k');
const compatibilityDate = fs.readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8').match(/^compatibility_date\s*=\s*"([^"]+)"/m)[1];
const pages = writePages();
const TARGETS = [
  mainTarget({ ads: ['+15035550150', '+15035550151'], pool: ['+15035550170', '+15035550171', '+15035550172'] }),
  { number: '+15035550187', fallback: '+15035550198', sources: [{ name: 'default', numbers: ['+15035550180', '+15035550181'] }] },
  { number: '+442079460018', fallback: '+442079460999', sources: [{ name: 'default', numbers: ['+442079460100', '+442079460101'] }] },
];
const ORIGIN_SRC = `export default { async fetch(request, env) {
  const name = new URL(request.url).pathname.replace(/^\\/p\\//, '');
  return new Response(env.PAGES[name], { headers: { 'content-type': 'text/html; charset=utf-8' } }); } };`;
const origin = { name: 'origin', modules: true, script: ORIGIN_SRC, compatibilityDate, bindings: { PAGES: { [PAGE]: pages[PAGE] } } };
const rust = {
  name: 'rust',
  modules: true,
  scriptPath: path.join(BUILD, 'index.js'),
  modulesRoot: BUILD,
  modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'], fallthrough: true }],
  durableObjects: { POOLS: { className: 'NumberPool', useSQLite: true } },
  compatibilityDate,
  routes: ['rust.bench/*'],
  outboundService: 'origin',
  bindings: {
    DNI_CONFIG: siteConfig('origin', { targets: TARGETS }),
    DNI_SECRET: 'bench-secret-0123456789abcdef0123456789abcdef',
    DNI_API_TOKEN: 'bench-api-token-abcdefghijklmnop',
    DNI_STATS_FLUSH_SECONDS: '86400',
  },
};
const pass = { name: 'pass', modules: true, script: 'export default { fetch: (r) => fetch(r) };', compatibilityDate, routes: ['pass.bench/*'], outboundService: 'origin' };
const headers = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0.0.0', accept: 'text/html', 'accept-encoding': 'identity', cookie: `TC_PRIVACY=${tcDecline()}; _ga=GA1.1.1234567890.1700000000` };

const ms = (a, b) => Number(b - a) / 1e6;
async function timedGet(mf, host) {
  const t0 = process.hrtime.bigint();
  const r = await mf.dispatchFetch(`http://${host}.bench/p/${PAGE}`, { headers });
  let first = null;
  for await (const _ of r.body) if (first === null) first = process.hrtime.bigint();
  const t1 = process.hrtime.bigint();
  if (r.status !== 200) throw new Error(`${host}: status ${r.status}`);
  return { ttfb: ms(t0, first ?? t1), total: ms(t0, t1) };
}
async function sample(worker) {
  const t0 = process.hrtime.bigint();
  const mf = new Miniflare({ workers: [origin, worker], handleRuntimeStdio(stdout, stderr) { stdout.resume(); stderr.resume(); } /* read, or the pipe fills and workerd blocks */ });
  await mf.ready;
  const ready = ms(t0, process.hrtime.bigint());
  const first = await timedGet(mf, worker.name);
  const warm = await timedGet(mf, worker.name);
  await mf.dispose();
  return { ready, ttfb: first.ttfb, first: first.total, warm: warm.total, startToFirstByte: ready + first.ttfb };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const samples = { pass: [], rust: [] };
for (let i = 0; i < N; i++) {
  for (const w of i % 2 ? [rust, pass] : [pass, rust]) samples[w.name].push(await sample(w));
}
const wasm = path.join(BUILD, 'index_bg.wasm');
const gz = Number(execSync(`gzip -9 -c ${JSON.stringify(wasm)} | wc -c`).toString().trim());
const f = (x) => x.toFixed(1);
const lines = [
  `Cold start, ${N} samples per worker (a fresh Miniflare each), page ${PAGE}, declined visitor; wasm ${fs.statSync(wasm).size.toLocaleString('en')} B raw, ${gz.toLocaleString('en')} B gzip -9 (${path.relative(ROOT, BUILD) || '.'}). Medians, ms:`,
  '',
  '| worker | ready (workerd start, compile, top-level) | first request TTFB | start → first byte | first request complete | warm request complete |',
  '|---|---|---|---|---|---|',
  ...[['pass', 'pass-through JS `fetch(request)`'], ['rust', 'consent-dni']].map(([k, label]) => {
    const s = samples[k];
    return `| ${label} | ${f(median(s.map((x) => x.ready)))} | ${f(median(s.map((x) => x.ttfb)))} | ${f(median(s.map((x) => x.startToFirstByte)))} | ${f(median(s.map((x) => x.first)))} | ${f(median(s.map((x) => x.warm)))} |`;
  }),
];
console.log(lines.join('\n'));
