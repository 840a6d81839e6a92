//! Published test vectors (IAB iabtcf-java tests, the TCF spec example) and real strings
//! from the reference notes, section 4.

use super::*;
use crate::cmp::testing::reads;
use crate::cookie_value::combined;
use crate::verdict::Consent::*;

/// The verdict of `tc`, `None` when ignored.
fn judged(config: &TcfConfig, tc: &TcString, now: i64) -> Option<CmpVerdict> {
    verdict(config, tc, now).verdict().copied()
}

fn parse(config: &TcfConfig, header: &str, now: i64) -> Option<CmpVerdict> {
    combined(&reads(header, |jar, out| read(config, jar, now, out)))
}

fn decode(s: &str) -> TcString {
    TcString::decode(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn ids<I: Iterator>(it: I) -> Vec<u32>
where
    I::Item: Into<u32>,
{
    it.map(Into::into).collect()
}

#[test]
fn vector_1_full_core_header() {
    let tc = decode("COtybn4PA_zT4KjACBENAPCIAEBAAECAAIAAAAAAAAAA");
    let c = &tc.core;
    assert_eq!(c.version, 2);
    assert_eq!(c.created_ds, 15_800_580_600);
    assert_eq!(c.last_updated_ds, 16_122_852_600);
    assert_eq!((c.cmp_id, c.cmp_version, c.consent_screen), (675, 2, 1));
    assert_eq!(&c.consent_language, b"EN");
    assert_eq!(c.vendor_list_version, 15);
    assert_eq!(c.policy_version, 2);
    assert!(!c.is_service_specific && !c.use_non_standard_texts);
    assert_eq!(ids(c.special_feature_opt_ins.ids()), [1]);
    assert_eq!(ids(c.purposes_consent.ids()), [2, 10]);
    assert_eq!(ids(c.purposes_li_transparency.ids()), [2, 9]);
    assert!(c.purpose_one_treatment);
    assert_eq!(&c.publisher_cc, b"AA");
    assert!(c.vendor_consents.is_empty() && c.vendor_legitimate_interests.is_empty());
}

#[test]
fn vector_2_bit_field_vendors() {
    let tc = decode(
        "COrEAV4OrXx94ACABBENAHCIAD-AAAAAAACAAxAAAAgAIAwgAgAAAAEAgQAAAAAEAYQAQAAAACAAAABAAA",
    );
    let c = &tc.core;
    assert_eq!(ids(c.purposes_consent.ids()), [3, 4, 5, 6, 7, 8, 9]);
    assert!(!c.vendor_consents.range_encoded);
    assert_eq!(c.vendor_consents.max_vendor_id, 98);
    assert_eq!(ids(c.vendor_consents.ids()), [23, 37, 47, 48, 53, 65, 98]);
    assert_eq!(c.vendor_legitimate_interests.max_vendor_id, 129);
    assert_eq!(
        ids(c.vendor_legitimate_interests.ids()),
        [37, 47, 48, 53, 65, 98, 129]
    );
    assert_eq!(
        (
            c.cmp_id,
            c.cmp_version,
            c.vendor_list_version,
            c.policy_version
        ),
        (2, 1, 7, 2)
    );
    assert_eq!(ids(c.special_feature_opt_ins.ids()), [1]);
    assert_eq!(&c.publisher_cc, b"AQ");
}

#[test]
fn vector_3_disclosed_and_allowed_vendor_segments() {
    let tc = decode("COrEAV4OrXx94ACABBENAHCIAD-AAAAAAACAAxAAAAgAIAwgAgAAAAEAgQAAAAAEAYQAQAAAACAAAABAAA.IBAgAAAgAIAwgAgAAAAEAAAACA.QAagAQAgAIAwgA");
    assert_eq!(
        ids(tc.disclosed_vendors.unwrap().ids()),
        [23, 37, 47, 48, 53, 65, 98, 129]
    );
    assert_eq!(
        ids(tc.allowed_vendors.unwrap().ids()),
        [12, 23, 37, 47, 48, 53]
    );
}

#[test]
fn vector_4_range_encoded_vendors() {
    let tc = decode("COwBOpCOwBOpCLqAAAENAPCAAAAAAAAAAAAAFfwAYFfAV-BVkAGBVYFWAAA");
    assert!(tc.core.vendor_consents.range_encoded);
    assert_eq!(tc.core.vendor_consents.max_vendor_id, 703);
    assert_eq!(ids(tc.core.vendor_consents.ids()), [702, 703]);
    assert_eq!(ids(tc.core.vendor_legitimate_interests.ids()), [683, 684]);
    let tc = decode("COwBOpCOwBOpCLqAAAENAPCAAAAAAAAAAAAAFfwAQFfgUbABAUaAAA");
    assert_eq!(ids(tc.core.vendor_consents.ids()), [703]);
}

#[test]
fn vector_5_range_encoded_legitimate_interests() {
    let tc = decode("COv__-wOv__-wC2AAAENAPCgAAAAAAAAAAAAA_wAQA_gEBABAEAAAA");
    assert_eq!(ids(tc.core.vendor_legitimate_interests.ids()), [128]);
    assert!(tc.core.vendor_legitimate_interests.range_encoded);
    assert_eq!(ids(tc.core.vendor_consents.ids()), [127]);
}

#[test]
fn vector_6_purposes_consent() {
    let tc = decode("COwxsONOwxsONKpAAAENAdCAAMAAAAAAAAAAAAAAAAAA");
    assert!(tc.core.purposes_consent.has(1) && tc.core.purposes_consent.has(2));
}

#[test]
fn vector_7_spec_example_with_range_disclosed_vendors() {
    let tc =
        decode("CQSbk4AQSbk4ANwAAAENAwCgAAAAAAAAAAYgACPAAAAA.IDKQA4AAgAKAGQAygAAA.YAAAAAAAAAAA");
    let c = &tc.core;
    assert_eq!(
        (c.created_ds, c.last_updated_ds),
        (17_489_088_000, 17_489_088_000)
    );
    assert_eq!(
        (c.cmp_id, c.vendor_list_version, c.policy_version),
        (880, 48, 2)
    );
    assert!(c.is_service_specific);
    assert_eq!(&c.publisher_cc, b"DE");
    assert_eq!(ids(c.vendor_consents.ids()), [1, 2, 3, 4]);
    assert_eq!(
        ids(tc.disclosed_vendors.unwrap().ids()),
        [1, 2, 3, 4, 5, 100, 404]
    );
    assert_eq!(tc.publisher.unwrap(), PublisherSegment::default());
}

const DIDOMI_REJECT: &str = "CQGiOUAQGiOUAAHABBENBLFgAAAAAAAAAAAAAAAAAAAA.YAAAAAAAAAAA";
const DIDOMI_ACCEPT: &str = "CQbB_cAQbB_cAAHABBENCFFsAP_gAAAAAAAAHXwCAAIAAqABaAFsAUgBZgF5gOvAAAAKSgAwABBd8pABgACC75CADAAEF3x0AGAAILvhIAMAAQXf.f_wAAAAAAAAA";
const SOURCEPOINT_LI_ONLY: &str = "CQEyKcAQEyKcAAGABBENBGFgAAAAAEPgABBoAAAOWgJAAkABkAEcARwAnAByADnAIAAQcAjgBdQFSgLUAXQAvMBggDFgHLABBQAIC6CgAEAjgAAA.YAAAAAAAAAAA";
/// 2025-12-01
const NOW: i64 = 1_764_547_200_000;

#[test]
fn real_8_didomi_reject_all() {
    let tc = decode(DIDOMI_REJECT);
    assert_eq!(tc.core.created_ds, 17_289_504_000);
    assert_eq!(
        (
            tc.core.cmp_id,
            tc.core.vendor_list_version,
            tc.core.policy_version
        ),
        (7, 75, 5)
    );
    assert!(tc.core.is_service_specific);
    assert_eq!(tc.core.purposes_consent, IdBits(0));
    assert!(tc.core.vendor_consents.is_empty());
    let v = judged(&TcfConfig::default(), &tc, 1_730_000_000_000).unwrap();
    assert_eq!(v.get(Category::Marketing), Denied);
    assert_eq!(v.get(Category::Analytics), Denied);
}

#[test]
fn real_9_didomi_accept_all() {
    let tc = decode(DIDOMI_ACCEPT);
    let c = &tc.core;
    assert_eq!(c.created_ds, 17_633_376_000);
    assert_eq!(
        (c.cmp_id, c.vendor_list_version, c.policy_version),
        (7, 133, 5)
    );
    assert_eq!(ids(c.special_feature_opt_ins.ids()), [1, 2]);
    assert_eq!(
        ids(c.purposes_consent.ids()),
        (1..=11).collect::<Vec<u32>>()
    );
    assert_eq!(
        ids(c.vendor_consents.ids()),
        [16, 42, 45, 91, 164, 358, 755, 943]
    );
    assert_eq!(
        ids(tc.publisher.as_ref().unwrap().purposes_consent.ids()),
        (1..=11).collect::<Vec<u32>>()
    );
    let v = judged(&TcfConfig::default(), &tc, NOW).unwrap();
    assert_eq!(
        [
            v.get(Category::Functional),
            v.get(Category::Analytics),
            v.get(Category::Marketing)
        ],
        [Granted, Granted, Granted]
    );
}

#[test]
fn real_10_sourcepoint_legitimate_interest_only_is_not_consent() {
    let tc = decode(SOURCEPOINT_LI_ONLY);
    assert_eq!(tc.core.policy_version, 5);
    assert_eq!(tc.core.purposes_consent, IdBits(0));
    assert_eq!(
        ids(tc.core.purposes_li_transparency.ids()),
        [2, 7, 8, 9, 10, 11]
    );
    assert_eq!(tc.core.vendor_legitimate_interests.ids().count(), 18);
    let v = judged(&TcfConfig::default(), &tc, 1_730_000_000_000).unwrap();
    assert_eq!(v.get(Category::Marketing), Denied);
}

#[test]
fn vendor_id_is_also_required_for_marketing() {
    let tc = decode(DIDOMI_ACCEPT);
    let with = |id| TcfConfig {
        vendor_id: Some(id),
        ..TcfConfig::default()
    };
    let v = judged(&with(755), &tc, NOW).unwrap();
    assert_eq!(v.get(Category::Marketing), Granted);
    let v = judged(&with(756), &tc, NOW).unwrap();
    assert_eq!(v.get(Category::Marketing), Denied);
    assert_eq!(v.get(Category::Analytics), Granted);
}

#[test]
fn old_policy_global_scope_and_stale_strings_are_absent() {
    // policy version 2
    let spec =
        decode("CQSbk4AQSbk4ANwAAAENAwCgAAAAAAAAAAYgACPAAAAA.IDKQA4AAgAKAGQAygAAA.YAAAAAAAAAAA");
    assert_eq!(
        verdict(&TcfConfig::default(), &spec, NOW),
        Outcome::Ignored("TC string policy version below min_policy_version")
    );
    let lenient = TcfConfig {
        min_policy_version: 2,
        ..TcfConfig::default()
    };
    assert!(judged(&lenient, &spec, 1_749_000_000_000).is_some());
    // IsServiceSpecific = 0
    let global = decode("COtybn4PA_zT4KjACBENAPCIAEBAAECAAIAAAAAAAAAA");
    let any_policy = TcfConfig {
        min_policy_version: 0,
        max_age_days: 0,
        ..TcfConfig::default()
    };
    assert_eq!(
        verdict(&any_policy, &global, NOW),
        Outcome::Ignored("TC string is not service-specific")
    );
    // older than max_age_days: accept of 2025-11-17 read 400 days later
    let accept = decode(DIDOMI_ACCEPT);
    assert_eq!(
        verdict(
            &TcfConfig::default(),
            &accept,
            1_763_337_600_000 + 400 * DAY_MS
        ),
        Outcome::Ignored("TC string older than max_age_days")
    );
    // exactly max_age_days old still counts, one millisecond more does not
    let last_updated = accept.core.last_updated_ms();
    let limit = last_updated + 396 * DAY_MS;
    assert!(judged(&TcfConfig::default(), &accept, limit).is_some());
    assert!(judged(&TcfConfig::default(), &accept, limit + 1).is_none());
    // the policy version itself is accepted
    let exact = TcfConfig {
        min_policy_version: 5,
        ..TcfConfig::default()
    };
    assert!(judged(&exact, &accept, NOW).is_some());
    let no_limit = TcfConfig {
        max_age_days: 0,
        ..TcfConfig::default()
    };
    assert!(judged(&no_limit, &accept, 1_763_337_600_000 + 400 * DAY_MS).is_some());
}

#[test]
fn publisher_segment_can_drive_purposes() {
    let tc = decode(DIDOMI_ACCEPT);
    let cfg = TcfConfig {
        use_publisher_segment: true,
        ..TcfConfig::default()
    };
    assert_eq!(
        judged(&cfg, &tc, NOW).unwrap().get(Category::Marketing),
        Granted
    );
    // empty PublisherTC segment: nothing consented
    let h = "CQbB_cAQbB_cAAHABBENCFFsAP_gAAAAAAAAHXwCAAIAAqABaAFsAUgBZgF5gOvAAAAKSgAwABBd8pABgACC75CADAAEF3x0AGAAILvhIAMAAQXf.YAAAAAAAAAAA";
    let tc = decode(h);
    assert_eq!(
        judged(&cfg, &tc, NOW).unwrap().get(Category::Marketing),
        Denied
    );
}

#[test]
fn cookie_parse_reads_the_named_cookie() {
    let h = format!("a=b; euconsent-v2={DIDOMI_ACCEPT}; c=d");
    assert_eq!(
        parse(&TcfConfig::default(), &h, NOW)
            .unwrap()
            .get(Category::Marketing),
        Granted
    );
    // duplicates: the refusal wins, whatever the order
    let no_age_limit = TcfConfig {
        max_age_days: 0,
        ..TcfConfig::default()
    };
    for h in [
        format!("euconsent-v2={DIDOMI_ACCEPT}; euconsent-v2={DIDOMI_REJECT}"),
        format!("euconsent-v2={DIDOMI_REJECT}; euconsent-v2={DIDOMI_ACCEPT}"),
    ] {
        let v = parse(&no_age_limit, &h, NOW).unwrap();
        assert_eq!(v.get(Category::Marketing), Denied, "{h}");
    }
    // an invalid duplicate is ignored
    let h = format!("euconsent-v2=garbage; euconsent-v2={DIDOMI_ACCEPT}");
    assert_eq!(
        parse(&TcfConfig::default(), &h, NOW)
            .unwrap()
            .get(Category::Marketing),
        Granted
    );
}

#[test]
fn invalid_strings_are_errors() {
    assert_eq!(
        TcString::decode("BOPnWgIOPnWgIAAABAENAI4AAAAA0ABA").unwrap_err(),
        TcfError::UnsupportedVersion(1)
    );
    assert_eq!(TcString::decode("").unwrap_err(), TcfError::Empty);
    assert!(matches!(
        TcString::decode("CQGiOUAQ"),
        Err(TcfError::Truncated(_))
    ));
    assert!(matches!(
        TcString::decode("CQGiOUAQGiOUAAHABBENBLFgAAAAAAAAAAAAAAAAAAAA.YAAA+AAAAAAA"),
        Err(TcfError::InvalidCharacter(4))
    ));
    assert!(matches!(
        TcString::decode(&"C".repeat(MAX_TC_STRING_LEN + 1)),
        Err(TcfError::TooLong(_))
    ));
    // exactly the limit is decoded
    assert!(!matches!(
        TcString::decode(&"C".repeat(MAX_TC_STRING_LEN)),
        Err(TcfError::TooLong(_))
    ));
    // a segment of unknown type (0 = a second core segment)
    assert_eq!(
        TcString::decode(&format!("{DIDOMI_REJECT}.AAAA")).unwrap_err(),
        TcfError::UnknownSegment(0)
    );
    // trailing '=' padding is tolerated
    assert!(TcString::decode(&format!("{DIDOMI_REJECT}=")).is_ok());
}

#[test]
fn config_validation_reports_purposes_vendor_and_policy() {
    let cfg = TcfConfig {
        purposes: CategoryMap {
            marketing: vec![1, 0, 25],
            ..CategoryMap::default()
        },
        vendor_id: Some(0),
        min_policy_version: 64,
        ..TcfConfig::default()
    };
    let mut issues = Vec::new();
    cfg.validate("consent.tcf", &mut issues);
    let paths: Vec<_> = issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "consent.tcf.purposes.marketing[1]",
            "consent.tcf.purposes.marketing[2]",
            "consent.tcf.vendor_id",
            "consent.tcf.min_policy_version"
        ]
    );
}

#[test]
fn purpose_one_alone_does_not_grant_marketing() {
    // the Didomi accept-all string with its purposes narrowed: the defaults need purpose 7
    // (measure advertising performance) for marketing and 8 for analytics
    let tc = decode(DIDOMI_ACCEPT);
    let mut only_p1 = tc.clone();
    only_p1.core.purposes_consent = IdBits(0b1);
    let v = judged(&TcfConfig::default(), &only_p1, NOW).unwrap();
    assert_eq!(v.get(Category::Functional), Granted);
    assert_eq!(v.get(Category::Analytics), Denied);
    assert_eq!(v.get(Category::Marketing), Denied);
    let mut p1_p7 = tc;
    p1_p7.core.purposes_consent = IdBits(0b100_0001);
    let v = judged(&TcfConfig::default(), &p1_p7, NOW).unwrap();
    assert_eq!(v.get(Category::Marketing), Granted);
    assert_eq!(v.get(Category::Analytics), Denied);
}

#[test]
fn tc_strings_over_one_kilobyte_are_read() {
    // strings with many vendors in bit-field encoding pass 1 KB: the header of the real
    // Didomi accept-all string, then a 6 000-vendor bit field of consents
    let big_vendor_field = {
        let header_bits = 213;
        let mut bits = String::new();
        let mut r = crate::bits::BitReader::new(DIDOMI_ACCEPT.split('.').next().unwrap()).unwrap();
        for _ in 0..header_bits {
            bits.push(if r.bool("b").unwrap() { '1' } else { '0' });
        }
        bits.push_str(&format!("{:016b}", 6000));
        bits.push('0');
        bits.push_str(&"1".repeat(6000));
        bits.push_str(&format!("{:016b}", 0)); // LI MaxVendorId 0
        bits.push('0');
        bits.push_str(&"0".repeat(12)); // NumPubRestrictions
        crate::bits::base64url_from_bits(&bits)
    };
    assert!(big_vendor_field.len() > 1024);
    let tc = TcString::decode(&big_vendor_field).unwrap();
    assert_eq!(tc.core.vendor_consents.ids().count(), 6000);
    let config = TcfConfig {
        vendor_id: Some(5999),
        ..TcfConfig::default()
    };
    let h = format!("euconsent-v2={big_vendor_field}");
    assert_eq!(
        parse(&config, &h, NOW).unwrap().get(Category::Marketing),
        Granted
    );
}

#[test]
fn every_configured_cookie_name_is_read() {
    let config = TcfConfig {
        cookie_names: vec!["euconsent-v2".into(), "eupubconsent-v2".into()],
        max_age_days: 0,
        ..TcfConfig::default()
    };
    let h = format!("eupubconsent-v2={DIDOMI_REJECT}");
    assert_eq!(
        parse(&config, &h, NOW).unwrap().get(Category::Marketing),
        Denied
    );
    let h = format!("euconsent-v2={DIDOMI_ACCEPT}; eupubconsent-v2={DIDOMI_REJECT}");
    let r = reads(&h, |jar, out| read(&config, jar, NOW, out));
    assert_eq!(r.len(), 2);
    assert_eq!(
        (r[0].cookie.as_str(), r[1].cookie.as_str()),
        ("euconsent-v2", "eupubconsent-v2")
    );
    assert_eq!(
        parse(&config, &h, NOW).unwrap().get(Category::Marketing),
        Denied
    );
    assert!(parse(
        &TcfConfig::default(),
        &format!("eupubconsent-v2={DIDOMI_ACCEPT}"),
        NOW
    )
    .is_none());
}

#[test]
fn malformed_strings_are_reported_with_a_static_reason() {
    let config = TcfConfig::default();
    assert_eq!(
        super::decode(&config, "BOPnWgIOPnWgIAAABAENAI4AAAAA0ABA", NOW),
        Outcome::Malformed("TC string version is not 2")
    );
    assert_eq!(
        super::decode(&config, "CQGiOUAQ", NOW),
        Outcome::Malformed("TC string ends inside a field")
    );
    assert_eq!(
        super::decode(&config, &format!("\" {DIDOMI_ACCEPT} \""), NOW)
            .verdict()
            .map(|v| v.get(Category::Marketing)),
        Some(Granted)
    );
}

#[test]
fn the_highest_policy_version_field_value_is_valid() {
    let mut issues = Vec::new();
    TcfConfig {
        min_policy_version: 63,
        ..TcfConfig::default()
    }
    .validate("t", &mut issues);
    assert!(issues.is_empty(), "{issues:?}");
}

#[test]
fn cookie_names_accept_a_string_or_a_list() {
    let c: TcfConfig = serde_json::from_str(r#"{"cookie_name": "x"}"#).unwrap();
    assert_eq!(c.cookie_names, ["x"]);
    let c: TcfConfig = serde_json::from_str(r#"{"cookie_names": ["a", "b"]}"#).unwrap();
    assert_eq!(c.cookie_names, ["a", "b"]);
    assert!(serde_json::from_str::<TcfConfig>(r#"{"cookie_names": 3}"#).is_err());
    let mut issues = Vec::new();
    TcfConfig {
        cookie_names: vec![],
        ..TcfConfig::default()
    }
    .validate("t", &mut issues);
    TcfConfig {
        cookie_names: vec!["ok".into(), " ".into()],
        ..TcfConfig::default()
    }
    .validate("t", &mut issues);
    let paths: Vec<_> = issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(paths, ["t.cookie_names", "t.cookie_names[1]"]);
}
