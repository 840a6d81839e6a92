// Deterministic benchmark pages: a local business site (Harbor & Pine, the demo's numbers)
// with a realistic mix of markup: head with JSON-LD, styles and vendor tags
// (googletagmanager, connect.facebook.net, hotjar, bing), nav, articles, tables, forms,
// tel: links, numbers in many printed styles (and numbers that must stay: in scripts,
// textareas, [data-dni-skip], order numbers, other businesses' numbers).
//
//   node bench/pages.mjs        writes bench/pages/page-100k.html and page-700k.html
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');

/** mulberry32: a small seeded PRNG, so every run builds the same bytes (and shuffles the same). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ('plumbing water heater repair drain cleaning leak detection sewer line replacement '
  + 'emergency service licensed bonded insured technicians Portland Beaverton Gresham Tigard '
  + 'estimate pipe fixture faucet toilet garbage disposal tankless installation maintenance '
  + 'inspection camera hydro jetting backflow testing permit warranty upfront pricing same day '
  + 'appointment weekend family owned since neighbourhood trusted reviews customers kitchen '
  + 'bathroom remodel basement sump pump gas line shutoff valve pressure regulator rooter '
  + 'the a of and to in for with on at by from our your we you is are was be that this it as').split(' ');

// Printed forms of the site's numbers (targets) and of numbers that must never change.
const MAIN_FORMS = ['(503) 555-0142', '503-555-0142', '503.555.0142', '+1 503 555 0142', '1-503-555-0142', '+1 (503) 555-0142'];
const EMERGENCY_FORMS = ['(503) 555-0187', '503-555-0187', '+1 503-555-0187'];
const LONDON_FORMS = ['+44 20 7946 0018', '020 7946 0018', '+44 (0)20 7946 0018'];
const OTHER_NUMBERS = ['(503) 555-0100', 'order #5035550142', 'invoice 48213', 'CCB #204518', '(971) 555-0123', 'ID 5035550142x'];

export function buildPage(targetBytes, seed = 7) {
  const rnd = prng(seed);
  const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
  const words = (n) => {
    const w = [];
    for (let i = 0; i < n; i++) w.push(pick(WORDS));
    const s = w.join(' ');
    return s[0].toUpperCase() + s.slice(1);
  };
  const sentence = () => {
    const r = rnd();
    if (r < 0.06) return `${words(6)} ${pick(MAIN_FORMS)} ${words(4)}.`;
    if (r < 0.08) return `${words(5)} ${pick(EMERGENCY_FORMS)}, ${words(3)}.`;
    if (r < 0.09) return `${words(5)} ${pick(LONDON_FORMS)} ${words(3)}.`;
    if (r < 0.11) return `${words(7)} ${pick(OTHER_NUMBERS)} ${words(2)}.`;
    if (r < 0.14) return `${words(8)} <a href="/services/${pick(WORDS)}">${words(2)}</a> ${words(4)}.`;
    if (r < 0.16) return `${words(6)} <strong>${words(2)}</strong> ${words(5)}.`;
    return `${words(8 + Math.floor(rnd() * 10))}.`;
  };
  const para = () => {
    const n = 2 + Math.floor(rnd() * 5);
    const s = [];
    for (let i = 0; i < n; i++) s.push(sentence());
    return `<p>${s.join(' ')}</p>`;
  };

  const head = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Harbor &amp; Pine Plumbing | Call (503) 555-0142</title>
<meta name="description" content="Licensed plumbers in Portland. Call 503-555-0142, 24 hours.">
<link rel="stylesheet" href="/assets/site.css?v=3.14.1">
<link rel="preconnect" href="https://www.googletagmanager.com">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Plumber","name":"Harbor & Pine Plumbing","telephone":"+1-503-555-0142","address":{"@type":"PostalAddress","streetAddress":"1200 SE Water Ave","addressLocality":"Portland","addressRegion":"OR","postalCode":"97214"},"contactPoint":[{"@type":"ContactPoint","telephone":"+1-503-555-0187","contactType":"emergency"},{"@type":"ContactPoint","telephone":"+44-20-7946-0018","contactType":"sales","areaServed":"GB"}]}</script>
<style>
:root{--brand:#0b5394;--accent:#f6b26b}body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#222}
.nav a{padding:.5rem 1rem;color:var(--brand)}.call-bar{background:var(--accent)}.call-bar a::after{content:" (503) 555-0142"}
article{max-width:48rem;margin:2rem auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem}
</style>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-7XK2B9QH1L"></script>
<script async src="https://www.googletagmanager.com/gtag/js?id=AW-1029384756"></script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());gtag('config','G-7XK2B9QH1L');gtag('config','AW-1029384756/AbC-D_efG-h12_34-567',{phone_conversion_number:'(503) 555-0142'});</script>
<script data-dni-category="marketing">!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,document,'script','https://connect.facebook.net/en_US/fbevents.js');fbq('init','123456789012345');fbq('track','PageView');</script>
<script async src="https://connect.facebook.net/en_US/fbevents.js"></script>
<script>(function(h,o,t,j,a,r){h.hj=h.hj||function(){(h.hj.q=h.hj.q||[]).push(arguments)};h._hjSettings={hjid:3141592,hjsv:6};})(window,document);</script>
<script async src="https://static.hotjar.com/c/hotjar-3141592.js?sv=6"></script>
<script src="https://www.googletagmanager.com/gtm.js?id=GTM-P7Q8R9S"></script>
<script src="/assets/site.js?v=3.14.1" defer></script>
</head>
<body class="home">
<div class="call-bar"><a href="tel:+15035550142" aria-label="Call (503) 555-0142" data-phone="+15035550142">Call (503) 555-0142</a> &middot; 24/7 emergencies: <a href="tel:+1-503-555-0187" title="Emergency line 503-555-0187">503-555-0187</a></div>
<header><nav class="nav">${Array.from({ length: 24 }, (_, i) => `<a href="/services/${WORDS[i]}-${WORDS[i + 20]}">${words(2)}</a>`).join('\n')}</nav></header>
<main>
`;
  const tail = `</main>
<footer>
<section class="locations"><h3>Portland</h3><p>1200 SE Water Ave, Portland, OR 97214<br>Office: <a href="tel:+15035550142">(503) 555-0142</a><br>Emergency: <a href="tel:+15035550187">+1 (503) 555-0187</a></p>
<h3>London</h3><p>Unit 4, 18 Wharf Road, London N1 7RU<br><a href="tel:+442079460018" aria-label="London office +44 20 7946 0018">+44 20 7946 0018</a></p></section>
<p>&copy; 2026 Harbor &amp; Pine Plumbing LLC. CCB #204518. All rights reserved.</p>
</footer>
<script async src="https://bat.bing.com/bat.js"></script>
<script>window.siteConfig={phone:"503-555-0142",emergency:"(503) 555-0187",build:"20260420.3"};</script>
</body>
</html>
`;
  const blocks = [];
  let size = Buffer.byteLength(head) + Buffer.byteLength(tail);
  let i = 0;
  while (size < targetBytes) {
    i++;
    let b;
    const r = rnd();
    if (i % 9 === 0) {
      b = `<section class="branches"><table><thead><tr><th>Branch</th><th>Phone</th><th>Hours</th></tr></thead><tbody>
<tr><td>${words(2)}</td><td><a href="tel:+15035550142">${pick(MAIN_FORMS)}</a></td><td>Mon-Fri 7am-6pm</td></tr>
<tr><td>${words(2)}</td><td><a href="tel:+1-503-555-0187">${pick(EMERGENCY_FORMS)}</a></td><td>24 hours</td></tr>
<tr><td>${words(2)}</td><td>(503) 555-0100</td><td>Sat 9am-1pm</td></tr>
<tr><td>London</td><td><a href="tel:+442079460018">${pick(LONDON_FORMS)}</a></td><td>Mon-Fri 9am-5pm</td></tr>
</tbody></table></section>
`;
    } else if (i % 13 === 0) {
      b = `<form class="quote" action="/quote" method="post"><label>Your message <textarea name="msg">Please call me back at (503) 555-0142 about ${words(4)}</textarea></label>
<input type="tel" name="phone" placeholder="(503) 555-0000"><button type="submit">${words(2)}</button></form>
<p data-dni-skip>Legal notice: our registered number is (503) 555-0142 and ${words(6)}.</p>
`;
    } else if (i % 17 === 0) {
      b = `<aside class="promo"><img src="/img/${pick(WORDS)}-${i}.jpg" alt="${words(4)}" width="640" height="360" loading="lazy">
<p>${words(10)} <a class="btn" href="tel:+15035550142" aria-label="Call us at 503-555-0142">${words(2)}</a></p>
<script>document.querySelectorAll('.promo .btn')[${i % 5}].dataset.track="call-${i}";</script></aside>
`;
    } else {
      const n = 2 + Math.floor(r * 4);
      const ps = [];
      for (let k = 0; k < n; k++) ps.push(para());
      const list = rnd() < 0.4
        ? `<ul>${Array.from({ length: 3 + Math.floor(rnd() * 4) }, () => `<li>${words(4 + Math.floor(rnd() * 6))}</li>`).join('')}</ul>\n`
        : '';
      b = `<article id="post-${i}" class="post"><h2><a href="/blog/${pick(WORDS)}-${pick(WORDS)}-${i}">${words(5)}</a></h2>
<div class="meta">Posted by <span class="author">${words(2)}</span> on <time datetime="2026-0${1 + (i % 9)}-1${i % 10}">March ${1 + (i % 28)}, 2026</time></div>
${ps.join('\n')}
${list}</article>
`;
    }
    blocks.push(b);
    size += Buffer.byteLength(b);
  }
  return head + blocks.join('') + tail;
}

export const PAGES = { '100k': 100 * 1024, '700k': 700 * 1024 };

/** Builds (and writes to bench/pages/) the benchmark pages: { name: string }. */
export function writePages() {
  const dir = path.join(HERE, 'pages');
  fs.mkdirSync(dir, { recursive: true });
  const out = {};
  for (const [name, bytes] of Object.entries(PAGES)) {
    out[name] = buildPage(bytes, name === '100k' ? 7 : 11);
    fs.writeFileSync(path.join(dir, `page-${name}.html`), out[name]);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [name, html] of Object.entries(writePages())) console.log(name, Buffer.byteLength(html), 'bytes');
}

/**
 * A Next.js-sized app-router page (BENCH_PAGES=next): the real `next build` output of
 * tests/fixtures/frameworks/next-app/index.html, its `<main>` markup repeated to about 150 KB and
 * its React Server Component rows (`self.__next_f.push(...)` scripts, every number at two
 * escaping depths) repeated to about 150 KB: 300 KB of HTML, half of it inline RSC payload.
 */
export function nextLikePage(markupBytes = 150 * 1024, rscBytes = 150 * 1024) {
  const file = path.join(ROOT, 'tests/fixtures/frameworks/next-app/index.html');
  const html = fs.readFileSync(file, 'utf8');
  const scripts = html.match(/<script>self\.__next_f\.push[\s\S]*?<\/script>/g) ?? [];
  const main = html.match(/<main[\s\S]*?<\/main>/)?.[0];
  if (!scripts.length || !main) throw new Error(`${file}: no RSC rows or <main>`);
  const rsc = scripts.join('');
  const more = [];
  for (let n = 0; n < markupBytes; n += main.length) more.push(main.replace('id="app-main"', ''));
  for (let n = 0; n < rscBytes; n += rsc.length) more.push(rsc);
  return html.replace('</body>', `${more.join('')}</body>`);
}
