/*
 * Stand-in for https://s.pinimg.com/ct/core.js (Pinterest Tag loader), served after _prelude.js.
 * Like the real one it loads the main bundle from s.pinimg.com/ct/lib/.
 */
(function () {
  'use strict';
  var vs = window.__vs;
  vs.loaded('pinterest', 'core.js');
  vs.loadScript('pinterest', 'https://s.pinimg.com/ct/lib/main.8ae2c6d9.js');
})();
