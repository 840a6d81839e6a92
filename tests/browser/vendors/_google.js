/*
 * Shared Google tag engine for the gtag.js and gtm.js stand-ins (vendor-routes.mjs serves it after
 * _prelude.js and before gtag.js / google-tag-manager.js). It reads the page's dataLayer the way
 * Google documents it:
 *  - gtag() pushes its `arguments` object to window.dataLayer; commands are 'js', 'config',
 *    'event', 'set' and 'consent' (https://developers.google.com/tag-platform/gtagjs/reference);
 *  - gtag('consent', 'default', {...}) sets the initial state of ad_storage, analytics_storage,
 *    ad_user_data, ad_personalization, functionality_storage, personalization_storage,
 *    security_storage, optionally with wait_for_update (ms) and region; gtag('consent', 'update',
 *    {...}) changes it (https://developers.google.com/tag-platform/security/guides/consent);
 *  - BASIC consent mode (https://support.google.com/analytics/answer/9976101): while the storage
 *    a tag needs is denied, the tag sets no cookie and sends nothing (not even cookieless pings);
 *    once granted, it behaves as without consent mode. GA4 needs analytics_storage, Google Ads
 *    needs ad_storage. A type that was never set counts as granted (as without consent mode).
 * A default that carries `region` only applies to visitors of that region; the stand-in cannot
 * know the visitor's region, so it ignores region-scoped defaults (documented simplification).
 */
(function () {
  'use strict';
  if (window.__vsGoogle) return;
  var vs = window.__vs;
  var CONSENT_TYPES = ['ad_storage', 'analytics_storage', 'ad_user_data', 'ad_personalization',
    'functionality_storage', 'personalization_storage', 'security_storage'];

  var G = window.__vsGoogle = {
    consent: {},            // consent type -> 'granted' | 'denied'
    consentHistory: [],     // ['default'|'update', {...}] in order, for diagnostics
    waitUntil: 0,           // wait_for_update deadline (ms since epoch)
    updated: false,         // a consent update arrived
    destinations: {},       // tag id -> { fired: bool, params }
    runtime: false,         // a gtag.js (the Google tag runtime) is on the page
    watchers: [],           // { type, fn, done } run once when `type` becomes allowed
    hooked: {},             // dataLayer names already hooked
    timer: null,
  };

  G.allowed = function (type) { return G.consent[type] !== 'denied'; };

  function isCommand(e) {
    return e && typeof e === 'object' && typeof e.length === 'number' && typeof e[0] === 'string';
  }

  G.process = function (e) {
    if (!isCommand(e)) return;
    var cmd = e[0];
    if (cmd === 'consent' && (e[1] === 'default' || e[1] === 'update') && e[2] && typeof e[2] === 'object') {
      var params = e[2];
      if (e[1] === 'default' && params.region) return;
      G.consentHistory.push([e[1], params]);
      CONSENT_TYPES.forEach(function (t) {
        if (params[t] === 'granted' || params[t] === 'denied') {
          // A late default does not undo an update that already arrived.
          if (e[1] === 'update' || !G.updated) G.consent[t] = params[t];
        }
      });
      if (e[1] === 'default' && typeof params.wait_for_update === 'number') {
        G.waitUntil = Math.max(G.waitUntil, Date.now() + params.wait_for_update);
      }
      if (e[1] === 'update') G.updated = true;
      G.flush();
    } else if (cmd === 'config' && typeof e[1] === 'string') {
      if (!G.destinations[e[1]]) G.destinations[e[1]] = { fired: false, params: e[2] || {} };
      G.flush();
    } else if (cmd === 'event' && typeof e[1] === 'string') {
      G.event(e[1], e[2] || {});
    }
  };

  /** Hooks a dataLayer: processes what is queued and everything pushed later. */
  G.attach = function (name) {
    var dl = window[name] = window[name] || [];
    if (G.hooked[name]) return dl;
    G.hooked[name] = true;
    for (var i = 0; i < dl.length; i++) G.process(dl[i]);
    var push = dl.push;
    dl.push = function () {
      var r = push.apply(dl, arguments);
      for (var j = 0; j < arguments.length; j++) G.process(arguments[j]);
      return r;
    };
    return dl;
  };

  /** Runs `fn` once, as soon as `type` is allowed (and any wait_for_update has passed). */
  G.when = function (type, fn) {
    G.watchers.push({ type: type, fn: fn, done: false });
    G.flush();
  };

  G.flush = function () {
    if (!G.updated && Date.now() < G.waitUntil) {
      if (!G.timer) G.timer = setTimeout(function () { G.timer = null; G.flush(); }, G.waitUntil - Date.now() + 5);
      return;
    }
    G.watchers.forEach(function (w) {
      if (!w.done && G.allowed(w.type)) { w.done = true; w.fn(); }
    });
    if (!G.runtime) return;
    Object.keys(G.destinations).forEach(function (id) {
      var d = G.destinations[id];
      if (d.fired) return;
      if (/^G-/.test(id) && G.allowed('analytics_storage')) { d.fired = true; ga4PageView(id); }
      if (/^(AW|DC)-/.test(id) && G.allowed('ad_storage')) { d.fired = true; adsPageView(id); }
    });
  };

  G.event = function (name, params) {
    if (!G.runtime) return;
    Object.keys(G.destinations).forEach(function (id) {
      if (/^G-/.test(id) && G.destinations[id].fired && G.allowed('analytics_storage')) ga4Hit(id, name);
    });
  };

  // ---- GA4 (https://support.google.com/analytics/answer/11397207: _ga, _ga_<container-id>)
  function clientId() {
    var ga = vs.getCookie('_ga');
    var m = ga && ga.match(/^GA1\.\d+\.(\d+\.\d+)$/);
    return m ? m[1] : vs.digits(10) + '.' + vs.seconds();
  }
  function ga4PageView(id) {
    var cid = clientId();
    vs.setCookie('google-analytics', '_ga', 'GA1.1.' + cid, 2 * vs.year);
    var now = vs.seconds();
    vs.setCookie('google-analytics', '_ga_' + id.slice(2), 'GS1.1.' + now + '.1.0.' + now + '.0.0.0', 2 * vs.year);
    ga4Hit(id, 'page_view');
  }
  function ga4Hit(id, name) {
    var cid = clientId();
    var q = 'v=2&tid=' + encodeURIComponent(id) + '&gtm=45je4bk0&_p=' + vs.now() + '&cid=' + cid +
      '&ul=' + encodeURIComponent(navigator.language.toLowerCase()) + '&sr=' + screen.width + 'x' + screen.height +
      '&_s=1&sid=' + vs.seconds() + '&sct=1&seg=0&dl=' + vs.pageUrl() + '&dt=' + encodeURIComponent(document.title) +
      '&en=' + encodeURIComponent(name) + (name === 'page_view' ? '&_fv=1&_ss=1' : '');
    vs.beacon('google-analytics', 'https://www.google-analytics.com/g/collect?' + q);
  }

  // ---- Google Ads (conversion linker _gcl_au, click id gclid -> _gcl_aw; remarketing hit)
  function adsPageView(id) {
    var num = id.replace(/^(AW|DC)-/, '').split('/')[0];
    vs.loadScript('google-ads', 'https://www.googletagmanager.com/gtag/destination?id=' + encodeURIComponent(id) + '&l=dataLayer&cx=c');
    var au = vs.getCookie('_gcl_au') || ('1.1.' + vs.digits(10) + '.' + vs.seconds());
    vs.setCookie('google-ads', '_gcl_au', au, 90 * vs.day);
    var gclid = vs.param('gclid');
    if (gclid) vs.setCookie('google-ads', '_gcl_aw', 'GCL.' + vs.seconds() + '.' + gclid, 90 * vs.day);
    vs.pixel('google-ads', 'https://googleads.g.doubleclick.net/pagead/viewthroughconversion/' + num +
      '/?random=' + vs.now() + '&cv=11&fst=' + vs.now() + '&fmt=3&url=' + vs.pageUrl() + '&tiba=' + encodeURIComponent(document.title) +
      (gclid ? '&gclid=' + encodeURIComponent(gclid) : ''));
  }
})();
