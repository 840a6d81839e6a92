/*
 * Stand-in for <matomo host>/matomo.js (Matomo JavaScript tracker; Matomo Cloud serves it from
 * cdn.matomo.cloud/<account>.matomo.cloud/matomo.js), served after _prelude.js. Replays
 * window._paq (https://developer.matomo.org/guides/tracking-javascript-guide): setTrackerUrl,
 * setSiteId, trackPageView, and the consent calls requireConsent / requireCookieConsent /
 * setConsentGiven / setCookieConsentGiven / disableCookies. It sets Matomo's first-party cookies
 * (https://matomo.org/faq/general/faq_146/: _pk_id.<idsite>.<hash> "<visitor id>.<first visit ts>.",
 * 13 months; _pk_ses.<idsite>.<hash>, 30 minutes) and sends the page view to the tracker URL
 * (matomo.php).
 */
(function () {
  'use strict';
  var vs = window.__vs;
  vs.loaded('matomo', 'matomo.js');
  var paq = window._paq || [];
  if (paq.__standIn) return;
  var tracker = null;
  var site = null;
  var consentRequired = false;
  var cookieConsentRequired = false;
  var cookiesDisabled = false;
  var pending = [];
  function hash4() {
    var h = 0;
    var s = location.hostname + '/';
    for (var i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
    return ('000' + (h & 0xffff).toString(16)).slice(-4);
  }
  function trackPageView() {
    if (consentRequired) { pending.push(trackPageView); return; }
    var suffix = '.' + site + '.' + hash4();
    var id = (vs.getCookie('_pk_id' + suffix) || '').split('.')[0] || vs.hex(8);
    if (!cookiesDisabled && !cookieConsentRequired) {
      vs.setCookie('matomo', '_pk_id' + suffix, id + '.' + vs.seconds() + '.', 393 * vs.day);
      vs.setCookie('matomo', '_pk_ses' + suffix, '1', 30 * 60);
    }
    vs.request('matomo', tracker + '?action_name=' + encodeURIComponent(document.title) + '&idsite=' + encodeURIComponent(site) +
      '&rec=1&r=' + vs.digits(6) + '&_id=' + id + '&_idn=1&send_image=0&_refts=0&url=' + vs.pageUrl() +
      '&res=' + screen.width + 'x' + screen.height + '&pv_id=' + vs.hex(3) + '&cookie=1');
  }
  function handle(a) {
    if (typeof a === 'function') { a.call({}); return; }
    switch (a[0]) {
      case 'setTrackerUrl': tracker = a[1]; break;
      case 'setSiteId': site = String(a[1]); break;
      case 'requireConsent': consentRequired = true; break;
      case 'requireCookieConsent': cookieConsentRequired = true; break;
      case 'setConsentGiven': case 'rememberConsentGiven':
        consentRequired = false; pending.splice(0).forEach(function (f) { f(); }); break;
      case 'setCookieConsentGiven': case 'rememberCookieConsentGiven': cookieConsentRequired = false; break;
      case 'disableCookies': cookiesDisabled = true; break;
      case 'trackPageView': trackPageView(); break;
      default: break;
    }
  }
  var queue = Array.prototype.slice.call(paq);
  window._paq = { __standIn: true, push: function () { for (var i = 0; i < arguments.length; i++) handle(arguments[i]); return 0; } };
  // setTrackerUrl/setSiteId come after trackPageView in the snippet: apply settings first, as the
  // real tracker does (it applies its configuration calls before tracking calls).
  queue.filter(function (a) { return Array.isArray(a) && /^(setTrackerUrl|setSiteId|require|disable)/.test(a[0]); }).forEach(handle);
  queue.filter(function (a) { return !(Array.isArray(a) && /^(setTrackerUrl|setSiteId|require|disable)/.test(a[0])); }).forEach(handle);
})();
