/*
 * Stand-in for https://analytics.tiktok.com/i18n/pixel/static/main.<hash>.js (TikTok Pixel),
 * served after _prelude.js. Replays window.ttq (the snippet's stub: an array of [method, ...args]
 * plus ttq._i per pixel), sets TikTok's first-party cookies (TikTok Business Help Center, "About
 * cookies with TikTok Pixel": _ttp, 13 months; ttcsid and ttcsid_<pixel>, session attribution;
 * _tt_enable_cookie=1; ttclid from ?ttclid=) and posts events to analytics.tiktok.com/api/v2/pixel.
 * ttq.holdConsent() holds everything until ttq.grantConsent(), as the snippet's method list allows.
 */
(function () {
  'use strict';
  var vs = window.__vs;
  vs.loaded('tiktok', 'main.js');
  var ttq = window.ttq;
  if (!ttq || ttq.__standIn) return;
  ttq.__standIn = true;
  var pixels = Object.keys(ttq._i || {});
  var held = false;
  var pending = [];
  var cookiesSet = false;
  function cookies() {
    if (cookiesSet) return;
    cookiesSet = true;
    vs.setCookie('tiktok', '_tt_enable_cookie', '1', 395 * vs.day);
    var ttp = vs.getCookie('_ttp') || (vs.hex(14).slice(0, 27));
    vs.setCookie('tiktok', '_ttp', ttp, 395 * vs.day);
    var session = vs.now() + '::' + vs.hex(10) + '.1.' + vs.now();
    vs.setCookie('tiktok', 'ttcsid', session, 395 * vs.day);
    pixels.forEach(function (p) { vs.setCookie('tiktok', 'ttcsid_' + p, session, 395 * vs.day); });
    var ttclid = vs.param('ttclid');
    if (ttclid) vs.setCookie('tiktok', 'ttclid', ttclid, 30 * vs.day);
  }
  function send(event, props) {
    cookies();
    pixels.forEach(function (p) {
      vs.beacon('tiktok', 'https://analytics.tiktok.com/api/v2/pixel', JSON.stringify({
        event: event, pixel_code: p, properties: props || {},
        context: { page: { url: location.href, referrer: document.referrer }, user: { anonymous_id: vs.getCookie('_ttp') } },
        timestamp: new Date().toISOString(),
      }));
    });
  }
  function handle(args) {
    var m = args[0];
    if (m === 'holdConsent') { held = true; return; }
    if (m === 'grantConsent') { held = false; pending.splice(0).forEach(handle); return; }
    if (m === 'revokeConsent') { held = true; pending.length = 0; return; }
    if (held) { pending.push(args); return; }
    if (m === 'page') send('Pageview');
    else if (m === 'track') send(args[1], args[2]);
  }
  var queue = Array.prototype.slice.call(ttq);
  ttq.length = 0;
  (ttq.methods || []).forEach(function (m) {
    ttq[m] = function () { handle([m].concat(Array.prototype.slice.call(arguments))); return ttq; };
  });
  queue.forEach(function (a) { handle(a); });
})();
