/*
 * Stand-in for https://bat.bing.com/bat.js (Microsoft Advertising UET), served after _prelude.js.
 * Defines window.UET, which the snippet instantiates as new UET({ti, q}) and pushes "pageLoad" to
 * (https://learn.microsoft.com/en-us/advertising/msa-help/hlp_ba_proc_uetv2addtag). The instance
 * loads the tag's sub-script bat.bing.com/p/action/<ti>.js, sets UET's first-party cookies
 * (_uetsid 1 day, _uetvid 13 months, _uetmsclkid from ?msclkid=, 90 days) and fires the image
 * beacon bat.bing.com/action/0?ti=...&evt=pageLoad. UET Consent Mode
 * (uetq.push('consent', 'default'|'update', {ad_storage})) holds cookies and beacons while
 * ad_storage is denied.
 */
(function () {
  'use strict';
  var vs = window.__vs;
  vs.loaded('microsoft-ads', 'bat.js');
  function UET(o) {
    this.ti = o.ti;
    this.adStorage = 'granted';
    this.pending = [];
    vs.loadScript('microsoft-ads', 'https://bat.bing.com/p/action/' + o.ti + '.js');
    var q = o.q || [];
    for (var i = 0; i < q.length; i++) this.push.apply(this, Array.isArray(q[i]) ? q[i] : [q[i]]);
  }
  UET.prototype.push = function () {
    var a = Array.prototype.slice.call(arguments);
    if (a[0] === 'consent' && a[2] && a[2].ad_storage) {
      this.adStorage = a[2].ad_storage;
      if (this.adStorage === 'granted') { var p = this.pending.splice(0); for (var i = 0; i < p.length; i++) this.push.apply(this, p[i]); }
      return;
    }
    if (this.adStorage === 'denied') { this.pending.push(a); return; }
    if (a[0] === 'pageLoad') this.send('pageLoad', '');
    else if (a[0] === 'event') this.send('custom', '&ea=' + encodeURIComponent(a[1] || ''));
  };
  UET.prototype.send = function (evt, extra) {
    var sid = (vs.getCookie('_uetsid') || vs.hex(16)).split('|')[0];
    var vid = (vs.getCookie('_uetvid') || vs.hex(16)).split('|')[0];
    vs.setCookie('microsoft-ads', '_uetsid', sid, vs.day);
    vs.setCookie('microsoft-ads', '_uetvid', vid, 390 * vs.day);
    var msclkid = vs.param('msclkid');
    if (msclkid) vs.setCookie('microsoft-ads', '_uetmsclkid', '_uet' + msclkid, 90 * vs.day);
    vs.pixel('microsoft-ads', 'https://bat.bing.com/action/0?ti=' + this.ti + '&tm=al001&Ver=2&mid=' + vs.uuid() +
      '&sid=' + sid + '&vid=' + vid + '&vids=1&msclkid=' + (msclkid ? encodeURIComponent(msclkid) : 'N') +
      '&pi=0&lg=' + navigator.language + '&sw=' + screen.width + '&sh=' + screen.height + '&sc=24&tl=' + encodeURIComponent(document.title) +
      '&p=' + vs.pageUrl() + '&r=' + encodeURIComponent(document.referrer) + '&evt=' + evt + extra + '&sv=2&rn=' + vs.digits(6));
  };
  window.UET = UET;
})();
