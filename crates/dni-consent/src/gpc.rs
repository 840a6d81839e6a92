//! Global Privacy Control: the `Sec-GPC` request header and how it is honoured.

use serde::Deserialize;

/// Whether a `Sec-GPC` header value expresses the preference.
///
/// W3C GPC: the value must be exactly `1`; when the header was sent several times, the
/// runtime joins the values with `, ` and any item exactly `1` counts.
pub fn gpc_present(sec_gpc: Option<&str>) -> bool {
    sec_gpc.is_some_and(|v| {
        v.split(',')
            .any(|item| item.trim_matches([' ', '\t']) == "1")
    })
}

/// Where `Sec-GPC: 1` forces marketing off (config key `gpc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GpcMode {
    /// In every regime (default).
    #[default]
    Everywhere,
    /// Only where the regime is opt-out (where GPC is a legal opt-out of sale/sharing).
    OptOutOnly,
    /// Never: the header is only reported (`gpc` in the decision).
    Off,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_exact_one_counts() {
        assert!(gpc_present(Some("1")));
        assert!(gpc_present(Some("0, 1")));
        assert!(gpc_present(Some(" 1 ")));
        for v in ["0", "", "true", "11", "1.0", "yes", "01"] {
            assert!(!gpc_present(Some(v)), "{v}");
        }
        assert!(!gpc_present(None));
    }
}
