/*
 * Stand-in for https://snap.licdn.com/li.lms-analytics/insight.min.js (LinkedIn Insight Tag),
 * served after _prelude.js. Reads window._linkedin_data_partner_ids, replaces the lintrk queue,
 * sets LinkedIn's first-party cookies (https://www.linkedin.com/legal/l/cookie-table: li_fat_id
 * when the landing URL carries ?li_fat_id=, 30 days; ln_or, 1 day), keeps li_adsId in
 * localStorage, and sends the page view to px.ads.linkedin.com/collect in the shape observed on
 * sites (v=2&fmt=js&pid=...&time=...&li_adsId=...&url=...).
 */
(function () {
  'use strict';
  var vs = window.__vs;
  vs.loaded('linkedin', 'insight.min.js');
  var ids = window._linkedin_data_partner_ids || [];
  var adsId = localStorage.getItem('li_adsId') || vs.uuid();
  localStorage.setItem('li_adsId', adsId);
  var fat = vs.param('li_fat_id');
  if (fat) vs.setCookie('linkedin', 'li_fat_id', fat, 30 * vs.day);
  vs.setCookie('linkedin', 'ln_or', 'eyIzOTQzNjgwIjoiZCJ9', vs.day);
  ids.forEach(function (pid) {
    vs.request('linkedin', 'https://px.ads.linkedin.com/collect?v=2&fmt=js&pid=' + pid + '&time=' + vs.now() +
      '&li_adsId=' + adsId + '&url=' + vs.pageUrl());
  });
  var queued = (window.lintrk && window.lintrk.q) || [];
  window.lintrk = function (action, data) {
    if (action === 'track') ids.forEach(function (pid) {
      vs.request('linkedin', 'https://px.ads.linkedin.com/collect?v=2&fmt=js&pid=' + pid + '&conversionId=' + ((data && data.conversion_id) || '') + '&time=' + vs.now());
    });
  };
  queued.forEach(function (a) { window.lintrk(a[0], a[1]); });
})();
