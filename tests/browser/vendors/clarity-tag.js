/*
 * Stand-in for https://www.clarity.ms/tag/<project id> (Microsoft Clarity), served after
 * _prelude.js. The real tag is a small loader that pulls the versioned library from
 * scripts.clarity.ms (https://learn.microsoft.com/en-us/clarity/setup-and-installation/clarity-setup).
 */
(function () {
  'use strict';
  var vs = window.__vs;
  var src = vs.currentSrc();
  var project = src ? src.pathname.split('/').pop() : '';
  vs.loaded('microsoft-clarity', 'tag/' + project);
  window.__vsClarityProject = project;
  vs.loadScript('microsoft-clarity', 'https://scripts.clarity.ms/0.8.9/clarity.js');
})();
