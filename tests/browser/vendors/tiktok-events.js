/*
 * Stand-in for https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=<pixel>&lib=ttq (TikTok
 * Pixel loader), served after _prelude.js. Like the real one it loads the versioned main bundle
 * from analytics.tiktok.com/i18n/pixel/static/, which replays the ttq queue.
 */
(function () {
  'use strict';
  var vs = window.__vs;
  var src = vs.currentSrc();
  vs.loaded('tiktok', 'events.js?sdkid=' + (src && src.searchParams.get('sdkid')));
  vs.loadScript('tiktok', 'https://analytics.tiktok.com/i18n/pixel/static/main.MWIwNDY1ZjJlMQ.js');
})();
