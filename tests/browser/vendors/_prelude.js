/*
 * Shared helpers for the vendor stand-ins (tests/browser/vendors/*.js). tests/support/vendor-routes.mjs
 * prepends this file to every stand-in it serves, so each response is one self-contained script
 * at the vendor's real URL.
 *
 * Everything a stand-in does that matters for consent is observable from the outside:
 *  - cookies go through document.cookie on the page's host (host-only, Path=/, SameSite=Lax),
 *    as the real tags do (they set first-party cookies from script);
 *  - sub-scripts are <script src> elements on the vendor's hosts;
 *  - beacons are real requests (image, navigator.sendBeacon or fetch) to the vendor's endpoints.
 * It also keeps a ledger in window.__vendorStandIns[vendorId] = { loaded, cookies, beacons,
 * subscripts } for test diagnostics; the tests assert on the network log and the cookie jar, not
 * on the ledger.
 */
(function () {
  'use strict';
  if (window.__vs) return;
  var ledger = window.__vendorStandIns = window.__vendorStandIns || {};
  function entry(vendor) {
    return ledger[vendor] || (ledger[vendor] = { loaded: [], cookies: [], beacons: [], subscripts: [] });
  }
  function hex(bytes) {
    var a = new Uint8Array(bytes);
    crypto.getRandomValues(a);
    var s = '';
    for (var i = 0; i < a.length; i++) s += ('0' + a[i].toString(16)).slice(-2);
    return s;
  }
  var vs = window.__vs = {
    mark: function (vendor, what, detail) { entry(vendor)[what].push(detail); },
    loaded: function (vendor, what) { entry(vendor).loaded.push(what); },
    hex: hex,
    digits: function (n) {
      var s = '';
      var a = new Uint8Array(n);
      crypto.getRandomValues(a);
      for (var i = 0; i < n; i++) s += String(a[i] % 10);
      return s.replace(/^0/, '1');
    },
    uuid: function () { return crypto.randomUUID(); },
    now: function () { return Date.now(); },
    seconds: function () { return Math.floor(Date.now() / 1000); },
    /** URL query parameter of the page (click ids: gclid, fbclid, msclkid, ...). */
    param: function (name) { return new URLSearchParams(location.search).get(name); },
    getCookie: function (name) {
      var parts = document.cookie ? document.cookie.split('; ') : [];
      for (var i = 0; i < parts.length; i++) {
        var eq = parts[i].indexOf('=');
        if (parts[i].slice(0, eq) === name) return parts[i].slice(eq + 1);
      }
      return null;
    },
    /** Sets a first-party cookie on the page's host, as the vendor's script does. */
    setCookie: function (vendor, name, value, maxAgeSeconds) {
      var c = name + '=' + value + '; Path=/; SameSite=Lax';
      if (maxAgeSeconds) c += '; Max-Age=' + maxAgeSeconds;
      document.cookie = c;
      entry(vendor).cookies.push(name);
    },
    /** Loads a sub-script from the vendor's host (async, like the real loaders). */
    loadScript: function (vendor, src, onload) {
      var s = document.createElement('script');
      s.async = true;
      s.src = src;
      if (onload) s.onload = onload;
      (document.head || document.documentElement).appendChild(s);
      entry(vendor).subscripts.push(src);
      return s;
    },
    /** An image beacon (1x1 GIF), as pixels do. */
    pixel: function (vendor, url) {
      var img = new Image(1, 1);
      img.src = url;
      entry(vendor).beacons.push(url);
      return img;
    },
    /** navigator.sendBeacon (POST), falling back to fetch keepalive. */
    beacon: function (vendor, url, body) {
      var ok = false;
      try { ok = navigator.sendBeacon(url, body || ''); } catch (e) { ok = false; }
      if (!ok) fetch(url, { method: 'POST', body: body || '', mode: 'no-cors', keepalive: true, credentials: 'include' }).catch(function () {});
      entry(vendor).beacons.push(url);
    },
    /** A fetch/XHR-style request (GET or POST, no-cors), as SDKs with JSON endpoints do. */
    request: function (vendor, url, method, body) {
      fetch(url, { method: method || 'GET', body: body, mode: 'no-cors', credentials: 'include' }).catch(function () {});
      entry(vendor).beacons.push(url);
    },
    /** The src of the script being executed (its query carries ids: gtag/js?id=...). */
    currentSrc: function () {
      var s = document.currentScript;
      return s && s.src ? new URL(s.src) : null;
    },
    pageUrl: function () { return encodeURIComponent(location.href); },
    year: 365 * 24 * 60 * 60,
    day: 24 * 60 * 60,
  };
  vs.b64 = function (s) { return btoa(s); };
})();
