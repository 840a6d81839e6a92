// The same swap job as consent-dni's rewriter, written as a plain JavaScript worker with the
// runtime's HTMLRewriter: the baseline the wasm pipeline is compared with.
//
// env.SWAP = { swaps: [[targetE164, replacementE164], ...], scripts: bool,
//              attributes: ['aria-label', 'title', 'data-phone'] }
// Text handlers buffer each text node to its end (numbers split across chunks are found),
// then a digit-based regex finds printed numbers and replaces their digits in place (same
// grouping); `tel:` hrefs and the listed attributes get the same treatment; text inside
// script/style/textarea/[data-dni-skip]/... is skipped. With `scripts`, <script> tags of
// declined vendors (the bench pages' vendors, same categories as the built-in catalog) get
// type="text/plain" like consent-dni does, and so do inline scripts whose text carries a
// declined vendor's snippet signature (dni-privacy's catalog, normalised the same way): the
// start tag is held (removeAndKeepContent) until the text is read, then written back. With
// `consentMode` (the Google Consent Mode default block consent-dni inserts for the visitor),
// the block goes at the top of <head>. Equivalence with the Rust output on the bench pages
// (declined) is asserted by bench/run.mjs.

// NANP and UK rules (the bench's numbers): country code, trunk prefix, bare NSN allowed,
// trunk after the country code (`+44 (0)20 ...`).
const RULES = {
  1: { trunk: '1', bare: true, trunkAfterCc: false },
  44: { trunk: '0', bare: false, trunkAfterCc: true },
};
const splitE164 = (e) => {
  const d = e.slice(1);
  const cc = d.startsWith('1') ? '1' : d.slice(0, 2);
  return { cc, nsn: d.slice(cc.length) };
};

/** digits of a printed form -> replacement digits, for plus-prefixed and other runs. */
function compile(swaps) {
  const plus = new Map();
  const other = new Map();
  for (const [from, to] of swaps) {
    if (from === to) continue;
    const f = splitE164(from);
    const t = splitE164(to);
    const r = RULES[f.cc];
    const home = t.cc === f.cc;
    const add = (map, a, b) => { if (!map.has(a) && b.length === a.length) map.set(a, b); };
    add(plus, f.cc + f.nsn, t.cc + t.nsn);
    if (r.trunkAfterCc && home) add(plus, f.cc + r.trunk + f.nsn, t.cc + r.trunk + t.nsn);
    add(other, '00' + f.cc + f.nsn, '00' + t.cc + t.nsn);
    if (home) add(other, r.trunk + f.nsn, r.trunk + t.nsn);
    if (r.bare && home) add(other, f.nsn, t.nsn);
  }
  return { plus, other };
}

// A run: optional `+`/`(`, a digit, then up to 3 separators before each further digit.
const RUN_TEXT = /\+?\(?\d(?:(?:[ \-./()\u00a0\u2009\u202f\u2010-\u2013]|&nbsp;|&ndash;){0,3}\d)*/g;
const RUN_TEL = /\+?\(?\d(?:(?:[\-./()]|%20){0,3}\d)*/g;
const LEAD_BAD = /[A-Za-z0-9_#$%@=+£€¥₹]/;

function replaceRuns(text, forms, re, whole) {
  let changed = false;
  const out = text.replace(re, (m, at) => {
    const prev = at > 0 ? text[at - 1] : '';
    if (prev && (LEAD_BAD.test(prev) || ((prev === '.' || prev === ',') && /\d/.test(text[at - 2] ?? '')))) return m;
    const next = text[at + m.length] ?? '';
    if (/[A-Za-z0-9_%]/.test(next) || (next === ',' && /\d/.test(text[at + m.length + 1] ?? ''))) return m;
    if (whole && (at !== 0 || m.length !== text.length)) return m;
    const digits = m.replace(/\D/g, '');
    const repl = (m.startsWith('+') ? forms.plus : forms.other).get(digits);
    if (!repl) return m;
    let k = 0;
    changed = true;
    return m.replace(/\d/g, () => repl[k++]);
  });
  return changed ? out : null;
}

function replaceTel(href, forms) {
  const m = /^(\s*tel:)([^;?#]*?)(\s*(?:[;?#].*)?)$/is.exec(href);
  if (!m) return null;
  const n = replaceRuns(m[2], forms, RUN_TEL, true);
  return n === null ? null : m[1] + n + m[3];
}

// The bench pages' vendors, categories as in dni-privacy's built-in catalog.
const VENDOR_SCRIPTS = [
  [/^https:\/\/www\.googletagmanager\.com\/gtag\/js\?id=(AW|DC)-/, 'marketing'],
  [/^https:\/\/www\.googletagmanager\.com\/gtag\/js/, 'analytics'],
  [/^https:\/\/connect\.facebook\.net\//, 'marketing'],
  [/^https:\/\/[^/]+\.hotjar\.com\//, 'analytics'],
  [/^https:\/\/bat\.bing\.com\//, 'marketing'],
];
// Inline snippet signatures of the bench pages' vendors (crates/dni-privacy/src/builtin.rs, in
// catalog order: the first declined one names the category), in normalised form.
const INLINE_SIGNATURES = [
  ["googletagmanager.com/gtm.js", 'necessary'], ["'gtm.start'", 'necessary'],
  ["gtag('config','g-", 'analytics'], ["gtag('config','ua-", 'analytics'],
  ["gtag('config','aw-", 'marketing'], ["gtag('config','dc-", 'marketing'],
  ["connect.facebook.net/", 'marketing'], ["fbq('init'", 'marketing'],
  ['bat.bing.com/bat.js', 'marketing'], ['newuet(', 'marketing'],
  ['static.hotjar.com/c/hotjar-', 'analytics'], ['_hjsettings', 'analytics'],
];
/** dni-privacy's normalise_script: lowercase, no whitespace, `'` for `"` and backtick, `/` for `\/`. */
const normalise = (t) => t.toLowerCase().replace(/[ \t\n\r\f]/g, '').replace(/["`]/g, "'").replace(/\\(\/|x2f|u002f)/g, '/');
const JS_TYPES = new Set(['', 'text/javascript', 'application/javascript', 'module', 'text/ecmascript', 'application/ecmascript']);
const escapeAttr = (v) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

const SKIP_TEXT = 'script, [data-dni-skip], textarea, style, xmp, iframe, noembed, noframes, plaintext';

export default {
  async fetch(request, env) {
    const upstream = await fetch(request);
    const cfg = env.SWAP;
    const type = upstream.headers.get('content-type') || '';
    if (upstream.status !== 200 || !type.startsWith('text/html')) return upstream;
    const forms = compile(cfg.swaps);
    const attributes = cfg.attributes ?? ['aria-label', 'title', 'data-phone'];
    const declined = new Set(cfg.declined ?? []);
    let skip = false;
    let buf = '';
    const rw = new HTMLRewriter()
      .on(SKIP_TEXT, { text() { skip = true; } })
      .on(['[href^="tel:" i]', ...attributes.map((a) => `[${a}]`)].join(', '), {
        element(el) {
          // (Elements inside a [data-dni-skip] one are not tracked: the bench pages have none.)
          if (el.hasAttribute('data-dni-skip')) return;
          const href = el.getAttribute('href');
          if (href !== null) {
            const n = replaceTel(href, forms);
            if (n !== null) el.setAttribute('href', n);
          }
          for (const a of attributes) {
            const v = el.getAttribute(a);
            if (v === null) continue;
            const n = replaceRuns(v, forms, RUN_TEXT, false);
            if (n !== null) el.setAttribute(a, n);
          }
        },
      })
      .onDocument({
        text(chunk) {
          const skipped = skip;
          skip = false;
          if (skipped) return;
          if (!chunk.lastInTextNode) {
            buf += chunk.text;
            chunk.remove();
            return;
          }
          const whole = buf + chunk.text;
          buf = '';
          const n = replaceRuns(whole, forms, RUN_TEXT, false);
          if (n !== null) chunk.replace(n, { html: true });
          else if (whole.length !== chunk.text.length) chunk.replace(whole, { html: true });
        },
      });
    if (cfg.consentMode) {
      rw.on('head', { element(el) { el.prepend(`<script data-dni-consent-mode>${cfg.consentMode}</script>`, { html: true }); } });
    }
    if (cfg.scripts) {
      // Inline scripts: hold the start tag until the text is read, then write it back, with
      // type="text/plain" when the text carries a declined vendor's signature.
      let inline = null;
      rw.on('script:not([src])', {
        element(el) {
          const t = el.getAttribute('type');
          if (el.hasAttribute('data-dni-category') || !JS_TYPES.has((t ?? '').trim().toLowerCase())) return;
          const attrs = [...el.attributes].map(([n, v]) => ` ${n}="${escapeAttr(v)}"`).join('');
          const held = { attrs, text: '' };
          inline = held;
          el.removeAndKeepContent();
          el.onEndTag((end) => {
            inline = null;
            const norm = normalise(held.text);
            const hit = INLINE_SIGNATURES.find(([sig, c]) => declined.has(c) && norm.includes(sig));
            const extra = hit ? ' type="text/plain" data-consent-category="' + hit[1] + '"' : '';
            end.before(`<script${held.attrs}${extra}>${held.text}</script>`, { html: true });
          });
        },
        text(chunk) {
          if (!inline) return;
          inline.text += chunk.text;
          chunk.remove();
        },
      });
      rw.on('script', {
        element(el) {
          const t = el.getAttribute('type');
          if (t !== null && t.trim().toLowerCase() === 'text/plain') return;
          let category = null;
          const src = el.getAttribute('src');
          if (src !== null) {
            for (const [re, c] of VENDOR_SCRIPTS) if (re.test(src)) { category = c; break; }
            if (category && !declined.has(category)) category = null;
          }
          if (!category) {
            const marked = el.getAttribute('data-dni-category');
            if (marked !== null && declined.has(marked.trim())) category = marked.trim();
          }
          if (!category) return;
          if (t !== null) el.setAttribute('data-dni-original-type', t);
          el.setAttribute('type', 'text/plain');
          el.setAttribute('data-consent-category', category);
        },
      });
    }
    const headers = new Headers(upstream.headers);
    headers.delete('content-length');
    return rw.transform(new Response(upstream.body, { status: upstream.status, headers }));
  },
};
