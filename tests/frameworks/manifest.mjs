// Writes tests/fixtures/frameworks/MANIFEST.md from the committed fixtures: per app the
// framework and exact versions (from its package-lock.json), the pages, the requests its
// client-side navigation makes (as observed in Chromium and asserted by
// tests/browser/frameworks-baseline.test.mjs), and an inventory of every place the main number
// appears, scanned from the output files: HTML text, attributes, JSON-LD, JSON islands,
// inline RSC payloads, data files, JS bundles; with the byte sizes.
//   node tests/frameworks/manifest.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FW = path.dirname(fileURLToPath(import.meta.url));
const FIX = path.resolve(FW, '../fixtures/frameworks');

// The main number in any printed form (see shared/site.json): (503) 555-0142, 503.555.0142,
// +1 503-555-0142, +15035550142, 503-555-0142, 5035550142, with a no-break space too.
export const NUMBER = /(?<!\d)(?:\+?1[ .\-\u00a0]?)?\(?503\)?[ .\-\u00a0]?555[ .\-\u00a0]?0142(?!\d)/g;

export const APPS = [
  {
    name: 'react18-ssr', dir: 'react-ssr/react18', packages: ['react', 'react-dom', 'esbuild'],
    framework: 'React 18: `renderToString` at build time, `hydrateRoot` in the browser, client bundled by esbuild',
    data: 'Page data in `<script type="application/json" id="__DATA__">` (JSON, `<` `>` `&` escaped as `\\u003c` `\\u003e` `\\u0026`).',
    navigation: [
      'Click `#nav-link` (the app\'s own router: `fetch` + `history.pushState`): `GET /data/contact.json` with `Accept: application/json`; response `application/json`. Back to `/`: `GET /data/index.json`.',
    ],
  },
  {
    name: 'react19-ssr', dir: 'react-ssr/react19', packages: ['react', 'react-dom', 'esbuild'],
    framework: 'React 19: same app and build as react18-ssr',
    data: 'As react18-ssr.',
    navigation: ['As react18-ssr: `GET /data/contact.json` (`Accept: application/json`).'],
  },
  {
    name: 'next-pages', dir: 'next-pages', packages: ['next', 'react', 'react-dom'],
    framework: 'Next.js pages router, `getStaticProps`, `next build` with `output: \'export\'`, `trailingSlash: true`, build id `consent-dni-next-pages` (Turbopack)',
    data: '`<script id="__NEXT_DATA__" type="application/json">` (`props.pageProps`; `<` `>` `&` escaped as `\\u003c` `\\u003e` `\\u0026`). JSON-LD comes from `pages/_document.jsx` (server only, not in the data).',
    navigation: [
      'When the `<Link>` enters the viewport, and again on hover/click: `GET /_next/data/consent-dni-next-pages/contact.json` with headers `x-nextjs-data: 1` and `purpose: prefetch`; response `application/json` (`{"pageProps":…,"__N_SSG":true}`, not HTML-escaped: `<b>` raw, `&` raw).',
      'On click also `HEAD /_next/data/consent-dni-next-pages/contact.json` (`x-nextjs-data: 1`), then the page renders from the prefetched JSON; once on /contact/ the router prefetches `GET /_next/data/consent-dni-next-pages/index.json` for the link back.',
      'Without prefetch (prefetch requests refused): the click fetches `GET /_next/data/consent-dni-next-pages/contact.json` with `x-nextjs-data: 1` and no `purpose` header (plus the `HEAD`).',
      'The export writes `_next/data/<buildId>/index.json` and `contact.json`: one per getStaticProps page.',
    ],
  },
  {
    name: 'next-app', dir: 'next-app', packages: ['next', 'react', 'react-dom'],
    framework: 'Next.js app router: a server component prints the number and passes the data to a `\'use client\'` component; `next build` with `output: \'export\'`, `trailingSlash: true`, build id `consent-dni-next-app` (Turbopack)',
    data: 'Inline RSC payload: `<script>self.__next_f.push([1,"…"])</script>` chunks (the Flight rows as a JS string literal inside a JSON array: rows are JSON-escaped once more, `<` as `\\u003c`, `&` as `\\u0026`); these small pages have one `[1,"…"]` chunk after the `[0]` bootstrap; larger pages get several, one per Flight stream chunk, so a row can continue in the next push. Long strings (the `about` text, > 1 KB) become text rows `<id>:T<hex byte length>,<text>` whose length must be recomputed when the text changes. The JSON-LD `<script>` is rendered by the server layout, so it is also in the RSC payload (as a `script` element with `dangerouslySetInnerHTML`).',
    navigation: [
      'When the `<Link>` enters the viewport (production prefetch), per-segment prefetches: `GET /contact/__next._tree.txt?_rsc=<hash>` and `GET /contact/__next.contact.__PAGE__.txt?_rsc=<hash>` with headers `RSC: 1`, `Next-Router-Prefetch: 1`, `Next-Router-Segment-Prefetch: /_tree` (resp. `/contact/__PAGE__`), `Next-Url: /`; the static server answers `text/x-component`. The `_rsc` value is a cache-busting hash of those headers; the file path ignores it.',
      'Also `HEAD /contact/` (no RSC header; `text/html`) with the prefetch. The click itself then renders from the prefetched segments (no further request). From /contact/ the link back prefetches `/__next._tree.txt` and `/__next.__PAGE__.txt` the same way.',
      'Without prefetch (prefetch requests refused): the click fetches the full-route payload `GET /contact/index.txt?_rsc=<hash>` with `RSC: 1`, `Next-Url: /`, `Next-Router-State-Tree: <percent-encoded JSON of the current tree>` (no prefetch headers); `text/x-component`; the same rows as the inline payload of contact/index.html. Then `HEAD /`.',
      'Each payload file is written for both forms: `<path>/index.txt` (full route, = `__next._full.txt`), `__next._tree.txt` (route tree) and `__next.<segment>.__PAGE__.txt` (the page segment).',
    ],
  },
  {
    name: 'nuxt', dir: 'nuxt', packages: ['nuxt', 'vue', 'vue-router', 'nitropack', '@nuxt/vite-builder', 'vite', 'unstorage'],
    framework: 'Nuxt (Vue 3) `nuxt generate` (static prerender, payload extraction on), build id `consent-dni-nuxt`. The build uses Vite 7 (nested under @nuxt/vite-builder); unstorage held at 1.17.5 by an npm override (1.17.6 breaks `nuxt generate` of `/`). `prerenderedAt` (a timestamp) in `__NUXT_DATA__` and the payloads changes at every build',
    data: '`<script type="application/json" id="__NUXT_DATA__" data-src="/_payload.json?consent-dni-nuxt">`: devalue-serialized flat array (strings once, referenced by index; `/` as `\\u002F`, `<` as `\\u003C`). It carries the site-wide `useState(\'business\')` (phone, invoiceId, about). The per-page `useAsyncData` result is NOT inline: it is in `<page>/_payload.json`, fetched by the browser on the first load as well.',
    navigation: [
      'First load: `GET /_payload.json?consent-dni-nuxt` (`<link rel="preload" as="fetch">` then `fetch`), `application/json`.',
      'Click `#nav-link` (`<NuxtLink>`): `GET /_nuxt/builds/meta/consent-dni-nuxt.json` (app manifest, `application/json`), then `GET /contact/_payload.json?consent-dni-nuxt` (`application/json`, twice: prefetch and navigation); once on /contact/, `GET /_payload.json?consent-dni-nuxt` (prefetch of the link back). No special request headers.',
    ],
  },
  {
    name: 'astro', dir: 'astro', packages: ['astro', '@astrojs/react', 'react', 'react-dom'],
    framework: 'Astro static build, a React island `<PhoneCard client:load>`; `<ClientRouter />` (view transitions) for client-side navigation',
    data: 'Island props in the `props` attribute of `<astro-island>`: Astro\'s serialization (`{"key":[0,value]}`, type tag first) as JSON, HTML-escaped inside the attribute (`&quot;`, `&amp;`, `&lt;`, `&#39;`). The server-only parts of the page (heading, lead) are plain HTML.',
    navigation: [
      'Click `#nav-link` (a plain `<a>`, intercepted by `<ClientRouter />`): `GET /contact/` by `fetch` (no special headers; `Accept: */*`), `text/html`; the router swaps the new `<body>` in and the new page\'s island hydrates from its own `props`. Then `GET /` with `Sec-Purpose: prefetch` (prefetch of the link back).',
    ],
  },
];

function lockVersions(app) {
  const lock = JSON.parse(fs.readFileSync(path.join(FW, app.dir, 'package-lock.json'), 'utf8'));
  // Every installed copy (a package can be nested at another version, e.g. Nuxt's own Vite).
  return app.packages.map((p) => {
    const versions = [...new Set(Object.entries(lock.packages ?? {})
      .filter(([k]) => k === `node_modules/${p}` || k.endsWith(`/node_modules/${p}`)).map(([, v]) => v.version))];
    return `${p} ${versions.join(' / ') || '?'}`;
  }).join(', ');
}

function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out); else out.push(p);
  }
  return out;
}

const add = (map, key, form) => {
  const m = map.get(key) ?? new Map();
  m.set(form, (m.get(form) ?? 0) + 1);
  map.set(key, m);
};

/** Places in one HTML document where the number appears: Map<where, Map<form, count>>. */
export function scanHtml(html) {
  const found = new Map();
  let inlinePayload = 0;
  const blank = (s) => ' '.repeat(s.length);
  // Scripts first.
  let rest = html.replace(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi, (whole, attrs, body) => {
    let where;
    if (/type=["']?application\/ld\+json/i.test(attrs)) where = 'JSON-LD `<script type="application/ld+json">`';
    else if (/type=["']?application\/json/i.test(attrs)) {
      const id = /\bid=["']?([^"'\s>]+)/.exec(attrs)?.[1];
      where = `JSON island \`<script type="application/json"${id ? ` id="${id}"` : ''}>\``;
      inlinePayload += Buffer.byteLength(body);
    } else if (body.includes('self.__next_f')) {
      where = 'inline RSC payload `self.__next_f.push(...)`';
      inlinePayload += Buffer.byteLength(body);
    } else where = 'other inline `<script>`';
    for (const m of body.matchAll(NUMBER)) add(found, where, m[0]);
    return blank(whole);
  });
  rest = rest.replace(/<style\b[^>]*>[\s\S]*?<\/style>/gi, blank);
  rest = rest.replace(/<[a-zA-Z][^>]*>/g, (tag) => {
    const name = /^<([a-zA-Z][\w-]*)/.exec(tag)[1].toLowerCase();
    for (const a of tag.matchAll(/([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      const value = a[2] ?? a[3] ?? '';
      if (a[1] === 'props' && name === 'astro-island') inlinePayload += Buffer.byteLength(value);
      for (const m of value.matchAll(NUMBER)) add(found, `attribute \`${name}[${a[1]}]\``, m[0]);
    }
    return blank(tag);
  });
  rest = rest.replace(/<[^>]*>/g, blank);
  for (const m of rest.matchAll(NUMBER)) add(found, 'HTML text', m[0]);
  return { found, inlinePayload };
}

const fmt = (m) => [...m].map(([form, n]) => `\`${form.replace(/\u00a0/g, '⍽')}\`${n > 1 ? ` ×${n}` : ''}`).join(', ');
const kb = (n) => `${n} B`;

export function manifest() {
  const lines = [];
  lines.push('# Framework fixtures', '');
  lines.push('Real build output of real frameworks (never hand-written), for the hydration tests of issue 13.',
    'Sources and the build script: `tests/frameworks/` (`build.sh` rebuilds everything from a clean',
    '`npm ci` and rewrites this file with `manifest.mjs`). Served as plain static files by',
    '`tests/support/static-server.mjs`; checked healthy in Chromium by `tests/browser/frameworks-baseline.test.mjs`.', '',
    'Every app shows the demo\'s main number `(503) 555-0142` (`tel:+15035550142`) from its serialized data,',
    'in text (`display`, `lead`, `about`, `noteHtml` rendered as HTML), in `href="tel:…"` built from `phone.e164`,',
    'in `aria-label` (`phone.label`) and as `503.555.0142` (`phone.dotted`); `+1 503-555-0142` / `tel:+15035550142`',
    'is a literal compiled into the client JavaScript (`#bundled-link`, what the hydration guard is for); JSON-LD',
    '`"telephone":"+1-503-555-0142"` must stay untouched; `invoiceId: "5035550142"` must never change (rendered',
    'inside `[data-dni-skip]`, to test per-site exclusions of data keys). `⍽` below is a no-break space (U+00A0).',
    'Element ids the tests use: `#phone-link`, `.phone-dotted`, `#bundled-link`, `#invoice`, `#nav-link`,',
    '`#hydration-state` (`server` in the HTML, `hydrated` once the client ran), `#app-main[data-page]`.', '',
    'Rebuilding (`tests/frameworks/build.sh`, about 4 minutes on 2 cores with a warm npm cache, most of it',
    '`npm ci`) gives byte-identical files except Nuxt\'s timestamps (`prerenderedAt` in the HTML and payloads,',
    '`_nuxt/builds/*.json`). Versions are the newest that run on Node 20: Next.js 16 (engines >=20.9), Nuxt 4.4.5',
    '(4.4.6 and later need Node 22), Astro 5.18.2 (Astro 6 refuses Node 20 at start-up).', '');
  for (const app of APPS) {
    const root = path.join(FIX, app.name);
    if (!fs.existsSync(root)) { lines.push(`## ${app.name}`, '', '(not built)', ''); continue; }
    const files = walk(root).map((f) => path.relative(root, f).split(path.sep).join('/')).sort();
    lines.push(`## ${app.name}`, '');
    lines.push(`- Framework: ${app.framework}.`);
    lines.push(`- Versions (package-lock.json): ${lockVersions(app)}.`);
    lines.push('- Pages: `/` (`index.html`), second page `/contact/` (`contact/index.html`); linked both ways by `#nav-link`.');
    lines.push(`- Data: ${app.data}`);
    lines.push('- Client-side navigation `/` → `/contact/` (observed in Chromium 156 against the static server):');
    for (const n of app.navigation) lines.push(`  - ${n}`);
    lines.push('', '| file | bytes | inline payload bytes | where the number appears |', '| --- | ---: | ---: | --- |');
    let jsTotal = 0;
    for (const rel of files) {
      const abs = path.join(root, rel);
      const text = fs.readFileSync(abs, 'utf8');
      const size = fs.statSync(abs).size;
      if (rel.endsWith('.js')) {
        jsTotal += size;
        const n = [...text.matchAll(NUMBER)].map((m) => m[0]);
        if (n.length) lines.push(`| \`${rel}\` | ${kb(size)} | | JS bundle literal: ${fmt(n.reduce((m, f) => m.set(f, (m.get(f) ?? 0) + 1), new Map()))} |`);
        continue;
      }
      if (rel.endsWith('.html')) {
        if (/^(404|200|_not-found)/.test(rel) && !text.match(NUMBER)) continue;
        const { found, inlinePayload } = scanHtml(text);
        const where = [...found].map(([w, m]) => `${w}: ${fmt(m)}`).join('; ') || '–';
        lines.push(`| \`${rel}\` | ${kb(size)} | ${inlinePayload || ''} | ${where} |`);
        continue;
      }
      if (rel.endsWith('.json') || rel.endsWith('.txt')) {
        const n = [...text.matchAll(NUMBER)].map((m) => m[0]);
        if (!n.length) continue;
        const kind = rel.endsWith('.txt') ? 'RSC rows' : 'JSON';
        let rows = '';
        if (rel.endsWith('.txt')) {
          const ids = text.split('\n').filter((row) => NUMBER.test(row) && (NUMBER.lastIndex = 0, true)).map((row) => /^[0-9a-f]+:T[0-9a-f]+,/.exec(row)?.[0] ?? row.slice(0, row.indexOf(':') + 2));
          rows = ` (rows ${ids.map((i) => `\`${i}\``).join(', ')})`;
        }
        lines.push(`| \`${rel}\` | ${kb(size)} | | ${kind}${rows}: ${fmt(n.reduce((m, f) => m.set(f, (m.get(f) ?? 0) + 1), new Map()))} |`);
      }
    }
    lines.push(`| all \`.js\` (${files.filter((f) => f.endsWith('.js')).length} files) | ${kb(jsTotal)} | | |`, '');
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(path.join(FIX, 'MANIFEST.md'), manifest());
  console.log(`wrote ${path.join(FIX, 'MANIFEST.md')}`);
}
