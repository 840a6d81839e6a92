/*
 * Stand-in for https://static.ads-twitter.com/uwt.js (X Pixel / universal website tag), served
 * after _prelude.js. Takes over window.twq (s.exe), replays twq.queue: 'config' (and the older
 * 'init') stores the ?twclid= click id in the first-party cookie _twclid (X Business Help, "X
 * Pixel": first-party cookie, 2 years) and fires the page view to analytics.twitter.com/i/adsct and
 * t.co/i/adsct, as the real tag does.
 */
(function () {
  'use strict';
  var vs = window.__vs;
  vs.loaded('x-ads', 'uwt.js');
  var twq = window.twq;
  if (!twq || twq.__standIn) return;
  twq.__standIn = true;
  function adsct(host, id, events) {
    vs.pixel('x-ads', 'https://' + host + '/i/adsct?bci=3&eci=2&event_id=' + vs.uuid() + '&events=' + encodeURIComponent(JSON.stringify(events)) +
      '&integration=advertiser&p_id=Twitter&p_user_id=0&pl_id=' + vs.uuid() + '&tw_document_href=' + vs.pageUrl() +
      '&tw_iframe_status=0&txn_id=' + encodeURIComponent(id) + '&type=javascript&version=2.3.31');
  }
  function handle(a) {
    if (a[0] === 'config' || a[0] === 'init') {
      var twclid = vs.param('twclid');
      if (twclid) vs.setCookie('x-ads', '_twclid', encodeURIComponent(JSON.stringify({ twclid: twclid, twclid_src: 'url' })), 2 * vs.year);
      adsct('analytics.twitter.com', a[1], [['pageview', {}]]);
      adsct('t.co', a[1], [['pageview', {}]]);
    } else if (a[0] === 'event') {
      adsct('analytics.twitter.com', a[1], [[a[1], a[2] || {}]]);
    }
  }
  twq.exe = function () { handle(Array.prototype.slice.call(arguments)); };
  var queue = twq.queue || [];
  twq.queue = [];
  queue.forEach(function (a) { handle(Array.prototype.slice.call(a)); });
})();
