/*
 * Stand-in for https://sc-static.net/scevent.min.js (Snap Pixel), served after _prelude.js.
 * Takes over window.snaptr (handleRequest), replays snaptr.queue: 'init' sets Snap's first-party
 * cookies (Snap Business Help Center, "Snap Pixel cookies": _scid, 13 months, and _sctr, 1 year;
 * _scid_r when the landing URL has ?ScCid=) and 'track' posts the event to tr.snapchat.com/p.
 */
(function () {
  'use strict';
  var vs = window.__vs;
  vs.loaded('snapchat', 'scevent.min.js');
  var snaptr = window.snaptr;
  if (!snaptr || snaptr.__standIn) return;
  snaptr.__standIn = true;
  var pixels = [];
  function handle(a) {
    if (a[0] === 'init') {
      pixels.push(String(a[1]));
      var scid = vs.getCookie('_scid') || vs.uuid();
      vs.setCookie('snapchat', '_scid', scid, 395 * vs.day);
      vs.setCookie('snapchat', '_sctr', '1%7C' + vs.now(), vs.year);
      var sccid = vs.param('ScCid');
      if (sccid) vs.setCookie('snapchat', '_scid_r', scid + 'S' + sccid, 395 * vs.day);
    } else if (a[0] === 'track') {
      pixels.forEach(function (p) {
        vs.beacon('snapchat', 'https://tr.snapchat.com/p', 'pid=' + encodeURIComponent(p) + '&ev=' + encodeURIComponent(a[1]) +
          '&pl=' + vs.pageUrl() + '&ts=' + vs.now() + '&u_scsid=' + encodeURIComponent(vs.getCookie('_scid') || '') + '&v=1.2');
      });
    }
  }
  snaptr.handleRequest = function () { handle(Array.prototype.slice.call(arguments)); };
  var queue = snaptr.queue || [];
  snaptr.queue = [];
  queue.forEach(function (a) { handle(Array.prototype.slice.call(a)); });
})();
