// Generates random GPP strings with the IAB reference implementation (@iabgpp/cmpapi) and
// prints, one JSON object per line, each string with the header's section ids and every
// field of every section as the reference decoder reads them back. Used by
// `tests/gpp_reference.rs` to cross-check the Rust decoder.
//
// Every section the reference knows is used (tcfeuv2, tcfcav1, uspv1, usnat and the 20
// state sections), each with random values in every field: 2-bit fields, lists, GPC and
// sensitive-data sub-sections included or not, usnat versions 1 and 2, TC string vendor
// lists dense (bit field) and sparse (ranges), publisher restrictions and custom purposes.
//
// usage: node generate.mjs <count> <seed>
import { GppModel, RangeEntry } from '@iabgpp/cmpapi';

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
const bools = (n) => Array.from({ length: n }, () => chance(0.5));

const US = ['usnat', 'usca', 'usva', 'usco', 'usut', 'usct', 'usfl', 'usmt', 'usor', 'ustx', 'usde',
  'usia', 'usne', 'usnh', 'usnj', 'ustn', 'usmn', 'usmd', 'usin', 'usky', 'usri'];
const ALL = ['tcfeuv2', 'tcfcav1', 'uspv1', ...US];

// Field names and default values of a section, read from the reference itself.
function template(name) {
  const m = new GppModel();
  const first = { tcfeuv2: 'CmpId', tcfcav1: 'CmpId', uspv1: 'Notice', usmd: 'MspaVersion',
    usin: 'MspaVersion', usky: 'MspaVersion', usri: 'MspaVersion' }[name] ?? 'Version';
  m.setFieldValue(name, first, m.getFieldValue(name, first) ?? (first === 'Notice' ? '-' : first === 'CmpId' ? 0 : 1));
  return m.getSection(name);
}

// Vendor ids chosen to exercise both encodings: dense (bit field) or a few runs (ranges).
function vendorIds() {
  const ids = [];
  const style = int(0, 3);
  const max = chance(0.3) ? int(1, 60) : int(100, 1200);
  if (style === 0) return ids;
  if (style === 1) {
    const p = next();
    for (let id = 1; id <= max; id++) if (next() < p) ids.push(id);
  } else {
    for (let r = int(1, 6); r > 0; r--) {
      const start = int(1, max);
      const len = chance(0.5) ? 1 : int(2, 60);
      for (let id = start; id < start + len; id++) ids.push(id);
    }
  }
  return [...new Set(ids)].sort((a, b) => a - b);
}

function restrictions() {
  const out = [];
  for (let n = chance(0.5) ? int(1, 3) : 0; n > 0; n--) {
    const ids = vendorIds().slice(0, 40);
    if (ids.length) out.push(new RangeEntry(int(1, 11), int(0, 2), ids));
  }
  return out;
}

function set(m, name, field, value) {
  m.setFieldValue(name, field, value);
}

function randomUs(m, name, tpl) {
  if (name === 'usnat') set(m, name, 'Version', int(1, 2));
  for (const [field, dflt] of Object.entries(tpl)) {
    if (['Version', 'MspaVersion', 'GpcSegmentType'].includes(field)) continue;
    if (typeof dflt === 'boolean') set(m, name, field, chance(0.5));
    else if (Array.isArray(dflt)) set(m, name, field, dflt.map(() => int(0, 2)));
    else {
      try { set(m, name, field, int(0, 2)); } catch { set(m, name, field, int(1, 2)); }
    }
  }
  if ('Gpc' in tpl) set(m, name, 'GpcSegmentIncluded', chance(0.7));
  if (['usin', 'usky', 'usri'].includes(name)) set(m, name, 'SensitiveDataConsentSegmentIncluded', chance(0.7));
}

function randomTcfEu(m) {
  const s = 'tcfeuv2';
  set(m, s, 'CmpId', int(2, 4095));
  set(m, s, 'CmpVersion', int(0, 4095));
  set(m, s, 'ConsentScreen', int(0, 63));
  set(m, s, 'ConsentLanguage', letter() + letter());
  set(m, s, 'VendorListVersion', int(0, 4095));
  set(m, s, 'PolicyVersion', int(0, 63));
  set(m, s, 'UseNonStandardStacks', chance(0.2));
  set(m, s, 'SpecialFeatureOptins', bools(12));
  set(m, s, 'PurposeConsents', bools(24));
  set(m, s, 'PurposeLegitimateInterests', bools(24));
  set(m, s, 'PurposeOneTreatment', chance(0.1));
  set(m, s, 'PublisherCountryCode', letter() + letter());
  set(m, s, 'VendorConsents', vendorIds());
  set(m, s, 'VendorLegitimateInterests', vendorIds());
  set(m, s, 'PublisherRestrictions', restrictions());
  set(m, s, 'VendorsDisclosed', vendorIds());
  set(m, s, 'PublisherConsents', bools(24));
  set(m, s, 'PublisherLegitimateInterests', bools(24));
  const custom = int(0, 10);
  set(m, s, 'NumCustomPurposes', custom);
  set(m, s, 'PublisherCustomConsents', bools(custom));
  set(m, s, 'PublisherCustomLegitimateInterests', bools(custom));
  set(m, s, 'Created', new Date(Date.UTC(2020 + int(0, 6), int(0, 11), int(1, 28))));
}

function randomTcfCa(m) {
  const s = 'tcfcav1';
  set(m, s, 'CmpId', int(2, 4095));
  set(m, s, 'CmpVersion', int(0, 4095));
  set(m, s, 'ConsentScreen', int(0, 63));
  set(m, s, 'ConsentLanguage', letter() + letter());
  set(m, s, 'VendorListVersion', int(0, 4095));
  set(m, s, 'TcfPolicyVersion', int(0, 63));
  set(m, s, 'UseNonStandardStacks', chance(0.2));
  set(m, s, 'SpecialFeatureExpressConsent', bools(12));
  set(m, s, 'PurposesExpressConsent', bools(24));
  set(m, s, 'PurposesImpliedConsent', bools(24));
  set(m, s, 'VendorExpressConsent', vendorIds());
  set(m, s, 'VendorImpliedConsent', vendorIds());
  set(m, s, 'PubRestrictions', restrictions());
  set(m, s, 'PubPurposesExpressConsent', bools(24));
  set(m, s, 'PubPurposesImpliedConsent', bools(24));
  const custom = int(0, 10);
  set(m, s, 'NumCustomPurposes', custom);
  set(m, s, 'CustomPurposesExpressConsent', bools(custom));
  set(m, s, 'CustomPurposesImpliedConsent', bools(custom));
  set(m, s, 'DisclosedVendors', vendorIds());
  const t = Date.UTC(2020 + int(0, 6), int(0, 11), int(1, 28)) + int(0, 86399999);
  set(m, s, 'Created', new Date(t));
  set(m, s, 'LastUpdated', new Date(t + int(0, 400) * 86400000));
}

// Dates as deciseconds, range entries as plain objects.
const plain = (v) => JSON.parse(JSON.stringify(v, (k, x) =>
  typeof x === 'string' && /^\d{4}-\d\d-\d\dT/.test(x) ? Math.round(Date.parse(x) / 100) : x));

const templates = Object.fromEntries(ALL.map((n) => [n, template(n)]));

for (let i = 0; i < count; i++) {
  // every section in turn, plus one to three random companions
  const names = new Set([ALL[i % ALL.length]]);
  for (let k = int(0, 3); k > 0; k--) names.add(ALL[int(0, ALL.length - 1)]);
  const m = new GppModel();
  for (const name of names) {
    if (name === 'tcfeuv2') randomTcfEu(m);
    else if (name === 'tcfcav1') randomTcfCa(m);
    else if (name === 'uspv1') {
      for (const f of ['Notice', 'OptOutSale', 'LspaCovered']) set(m, name, f, ['Y', 'N', '-'][int(0, 2)]);
    } else randomUs(m, name, templates[name]);
  }
  const gpp = m.encode();
  const d = new GppModel(gpp);
  const sections = {};
  for (const name of names) sections[name] = plain(d.getSection(name));
  const texts = gpp.split('~').slice(1);
  console.log(JSON.stringify({ gpp, sectionIds: d.getSectionIds(), sections, texts }));
}
