/* Stand-in for https://bat.bing.com/p/action/<tag id>.js (the UET tag's settings, loaded by bat.js). */
(function () { window.__vs.loaded('microsoft-ads', 'p/action'); })();
