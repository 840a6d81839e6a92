/*
 * Stand-in for https://script.hotjar.com/modules.<hash>.js (Hotjar), served after _prelude.js.
 * Sets Hotjar's first-party cookies as listed in Hotjar's help article "Cookies set by the Hotjar
 * tracking code" (names as found in real cookie jars, e.g. _hjSessionUser_302225):
 * _hjSessionUser_<site id> (365 days, base64 JSON {id, created, existing}) and
 * _hjSession_<site id> (30 minutes), then posts the visit to in.hotjar.com.
 */
(function () {
  'use strict';
  var vs = window.__vs;
  var site = (window._hjSettings || {}).hjid;
  vs.loaded('hotjar', 'modules.js');
  var user = vs.getCookie('_hjSessionUser_' + site) ||
    vs.b64(JSON.stringify({ id: vs.uuid(), created: vs.now(), existing: false }));
  vs.setCookie('hotjar', '_hjSessionUser_' + site, user, vs.year);
  vs.setCookie('hotjar', '_hjSession_' + site,
    vs.b64(JSON.stringify({ id: vs.uuid(), c: vs.now(), s: 0, r: 0, sb: 0, sr: 0, se: 0, fs: 1, sp: 0 })), 30 * 60);
  vs.beacon('hotjar', 'https://in.hotjar.com/api/v2/client/sites/' + site + '/visit-data?sv=' + ((window._hjSettings || {}).hjsv || 6),
    JSON.stringify({ url: location.href }));
  if (typeof window.hj === 'function') window.hj.q = [];
})();
