// The rewriter alone in V8: dni_rewrite's StreamRewriter (bench/rewriter-v8/, compiled to
// wasm32 with the release profile's opt-levels and `wasm-opt -O` as worker-build runs it) over
// the bench pages, with no worker around it. CPU ms per page after warm-up, in Node's V8 and,
// with --workerd, in workerd (one Miniflare worker rewriting the page `--per` times per request;
// workerd's CPU from /proc divided by that). What the worker adds on top (reads, writes, the
// request) is the difference to bench/run.mjs's rows: BENCHMARKS.md, "Issue 16, 2026-11-28 (gap)".
//
//   node bench/rewriter-v8.mjs [--chunk 16384] [--n 30] [--workerd] [--per 20] [--wasm FILE]
import { Miniflare } from 'miniflare';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePages } from './pages.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const CHUNK = Number(arg('chunk', 16384));
const N = Number(arg('n', 30));
const PER = Number(arg('per', 20));
const MODES = { 'no handlers': 0, granted: 1, declined: 2 };

function build() {
  const manifest = path.join(HERE, 'rewriter-v8', 'Cargo.toml');
  const target = process.env.CARGO_TARGET_DIR ?? path.join(HERE, 'rewriter-v8', 'target');
  execFileSync('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--manifest-path', manifest],
    { stdio: 'inherit', env: { ...process.env, CARGO_TARGET_DIR: target } });
  const out = path.join(os.tmpdir(), `rewriter-v8-${process.pid}.wasm`);
  const features = ['mutable-globals', 'sign-ext', 'nontrapping-float-to-int', 'bulk-memory', 'multivalue', 'reference-types']
    .map((f) => `--enable-${f}`);
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'wasm-opt'),
    [path.join(target, 'wasm32-unknown-unknown', 'release', 'rewriter_v8.wasm'), '-O', ...features, '-o', out], { stdio: 'inherit' });
  return out;
}
const wasmPath = arg('wasm', null) ?? build();
const wasm = fs.readFileSync(wasmPath);
const pages = writePages();
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// ---------------------------------------------------------------- Node
const { exports: ex } = (await WebAssembly.instantiate(wasm, {})).instance;
const rewriteOnce = (bytes, mode) => {
  const at = ex.input(bytes.length); // may grow the memory: its buffer is read after
  new Uint8Array(ex.memory.buffer, at, bytes.length).set(bytes);
  return ex.rewrite(CHUNK, mode);
};
const rows = [];
for (const [name, html] of Object.entries(pages)) {
  const bytes = new TextEncoder().encode(html);
  for (const [label, mode] of Object.entries(MODES)) {
    for (let i = 0; i < 10; i++) rewriteOnce(bytes, mode);
    const ms = [];
    let out = 0;
    for (let i = 0; i < N; i++) {
      const t = process.cpuUsage();
      out = rewriteOnce(bytes, mode);
      const d = process.cpuUsage(t);
      ms.push((d.user + d.system) / 1000);
    }
    if (out === 0) throw new Error(`${name} ${label}: rewriting failed`);
    rows.push({ name, label, node: median(ms) });
  }
}

// ---------------------------------------------------------------- workerd
if (process.argv.includes('--workerd')) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rewriter-v8-'));
  fs.writeFileSync(path.join(dir, 'rewriter.wasm'), wasm);
  for (const [name, html] of Object.entries(pages)) fs.writeFileSync(path.join(dir, `${name}.html`), html);
  fs.writeFileSync(path.join(dir, 'worker.mjs'), `import wasm from './rewriter.wasm';
${Object.keys(pages).map((n, i) => `import p${i} from './${n}.html';`).join('\n')}
const ex = new WebAssembly.Instance(wasm, {}).exports;
const pages = { ${Object.keys(pages).map((n, i) => `'${n}': new Uint8Array(p${i})`).join(', ')} };
export default { fetch(request) {
  const q = new URL(request.url).searchParams;
  const bytes = pages[q.get('page')];
  let out = 0;
  for (let i = 0; i < Number(q.get('n')); i++) {
    const at = ex.input(bytes.length);
    new Uint8Array(ex.memory.buffer, at, bytes.length).set(bytes);
    out = ex.rewrite(${CHUNK}, Number(q.get('mode')));
  }
  return new Response(String(out));
} };`);
  const mf = new Miniflare({
    modules: [
      { type: 'ESModule', path: path.join(dir, 'worker.mjs') },
      { type: 'CompiledWasm', path: path.join(dir, 'rewriter.wasm') },
      ...Object.keys(pages).map((n) => ({ type: 'Data', path: path.join(dir, `${n}.html`) })),
    ],
    modulesRoot: dir,
    compatibilityDate: fs.readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8').match(/^compatibility_date\s*=\s*"([^"]+)"/m)[1],
    handleRuntimeStdio(stdout, stderr) { stdout.resume(); stderr.resume(); },
  });
  await mf.ready;
  const workerd = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      const m = fs.readFileSync(`/proc/${d}/stat`, 'utf8').match(/^\d+ \((.*)\) \S (\d+)/);
      return m && m[1].startsWith('workerd') && Number(m[2]) === process.pid;
    } catch { return false; }
  });
  const cpuMs = () => workerd.reduce((sum, pid) => sum + fs.readdirSync(`/proc/${pid}/task`).reduce((s, t) => {
    try { return s + Number(fs.readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]) / 1e6; } catch { return s; }
  }, 0), 0);
  for (const row of rows) {
    const url = (n) => `http://rewriter.bench/?page=${row.name}&mode=${MODES[row.label]}&n=${n}`;
    await (await mf.dispatchFetch(url(10))).text();
    const ms = [];
    for (let i = 0; i < 5; i++) {
      const c0 = cpuMs();
      await (await mf.dispatchFetch(url(PER))).text();
      ms.push((cpuMs() - c0) / PER);
    }
    row.workerd = median(ms);
  }
  await mf.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
}
if (!arg('wasm', null)) fs.rmSync(wasmPath, { force: true });

console.log(`${CHUNK}-byte writes, CPU ms per page (median of ${N}${rows[0].workerd !== undefined ? `; workerd: median of 5 requests of ${PER} pages each` : ''}); load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('| page | plan | Node (V8) | workerd |\n|---|---|---|---|');
for (const r of rows) console.log(`| ${r.name} | ${r.label} | ${r.node.toFixed(2)} | ${r.workerd?.toFixed(2) ?? ''} |`);
