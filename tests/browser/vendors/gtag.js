/*
 * Stand-in for https://www.googletagmanager.com/gtag/js?id=<G-...|AW-...> (the Google tag, gtag.js).
 * Served after _prelude.js and _google.js. It is the "runtime": it hooks the dataLayer named by
 * its `l` parameter (default dataLayer), obeys the consent commands found there (basic consent
 * mode, see _google.js), and for each configured tag id sends what the real tag sends:
 *   G-  (GA4): cookies _ga, _ga_<id>; page_view hit to www.google-analytics.com/g/collect
 *   AW- (Google Ads): loads gtag/destination?id=AW-..., cookies _gcl_au (+ _gcl_aw with
 *        ?gclid=), remarketing hit googleads.g.doubleclick.net/pagead/viewthroughconversion/<id>/
 * One gtag.js handles every config on its dataLayer, whichever id loaded it (as the real one).
 */
(function () {
  'use strict';
  var vs = window.__vs;
  var G = window.__vsGoogle;
  var src = vs.currentSrc();
  var id = (src && src.searchParams.get('id')) || '';
  var layer = (src && src.searchParams.get('l')) || 'dataLayer';
  vs.loaded(/^(AW|DC)-/.test(id) ? 'google-ads' : 'google-analytics', 'gtag/js?id=' + id);
  G.runtime = true;
  G.attach(layer);
  G.flush();
})();
