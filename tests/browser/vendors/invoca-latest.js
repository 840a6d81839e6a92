/*
 * Stand-in for https://solutions.invocacdn.com/js/invoca-latest.min.js (Invoca JS library),
 * served after _prelude.js. Reads window.InvocaTagId ("<network>/<tag>") set by the snippet,
 * loads the tag's own script from the same host (Invoca's CSP article: solutions.invocacdn.com
 * serves "Invoca JS and Tag scripts"; the path used here is not documented), keeps the visitor's
 * InvocaID in the first-party cookie invoca_session and localStorage (seed
 * shared/seeds/invoca-cookie-classification.txt), and asks pnapi.invoca.net, the endpoint "the Tag
 * needs to connect to for collecting attribution and swapping phone numbers", for a number. The
 * request path is not documented: /__stand-in/numbers on the real host.
 */
(function () {
  'use strict';
  var vs = window.__vs;
  var tag = String(window.InvocaTagId || '');
  vs.loaded('invoca', 'invoca-latest.min.js ' + tag);
  var t = tag.split('/');
  vs.loadScript('invoca', 'https://solutions.invocacdn.com/js/networks/' + t[0] + '/tags/' + t[1] + '/tag-live.js');
  var prior = null;
  try { prior = JSON.parse(decodeURIComponent(vs.getCookie('invoca_session') || 'null')); } catch (e) { prior = null; }
  var invocaId = (prior && prior.session && prior.session.invoca_id) || ('i-' + vs.uuid());
  var value = { ttl: new Date(Date.now() + 30 * vs.day * 1000).toUTCString(), session: { invoca_id: invocaId }, config: { ce: true, fv: false, rn: false } };
  vs.setCookie('invoca', 'invoca_session', encodeURIComponent(JSON.stringify(value)), 30 * vs.day);
  localStorage.setItem('invoca_session', JSON.stringify(value));
  vs.request('invoca', 'https://pnapi.invoca.net/__stand-in/numbers?tag=' + encodeURIComponent(tag) + '&invoca_id=' + invocaId, 'POST',
    JSON.stringify({ url: location.href, referrer: document.referrer }));
})();
