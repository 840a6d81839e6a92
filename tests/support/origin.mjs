// A real origin HTTP server for end-to-end tests: routes with fixed status, headers,
// several Set-Cookie headers, and bodies sent in chunks of a chosen size, optionally with
// pauses, so the worker's streaming is exercised over real HTTP.
import http from 'node:http';

/**
 * A route:
 *   { status = 200, headers = {}, setCookies = [], body = '' (string | Buffer),
 *     chunkSize = 0 (0 = one write), chunkDelayMs = 0,
 *     holdAfter: { bytes, release: Promise } (send `bytes` bytes, then wait for `release`) }
 * or a function (req, res) for anything else.
 */
export async function startOrigin(routes = {}) {
  const table = new Map(Object.entries(routes));
  const requests = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://origin.test');
    requests.push({ method: req.method, path: url.pathname, search: url.search, headers: { ...req.headers } });
    const route = table.get(url.pathname);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('origin: no such route');
      return;
    }
    if (typeof route === 'function') return route(req, res);
    const body = Buffer.isBuffer(route.body) ? route.body : Buffer.from(route.body ?? '', 'utf8');
    const headers = { ...(route.headers ?? {}) };
    if (route.setCookies?.length) headers['set-cookie'] = route.setCookies;
    if (!route.chunkSize && !route.holdAfter && !('content-length' in headers)) headers['content-length'] = body.length;
    res.writeHead(route.status ?? 200, headers);
    if (req.method === 'HEAD') return res.end();
    let offset = 0;
    if (route.holdAfter) {
      res.write(body.subarray(0, route.holdAfter.bytes));
      offset = route.holdAfter.bytes;
      await route.holdAfter.release;
    }
    const size = route.chunkSize || body.length || 1;
    while (offset < body.length) {
      const ok = res.write(body.subarray(offset, offset + size));
      offset += size;
      if (route.chunkDelayMs) await new Promise((r) => setTimeout(r, route.chunkDelayMs));
      else if (!ok) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route(path, spec) { table.set(path, spec); },
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}
