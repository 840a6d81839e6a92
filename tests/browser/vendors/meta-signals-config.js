/* Stand-in for https://connect.facebook.net/signals/config/<pixel id> (the pixel's configuration,
 * loaded by fbevents.js). Carries no tracking of its own. */
(function () { window.__vs.loaded('meta', 'signals/config'); })();
