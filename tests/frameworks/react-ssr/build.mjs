// Builds one React variant (run from its folder, react18/ or react19/):
//   node ../build.mjs <out-dir>
// The client is bundled with esbuild (minified, production React); the pages are rendered
// with react-dom/server's renderToString from the variant's own React.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const variantDir = process.cwd();
const out = path.resolve(process.argv[2] ?? 'out');
const require = createRequire(path.join(variantDir, 'package.json'));
const esbuild = require('esbuild');
const site = JSON.parse(fs.readFileSync(path.join(here, '../shared/site.json'), 'utf8'));

const common = {
  bundle: true,
  jsx: 'automatic',
  nodePaths: [path.join(variantDir, 'node_modules')],
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
  legalComments: 'none',
};

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'assets'), { recursive: true });
await esbuild.build({ ...common, entryPoints: [path.join(here, 'src/client.jsx')], outfile: path.join(out, 'assets/client.js'),
  format: 'esm', platform: 'browser', target: 'es2020', minify: true });
const serverFile = path.join(variantDir, '.build/server.mjs');
await esbuild.build({ ...common, entryPoints: [path.join(here, 'src/server.jsx')], outfile: serverFile,
  format: 'esm', platform: 'node', target: 'node20',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });
const server = await import(pathToFileURL(serverFile).href);

// Like Next.js: `<` `>` `&` U+2028 U+2029 escaped so the island cannot close its script.
const island = (value) => JSON.stringify(value).replace(/[<>&\u2028\u2029]/g,
  (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const links = { index: { href: '/contact/' }, contact: { href: '/' } };
const files = { index: 'index.html', contact: 'contact/index.html' };

for (const key of Object.keys(site.pages)) {
  const data = { business: site.business, page: { key, ...site.pages[key], link: links[key] } };
  const body = server.render(data);
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<meta name="generator" content="react-dom/server ${server.version} renderToString">
<title>${escapeHtml(data.page.title)}</title>
<script type="application/ld+json">${island(site.jsonLd)}</script>
</head>
<body>
<div id="root">${body}</div>
<script type="application/json" id="__DATA__">${island(data)}</script>
<script type="module" src="/assets/client.js"></script>
</body>
</html>
`;
  fs.mkdirSync(path.dirname(path.join(out, files[key])), { recursive: true });
  fs.writeFileSync(path.join(out, files[key]), html);
  fs.mkdirSync(path.join(out, 'data'), { recursive: true });
  fs.writeFileSync(path.join(out, `data/${key}.json`), JSON.stringify(data));
}
console.log(`react ${server.version}: ${out}`);
