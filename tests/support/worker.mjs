// Runs the built worker (build/index.js from worker-build) in workerd through Miniflare,
// with the same bindings as wrangler.toml: static assets (the demo site, worker first),
// the number-pool Durable Object with SQLite storage, DNI_CONFIG and the secrets.
import { Miniflare } from 'miniflare';
import fs from 'node:fs';
import http from 'node:http';
import { Readable } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function compatibilityDate() {
  const toml = fs.readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8');
  const m = toml.match(/^compatibility_date\s*=\s*"([^"]+)"/m);
  if (!m) throw new Error('wrangler.toml has no compatibility_date');
  return m[1];
}

export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
export const TEST_API_TOKEN = 'test-api-token-abcdefghijklmnop';

/**
 * HTTP over node:http, for requests that must carry Fetch Metadata as a browser sends it:
 * Node's fetch (undici) always replaces `Sec-Fetch-Mode` with `cors`. Same shape as fetch:
 * a streamed `Response` (redirects not followed).
 */
export function rawFetch(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const out = new Headers();
      for (let i = 0; i < res.rawHeaders.length; i += 2) out.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
      const noBody = [101, 204, 205, 304].includes(res.statusCode) || method === 'HEAD';
      resolve(new Response(noBody ? null : Readable.toWeb(res), { status: res.statusCode, headers: out }));
    });
    req.on('error', reject);
    if (body instanceof ReadableStream) Readable.fromWeb(body).pipe(req);
    else req.end(body);
  });
}

const hasFetchMetadata = (init) => Object.keys(init.headers ?? {}).some((k) => k.toLowerCase() === 'sec-fetch-mode');

/** Stand-ins for a failing NumberPool Durable Object (the POOLS binding points at one with
 * `faultyPools`): `hang` never answers, `garbage` answers 200 with text that is not the pool
 * protocol, `error` answers 500. */
export const FAULTY_POOLS = `
export class FaultyPool {
  constructor(state, env) { this.mode = env.MODE; }
  async fetch(request) {
    await request.text();
    if (this.mode === 'hang') return new Promise(() => {});
    if (this.mode === 'garbage') return new Response('{"lease":{"outcome":{"leased":{"number":"not a number"', { status: 200 });
    return new Response('storage exploded', { status: 500 });
  }
}
export default { fetch() { return new Response('faulty pools'); } };
`;

/**
 * Starts the worker. `config` is the DNI_CONFIG object (or a raw string to test invalid
 * ones); `cf` sets request.cf (e.g. { country: 'DE' }); `faultyPools` ('hang', 'garbage',
 * 'error') binds POOLS to a failing stand-in instead of the real NumberPool.
 * Returns { url, fetch(path, init), dispatch(path, init), logs, dispose }.
 */
export async function startWorker({ config, cf = { country: 'US' }, secrets = {}, vars = {}, faultyPools } = {}) {
  const scriptPath = path.join(ROOT, 'build/index.js');
  if (!fs.existsSync(scriptPath)) throw new Error('build/index.js is missing: run scripts/build-worker first');
  const logs = [];
  const pools = faultyPools
    ? { POOLS: { className: 'FaultyPool', scriptName: 'faulty-pools' } }
    : { POOLS: { className: 'NumberPool', useSQLite: true } };
  const main = {
    name: 'consent-dni',
    modules: true,
    scriptPath,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'], fallthrough: true }],
    compatibilityDate: compatibilityDate(),
    assets: {
      directory: path.join(ROOT, 'demo'),
      binding: 'ASSETS',
      routerConfig: { invoke_user_worker_ahead_of_assets: true, has_user_worker: true },
    },
    durableObjects: pools,
    bindings: {
      ...(config === undefined ? {} : { DNI_CONFIG: config }),
      DNI_SECRET: TEST_SECRET,
      DNI_API_TOKEN: TEST_API_TOKEN,
      ...secrets,
      ...vars,
    },
  };
  const workers = [main];
  if (faultyPools) workers.push({ name: 'faulty-pools', modules: true, compatibilityDate: compatibilityDate(), script: FAULTY_POOLS, bindings: { MODE: faultyPools } });
  const mf = new Miniflare({
    workers,
    cf,
    handleRuntimeStdio(stdout, stderr) {
      const collect = (stream) => stream.on('data', (d) => {
        for (const line of d.toString().split('\n')) if (line.trim()) logs.push(line);
      });
      collect(stdout);
      collect(stderr);
    },
  });
  const url = (await mf.ready).toString().replace(/\/$/, '');
  return {
    url,
    mf,
    logs,
    /** Real HTTP to the worker (node:http when the request carries Sec-Fetch-Mode). */
    fetch: (p, init = {}) => (hasFetchMetadata(init) ? rawFetch(url + p, init) : fetch(url + p, { redirect: 'manual', ...init })),
    /** Through Miniflare's dispatchFetch (lets a test set request.cf per request). */
    dispatch: (p, init = {}) => mf.dispatchFetch(url + p, { redirect: 'manual', ...init }),
    dispose: () => mf.dispose(),
  };
}
