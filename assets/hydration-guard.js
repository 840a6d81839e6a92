// consent-dni hydration guard (issue 13, item 3).
//
// The worker serves framework pages with the visitor's number already swapped in the markup,
// the `tel:` links, the configured attributes and the serialized data. Two things are left:
//   1. Hydration: a node the client renders from a literal compiled into the JS bundle (e.g.
//      `<a href="tel:+15035550142">+1 503-555-0142</a>` in a component) arrives swapped, so
//      the framework's hydration check compares the swapped text with the original and fails
//      (React 418/423/425, Vue "Hydration completed but contains mismatches"), then renders
//      the original number.
//   2. Client renders and client-side navigations after that show bundle literals again.
//
// What this script does (see docs/hydration-guard.md for the measurements):
//   * One MutationObserver on the document (childList, characterData, the configured
//     attributes and `href`, subtree). Its callback runs as a microtask, before the next paint,
//     so a rendered original is replaced before the visitor can see it: text nodes, `tel:`
//     hrefs and the configured attributes that show a target number get the visitor's number.
//   * Every text node that arrives with the visitor's number in it (the worker's output: what
//     was parsed when the guard started or is parsed while the document loads, and a body
//     that a client router swaps in with a not yet hydrated `astro-island[ssr]`) gets
//     own-property accessors for `data`/`nodeValue` (and `textContent` on its parent when it
//     is the parent's only child): what React and Vue read to check hydration. They answer:
//       - React (18 and 19 set `__reactFiber$…` on the node right before they read): the
//         fiber's own text (`memoizedProps`, or `memoizedProps.children` for an element)
//         when it is the original of what the node shows (the swap of it is exactly the
//         shown text); the shown text otherwise. Exact, no guessing. Removed after that read.
//       - Any other reader of an element's `textContent` (Vue reads it for an element whose
//         only child is text), once: the shown text, with `data-allow-mismatch="text"` set on
//         the element until the next microtask (Vue >= 3.5 then patches the text silently if
//         it expected the original; the observer swaps the patch before paint).
//       - Any other reader of a text node (Vue's mixed-content text vnodes): a heuristic, once
//         (then removed): the original text when a number form the node shows does not occur
//         in the page's inline serialized data (inline scripts other than JSON-LD, and
//         `astro-island[props]`), i.e. it probably comes from the bundle; the shown text
//         otherwise.
//     Any write through them removes them first (the framework's write then goes through and
//     the observer swaps it).
//   * Never inside script, style, textarea, template, noscript, [contenteditable] or
//     [data-dni-skip]. Everything in try/catch; no console output, no eval.
//
// `__DNI_GUARD_CONFIG__` is replaced by the worker with
//   {"pairs":[["+15035550142","+15035550170"]],"attributes":["aria-label","title","data-phone"]}
// (target number -> the visitor's number, E.164; the attributes rewritten like text).
(() => {
  try {
    const w = self;
    const doc = document;
    const KEY = '__dniHydrationGuard';
    const config = __DNI_GUARD_CONFIG__;
    // Run twice (a client router re-running the inline scripts of a page it swaps in): the
    // running instance takes the new config.
    if (w[KEY]) return w[KEY](config);

    const E164 = /^\+[1-9]\d{6,14}$/;
    const ALLOW = 'data-allow-mismatch';
    const SKIP = 'script,style,textarea,template,noscript,[contenteditable],[data-dni-skip]';
    // Separators allowed between two digits of a printed number (at most 3 in a row):
    // spaces, NBSP, ( ) . / -
    const SEP = '[\\s\\u00a0().\\/-]{0,3}';
    // Country code of an E.164 number: 1 and 7 are one digit, these two-digit codes are
    // assigned (ITU-T E.164 list), every other code has three digits.
    const CC = /^(?:1|7|2[07]|3[0-469]|4[013-9]|5[1-8]|6[0-6]|8[1246]|9[0-58]|\d{3})/;
    const trunkOf = (cc) => (cc == 1 ? '1' : cc == 7 ? '8' : '0');
    const split = (e164) => {
      const d = e164.slice(1);
      const cc = d.match(CC)[0];
      return [d, cc, d.slice(cc.length)];
    };
    const spread = (digits) => digits.split('').join(SEP);
    // Quick reject: no run of 7 digits (with separators) means no phone number.
    const PHONE = RegExp(`\\d(?:${SEP}\\d){6}`);

    // A swapper for [from, to] pairs: (text, found?) => text with every printed `from` number
    // replaced by `to`, the digits in place when the printed style has as many digits for
    // `to` as for `from` (else the number is written `+<digits>`). Printed styles:
    // `+1 503-555-0142`, `+44 (0)20 …`, `0044 …`, national with trunk `1-503-555-0142` /
    // `020 …`, national `(503) 555-0142`, `503.555.0142`, `5035550142`. Not after a letter,
    // digit, `+ - . / # $ % @ =`; not before a letter, digit, `%`, or `- . / ,` and a digit.
    // `found`, when given, collects the printed forms matched.
    const swapper = (pairs) => {
      const list = pairs.map(([from, to]) => {
        const [, cc, nsn] = split(from);
        const [v, vcc, vnsn] = split(to);
        const re = new RegExp(
          `(^|[^\\w+\\-./#$%@=])(?:(\\+|00)${SEP}${spread(cc)}(${SEP}0)?|(${trunkOf(cc)}))?${SEP}${spread(nsn)}(?![\\w%]|[-./,]\\d)`,
          'g',
        );
        return (text, found) => text.replace(re, (m, lead, intl, zero, trunk) => {
          const body = m.slice(lead.length);
          const digits = intl
            ? (intl == '00' ? '00' : '') + vcc + (zero ? '0' : '') + vnsn
            : vcc == cc ? (trunk ? trunkOf(vcc) : '') + vnsn : '';
          let i = 0;
          if (found) found.push(body.trim());
          return lead + (body.replace(/\D/g, '').length == digits.length
            ? body.replace(/\d/g, () => digits[i++])
            : body.replace(/[+(]?\d[^]*/, '+' + v));
        });
      });
      return (text, found) => list.reduce((t, f) => f(t, found), text);
    };

    let swap, unswap, attributes, selector;
    const configure = (c) => {
      const pairs = (c.pairs || []).filter((p) => E164.test(p[0]) && E164.test(p[1]) && p[0] != p[1]);
      swap = swapper(pairs);
      unswap = swapper(pairs.map(([a, b]) => [b, a]));
      attributes = ['href', ...(c.attributes || [])];
      selector = attributes.map((a) => `[${CSS.escape(a)}]`).join();
    };
    configure(config);

    // The prototype accessors: what the guard itself uses to read and write.
    const desc = (proto, name) => Object.getOwnPropertyDescriptor(proto, name);
    const DATA = desc(CharacterData.prototype, 'data');
    const ACCESSORS = [
      ['data', DATA],
      ['nodeValue', desc(Node.prototype, 'nodeValue')],
      ['textContent', desc(Node.prototype, 'textContent')],
    ];
    const ELEMENT_TEXT = ACCESSORS[2];

    // The printed number forms in the page's inline serialized data (JSON and JS string
    // escapes undone), computed on demand, forgotten at the next microtask.
    let dataForms;
    const inData = () => {
      if (!dataForms) {
        const found = [];
        let text = '';
        for (const s of doc.scripts) {
          if (!s.src && !/ld\+json/i.test(s.type) && !s.text.includes(KEY)) text += s.text + '\n';
        }
        for (const el of doc.querySelectorAll('astro-island[props]')) text += el.getAttribute('props') + '\n';
        unswap(text.replace(/\\+u([\da-f]{4})/gi, (m, h) => String.fromCharCode(parseInt(h, 16))).replace(/\\+\//g, '/'), found);
        dataForms = new Set(found);
        queueMicrotask(() => { dataForms = null; });
      }
      return dataForms;
    };

    // React (17 to 19) keeps a node's fiber in an own property `__reactFiber$<random>`, set on
    // hydration right before it reads the node's text, and on every node it creates.
    const reactKey = (node) => Object.keys(node).find((k) => k.startsWith('__reactFiber$'));

    // Own-property accessors on a text node that arrived swapped (see the header).
    const guard = (node) => {
      const parent = node.parentNode;
      const single = parent && parent.nodeType == 1 && parent.childNodes.length == 1 ? parent : null;
      const targets = [[node, ACCESSORS.slice(0, 2)], [single, [ELEMENT_TEXT]]];
      const off = () => targets.forEach(([o, list]) => o && list.forEach(([name]) => delete o[name]));
      const answer = (self, shown) => {
        const fiber = self[reactKey(self)];
        if (fiber) {
          off();
          // A text fiber's props are its text; an element's, its props (children: the text).
          const p = '' + (fiber.memoizedProps?.children ?? fiber.memoizedProps);
          return p != shown && swap(p) == shown ? p : shown;
        }
        off();
        if (self == single) {
          if (!self.hasAttribute(ALLOW)) {
            self.setAttribute(ALLOW, 'text');
            queueMicrotask(() => self.removeAttribute(ALLOW));
          }
          return shown;
        }
        const found = [];
        const original = unswap(shown, found);
        const forms = found.length && inData();
        return found.every((f) => forms.has(f)) ? shown : original;
      };
      targets.forEach(([o, list]) => o && list.forEach(([name, d]) => {
        if (!o.hasOwnProperty(name)) {
          Object.defineProperty(o, name, {
            configurable: true,
            get() {
              const shown = d.get.call(this);
              try { return answer(this, shown); } catch (e) { return shown; }
            },
            set(value) {
              off();
              d.set.call(this, value);
            },
          });
        }
      }));
    };

    // Text nodes and attributes are only looked at closely (skipped subtree, swap) when they
    // hold a run of 7 digits: most of a page is rejected by one regex test.
    const skipped = (el) => !el || el.closest(SKIP);
    const text = (node, fresh) => {
      const t = DATA.get.call(node);
      if (!PHONE.test(t) || skipped(node.parentElement)) return;
      const s = swap(t);
      if (s != t) DATA.set.call(node, s);
      else if (fresh && unswap(t) != t && !reactKey(node)) guard(node);
    };
    const attribute = (el, name) => {
      const v = el.getAttribute(name);
      if (v && PHONE.test(v) && (name != 'href' || /^\s*tel:/i.test(v)) && !skipped(el)) {
        const s = swap(v);
        if (s != v) el.setAttribute(name, s);
      }
    };
    // Every text node and every element with one of the attributes in `root`'s subtree (native
    // traversal, no script callback per node).
    const walk = (root, fresh) => {
      if (root.nodeType == 3) return text(root, fresh);
      if (root.nodeType != 1) return;
      const walker = doc.createTreeWalker(root, 4);
      for (let n; (n = walker.nextNode());) text(n, fresh);
      const withAttributes = [...root.querySelectorAll(selector)];
      if (root.matches(selector)) withAttributes.push(root);
      withAttributes.forEach((el) => attributes.forEach((a) => attribute(el, a)));
    };

    const loading = () => doc.readyState == 'loading';
    const ISLAND = 'astro-island[ssr]';
    const island = (n) => n.nodeType == 1 && !!(n.closest(ISLAND) || n.querySelector(ISLAND));
    const observer = new MutationObserver((records) => {
      try {
        const added = new Set();
        for (const r of records) {
          const n = r.target;
          if (r.type == 'childList') r.addedNodes.forEach((a) => added.add(a));
          else if (r.type == 'characterData') text(n, loading());
          else attribute(n, r.attributeName);
        }
        // Each added subtree once (a node whose parent was added too is walked with it). Nodes
        // that will still be hydrated: parsed while the document loads, or swapped in by a
        // client router with a server-rendered island that has not hydrated yet.
        added.forEach((a) => a.isConnected && !added.has(a.parentNode) && walk(a, loading() || island(a)));
      } catch (e) { /* never break the page */ }
      // Our own writes queued records: drop them (nothing else ran since the callback began).
      observer.takeRecords();
    });
    const start = () => {
      observer.observe(doc, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: attributes });
      walk(doc.documentElement, true);
      observer.takeRecords();
    };
    start();
    w[KEY] = (c) => {
      configure(c);
      start();
    };
  } catch (e) { /* never break the page */ }
})();
