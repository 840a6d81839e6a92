// Generates random TC strings with the IAB reference implementation (@iabtechlabtcf/core)
// and prints, one JSON object per line, each string with the fields the reference decoder
// reads back from it. Used by `tests/tcf_reference.rs` to cross-check the Rust decoder.
//
// usage: node generate.mjs <count> <seed>
import { GVL, TCModel, TCString, PurposeRestriction } from '@iabtechlabtcf/core';

const count = Number(process.argv[2] ?? 100);
let state = (Number(process.argv[3] ?? 1) >>> 0) || 1;

// xorshift32: deterministic for a given seed.
function next() {
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
const chance = (p) => next() < p;
const letter = () => String.fromCharCode(65 + int(0, 25));

function purposes(n) {
  const out = {};
  for (let i = 1; i <= n; i++) out[i] = { id: i, name: `p${i}`, description: '', illustrations: [] };
  return out;
}

// A synthetic Global Vendor List: the encoder drops signals for vendors it does not know.
function makeGvl(maxId, policyVersion, vendorListVersion) {
  const vendors = {};
  for (let id = 1; id <= maxId; id++) {
    if (id % 97 === 0) continue; // a few gaps, like the real list
    vendors[id] = {
      id, name: `v${id}`, purposes: [1, 2, 3, 4, 7, 8, 9, 10], legIntPurposes: [2, 7, 8, 9, 10],
      flexiblePurposes: [2, 7], specialPurposes: [1], features: [], specialFeatures: [],
      policyUrl: 'https://example.com',
    };
  }
  return new GVL({
    gvlSpecificationVersion: 3, vendorListVersion, tcfPolicyVersion: policyVersion,
    lastUpdated: '2025-01-01T00:00:00Z', purposes: purposes(11), specialPurposes: purposes(2),
    features: purposes(3), specialFeatures: purposes(2), stacks: {}, dataCategories: {}, vendors,
  });
}

// Vendor ids chosen to exercise both encodings: dense (bit field) or sparse runs (range).
function vendorIds(maxId, gvl) {
  const ids = [];
  const style = int(0, 3);
  if (style === 0) return ids;
  if (style === 1) { // dense
    const p = next();
    for (let id = 1; id <= maxId; id++) if (gvl.vendors[id] && next() < p) ids.push(id);
  } else { // a few runs and singles (range encoding wins)
    const runs = int(1, 6);
    for (let r = 0; r < runs; r++) {
      const start = int(1, maxId);
      const len = chance(0.5) ? 1 : int(2, 60);
      for (let id = start; id < start + len && id <= maxId; id++) if (gvl.vendors[id]) ids.push(id);
    }
  }
  return ids;
}

const setOf = (vector) => { const out = []; vector.forEach((v, id) => { if (v) out.push(id); }); return out.sort((a, b) => a - b); };

for (let i = 0; i < count; i++) {
  const maxId = chance(0.3) ? int(1, 60) : int(100, 1000);
  const gvl = makeGvl(maxId, int(2, 5), int(1, 4095));
  const model = new TCModel(gvl);
  model.cmpId = int(2, 4095);
  model.cmpVersion = int(1, 4095);
  model.consentScreen = int(0, 63);
  model.publisherCountryCode = letter() + letter();
  model.isServiceSpecific = chance(0.8);
  model.useNonStandardTexts = chance(0.2);
  model.purposeOneTreatment = chance(0.1);
  const day = Date.UTC(2020 + int(0, 6), int(0, 11), int(1, 28));
  model.created = new Date(day);
  model.lastUpdated = new Date(day + int(0, 400) * 86400000);
  for (let p = 1; p <= 11; p++) {
    if (chance(0.5)) model.purposeConsents.set(p);
    if (chance(0.4)) model.purposeLegitimateInterests.set(p);
    if (chance(0.4)) model.publisherConsents.set(p);
    if (chance(0.3)) model.publisherLegitimateInterests.set(p);
  }
  for (let f = 1; f <= 2; f++) if (chance(0.5)) model.specialFeatureOptins.set(f);
  const custom = int(0, 5);
  for (let c = 1; c <= custom; c++) {
    if (chance(0.5)) model.publisherCustomConsents.set(c);
    if (chance(0.5)) model.publisherCustomLegitimateInterests.set(c);
  }
  model.vendorConsents.set(vendorIds(maxId, gvl));
  model.vendorLegitimateInterests.set(vendorIds(maxId, gvl));
  model.vendorsDisclosed.set(vendorIds(maxId, gvl));
  if (model.isServiceSpecific && chance(0.4)) {
    const n = int(1, 3);
    for (let r = 0; r < n; r++) {
      const purpose = [2, 7][int(0, 1)];
      const type = int(0, 2);
      for (const id of vendorIds(maxId, gvl).slice(0, 30)) {
        model.publisherRestrictions.add(id, new PurposeRestriction(purpose, type));
      }
    }
  }

  const tc = TCString.encode(model);
  const d = TCString.decode(tc);
  const restrictions = [];
  d.publisherRestrictions.getRestrictions().forEach((pr) => {
    restrictions.push([pr.purposeId, pr.restrictionType, d.publisherRestrictions.getVendors(pr)]);
  });
  restrictions.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  console.log(JSON.stringify({
    tc,
    version: d.version,
    created: Math.round(d.created.getTime() / 100),
    lastUpdated: Math.round(d.lastUpdated.getTime() / 100),
    cmpId: d.cmpId,
    cmpVersion: d.cmpVersion,
    consentScreen: d.consentScreen,
    consentLanguage: d.consentLanguage,
    vendorListVersion: d.vendorListVersion,
    policyVersion: d.policyVersion,
    isServiceSpecific: d.isServiceSpecific,
    useNonStandardTexts: d.useNonStandardTexts,
    purposeOneTreatment: d.purposeOneTreatment,
    publisherCC: d.publisherCountryCode,
    specialFeatures: setOf(d.specialFeatureOptins),
    purposesConsent: setOf(d.purposeConsents),
    purposesLI: setOf(d.purposeLegitimateInterests),
    vendorConsents: setOf(d.vendorConsents),
    vendorLI: setOf(d.vendorLegitimateInterests),
    vendorsDisclosed: setOf(d.vendorsDisclosed),
    publisherRestrictions: restrictions,
    publisherConsents: setOf(d.publisherConsents),
    publisherLI: setOf(d.publisherLegitimateInterests),
    numCustomPurposes: d.numCustomPurposes,
    customConsents: setOf(d.publisherCustomConsents),
    customLI: setOf(d.publisherCustomLegitimateInterests),
  }));
}
