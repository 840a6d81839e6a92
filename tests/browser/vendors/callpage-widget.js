/*
 * Stand-in for https://cdn-widget.callpage.io/build/js/callpage.js (CallPage widget), served after
 * _prelude.js. The snippet reads the cookie callpage-widget-version to version this URL; the widget
 * sets it, records the visitor's route for its "Trace Route" and "Scoring Rules" features (the
 * cookie-dependent features in seed shared/seeds/callpage-cookies.txt) and talks to its API host
 * api.callpage.io (the bundle's configured API_URL). The request path is not documented:
 * /__stand-in/visit on the real host. Takes over window.callpage (execute) and replays its queue.
 */
(function () {
  'use strict';
  var vs = window.__vs;
  vs.loaded('callpage', 'callpage.js');
  var cp = window.callpage;
  var today = new Date().toISOString().split('T')[0].split('-').join('');
  vs.setCookie('callpage', 'callpage-widget-version', vs.getCookie('callpage-widget-version') || today, 7 * vs.day);
  var id = cp && cp.__cp ? cp.__cp.id : '';
  vs.request('callpage', 'https://api.callpage.io/__stand-in/visit?widget=' + encodeURIComponent(id) + '&url=' + vs.pageUrl(), 'POST');
  if (cp) {
    cp.execute = function () {};
    var queue = typeof cp === 'function' ? (cp('__getQueue') || []) : [];
    void queue;
  }
})();
