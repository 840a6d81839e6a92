/*
 * Stand-in for https://js.hs-scripts.com/<hub id>.js (HubSpot embed code loader; regional
 * js-eu1.hs-scripts.com / js-na2.hs-scripts.com), served after _prelude.js. The real loader
 * (https://knowledge.hubspot.com/reports/install-the-hubspot-tracking-code) pulls several
 * scripts: the analytics tracking code from js.hs-analytics.net/analytics/<time bucket>/<hub>.js,
 * HubSpot's own cookie banner from js.hs-banner.com, and, per portal settings, chat
 * (js.usemessages.com) and collected forms (js.hscollectedforms.net). This stand-in loads the two
 * that every portal gets: the tracking code and the banner script. The portal modelled here has
 * no HubSpot cookie-banner policy, so the tracking code tracks right away.
 */
(function () {
  'use strict';
  var vs = window.__vs;
  var src = vs.currentSrc();
  var hub = src ? src.pathname.replace(/^\//, '').replace(/\.js$/, '') : '';
  vs.loaded('hubspot', 'hs-scripts ' + hub);
  var bucket = Math.ceil(Date.now() / 300000) * 300000;
  vs.loadScript('hubspot', 'https://js.hs-analytics.net/analytics/' + bucket + '/' + hub + '.js');
  vs.loadScript('hubspot', 'https://js.hs-banner.com/v2/' + hub + '/banner.js');
})();
