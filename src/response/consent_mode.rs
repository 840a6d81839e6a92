//! The Google Consent Mode v2 default block, from the edge decision.

use dni_common::Category;
use dni_consent::Decision;

/// The script text: defines `dataLayer` and `gtag` (unless the page already did) and sets
/// the consent default from `decision`, with `wait_for_update` for a CMP's update:
///
/// | Consent Mode type | from |
/// |---|---|
/// | `ad_storage`, `ad_user_data`, `ad_personalization` | marketing |
/// | `analytics_storage` | analytics |
/// | `functionality_storage`, `personalization_storage` | functional |
/// | `security_storage` | always granted (necessary) |
///
/// With marketing declined, `ads_data_redaction` is set too (Google then redacts ad click
/// identifiers from the requests it still makes).
pub fn consent_mode_script(decision: &Decision, wait_for_update_ms: u32) -> String {
    let state = |c: Category| {
        if decision.granted(c) {
            "granted"
        } else {
            "denied"
        }
    };
    let ads = state(Category::Marketing);
    let analytics = state(Category::Analytics);
    let functional = state(Category::Functional);
    let mut js = String::from(
        "window.dataLayer=window.dataLayer||[];window.gtag=window.gtag||function(){dataLayer.push(arguments)};",
    );
    js.push_str(&format!(
        "gtag('consent','default',{{'ad_storage':'{ads}','ad_user_data':'{ads}','ad_personalization':'{ads}','analytics_storage':'{analytics}','functionality_storage':'{functional}','personalization_storage':'{functional}','security_storage':'granted','wait_for_update':{wait_for_update_ms}}});"
    ));
    if !decision.granted(Category::Marketing) {
        js.push_str("gtag('set','ads_data_redaction',true);");
    }
    js
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(cookie: &str) -> Decision {
        dni_consent::decide(
            &dni_consent::ConsentConfig::default(),
            &dni_consent::ConsentRequest {
                cookie_header: Some(cookie),
                country: Some("DE"),
                now_ms: 1_795_341_600_000,
                ..Default::default()
            },
        )
    }

    #[test]
    fn each_type_follows_its_category() {
        let analytics_only =
            decision("OptanonConsent=groups=C0001%3A1%2CC0002%3A1%2CC0003%3A0%2CC0004%3A0");
        let js = consent_mode_script(&analytics_only, 500);
        assert!(js.contains("'ad_storage':'denied','ad_user_data':'denied','ad_personalization':'denied','analytics_storage':'granted','functionality_storage':'denied','personalization_storage':'denied','security_storage':'granted','wait_for_update':500"), "{js}");
        assert!(js.ends_with("gtag('set','ads_data_redaction',true);"));
        let all = decision("OptanonConsent=groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A1");
        let js = consent_mode_script(&all, 0);
        assert!(!js.contains("denied") && !js.contains("redaction"), "{js}");
        assert!(js.contains("'wait_for_update':0"));
        assert!(js.starts_with("window.dataLayer=window.dataLayer||[];window.gtag=window.gtag||"));
    }
}
