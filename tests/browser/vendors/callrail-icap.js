/* Stand-in for https://js.callrail.com/group/0/<key>/12/icap.js (loaded by swap.js). */
(function () { window.__vs.loaded('callrail', 'icap.js'); })();
