// Fresh IAB TCF v2.2 TC strings made with the IAB's own reference library, so tests do not
// age out of the decoder's max-age window.
import { GVL, TCModel, TCString } from '@iabtechlabtcf/core';

function entries(n) {
  const out = {};
  for (let i = 1; i <= n; i++) out[i] = { id: i, name: `p${i}`, description: '', illustrations: [] };
  return out;
}

/** A TC string dated today with `purposes` consented (and vendors, optionally). */
export function tcString({ purposes = [], vendors = [] } = {}) {
  const gvlVendors = {};
  for (let id = 1; id <= 100; id++) {
    gvlVendors[id] = { id, name: `v${id}`, purposes: [1, 2, 3, 4, 7, 8, 9, 10], legIntPurposes: [], flexiblePurposes: [], specialPurposes: [], features: [], specialFeatures: [], policyUrl: 'https://example.com' };
  }
  const gvl = new GVL({
    gvlSpecificationVersion: 3, vendorListVersion: 100, tcfPolicyVersion: 5, lastUpdated: '2026-01-01T00:00:00Z',
    purposes: entries(11), specialPurposes: entries(2), features: entries(3), specialFeatures: entries(2), stacks: {}, dataCategories: {}, vendors: gvlVendors,
  });
  const model = new TCModel(gvl);
  model.cmpId = 7;
  model.cmpVersion = 1;
  model.isServiceSpecific = true;
  const today = new Date();
  model.created = today;
  model.lastUpdated = today;
  for (const p of purposes) model.purposeConsents.set(p);
  for (const v of vendors) model.vendorConsents.set(v);
  return TCString.encode(model);
}
