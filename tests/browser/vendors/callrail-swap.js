/*
 * Stand-in for https://cdn.callrail.com/companies/<company>/<key>/12/swap.js (CallRail dynamic
 * number insertion), served after _prelude.js. Defines window.CallTrk, sets CallRail's first-party
 * cookies (as found in real cookie jars: calltrk_referrer, calltrk_landing, calltrk_session_id;
 * https://support.callrail.com/hc/en-us/articles/200977208: "we'll store the visitor's source in a
 * cookie"), loads js.callrail.com/group/0/<key>/12/icap.js and posts the session to
 * js.callrail.com/group/0/<key>/12/swap_session.json (both paths as observed on sites).
 */
(function () {
  'use strict';
  var vs = window.__vs;
  var src = vs.currentSrc();
  var parts = src ? src.pathname.split('/') : [];
  var key = parts[3] || '';
  vs.loaded('callrail', 'swap.js');
  var session = vs.getCookie('calltrk_session_id') || vs.uuid();
  if (!vs.getCookie('calltrk_referrer')) vs.setCookie('callrail', 'calltrk_referrer', encodeURIComponent(document.referrer || 'direct'), vs.year);
  if (!vs.getCookie('calltrk_landing')) vs.setCookie('callrail', 'calltrk_landing', encodeURIComponent(location.href), vs.year);
  vs.setCookie('callrail', 'calltrk_session_id', session, vs.year);
  window.CallTrk = window.CallTrk || { captureForm: function () {}, swap: function () {} };
  var base = 'https://js.callrail.com/group/0/' + key + '/12/';
  vs.loadScript('callrail', base + 'icap.js?t=' + vs.now() + '&uuid=' + session);
  vs.request('callrail', base + 'swap_session.json', 'POST', JSON.stringify({ session_id: session, landing: location.href, referrer: document.referrer }));
})();
