/*
 * Stand-in for https://static.hotjar.com/c/hotjar-<site id>.js?sv=<n> (Hotjar site script),
 * served after _prelude.js. The real one carries the site settings and loads Hotjar's modules
 * bundle from script.hotjar.com (https://help.hotjar.com/hc/en-us/articles/115009336727).
 */
(function () {
  'use strict';
  var vs = window.__vs;
  var settings = window._hjSettings || {};
  vs.loaded('hotjar', 'hotjar-' + settings.hjid + '.js');
  vs.loadScript('hotjar', 'https://script.hotjar.com/modules.8d3bb1e1b1c1e2f2b3a9.js');
})();
