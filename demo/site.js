/*
 * Harbor & Pine Plumbing demo: small page helpers.
 * - the footer debug panel: fetches /__dni/consent (the consent-dni worker's decision for this
 *   request) and shows the JSON; tolerant of it failing (e.g. the site served without the worker);
 * - the contact form (no backend: shows a thank-you note).
 */
(function () {
  "use strict";

  function debugPanel() {
    var out = document.getElementById("dni-debug-output");
    if (!out) return;
    var done = false;
    function show(text, state) {
      done = true;
      out.textContent = text;
      out.setAttribute("data-state", state);
    }
    var timer = setTimeout(function () { if (!done) show("unavailable (timed out)", "error"); }, 5000);
    if (!window.fetch) { show("unavailable (no fetch in this browser)", "error"); return; }
    fetch("/__dni/consent", { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (res) {
        return res.text().then(function (body) {
          if (!res.ok) throw new Error("HTTP " + res.status);
          var data = JSON.parse(body);
          return data;
        });
      })
      .then(function (data) {
        clearTimeout(timer);
        window.__dniConsent = data;
        show(JSON.stringify(data), "ok");
      })
      .catch(function (err) {
        clearTimeout(timer);
        show("unavailable (" + (err && err.message ? err.message : "error") + ")", "error");
      });
  }

  function contactForm() {
    var form = document.getElementById("contact-form");
    if (!form) return;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var note = document.getElementById("form-thanks");
      if (note) note.hidden = false;
    });
  }

  function init() { debugPanel(); contactForm(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
