/*
 * Stand-in for https://www.redditstatic.com/ads/pixel.js (Reddit Pixel), served after _prelude.js.
 * Takes over window.rdt (sendEvent), replays rdt.callQueue: 'init' fetches the pixel configuration
 * from pixel-config.reddit.com and sets the first-party cookie _rdt_uuid ("<ms>.<uuid>", 90 days;
 * _rdt_cid from the ?rdt_cid= click id), 'track' sends the image beacon alb.reddit.com/rp.gif
 * (Reddit Ads Help, "Reddit Pixel": first-party cookie and conversion endpoints).
 * init's {"optOut": true} stops it.
 */
(function () {
  'use strict';
  var vs = window.__vs;
  vs.loaded('reddit', 'pixel.js');
  var rdt = window.rdt;
  if (!rdt || rdt.__standIn) return;
  rdt.__standIn = true;
  var pixel = null;
  var optOut = false;
  function handle(a) {
    if (a[0] === 'init') {
      pixel = String(a[1]);
      optOut = !!(a[2] && a[2].optOut);
      if (optOut) return;
      vs.request('reddit', 'https://pixel-config.reddit.com/pixels/' + encodeURIComponent(pixel) + '/config');
      var uuid = vs.getCookie('_rdt_uuid') || (vs.now() + '.' + vs.uuid());
      vs.setCookie('reddit', '_rdt_uuid', uuid, 90 * vs.day);
      var cid = vs.param('rdt_cid');
      if (cid) vs.setCookie('reddit', '_rdt_cid', cid, 90 * vs.day);
    } else if (a[0] === 'track' && pixel && !optOut) {
      vs.pixel('reddit', 'https://alb.reddit.com/rp.gif?ts=' + vs.now() + '&id=' + encodeURIComponent(pixel) + '&event=' + encodeURIComponent(a[1]) +
        '&uuid=' + encodeURIComponent(vs.getCookie('_rdt_uuid') || '') + '&integration=reddit&opt_out=0&sh=' + screen.height + '&sw=' + screen.width + '&v=rdt_standin');
    }
  }
  rdt.sendEvent = function () { handle(Array.prototype.slice.call(arguments)); };
  var queue = rdt.callQueue || [];
  rdt.callQueue = [];
  queue.forEach(function (a) { handle(Array.prototype.slice.call(a)); });
})();
