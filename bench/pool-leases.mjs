// Leases per second one NumberPool Durable Object (SQLite storage) sustains in local workerd.
// Calls the object directly (the worker's own internal protocol), N sessions in flight at once,
// each leasing then confirming; the pool recycles numbers as sessions churn.
//   node bench/pool-leases.mjs [operations=4000] [concurrency=16] [pool size=50]
import { startWorker } from '../tests/support/worker.mjs';
import { siteConfig } from '../tests/support/config.mjs';
import os from 'node:os';

const total = Number(process.argv[2] ?? 4000);
const concurrency = Number(process.argv[3] ?? 16);
const size = Number(process.argv[4] ?? 50);
const numbers = Array.from({ length: size }, (_, i) => `+1503556${String(i).padStart(4, '0')}`);
// Short leases so numbers recycle all the time (the pool is never just full).
const policy = { idle_ms: Number(process.env.IDLE_MS ?? 20), provisional_hold_ms: 5, history_retention_ms: 86_400_000 };

const worker = await startWorker({ config: siteConfig('http://127.0.0.1:9', {}), cf: { country: 'DE' } });
const ns = await worker.mf.getDurableObjectNamespace('POOLS');
const stub = ns.get(ns.idFromName('bench/+15035550142/default'));
const call = async (op) => {
  // The pool protocol is externally tagged (src/pool/protocol.rs): { op: { lease: {...} } }.
  const { op: name, ...fields } = op;
  const r = await stub.fetch('https://pool.internal/op', { method: 'POST', body: JSON.stringify({ op: { [name]: fields }, now_ms: Date.now(), numbers, policy }) });
  return r.json();
};

let done = 0, leased = 0, overflow = 0, session = 0;
async function lane() {
  while (done < total) {
    done += 2;
    const id = `s${session++}`;
    const a = await call({ op: 'lease', session: id, attribution: '{"source":"default"}', provisional: true });
    const lease = a.lease?.outcome?.leased;
    if (lease) {
      leased++;
      await call({ op: 'confirm', session: id, number: lease.number });
    } else {
      overflow++;
      await call({ op: 'lookup', number: numbers[0], at_ms: Date.now() });
    }
  }
}
for (let i = 0; i < 200; i++) await call({ op: 'lookup', number: numbers[0], at_ms: Date.now() }); // warm-up
const t0 = performance.now();
await Promise.all(Array.from({ length: concurrency }, lane));
const ms = performance.now() - t0;
await worker.dispose();
const line = `pool ${size} numbers, ${concurrency} in flight: ${done} operations (${leased} leases + confirms, ${overflow} overflows) in ${ms.toFixed(0)} ms = ${(done / ms * 1000).toFixed(0)} ops/s, ${(leased / ms * 1000).toFixed(0)} new leases/s (${os.cpus()[0].model}, ${os.cpus().length} cores)`;
console.log(line);
