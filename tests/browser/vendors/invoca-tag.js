/* Stand-in for the Invoca tag script on solutions.invocacdn.com (loaded by invoca-latest.min.js). */
(function () { window.__vs.loaded('invoca', 'tag script'); })();
