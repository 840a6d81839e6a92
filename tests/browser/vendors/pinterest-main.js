/*
 * Stand-in for https://s.pinimg.com/ct/lib/main.<hash>.js (Pinterest Tag), served after
 * _prelude.js. Replays window.pintrk.queue: 'load' sets the first-party cookies Pinterest lists
 * for the tag (Pinterest help, "Pinterest tag and cookies": _pin_unauth,
 * and _epik from the ?epik= click id) and sends init; 'page' and 'track' send image beacons to
 * ct.pinterest.com/v3/. pintrk('setconsent', false) stops it.
 */
(function () {
  'use strict';
  var vs = window.__vs;
  vs.loaded('pinterest', 'main.js');
  var p = window.pintrk;
  if (!p || p.__standIn) return;
  p.__standIn = true;
  var tags = [];
  var consent = true;
  function beacon(event, tid) {
    vs.pixel('pinterest', 'https://ct.pinterest.com/v3/?event=' + event + '&tid=' + tid + '&pd=' +
      encodeURIComponent(JSON.stringify({ np: 'plain' })) + '&ad=' + encodeURIComponent(JSON.stringify({ loc: location.href, ref: document.referrer })) +
      '&cb=' + vs.now());
  }
  function handle(a) {
    if (a[0] === 'setconsent') { consent = a[1] !== false && a[1] !== 'false'; return; }
    if (!consent) return;
    if (a[0] === 'load') {
      tags.push(String(a[1]));
      if (!vs.getCookie('_pin_unauth')) vs.setCookie('pinterest', '_pin_unauth', vs.b64('uid=' + vs.b64(vs.uuid())), vs.year);
      var epik = vs.param('epik');
      if (epik) vs.setCookie('pinterest', '_epik', epik, vs.year);
      beacon('init', a[1]);
    } else if (a[0] === 'page') {
      tags.forEach(function (t) { beacon('pagevisit', t); });
    } else if (a[0] === 'track') {
      tags.forEach(function (t) { beacon(a[1], t); });
    }
  }
  var queue = p.queue || [];
  window.pintrk = function () { handle(Array.prototype.slice.call(arguments)); };
  window.pintrk.__standIn = true;
  queue.forEach(function (a) { handle(Array.prototype.slice.call(a)); });
})();
