/*
 * Stand-in for https://scripts.clarity.ms/<version>/clarity.js (Microsoft Clarity library), served
 * after _prelude.js. Sets Clarity's first-party cookies _clck (user id, 1 year) and _clsk (session,
 * 1 day), as listed in Clarity's cookie documentation (learn.microsoft.com/clarity) and found in
 * real cookie jars (e.g. "_clck=23aupx%7C2%7Cfyb%7C0%7C2046; _clsk=1pt1ie0%7C1754759..."), and uploads to <x>.clarity.ms/collect (values shaped as observed on sites:
 * _clck=<uid>|2|<...>|0|<n>, _clsk=<sid>|<ms>|1|1|k.clarity.ms/collect).
 */
(function () {
  'use strict';
  var vs = window.__vs;
  vs.loaded('microsoft-clarity', 'clarity.js');
  var uid = (vs.getCookie('_clck') || '').split('%7C')[0] || vs.hex(4);
  vs.setCookie('microsoft-clarity', '_clck', uid + '%7C2%7Cfr8%7C0%7C1', vs.year);
  vs.setCookie('microsoft-clarity', '_clsk', vs.hex(4) + '%7C' + vs.now() + '%7C1%7C1%7Ck.clarity.ms%2Fcollect', vs.day);
  vs.beacon('microsoft-clarity', 'https://k.clarity.ms/collect', JSON.stringify({ p: window.__vsClarityProject, u: uid, url: location.href }));
})();
