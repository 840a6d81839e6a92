/*
 * Stand-in for https://www.googletagmanager.com/gtm.js?id=GTM-... (a Google Tag Manager container).
 * Served after _prelude.js and _google.js. A real container is the site's own configuration; this
 * one models the typical small-business container: one Google tag (GA4, measurement id
 * G-GTM7K2Q9XW) firing on all pages. As Google documents for tags in Tag Manager, the Google tag
 * has built-in consent checks (https://support.google.com/tagmanager/answer/10718549): under basic
 * consent mode it only fires once analytics_storage is granted. When it fires, the container
 * loads the Google tag runtime for its measurement id, as a real container does
 * (gtag/js?id=G-...&l=dataLayer&cx=c), which then sets _ga/_ga_* and sends the page_view.
 * Tag Manager itself sets no cookie and sends no hit: it is a loader (it often loads the CMP).
 */
(function () {
  'use strict';
  var vs = window.__vs;
  var G = window.__vsGoogle;
  var src = vs.currentSrc();
  var container = (src && src.searchParams.get('id')) || '';
  var layer = (src && src.searchParams.get('l')) || 'dataLayer';
  var GA4_TAG_IN_CONTAINER = 'G-GTM7K2Q9XW';
  vs.loaded('google-tag-manager', 'gtm.js?id=' + container);
  var dl = G.attach(layer);
  window.google_tag_manager = window.google_tag_manager || {};
  window.google_tag_manager[container] = { dataLayer: { name: layer } };
  function fireGoogleTag() {
    function gtag() { dl.push(arguments); }
    gtag('config', GA4_TAG_IN_CONTAINER);
    vs.loadScript('google-tag-manager', 'https://www.googletagmanager.com/gtag/js?id=' + GA4_TAG_IN_CONTAINER + '&l=' + layer + '&cx=c');
  }
  G.when('analytics_storage', fireGoogleTag);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { dl.push({ event: 'gtm.dom' }); });
  }
  window.addEventListener('load', function () { dl.push({ event: 'gtm.load' }); });
})();
