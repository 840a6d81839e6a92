/*
 * Stand-in for a call-tracking vendor's tag (think CallTrackingMetrics), for the consent-dni demo.
 * It does what such tags do that matters for consent: it sets tracking cookies as soon as it runs.
 * It does NOT swap numbers (the consent-dni worker does that at the edge).
 *
 * When the visitor declined, the worker rewrites <script src="/vendor/ctm-tracker.js"> to
 * type="text/plain" data-consent-category="...", so this never runs: no cookies, no marker.
 */
(function () {
  "use strict";
  var THIRTY_DAYS = 30 * 24 * 60 * 60;

  function getCookie(name) {
    var m = document.cookie.match(new RegExp("(?:^|;\\s*)" + name + "=([^;]*)"));
    return m ? m[1] : null;
  }
  function setCookie(name, value) {
    document.cookie = name + "=" + value + "; Path=/; Max-Age=" + THIRTY_DAYS + "; SameSite=Lax";
  }
  function randomId() {
    var bytes = new Uint8Array(12);
    if (window.crypto && crypto.getRandomValues) crypto.getRandomValues(bytes);
    else for (var i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    var s = "";
    for (var j = 0; j < bytes.length; j++) s += ("0" + bytes[j].toString(16)).slice(-2);
    return s;
  }

  var id = getCookie("__ctmid") || randomId();
  setCookie("__ctmid", id);
  // _ctmdd: the vendor's "direct / referrer / landing" attribution blob
  var dd = encodeURIComponent(JSON.stringify({
    r: document.referrer ? "ref" : "direct",
    l: location.pathname,
    t: Math.floor(Date.now() / 1000)
  }));
  setCookie("_ctmdd", dd);

  window.__ctmLoaded = true;

  function mark() {
    if (document.getElementById("ctm-status")) return;
    var div = document.createElement("div");
    div.id = "ctm-status";
    div.setAttribute("role", "status");
    div.textContent = "Call tracking script active";
    document.body.appendChild(div);
  }
  if (document.body) mark();
  else document.addEventListener("DOMContentLoaded", mark);
})();
