/*
 * Stand-in for https://cdn.segment.com/analytics.js/v1/<write key>/analytics.min.js (Segment
 * Analytics.js), served after _prelude.js. Like the real library
 * (https://segment.com/docs/connections/sources/catalog/libraries/website/javascript/): fetches the
 * source settings from cdn.segment.com/v1/projects/<write key>/settings (which also lists the
 * device-mode destinations it would then load, i.e. other vendors' scripts), sets the first-party
 * cookie ajs_anonymous_id (1 year; ajs_user_id/ajs_group_id after identify/group), replaces the
 * snippet's stub and replays its queue; page/track/identify post to api.segment.io/v1/{p,t,i}.
 */
(function () {
  'use strict';
  var vs = window.__vs;
  var stub = window.analytics;
  var key = (stub && stub._writeKey) || '';
  vs.loaded('segment', 'analytics.min.js');
  if (!stub || stub.initialized) return;
  vs.request('segment', 'https://cdn.segment.com/v1/projects/' + key + '/settings');
  var anon = vs.getCookie('ajs_anonymous_id') || vs.uuid();
  vs.setCookie('segment', 'ajs_anonymous_id', anon, vs.year);
  function post(kind, body) {
    body.anonymousId = anon;
    body.writeKey = key;
    body.context = { page: { url: location.href, path: location.pathname, title: document.title, referrer: document.referrer } };
    body.sentAt = new Date().toISOString();
    vs.beacon('segment', 'https://api.segment.io/v1/' + kind, JSON.stringify(body));
  }
  var real = {
    initialized: true,
    _writeKey: key,
    page: function (name) { post('p', { type: 'page', name: typeof name === 'string' ? name : undefined }); return real; },
    track: function (event, props) { post('t', { type: 'track', event: event, properties: props || {} }); return real; },
    identify: function (userId, traits) {
      if (typeof userId === 'string') vs.setCookie('segment', 'ajs_user_id', userId, vs.year);
      post('i', { type: 'identify', userId: userId, traits: traits || {} });
      return real;
    },
    group: function (groupId) { vs.setCookie('segment', 'ajs_group_id', groupId, vs.year); post('g', { type: 'group', groupId: groupId }); return real; },
    ready: function (fn) { if (typeof fn === 'function') setTimeout(fn, 0); return real; },
    reset: function () { return real; },
  };
  ['trackSubmit', 'trackClick', 'trackLink', 'trackForm', 'pageview', 'alias', 'debug', 'screen', 'once', 'off', 'on',
    'addSourceMiddleware', 'addIntegrationMiddleware', 'setAnonymousId', 'addDestinationMiddleware', 'register', 'load']
    .forEach(function (m) { if (!real[m]) real[m] = function () { return real; }; });
  var queue = Array.prototype.slice.call(stub);
  window.analytics = real;
  queue.forEach(function (a) {
    var m = a[0];
    var args = a.slice(1).filter(function (x) { return !(x && x.__t === 'bpc'); });
    if (typeof real[m] === 'function') real[m].apply(real, args);
  });
})();
