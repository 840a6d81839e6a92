// A plain static HTTP server for the framework fixtures (tests/fixtures/frameworks/<app>/),
// as a CDN or `npx serve` would serve a framework's static export:
//   /            -> index.html
//   /contact/    -> contact/index.html        (/contact redirects to /contact/, 308)
//   /about       -> about.html when that file exists
//   unknown path -> 404.html with status 404 (or a plain 404)
// Content types by extension; a Next.js RSC payload (`.txt`) is `text/x-component` when the
// request says `RSC: 1` (what Next's client router sends), `text/plain` otherwise. Every
// request is recorded (method, path, search, headers, status, content type) so tests can
// assert what client-side navigation fetched.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.webmanifest': 'application/manifest+json',
  '.xml': 'application/xml',
};

/** The content type of `file` for a request with headers `headers`. */
export function contentType(file, headers = {}) {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.txt') return headers.rsc === '1' ? 'text/x-component' : 'text/plain; charset=utf-8';
  return TYPES[ext] ?? 'application/octet-stream';
}

function isFile(p) {
  try { return fs.statSync(p).isFile(); } catch { return false; }
}

/**
 * Resolves a URL path to { file } or { redirect } or null, never outside `root`.
 * @param {string} root absolute directory
 * @param {string} pathname decoded URL path
 */
export function resolvePath(root, pathname) {
  const rel = path.posix.normalize(pathname);
  if (rel.split('/').includes('..')) return null;
  const abs = path.join(root, rel);
  if (!abs.startsWith(root + path.sep) && abs !== root) return null;
  if (rel.endsWith('/')) {
    const index = path.join(abs, 'index.html');
    return isFile(index) ? { file: index } : null;
  }
  if (isFile(abs)) return { file: abs };
  if (isFile(path.join(abs, 'index.html'))) return { redirect: `${pathname}/` };
  if (isFile(`${abs}.html`)) return { file: `${abs}.html` };
  return null;
}

/**
 * Serves `root` on 127.0.0.1 at a free port. `rewrite(urlPath, body, contentType)`, when
 * given, may return a replacement body (string or Buffer) for any file served, e.g. to
 * imitate a proxy that changed the HTML; return undefined to serve the file as it is.
 * @returns {Promise<{ url: string, port: number, requests: object[], close: () => Promise<void> }>}
 */
export async function startStaticServer(root, { headers: extraHeaders = {}, rewrite } = {}) {
  const base = path.resolve(root);
  if (!fs.statSync(base).isDirectory()) throw new Error(`${base} is not a directory`);
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://static.test');
    const entry = { method: req.method, path: url.pathname, search: url.search, headers: { ...req.headers } };
    requests.push(entry);
    const send = (status, head, body) => {
      entry.status = status;
      entry.contentType = head['content-type'];
      res.writeHead(status, { ...extraHeaders, ...head });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }, 'method not allowed');
    }
    let pathname;
    try { pathname = decodeURIComponent(url.pathname); } catch { return send(400, { 'content-type': 'text/plain' }, 'bad path'); }
    const found = resolvePath(base, pathname);
    if (found?.redirect) return send(308, { location: found.redirect + url.search, 'content-type': 'text/plain' }, '');
    if (!found) {
      const notFound = path.join(base, '404.html');
      if (isFile(notFound)) return send(404, { 'content-type': TYPES['.html'] }, fs.readFileSync(notFound));
      return send(404, { 'content-type': 'text/plain' }, 'not found');
    }
    let body = fs.readFileSync(found.file);
    const type = contentType(found.file, req.headers);
    const replaced = rewrite?.(url.pathname, body, type);
    if (replaced !== undefined) body = Buffer.from(replaced);
    const head = { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-cache' };
    if (path.extname(found.file) === '.txt') head.vary = 'RSC, Next-Router-State-Tree, Next-Router-Prefetch';
    send(200, head, body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}
