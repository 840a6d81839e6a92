//! Cross-checks the Rust TC string decoder against the IAB reference implementation
//! (`@iabtechlabtcf/core`, installed at the repository root by `npm install`).
//!
//! `tcf_reference/generate.mjs` builds random TCModels (purposes, special features,
//! vendor consents and legitimate interests dense and sparse so that both bit-field and
//! range encodings appear, disclosed vendors, publisher restrictions, PublisherTC),
//! encodes them with `TCString.encode`, decodes them with `TCString.decode` and prints
//! the fields. This test fails (never skips) when node or the package is missing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::process::Command;

use dni_consent::cmp::tcf::TcString;
use serde_json::Value;

const COUNT: usize = 500;
const SEED: u32 = 20_251_122;

fn ids<I: IntoIterator>(it: I) -> Vec<u64>
where
    I::Item: Into<u64>,
{
    it.into_iter().map(Into::into).collect()
}

fn json_ids(v: &Value) -> Vec<u64> {
    v.as_array()
        .expect("array of ids")
        .iter()
        .map(|x| x.as_u64().expect("id"))
        .collect()
}

#[test]
fn rust_decoder_matches_the_iab_reference_implementation() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let repo_root = crate_dir.join("../..");
    let package = repo_root.join("node_modules/@iabtechlabtcf/core/package.json");
    assert!(
        package.exists(),
        "{} is missing: run `npm install` at the repository root",
        package.display()
    );
    let output = Command::new("node")
        .arg(crate_dir.join("tests/tcf_reference/generate.mjs"))
        .arg(COUNT.to_string())
        .arg(SEED.to_string())
        .current_dir(&repo_root)
        .output()
        .expect("`node` must be installed to cross-check the TCF decoder");
    assert!(
        output.status.success(),
        "generate.mjs failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).expect("utf-8 output");
    let mut checked = 0;
    let (mut bitfield, mut range, mut restricted, mut publisher) = (0, 0, 0, 0);
    for line in stdout.lines() {
        let r: Value = serde_json::from_str(line).expect("one JSON object per line");
        let s = r["tc"].as_str().expect("tc");
        let tc = TcString::decode(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        let c = &tc.core;
        let ctx = |field: &str| format!("{field} of {s}");
        assert_eq!(
            u64::from(c.version),
            r["version"].as_u64().unwrap(),
            "{}",
            ctx("version")
        );
        assert_eq!(
            c.created_ds,
            r["created"].as_u64().unwrap(),
            "{}",
            ctx("created")
        );
        assert_eq!(
            c.last_updated_ds,
            r["lastUpdated"].as_u64().unwrap(),
            "{}",
            ctx("lastUpdated")
        );
        assert_eq!(
            u64::from(c.cmp_id),
            r["cmpId"].as_u64().unwrap(),
            "{}",
            ctx("cmpId")
        );
        assert_eq!(
            u64::from(c.cmp_version),
            r["cmpVersion"].as_u64().unwrap(),
            "{}",
            ctx("cmpVersion")
        );
        assert_eq!(
            u64::from(c.consent_screen),
            r["consentScreen"].as_u64().unwrap(),
            "{}",
            ctx("consentScreen")
        );
        assert_eq!(
            &c.consent_language[..],
            r["consentLanguage"].as_str().unwrap().as_bytes(),
            "{}",
            ctx("consentLanguage")
        );
        assert_eq!(
            u64::from(c.vendor_list_version),
            r["vendorListVersion"].as_u64().unwrap(),
            "{}",
            ctx("vendorListVersion")
        );
        assert_eq!(
            u64::from(c.policy_version),
            r["policyVersion"].as_u64().unwrap(),
            "{}",
            ctx("policyVersion")
        );
        assert_eq!(
            c.is_service_specific,
            r["isServiceSpecific"].as_bool().unwrap(),
            "{}",
            ctx("isServiceSpecific")
        );
        assert_eq!(
            c.use_non_standard_texts,
            r["useNonStandardTexts"].as_bool().unwrap(),
            "{}",
            ctx("useNonStandardTexts")
        );
        assert_eq!(
            c.purpose_one_treatment,
            r["purposeOneTreatment"].as_bool().unwrap(),
            "{}",
            ctx("purposeOneTreatment")
        );
        assert_eq!(
            &c.publisher_cc[..],
            r["publisherCC"].as_str().unwrap().as_bytes(),
            "{}",
            ctx("publisherCC")
        );
        assert_eq!(
            ids(c.special_feature_opt_ins.ids()),
            json_ids(&r["specialFeatures"]),
            "{}",
            ctx("specialFeatures")
        );
        assert_eq!(
            ids(c.purposes_consent.ids()),
            json_ids(&r["purposesConsent"]),
            "{}",
            ctx("purposesConsent")
        );
        assert_eq!(
            ids(c.purposes_li_transparency.ids()),
            json_ids(&r["purposesLI"]),
            "{}",
            ctx("purposesLI")
        );
        assert_eq!(
            ids(c.vendor_consents.ids()),
            json_ids(&r["vendorConsents"]),
            "{}",
            ctx("vendorConsents")
        );
        assert_eq!(
            ids(c.vendor_legitimate_interests.ids()),
            json_ids(&r["vendorLI"]),
            "{}",
            ctx("vendorLI")
        );
        let disclosed = tc
            .disclosed_vendors
            .as_ref()
            .map(|v| ids(v.ids()))
            .unwrap_or_default();
        assert_eq!(
            disclosed,
            json_ids(&r["vendorsDisclosed"]),
            "{}",
            ctx("vendorsDisclosed")
        );

        let mut restrictions: Vec<(u64, u64, Vec<u64>)> = c
            .publisher_restrictions
            .iter()
            .map(|p| {
                (
                    u64::from(p.purpose_id),
                    u64::from(p.restriction_type),
                    ids(p.vendors.ids()),
                )
            })
            .collect();
        restrictions.sort();
        let expected: Vec<(u64, u64, Vec<u64>)> = r["publisherRestrictions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e[0].as_u64().unwrap(),
                    e[1].as_u64().unwrap(),
                    json_ids(&e[2]),
                )
            })
            .collect();
        assert_eq!(restrictions, expected, "{}", ctx("publisherRestrictions"));

        match &tc.publisher {
            Some(p) => {
                publisher += 1;
                assert_eq!(
                    ids(p.purposes_consent.ids()),
                    json_ids(&r["publisherConsents"]),
                    "{}",
                    ctx("publisherConsents")
                );
                assert_eq!(
                    ids(p.purposes_li_transparency.ids()),
                    json_ids(&r["publisherLI"]),
                    "{}",
                    ctx("publisherLI")
                );
                assert_eq!(
                    u64::from(p.num_custom_purposes),
                    r["numCustomPurposes"].as_u64().unwrap(),
                    "{}",
                    ctx("numCustomPurposes")
                );
                assert_eq!(
                    ids(p.custom_consents()),
                    json_ids(&r["customConsents"]),
                    "{}",
                    ctx("customConsents")
                );
                assert_eq!(
                    ids(p.custom_legitimate_interests()),
                    json_ids(&r["customLI"]),
                    "{}",
                    ctx("customLI")
                );
            }
            None => {
                assert!(
                    json_ids(&r["publisherConsents"]).is_empty(),
                    "{}",
                    ctx("publisher segment")
                );
            }
        }

        for set in [&c.vendor_consents, &c.vendor_legitimate_interests] {
            if set.range_encoded {
                range += 1;
            } else if set.max_vendor_id > 0 {
                bitfield += 1;
            }
        }
        if !c.publisher_restrictions.is_empty() {
            restricted += 1;
        }
        checked += 1;
    }
    assert_eq!(checked, COUNT, "generate.mjs printed {checked} strings");
    // the sample must exercise every encoding, or the comparison proves little
    assert!(bitfield > 50, "only {bitfield} bit-field vendor sections");
    assert!(range > 50, "only {range} range-encoded vendor sections");
    assert!(
        restricted > 20,
        "only {restricted} strings with publisher restrictions"
    );
    assert!(
        publisher > 100,
        "only {publisher} strings with a PublisherTC segment"
    );
    eprintln!(
        "cross-checked {checked} TC strings: {bitfield} bit-field and {range} range vendor sections, \
         {restricted} with publisher restrictions, {publisher} with PublisherTC"
    );
}
