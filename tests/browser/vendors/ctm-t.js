/*
 * Stand-in for https://<account>.tctm.co/t.js (CallTrackingMetrics tracking code), served after
 * _prelude.js. Sets CTM's browser-side cookies as CTM documents them (seed
 * shared/seeds/calltrackingmetrics-cookies-and-consent.txt: __ctmid, the browser copy of the
 * session id, 30 days; __ctmdd, the consolidated attribution payload, 30 days) and asks its account
 * host for the visitor's tracking number. CTM does not document that request's path: the stand-in
 * uses /__stand-in/numbers on the real host, so only the host is a claim.
 */
(function () {
  'use strict';
  var vs = window.__vs;
  var src = vs.currentSrc();
  var host = src ? src.host : '';
  vs.loaded('calltrackingmetrics', host + '/t.js');
  var id = vs.getCookie('__ctmid') || vs.hex(12);
  vs.setCookie('calltrackingmetrics', '__ctmid', id, 30 * vs.day);
  vs.setCookie('calltrackingmetrics', '__ctmdd', encodeURIComponent(JSON.stringify({
    r: document.referrer || 'direct', l: location.href, t: vs.seconds(), fe: 1,
  })), 30 * vs.day);
  vs.request('calltrackingmetrics', 'https://' + host + '/__stand-in/numbers?sid=' + id + '&u=' + vs.pageUrl());
})();
