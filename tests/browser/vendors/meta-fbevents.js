/*
 * Stand-in for https://connect.facebook.net/<locale>/fbevents.js (Meta Pixel), served after
 * _prelude.js. Like the real library (https://developers.facebook.com/docs/meta-pixel/get-started):
 * takes over window.fbq (fbq.callMethod), replays fbq.queue, loads the pixel's configuration
 * sub-script connect.facebook.net/signals/config/<pixel id>, sets the first-party _fbp cookie
 * ("fb.1.<ms>.<random>", 90 days) and, when the landing URL has ?fbclid=, _fbc
 * ("fb.1.<ms>.<fbclid>"), then sends each tracked event to www.facebook.com/tr/.
 * fbq('consent', 'revoke'|'grant') holds or releases everything, as Meta documents for GDPR
 * (https://developers.facebook.com/docs/meta-pixel/implementation/gdpr).
 */
(function () {
  'use strict';
  var vs = window.__vs;
  vs.loaded('meta', 'fbevents.js');
  var fbq = window.fbq;
  if (!fbq || fbq.__standIn) return;
  fbq.__standIn = true;
  var VERSION = '2.9.179';
  var pixels = [];
  var revoked = false;
  var held = [];
  function cookies() {
    if (!vs.getCookie('_fbp')) vs.setCookie('meta', '_fbp', 'fb.1.' + vs.now() + '.' + vs.digits(10), 90 * vs.day);
    var fbclid = vs.param('fbclid');
    if (fbclid) vs.setCookie('meta', '_fbc', 'fb.1.' + vs.now() + '.' + fbclid, 90 * vs.day);
  }
  function send(ev) {
    pixels.forEach(function (id) {
      vs.pixel('meta', 'https://www.facebook.com/tr/?id=' + id + '&ev=' + encodeURIComponent(ev) + '&dl=' + vs.pageUrl() +
        '&rl=' + encodeURIComponent(document.referrer) + '&if=false&ts=' + vs.now() + '&sw=' + screen.width + '&sh=' + screen.height +
        '&v=' + VERSION + '&r=stable&ec=0&o=4126&fbp=' + encodeURIComponent(vs.getCookie('_fbp') || '') +
        '&it=' + vs.now() + '&coo=false&rqm=GET');
    });
  }
  function handle(args) {
    var cmd = args[0];
    if (cmd === 'consent') {
      revoked = args[1] === 'revoke';
      if (!revoked) held.splice(0).forEach(handle);
      return;
    }
    if (revoked) { held.push(args); return; }
    if (cmd === 'init' && args[1]) {
      pixels.push(String(args[1]));
      vs.loadScript('meta', 'https://connect.facebook.net/signals/config/' + args[1] + '?v=' + VERSION + '&r=stable&domain=' + location.hostname);
      cookies();
    } else if (cmd === 'track' || cmd === 'trackCustom') {
      cookies();
      send(args[1]);
    }
  }
  fbq.callMethod = function () { handle(Array.prototype.slice.call(arguments)); };
  var queue = fbq.queue || [];
  fbq.queue = [];
  queue.forEach(function (a) { handle(Array.prototype.slice.call(a)); });
})();
