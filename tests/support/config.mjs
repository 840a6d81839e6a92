// DNI_CONFIG builders for tests. The demo's numbers are reused so fixtures read naturally.

/** The request headers of a browser's top-level navigation (Chrome 140): only such requests
 * lease tracking numbers (session.lease_requires; Fetch Metadata and the usual headers). */
export const BROWSER = {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  'accept-language': 'en-US,en;q=0.9',
  'sec-fetch-mode': 'navigate',
  'sec-fetch-dest': 'document',
  'sec-fetch-site': 'none',
};
export const MAIN = '+15035550142';
export const MAIN_FALLBACK = '+15035550199';
export const ADS_POOL = ['+15035550150', '+15035550151'];
export const DEFAULT_POOL = ['+15035550170', '+15035550171', '+15035550172'];

export function mainTarget({ ads = ADS_POOL, pool = DEFAULT_POOL } = {}) {
  return {
    number: MAIN,
    fallback: MAIN_FALLBACK,
    sources: [
      { name: 'google_ads', when: { click_ids: ['gclid', 'gbraid', 'wbraid'] }, numbers: ads },
      { name: 'default', numbers: pool },
    ],
  };
}

/** A one-site config in front of `upstream` (an origin URL, or "assets"). */
export function siteConfig(upstream, { targets = [mainTarget()], consent = {}, vendors = {}, session = {}, rewrite } = {}) {
  return {
    sites: [{
      name: 'test',
      hosts: ['*'],
      upstream,
      consent: {
        tc_privacy: { categories: { necessary: [1], functional: [2], analytics: [3], marketing: [4] } },
        ...consent,
      },
      session: { account_id: '1001', ...session },
      vendors,
      ...(rewrite ? { rewrite } : {}),
      targets,
    }],
  };
}

const now = () => Date.now();
/** A Commanders Act TC_PRIVACY value accepting `ids` (status 0), fully percent-encoded. */
export function tcAccept(ids = [2, 3, 4]) {
  const t = now();
  return encodeURIComponent(`0@001|7|1001@${ids.join(',')}@1@${t},${t},${t + 396 * 86400000}`);
}
/** A TC_PRIVACY value refusing everything (status 1, no ids). */
export function tcDecline() {
  const t = now();
  return encodeURIComponent(`1@001|7|1001@@1@${t},${t},${t + 396 * 86400000}`);
}

/** The vars of wrangler.toml (top level, or `env`), read by wrangler itself. */
export async function wranglerVars(env) {
  const { unstable_readConfig } = await import('wrangler');
  const { ROOT } = await import('./worker.mjs');
  const path = await import('node:path');
  return unstable_readConfig({ config: path.join(ROOT, 'wrangler.toml'), env }).vars;
}
