// Runs the built worker (build/index.js from worker-build) in workerd through Miniflare,
// with the same bindings as wrangler.toml: static assets (the demo site, worker first),
// the number-pool Durable Object with SQLite storage, DNI_CONFIG and the secrets.
import { Miniflare } from 'miniflare';
import fs from 'node:fs';
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
 * Starts the worker. `config` is the DNI_CONFIG object (or a raw string to test invalid
 * ones); `cf` sets request.cf (e.g. { country: 'DE' }).
 * Returns { url, fetch(path, init), dispatch(path, init), logs, dispose }.
 */
export async function startWorker({ config, cf = { country: 'US' }, secrets = {}, vars = {} } = {}) {
  const scriptPath = path.join(ROOT, 'build/index.js');
  if (!fs.existsSync(scriptPath)) throw new Error('build/index.js is missing: run scripts/build-worker first');
  const logs = [];
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'], fallthrough: true }],
    compatibilityDate: compatibilityDate(),
    cf,
    assets: {
      directory: path.join(ROOT, 'demo'),
      binding: 'ASSETS',
      routerConfig: { invoke_user_worker_ahead_of_assets: true, has_user_worker: true },
    },
    durableObjects: { POOLS: { className: 'NumberPool', useSQLite: true } },
    bindings: {
      ...(config === undefined ? {} : { DNI_CONFIG: config }),
      DNI_SECRET: TEST_SECRET,
      DNI_API_TOKEN: TEST_API_TOKEN,
      ...secrets,
      ...vars,
    },
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
    /** Real HTTP to the worker. */
    fetch: (p, init = {}) => fetch(url + p, { redirect: 'manual', ...init }),
    /** Through Miniflare's dispatchFetch (lets a test set request.cf per request). */
    dispatch: (p, init = {}) => mf.dispatchFetch(url + p, { redirect: 'manual', ...init }),
    dispose: () => mf.dispose(),
  };
}
