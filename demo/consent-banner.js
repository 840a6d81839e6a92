/*
 * Demo consent banner for Harbor & Pine Plumbing, writing the Commanders Act consent cookie.
 *
 * TC_PRIVACY value (before encoding), per the Commanders Act "Consent Cookie" documentation:
 *   <status>@<privacy_version>|<banner_id>|<site_id>@<consent_categories>@<blocked_on_categories>@<updated>,<created>,<expires>
 * status 0 = opt-in for the listed categories, 1 = opt-out. The whole value is percent-encoded
 * the way the real CMP does it ("@" -> %40, "|" -> %7C, "," -> %2C).
 *
 * Demo category ids: 1 necessary (blocked on, always), 2 functional, 3 analytics, 4 marketing.
 * Privacy version 001, banner id 7, site id 1001. Timestamps in ms; expiry 396 days ahead.
 *
 * The page does not act on consent itself: after a choice it reloads, and the consent-dni
 * worker decides on the server (tracking number or fallback number, cookies, vendor scripts).
 *
 * Test hooks: element ids #consent-banner #consent-accept #consent-decline #consent-choose
 * #consent-functional #consent-analytics #consent-marketing #consent-save #cookie-settings,
 * and window.hpConsent = { accept, decline, save, open, read, build }.
 */
(function () {
  "use strict";

  var COOKIE = "TC_PRIVACY";
  var CENTER_COOKIE = "TC_PRIVACY_CENTER";
  var PRIVACY_VERSION = "001";
  var BANNER_ID = "7";
  var SITE_ID = "1001";
  var BLOCKED_ON = ["1"];
  var ALL = ["2", "3", "4"];
  var MAX_AGE = 34214400; // 396 days, in seconds
  var DAY_MS = 86400000;
  var CHECKBOXES = { "2": "consent-functional", "3": "consent-analytics", "4": "consent-marketing" };

  function getCookie(name) {
    var parts = document.cookie ? document.cookie.split(";") : [];
    for (var i = 0; i < parts.length; i++) {
      var p = parts[i].replace(/^\s+/, "");
      var eq = p.indexOf("=");
      if (eq > 0 && p.slice(0, eq) === name) return p.slice(eq + 1);
    }
    return null;
  }

  function safeDecode(v) {
    // Real cookies are fully or partly encoded; decode repeatedly but never throw.
    for (var i = 0; i < 3 && /%[0-9A-Fa-f]{2}/.test(v); i++) {
      try { v = decodeURIComponent(v); } catch (e) { break; }
    }
    return v;
  }

  // Parse the current TC_PRIVACY cookie: { status, categories: [ids], created } or null.
  function read() {
    var raw = getCookie(COOKIE);
    if (raw === null) return null;
    var fields = safeDecode(raw).split("@");
    var cats = fields.length > 2 && fields[2] ? fields[2].split(",") : [];
    var times = fields.length > 4 ? fields[4].split(",") : [];
    var created = parseInt(times[1], 10);
    return {
      raw: raw,
      status: fields[0],
      categories: cats.filter(function (c) { return c !== ""; }),
      created: isFinite(created) ? created : null
    };
  }

  // Build the encoded TC_PRIVACY value.
  function build(status, categories, now, created) {
    now = now || Date.now();
    created = created || now;
    var expires = now + 396 * DAY_MS;
    var value = [
      String(status),
      [PRIVACY_VERSION, BANNER_ID, SITE_ID].join("|"),
      categories.join(","),
      BLOCKED_ON.join(","),
      [now, created, expires].join(",")
    ].join("@");
    return encodeURIComponent(value); // @ -> %40, | -> %7C, , -> %2C
  }

  function setCookie(name, value) {
    var attrs = "; Path=/; SameSite=Lax; Max-Age=" + MAX_AGE;
    if (location.protocol === "https:") attrs += "; Secure";
    document.cookie = name + "=" + value + attrs;
  }

  function write(status, categories, opts) {
    var previous = read();
    var now = Date.now();
    var created = previous && previous.created ? previous.created : now;
    setCookie(COOKIE, build(status, categories, now, created));
    setCookie(CENTER_COOKIE, encodeURIComponent(categories.join(",")));
    if (!opts || opts.reload !== false) {
      // The worker decides on the server: reload without the "#consent" hash.
      if (location.hash) location.replace(location.pathname + location.search);
      else location.reload();
    }
  }

  function accept(opts) { write(0, ALL.slice(), opts); }
  function decline(opts) { write(1, [], opts); }
  function save(ids, opts) {
    if (!ids) {
      ids = [];
      for (var id in CHECKBOXES) {
        var box = document.getElementById(CHECKBOXES[id]);
        if (box && box.checked) ids.push(id);
      }
    }
    ids = ids.map(String).sort();
    write(0, ids, opts);
  }

  function banner() { return document.getElementById("consent-banner"); }
  function prefs() { return document.getElementById("consent-preferences"); }

  function syncCheckboxes() {
    var current = read();
    var granted = {};
    if (current) {
      if (current.status === "0") {
        current.categories.forEach(function (c) { granted[c] = true; });
      } else if (current.status === "1" && current.categories.length) {
        // status 1 lists the refused categories: everything else was allowed
        ALL.forEach(function (c) { granted[c] = current.categories.indexOf(c) < 0; });
      }
    }
    for (var id in CHECKBOXES) {
      var box = document.getElementById(CHECKBOXES[id]);
      if (box) box.checked = !!granted[id];
    }
  }

  function open(showPreferences) {
    var b = banner();
    if (!b) return;
    syncCheckboxes();
    if (showPreferences && prefs()) {
      prefs().hidden = false;
      var c = document.getElementById("consent-choose");
      if (c) c.setAttribute("aria-expanded", "true");
    }
    b.hidden = false;
    var first = document.getElementById("consent-accept");
    if (first && showPreferences !== undefined) first.focus();
  }

  function on(id, fn) {
    var el = document.getElementById(id);
    if (el) el.addEventListener("click", function (ev) { ev.preventDefault(); fn(); });
  }

  function init() {
    on("consent-accept", function () { accept(); });
    on("consent-decline", function () { decline(); });
    on("consent-choose", function () {
      var p = prefs();
      if (!p) return;
      // Always reveals (never toggles), so "Cookie settings" then "Choose" still shows them.
      if (p.hidden) syncCheckboxes();
      p.hidden = false;
      var c = document.getElementById("consent-choose");
      if (c) c.setAttribute("aria-expanded", "true");
    });
    on("consent-save", function () { save(); });
    on("cookie-settings", function () { open(true); });

    if (read() === null || location.hash === "#consent") open(location.hash === "#consent" ? true : undefined);
    window.addEventListener("hashchange", function () { if (location.hash === "#consent") open(true); });
  }

  window.hpConsent = { accept: accept, decline: decline, save: save, open: open, read: read, build: build };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
