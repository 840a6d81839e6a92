/*
 * Stand-in for https://js.hs-analytics.net/analytics/<time bucket>/<hub id>.js (HubSpot tracking
 * code), served after _prelude.js. Sets the first-party cookies HubSpot documents
 * (https://knowledge.hubspot.com/privacy-and-consent/what-cookies-does-hubspot-set-in-a-visitor-s-browser):
 * __hstc (visitor, 13 months: "<domain hash>.<utk>.<first>.<previous>.<current>.<session #>"),
 * hubspotutk (13 months), __hssc (session, 30 minutes) and __hssrc (session), then sends the page
 * view image beacon track.hubspot.com/__ptq.gif. Replays window._hsq.
 */
(function () {
  'use strict';
  var vs = window.__vs;
  var src = vs.currentSrc();
  var hub = src ? src.pathname.split('/').pop().replace(/\.js$/, '') : '';
  vs.loaded('hubspot', 'hs-analytics ' + hub);
  var domainHash = '213643979';
  var utk = vs.getCookie('hubspotutk') || vs.hex(16);
  var t = vs.now();
  var hstc = domainHash + '.' + utk + '.' + t + '.' + t + '.' + t + '.1';
  vs.setCookie('hubspot', '__hstc', hstc, 395 * vs.day);
  vs.setCookie('hubspot', 'hubspotutk', utk, 395 * vs.day);
  vs.setCookie('hubspot', '__hssc', domainHash + '.1.' + t, 30 * 60);
  vs.setCookie('hubspot', '__hssrc', '1');
  vs.pixel('hubspot', 'https://track.hubspot.com/__ptq.gif?k=1&sd=' + screen.width + 'x' + screen.height + '&cd=24-bit&cs=UTF-8&ln=' +
    navigator.language.toLowerCase() + '&v=1.1&a=' + hub + '&rcu=' + vs.pageUrl() + '&pu=' + vs.pageUrl() + '&t=' + encodeURIComponent(document.title) +
    '&cts=' + t + '&vi=' + utk + '&nc=true&u=' + encodeURIComponent(hstc) + '&b=' + encodeURIComponent(domainHash + '.1.' + t) + '&cc=15');
  var q = window._hsq || [];
  window._hsq = { push: function () {} };
  void q;
})();
