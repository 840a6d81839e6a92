// The hydration guard (assets/hydration-guard.min.js, issue 13) on its own in Chromium, no
// framework and no worker: the page is served as the worker would serve it (the guard inline
// with its config and the page's CSP nonce, the markup already swapped), then the test plays the
// part of a client render. Checked: every printed format the worker swaps (digit for digit),
// `tel:` hrefs and the configured attributes; what must never change (other numbers, digits
// glued to the number, script/style/textarea/template/noscript/contenteditable/[data-dni-skip]);
// no frame ever paints an original number; a strict nonce CSP with no violation; no timer, one
// observer; the accessors a hydration check reads (heuristic for unknown readers, Vue's
// data-allow-mismatch, removed once read or written); a second run takes the new config.
// The framework proof (React 18/19, Next.js, Nuxt, Astro) is tests/browser/hydration.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium } from '../support/browser.mjs';
import { ROOT } from '../support/worker.mjs';

const GUARD = fs.readFileSync(path.join(ROOT, 'assets/hydration-guard.min.js'), 'utf8').trim();
const NONCE = 'cmFuZG9tLW5vbmNlLTEyMw';
const CSP = `default-src 'none'; script-src 'nonce-${NONCE}'; style-src 'unsafe-inline'; base-uri 'none'`;
const TARGET = '+15035550142';
const VISITOR = '+15035550170';
const CONFIG = { pairs: [[TARGET, VISITOR]], attributes: ['aria-label', 'title', 'data-phone'] };

const guardTag = (config = CONFIG) =>
  `<script data-dni-hydration-guard nonce="${NONCE}">${GUARD.replace('__DNI_GUARD_CONFIG__', JSON.stringify(config))}</script>`;

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

/** Opens `html` (served with the strict CSP) and runs fn(page, problems). */
async function open(html, fn, { init } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => problems.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  if (init) await page.addInitScript(init);
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective}`));
  });
  await page.route('http://guard.test/**', (route) => route.fulfill({
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP },
    body: html,
  }));
  try {
    await page.goto('http://guard.test/', { waitUntil: 'load' });
    return await fn(page, problems);
  } finally {
    await context.close();
  }
}

const page = (body, head = guardTag()) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title>${head}</head><body>${body}</body></html>`;
/** Lets the observer's microtask (and anything queued) run. */
const settle = (p) => p.evaluate(() => new Promise((r) => setTimeout(r, 0)));

// Client renders of the number as the bundle prints it (input) and what the visitor must see.
const FORMATS = [
  ['(503) 555-0142', '(503) 555-0170'],
  ['503.555.0142', '503.555.0170'],
  ['+1 503-555-0142', '+1 503-555-0170'],
  ['503-555-0142', '503-555-0170'],
  ['5035550142', '5035550170'],
  ['(503)\u00a0555-0142', '(503)\u00a0555-0170'],
  ['+15035550142', '+15035550170'],
  ['1-503-555-0142', '1-503-555-0170'],
  ['+1 (503) 555-0142', '+1 (503) 555-0170'],
  ['001 503 555 0142', '001 503 555 0170'],
  ['503/555/0142', '503/555/0170'],
  ['Call (503) 555-0142, day or night: (503) 555-0142.', 'Call (503) 555-0170, day or night: (503) 555-0170.'],
  ['24/7: 503 555 0142!', '24/7: 503 555 0170!'],
  // Never: another number, digits or digit-ish characters glued to it, a longer number.
  ['(503) 555-0199', '(503) 555-0199'],
  ['5035550142999', '5035550142999'],
  ['ABC5035550142', 'ABC5035550142'],
  ['order #5035550142', 'order #5035550142'],
  ['$5035550142', '$5035550142'],
  ['5035550142%', '5035550142%'],
  ['503-555-0142-12', '503-555-0142-12'],
  ['503-555-01423', '503-555-01423'],
  ['9503-555-0142', '9503-555-0142'],
];

test('guard: client-rendered numbers in every printed format, tel: hrefs and the configured attributes', async () => {
  await open(page('<main id="app"></main>'), async (p, problems) => {
    const shown = await p.evaluate(async (formats) => {
      const app = document.getElementById('app');
      for (const [input] of formats) {
        const el = document.createElement('p');
        el.textContent = input;
        app.append(el);
      }
      await new Promise((r) => setTimeout(r, 0));
      return [...app.children].map((el) => el.textContent);
    }, FORMATS);
    assert.deepEqual(shown, FORMATS.map(([, out]) => out));

    const attrs = await p.evaluate(async () => {
      const app = document.getElementById('app');
      const a = (attrs) => { const el = document.createElement('a'); for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v); el.textContent = 'x'; app.append(el); return el; };
      const els = [
        a({ href: 'tel:+15035550142' }),
        a({ href: 'tel:503-555-0142' }),
        a({ href: 'TEL:+1-503-555-0142' }),
        a({ href: 'https://example.com/call/5035550142' }),
        a({ href: 'sms:+15035550142' }),
        a({ 'aria-label': 'Call us at 503-555-0142', title: '(503) 555-0142', 'data-phone': '+15035550142' }),
        a({ 'data-other': '+15035550142', alt: '503-555-0142' }),
      ];
      await new Promise((r) => setTimeout(r, 0));
      return els.map((el) => Object.fromEntries([...el.attributes].map((x) => [x.name, x.value])));
    });
    assert.deepEqual(attrs, [
      { href: 'tel:+15035550170' },
      { href: 'tel:503-555-0170' },
      { href: 'TEL:+1-503-555-0170' },
      { href: 'https://example.com/call/5035550142' },
      { href: 'sms:+15035550142' },
      { 'aria-label': 'Call us at 503-555-0170', title: '(503) 555-0170', 'data-phone': '+15035550170' },
      { 'data-other': '+15035550142', alt: '503-555-0142' },
    ]);

    // Later updates of existing nodes (what a re-render does): text and attributes.
    const updated = await p.evaluate(async () => {
      const el = document.querySelector('#app p');
      el.firstChild.nodeValue = 'Now: +1 503-555-0142';
      const link = document.querySelector('#app a');
      link.setAttribute('href', 'tel:+1-503-555-0142');
      link.setAttribute('aria-label', '503.555.0142');
      await new Promise((r) => setTimeout(r, 0));
      return [el.textContent, link.getAttribute('href'), link.getAttribute('aria-label')];
    });
    assert.deepEqual(updated, ['Now: +1 503-555-0170', 'tel:+1-503-555-0170', '503.555.0170']);
    assert.deepEqual(problems, []);
  });
});

test('guard: never inside script, style, textarea, template, noscript, contenteditable or [data-dni-skip]', async () => {
  const body = `<main id="app"></main>`;
  await open(page(body), async (p, problems) => {
    const out = await p.evaluate(async () => {
      const app = document.getElementById('app');
      const make = (tag, attrs = {}) => { const el = document.createElement(tag); for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v); el.textContent = '(503) 555-0142'; app.append(el); return el; };
      const skip = [
        make('script', { type: 'text/plain' }), make('style'), make('textarea'), make('noscript'),
        make('div', { contenteditable: '' }), make('div', { 'data-dni-skip': '' }),
      ];
      const nested = document.createElement('section');
      nested.setAttribute('data-dni-skip', '');
      nested.innerHTML = '<p>Invoice <span id="inv">5035550142</span></p><a href="tel:+15035550142" aria-label="503-555-0142">x</a>';
      app.append(nested);
      const template = document.createElement('template');
      template.innerHTML = '<p>(503) 555-0142</p>';
      app.append(template);
      const control = make('p');
      await new Promise((r) => setTimeout(r, 0));
      // A later change inside a skipped subtree is left alone too.
      document.getElementById('inv').firstChild.data = '5035550142 ';
      nested.querySelector('a').setAttribute('title', '503-555-0142');
      await new Promise((r) => setTimeout(r, 0));
      return {
        skipped: skip.map((el) => el.textContent),
        nested: nested.innerHTML,
        template: template.content.textContent,
        control: control.textContent,
      };
    });
    assert.deepEqual(out.skipped, Array(6).fill('(503) 555-0142'));
    assert.equal(out.nested, '<p>Invoice <span id="inv">5035550142 </span></p><a href="tel:+15035550142" aria-label="503-555-0142" title="503-555-0142">x</a>');
    assert.equal(out.template, '(503) 555-0142');
    assert.equal(out.control, '(503) 555-0170', 'the same text outside is swapped (the check can fail)');
    assert.deepEqual(problems, []);
  });
});

test('guard: other number lengths and countries (digit for digit when the lengths match, else +E.164)', async () => {
  const cases = [
    // [config pairs, input, expected]
    [[['+442079460018', '+442079460999']], '+44 20 7946 0018', '+44 20 7946 0999'],
    [[['+442079460018', '+442079460999']], '+44 (0)20 7946 0018', '+44 (0)20 7946 0999'],
    [[['+442079460018', '+442079460999']], '020 7946 0018', '020 7946 0999'],
    [[['+442079460018', '+442079460999']], '0044 20 7946 0018', '0044 20 7946 0999'],
    [[['+15035550142', '+442079460999']], 'Call (503) 555-0142 now', 'Call +442079460999 now'],
    [[['+4930123456', '+49301234567']], 'Tel. 030 123456', 'Tel. +49301234567'],
    [[['+15035550142', '+15035550170'], ['+15035550143', '+15035550171']], '503-555-0142 / 503-555-0143', '503-555-0170 / 503-555-0171'],
  ];
  for (const [pairs, input, expected] of cases) {
    await open(page('<p id="x"></p>', guardTag({ pairs, attributes: [] })), async (p, problems) => {
      const got = await p.evaluate(async (text) => {
        document.getElementById('x').textContent = text;
        await new Promise((r) => setTimeout(r, 0));
        return document.getElementById('x').textContent;
      }, input);
      assert.equal(got, expected, `${JSON.stringify(pairs)}: ${input}`);
      assert.deepEqual(problems, []);
    });
  }
});

test('guard: no frame ever paints an original number, under a strict nonce CSP, no timer and one observer', async () => {
  const counts = () => {
    window.__calls = { timers: 0, observers: 0 };
    for (const name of ['setTimeout', 'setInterval', 'requestAnimationFrame', 'requestIdleCallback']) {
      const f = window[name];
      if (f) window[name] = function (...a) { window.__calls.timers += 1; return f.apply(this, a); };
    }
    const MO = window.MutationObserver;
    window.MutationObserver = class extends MO { constructor(cb) { window.__calls.observers += 1; super(cb); } };
  };
  await open(page('<p id="x">(503) 555-0170</p>'), async (p, problems) => {
    await p.waitForTimeout(300);
    const calls = await p.evaluate(() => window.__calls);
    assert.deepEqual(calls, { timers: 0, observers: 1 }, 'the guard sets no timer and creates one observer');

    // A "framework" re-rendering the original in 30 separate tasks, a frame sampler watching.
    const seen = await p.evaluate(() => new Promise((resolve) => {
      const el = document.getElementById('x');
      const frames = [];
      const sample = () => { frames.push(el.textContent); if (frames.length < 40) requestAnimationFrame(sample); else resolve(frames); };
      requestAnimationFrame(sample);
      let n = 0;
      const render = () => {
        const a = document.createElement('a');
        a.href = 'tel:+15035550142';
        a.textContent = n % 2 ? '+1 503-555-0142' : '(503) 555-0142';
        el.replaceChildren('Call ', a);
        if (++n < 30) setTimeout(render, 5);
      };
      render();
    }));
    assert.ok(seen.length >= 40);
    assert.deepEqual(seen.filter((t) => t.includes('0142')), [], 'no frame shows the original');
    assert.ok(seen.some((t) => t.includes('0170')));
    assert.equal(await p.locator('#x a').getAttribute('href'), 'tel:+15035550170');
    assert.deepEqual(problems, [], 'no CSP violation, no console output');
  }, { init: counts });
});

test('guard: what a hydration check reads on nodes that arrived swapped (unknown reader), once', async () => {
  // Served as the worker serves it: markup and data already show the visitor's number.
  const body = `<main>
<p id="data">Call (503) 555-0170 now, <b>day or night</b></p>
<p id="bundle">Emergency desk +1 503-555-0170 <i>24/7</i></p>
<a id="single" href="tel:+15035550170">+1 503-555-0170</a>
<p id="written">(503) 555-0170 <i>x</i></p>
</main>
<script type="application/ld+json">{"telephone":"+1 503-555-0170"}</script>
<script type="application/json" id="__DATA__">{"display":"(503) 555-0170","note":"\\u003cb\\u003e(503)\\u00a0555-0170\\u003c/b\\u003e"}</script>`;
  await open(page(body), async (p, problems) => {
    const r = await p.evaluate(async () => {
      const $ = (id) => document.getElementById(id);
      const out = {};
      // A text node whose form is in the inline data: rendered from data, the shown text.
      out.data = [$('data').firstChild.data, $('data').firstChild.data];
      // A form found only outside the data (JSON-LD does not count): from the bundle, the
      // original, then (removed once read) the shown text.
      out.bundle = [$('bundle').firstChild.nodeValue, $('bundle').firstChild.nodeValue];
      // An element with one text child: the shown text, data-allow-mismatch for this task.
      out.single = [$('single').textContent, $('single').getAttribute('data-allow-mismatch')];
      await new Promise((r) => setTimeout(r, 0));
      out.singleAfter = [$('single').hasAttribute('data-allow-mismatch'), Object.prototype.hasOwnProperty.call($('single'), 'textContent')];
      // A write goes through (the accessors are removed first) and the observer swaps it.
      $('written').firstChild.nodeValue = '+1 503-555-0142 ';
      await new Promise((r) => setTimeout(r, 0));
      out.written = [$('written').textContent, Object.prototype.hasOwnProperty.call($('written').firstChild, 'nodeValue')];
      out.own = ['data', 'bundle'].map((id) => Object.getOwnPropertyNames($('data').firstChild).length + Object.getOwnPropertyNames($(id).firstChild).length);
      return out;
    });
    assert.deepEqual(r.data, ['Call (503) 555-0170 now, ', 'Call (503) 555-0170 now, ']);
    assert.deepEqual(r.bundle, ['Emergency desk +1 503-555-0142 ', 'Emergency desk +1 503-555-0170 ']);
    assert.deepEqual(r.single, ['+1 503-555-0170', 'text']);
    assert.deepEqual(r.singleAfter, [false, false]);
    assert.deepEqual(r.written, ['+1 503-555-0170 x', false]);
    assert.deepEqual(r.own, [0, 0], 'no accessor left after the reads');
    assert.deepEqual(problems, []);
  });
});

test('guard: a second run (a client router re-running the page scripts) takes the new config', async () => {
  await open(page('<p id="x"></p>'), async (p, problems) => {
    const got = await p.evaluate(async ({ guard, nonce }) => {
      const s = document.createElement('script');
      s.nonce = nonce;
      s.text = guard.replace('__DNI_GUARD_CONFIG__', JSON.stringify({ pairs: [['+15035550142', '+15035550188']], attributes: [] }));
      document.head.append(s);
      document.getElementById('x').textContent = '(503) 555-0142';
      await new Promise((r) => setTimeout(r, 0));
      return document.getElementById('x').textContent;
    }, { guard: GUARD, nonce: NONCE });
    assert.equal(got, '(503) 555-0188');
    assert.deepEqual(problems, []);
  });
});

test('guard: a broken or missing config leaves the page alone, silently', async () => {
  for (const config of ['null', '{"pairs":[["5035550142","x"]]}', '{"pairs":[["+15035550142"]]}', '{}']) {
    const head = `<script nonce="${NONCE}">${GUARD.replace('__DNI_GUARD_CONFIG__', config)}</script>`;
    await open(page('<p id="x">(503) 555-0142</p>', head), async (p, problems) => {
      await p.evaluate(() => { document.getElementById('x').append(' +1 503-555-0142'); });
      await settle(p);
      assert.equal(await p.locator('#x').textContent(), '(503) 555-0142 +1 503-555-0142', config);
      assert.deepEqual(problems, [], config);
    });
  }
});
