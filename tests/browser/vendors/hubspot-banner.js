/* Stand-in for https://js.hs-banner.com/v2/<hub id>/banner.js (HubSpot's cookie consent banner,
 * loaded by the hs-scripts loader). A consent tool, not a tracker: it sets no tracking cookie. */
(function () { window.__vs.loaded('hubspot', 'hs-banner'); })();
