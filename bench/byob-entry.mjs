// Experiment (not the shipped worker): consent-dni's build/ with the upstream body re-read
// through a BYOB reader (64 KiB buffer) before the wasm sees it, to measure what fewer, larger
// input chunks would save. workerd hands a fetched body to a default reader in 4 KiB chunks;
// a BYOB read returns everything already available, up to the buffer (16 KiB here, the
// origin's slices). The wasm glue calls `globalThis.fetch`, so patching it is enough.
export * from '../build/index.js';
export { default } from '../build/index.js';

const BUFFER = 64 * 1024;
const upstreamFetch = globalThis.fetch;
globalThis.fetch = async (...args) => {
  const response = await upstreamFetch(...args);
  if (!response.body || !(response.headers.get('content-type') || '').startsWith('text/html')) return response;
  const reader = response.body.getReader({ mode: 'byob' });
  const body = new ReadableStream({
    async pull(controller) {
      const { done, value } = await reader.read(new Uint8Array(BUFFER));
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) { return reader.cancel(reason); },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
};
