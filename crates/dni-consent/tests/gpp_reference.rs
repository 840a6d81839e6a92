//! Cross-checks the Rust GPP decoder against the IAB reference implementation
//! (`@iabgpp/cmpapi`, installed at the repository root by `npm install`).
//!
//! `gpp_reference/generate.mjs` builds GPP strings with random values in every field of
//! every section the reference knows (tcfeuv2, tcfcav1, uspv1, usnat and the 20 state
//! sections, sub-sections included or not), encodes them with `GppModel.encode`, decodes
//! them with a fresh `GppModel` and prints every field. This test decodes each string and
//! compares field by field. It fails (never skips) when node or the package is missing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use dni_consent::cmp::gpp_string::{GppString, Section, TcfCa, UsSection, UsValue};
use dni_consent::cmp::tcf::{IdBits, TcString};
use dni_consent::cmp::usp::UspString;
use serde_json::{Map, Value};

const COUNT: usize = 720;
const SEED: u32 = 20_260_514;

/// The section names the reference knows, in its order.
const SECTIONS: [&str; 24] = [
    "tcfeuv2", "tcfcav1", "uspv1", "usnat", "usca", "usva", "usco", "usut", "usct", "usfl", "usmt",
    "usor", "ustx", "usde", "usia", "usne", "usnh", "usnj", "ustn", "usmn", "usmd", "usin", "usky",
    "usri",
];

fn u(v: &Value, ctx: &str) -> u64 {
    v.as_u64()
        .unwrap_or_else(|| panic!("{ctx}: not a number: {v}"))
}

/// `[true, false, true]` -> `[1, 3]`.
fn set_ids(v: &Value) -> Vec<u64> {
    v.as_array()
        .expect("array of booleans")
        .iter()
        .enumerate()
        .filter(|(_, b)| b.as_bool() == Some(true))
        .map(|(i, _)| i as u64 + 1)
        .collect()
}

fn id_bits(b: IdBits) -> Vec<u64> {
    b.ids().map(u64::from).collect()
}

fn custom(bits: u64, n: u8) -> Vec<u64> {
    (1..=u64::from(n))
        .filter(|i| bits & (1 << (i - 1)) != 0)
        .collect()
}

fn numbers(v: &Value) -> Vec<u64> {
    v.as_array()
        .expect("array of numbers")
        .iter()
        .map(|x| x.as_u64().expect("number"))
        .collect()
}

fn letters(v: &Value) -> Vec<u8> {
    v.as_str().expect("letters").as_bytes().to_vec()
}

/// `[{key, type, ids}]`, sorted.
fn restrictions(v: &Value) -> Vec<(u64, u64, Vec<u64>)> {
    let mut out: Vec<_> = v
        .as_array()
        .expect("restrictions")
        .iter()
        .map(|e| {
            (
                u(&e["key"], "key"),
                u(&e["type"], "type"),
                numbers(&e["ids"]),
            )
        })
        .collect();
    out.sort();
    out
}

/// Compares `mine` with the reference's fields, naming the field in the failure.
struct Check<'a> {
    gpp: &'a str,
    section: &'a str,
    fields: &'a Map<String, Value>,
    compared: usize,
}

impl Check<'_> {
    fn field(&self, name: &str) -> &Value {
        self.fields.get(name).unwrap_or_else(|| {
            panic!(
                "{} {}: the reference has no field {name}",
                self.gpp, self.section
            )
        })
    }

    fn eq<T: PartialEq + std::fmt::Debug>(&mut self, name: &str, mine: T, theirs: T) {
        assert_eq!(
            mine, theirs,
            "{} of section {} in {}",
            name, self.section, self.gpp
        );
        self.compared += 1;
    }
}

fn check_tcfeuv2(c: &mut Check, tc: &TcString) {
    let core = &tc.core;
    c.eq(
        "Version",
        u64::from(core.version),
        u(c.field("Version"), "Version"),
    );
    c.eq("Created", core.created_ds, u(c.field("Created"), "Created"));
    c.eq(
        "LastUpdated",
        core.last_updated_ds,
        u(c.field("LastUpdated"), "LastUpdated"),
    );
    c.eq(
        "CmpId",
        u64::from(core.cmp_id),
        u(c.field("CmpId"), "CmpId"),
    );
    c.eq(
        "CmpVersion",
        u64::from(core.cmp_version),
        u(c.field("CmpVersion"), ""),
    );
    c.eq(
        "ConsentScreen",
        u64::from(core.consent_screen),
        u(c.field("ConsentScreen"), ""),
    );
    c.eq(
        "ConsentLanguage",
        core.consent_language.to_vec(),
        letters(c.field("ConsentLanguage")),
    );
    c.eq(
        "VendorListVersion",
        u64::from(core.vendor_list_version),
        u(c.field("VendorListVersion"), ""),
    );
    c.eq(
        "PolicyVersion",
        u64::from(core.policy_version),
        u(c.field("PolicyVersion"), ""),
    );
    c.eq(
        "IsServiceSpecific",
        Some(core.is_service_specific),
        c.field("IsServiceSpecific").as_bool(),
    );
    c.eq(
        "UseNonStandardStacks",
        Some(core.use_non_standard_texts),
        c.field("UseNonStandardStacks").as_bool(),
    );
    c.eq(
        "SpecialFeatureOptins",
        id_bits(core.special_feature_opt_ins),
        set_ids(c.field("SpecialFeatureOptins")),
    );
    c.eq(
        "PurposeConsents",
        id_bits(core.purposes_consent),
        set_ids(c.field("PurposeConsents")),
    );
    c.eq(
        "PurposeLegitimateInterests",
        id_bits(core.purposes_li_transparency),
        set_ids(c.field("PurposeLegitimateInterests")),
    );
    c.eq(
        "PurposeOneTreatment",
        Some(core.purpose_one_treatment),
        c.field("PurposeOneTreatment").as_bool(),
    );
    c.eq(
        "PublisherCountryCode",
        core.publisher_cc.to_vec(),
        letters(c.field("PublisherCountryCode")),
    );
    c.eq(
        "VendorConsents",
        core.vendor_consents
            .ids()
            .map(u64::from)
            .collect::<Vec<_>>(),
        numbers(c.field("VendorConsents")),
    );
    c.eq(
        "VendorLegitimateInterests",
        core.vendor_legitimate_interests
            .ids()
            .map(u64::from)
            .collect::<Vec<_>>(),
        numbers(c.field("VendorLegitimateInterests")),
    );
    let mut mine: Vec<_> = core
        .publisher_restrictions
        .iter()
        .map(|r| {
            (
                u64::from(r.purpose_id),
                u64::from(r.restriction_type),
                r.vendors.ids().map(u64::from).collect::<Vec<_>>(),
            )
        })
        .collect();
    mine.sort();
    c.eq(
        "PublisherRestrictions",
        mine,
        restrictions(c.field("PublisherRestrictions")),
    );
    let disclosed = tc
        .disclosed_vendors
        .as_ref()
        .map(|v| v.ids().map(u64::from).collect())
        .unwrap_or_default();
    c.eq(
        "VendorsDisclosed",
        disclosed,
        numbers(c.field("VendorsDisclosed")),
    );
    let allowed = tc
        .allowed_vendors
        .as_ref()
        .map(|v| v.ids().map(u64::from).collect())
        .unwrap_or_default();
    c.eq(
        "VendorsAllowed",
        allowed,
        numbers(c.field("VendorsAllowed")),
    );
    let p = tc
        .publisher
        .as_ref()
        .expect("the reference always writes PublisherTC");
    c.eq(
        "PublisherConsents",
        id_bits(p.purposes_consent),
        set_ids(c.field("PublisherConsents")),
    );
    c.eq(
        "PublisherLegitimateInterests",
        id_bits(p.purposes_li_transparency),
        set_ids(c.field("PublisherLegitimateInterests")),
    );
    c.eq(
        "NumCustomPurposes",
        u64::from(p.num_custom_purposes),
        u(c.field("NumCustomPurposes"), ""),
    );
    c.eq(
        "PublisherCustomConsents",
        p.custom_consents().map(u64::from).collect::<Vec<_>>(),
        set_ids(c.field("PublisherCustomConsents")),
    );
    c.eq(
        "PublisherCustomLegitimateInterests",
        p.custom_legitimate_interests()
            .map(u64::from)
            .collect::<Vec<_>>(),
        set_ids(c.field("PublisherCustomLegitimateInterests")),
    );
}

fn check_tcfcav1(c: &mut Check, t: &TcfCa) {
    c.eq("Version", u64::from(t.version), u(c.field("Version"), ""));
    c.eq("Created", t.created_ds, u(c.field("Created"), ""));
    c.eq(
        "LastUpdated",
        t.last_updated_ds,
        u(c.field("LastUpdated"), ""),
    );
    c.eq("CmpId", u64::from(t.cmp_id), u(c.field("CmpId"), ""));
    c.eq(
        "CmpVersion",
        u64::from(t.cmp_version),
        u(c.field("CmpVersion"), ""),
    );
    c.eq(
        "ConsentScreen",
        u64::from(t.consent_screen),
        u(c.field("ConsentScreen"), ""),
    );
    c.eq(
        "ConsentLanguage",
        t.consent_language.to_vec(),
        letters(c.field("ConsentLanguage")),
    );
    c.eq(
        "VendorListVersion",
        u64::from(t.vendor_list_version),
        u(c.field("VendorListVersion"), ""),
    );
    c.eq(
        "TcfPolicyVersion",
        u64::from(t.policy_version),
        u(c.field("TcfPolicyVersion"), ""),
    );
    c.eq(
        "UseNonStandardStacks",
        Some(t.use_non_standard_stacks),
        c.field("UseNonStandardStacks").as_bool(),
    );
    c.eq(
        "SpecialFeatureExpressConsent",
        id_bits(t.special_feature_express_consent),
        set_ids(c.field("SpecialFeatureExpressConsent")),
    );
    c.eq(
        "PurposesExpressConsent",
        id_bits(t.purposes_express_consent),
        set_ids(c.field("PurposesExpressConsent")),
    );
    c.eq(
        "PurposesImpliedConsent",
        id_bits(t.purposes_implied_consent),
        set_ids(c.field("PurposesImpliedConsent")),
    );
    let ids = |v: &[u32]| v.iter().map(|&i| u64::from(i)).collect::<Vec<_>>();
    c.eq(
        "VendorExpressConsent",
        ids(&t.vendor_express_consent),
        numbers(c.field("VendorExpressConsent")),
    );
    c.eq(
        "VendorImpliedConsent",
        ids(&t.vendor_implied_consent),
        numbers(c.field("VendorImpliedConsent")),
    );
    let mut mine: Vec<_> = t
        .pub_restrictions
        .iter()
        .map(|r| {
            (
                u64::from(r.purpose_id),
                u64::from(r.restriction_type),
                ids(&r.vendors),
            )
        })
        .collect();
    mine.sort();
    c.eq(
        "PubRestrictions",
        mine,
        restrictions(c.field("PubRestrictions")),
    );
    let p = t
        .pub_purposes
        .clone()
        .expect("the reference always writes PubPurposes");
    c.eq(
        "PubPurposesExpressConsent",
        id_bits(p.express_consent),
        set_ids(c.field("PubPurposesExpressConsent")),
    );
    c.eq(
        "PubPurposesImpliedConsent",
        id_bits(p.implied_consent),
        set_ids(c.field("PubPurposesImpliedConsent")),
    );
    c.eq(
        "NumCustomPurposes",
        u64::from(p.num_custom_purposes),
        u(c.field("NumCustomPurposes"), ""),
    );
    c.eq(
        "CustomPurposesExpressConsent",
        custom(p.custom_express_consent, p.num_custom_purposes),
        set_ids(c.field("CustomPurposesExpressConsent")),
    );
    c.eq(
        "CustomPurposesImpliedConsent",
        custom(p.custom_implied_consent, p.num_custom_purposes),
        set_ids(c.field("CustomPurposesImpliedConsent")),
    );
    c.eq(
        "DisclosedVendors",
        t.disclosed_vendors.as_deref().map(ids).unwrap_or_default(),
        numbers(c.field("DisclosedVendors")),
    );
}

fn check_uspv1(c: &mut Check, usp: &UspString) {
    c.eq("Version", u64::from(usp.version), u(c.field("Version"), ""));
    for (name, flag) in [
        ("Notice", usp.notice),
        ("OptOutSale", usp.opt_out_sale),
        ("LspaCovered", usp.lspa_covered),
    ] {
        c.eq(
            name,
            Some(flag.as_char().to_string()),
            c.field(name).as_str().map(str::to_string),
        );
    }
}

/// Every field the reference reports, against mine; a sub-section the string does not
/// carry must be absent on my side and at its default on theirs.
fn check_us(c: &mut Check, s: &UsSection, has_sub: bool) {
    let mine: BTreeMap<&str, &UsValue> = s.fields.iter().map(|(n, v)| (*n, v)).collect();
    for (name, theirs) in c.fields.clone() {
        let sub_field = matches!(name.as_str(), "GpcSegmentType" | "Gpc")
            || (name == "SensitiveDataProcessing" && ["usin", "usky", "usri"].contains(&s.name));
        if sub_field && !has_sub {
            assert!(
                !mine.contains_key(name.as_str()),
                "{} {name} without sub-section",
                c.gpp
            );
            let default_ok = match &theirs {
                Value::Bool(b) => !b,
                Value::Number(n) => n.as_u64() == Some(1), // GpcSegmentType
                Value::Array(a) => a.iter().all(|x| x.as_u64() == Some(0)),
                _ => false,
            };
            assert!(
                default_ok,
                "{} {name} = {theirs} without sub-section",
                c.gpp
            );
            continue;
        }
        let m = *mine
            .get(name.as_str())
            .unwrap_or_else(|| panic!("{} {}: no field {name} on my side", c.gpp, s.name));
        let as_json = match m {
            UsValue::Int(i) => Value::from(*i),
            UsValue::Bool(b) => Value::from(*b),
            UsValue::List(l) => Value::from(l.clone()),
        };
        c.eq(&name, as_json, theirs);
    }
    let theirs_count = c.fields.len()
        - if has_sub {
            0
        } else if s.name == "usin" || s.name == "usky" || s.name == "usri" {
            1
        } else if c.fields.contains_key("Gpc") {
            2
        } else {
            0
        };
    assert_eq!(
        s.fields.len(),
        theirs_count,
        "{}: field count of {}",
        c.gpp,
        s.name
    );
}

#[test]
fn rust_decoder_matches_the_iab_gpp_reference_implementation() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let repo_root = crate_dir.join("../..");
    let package = repo_root.join("node_modules/@iabgpp/cmpapi/package.json");
    assert!(
        package.exists(),
        "{} is missing: run `npm install` at the repository root",
        package.display()
    );
    let output = Command::new("node")
        .arg(crate_dir.join("tests/gpp_reference/generate.mjs"))
        .arg(COUNT.to_string())
        .arg(SEED.to_string())
        .current_dir(&repo_root)
        .output()
        .expect("`node` must be installed to cross-check the GPP decoder");
    assert!(
        output.status.success(),
        "generate.mjs failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).expect("utf-8 output");
    let mut per_section: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut strings, mut fields, mut with_sub, mut without_sub, mut usnat_v1) = (0, 0, 0, 0, 0);
    let (mut restricted, mut tcf_ranges) = (0, 0);
    for line in stdout.lines() {
        let r: Value = serde_json::from_str(line).expect("one JSON object per line");
        let gpp = r["gpp"].as_str().expect("gpp");
        let g = GppString::decode(gpp).unwrap_or_else(|e| panic!("{gpp}: {e}"));
        let ids: Vec<u16> = numbers(&r["sectionIds"])
            .into_iter()
            .map(|i| i as u16)
            .collect();
        assert_eq!(g.section_ids, ids, "section ids of {gpp}");
        let texts: Vec<&str> = r["texts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        for (section, text) in g.sections.iter().zip(&texts) {
            let name = section.name();
            let theirs = r["sections"][name]
                .as_object()
                .unwrap_or_else(|| panic!("{gpp}: the reference has no section {name}"));
            let mut c = Check {
                gpp,
                section: name,
                fields: theirs,
                compared: 0,
            };
            match section {
                Section::TcfEuV2(tc) => {
                    check_tcfeuv2(&mut c, tc);
                    restricted += usize::from(!tc.core.publisher_restrictions.is_empty());
                    tcf_ranges += usize::from(tc.core.vendor_consents.range_encoded);
                }
                Section::TcfCaV1(t) => check_tcfcav1(&mut c, t),
                Section::UspV1(u) => check_uspv1(&mut c, u),
                Section::Us(s) => {
                    let has_sub = text.contains('.');
                    check_us(&mut c, s, has_sub);
                    if has_sub {
                        with_sub += 1
                    } else {
                        without_sub += 1
                    }
                    usnat_v1 += usize::from(name == "usnat" && s.int("Version") == Some(1));
                }
                Section::Unknown(id) => panic!("{gpp}: section {id} unknown to the Rust decoder"),
            }
            fields += c.compared;
            *per_section.entry(name).or_default() += 1;
        }
        strings += 1;
    }
    assert_eq!(strings, COUNT, "generate.mjs printed {strings} strings");
    // the sample must exercise every section and both forms of each option
    for name in SECTIONS {
        let n = per_section.get(name).copied().unwrap_or_default();
        assert!(n >= 25, "only {n} {name} sections");
    }
    assert!(
        with_sub > 100 && without_sub > 50,
        "{with_sub} with, {without_sub} without sub-section"
    );
    assert!(usnat_v1 > 10, "only {usnat_v1} usnat v1 sections");
    assert!(
        restricted > 10,
        "only {restricted} tcfeuv2 sections with publisher restrictions"
    );
    assert!(
        tcf_ranges > 10,
        "only {tcf_ranges} range-encoded tcfeuv2 vendor sections"
    );
    eprintln!(
        "cross-checked {strings} GPP strings, {} sections, {fields} fields: {per_section:?}; \
         {with_sub} US sections with a sub-section, {without_sub} without, {usnat_v1} usnat v1",
        per_section.values().sum::<usize>()
    );
}
