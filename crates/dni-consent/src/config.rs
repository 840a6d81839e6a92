//! `consent` section of a site's configuration.

use dni_common::{Category, ConfigIssue, Validate};
use serde::Deserialize;

use crate::cmp::axeptio::AxeptioConfig;
use crate::cmp::complianz::ComplianzConfig;
use crate::cmp::cookiebot::CookiebotConfig;
use crate::cmp::cookieyes::CookieYesConfig;
use crate::cmp::didomi::DidomiConfig;
use crate::cmp::klaro::KlaroConfig;
use crate::cmp::onetrust::OneTrustConfig;
use crate::cmp::tc_privacy::TcPrivacyConfig;
use crate::cmp::tcf::TcfConfig;
use crate::cmp::zaraz::ZarazConfig;
use crate::cmp::CmpName;
use crate::gpc::GpcMode;
use crate::regime::{is_builtin_opt_in, normalise_country, Regime};

/// How consent is read and decided for one site (`sites[n].consent`). Every key is
/// optional.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsentConfig {
    /// The category call tracking is classified in; numbers are swapped only when it is
    /// granted. Default `marketing` (CallTrackingMetrics' "Option A"); `necessary` swaps
    /// for everyone ("Option B": numbers route calls).
    pub required_category: Category,
    /// The platforms consulted, in order; the first whose cookie is present and valid
    /// decides. Default: every platform, in [`CmpName::DEFAULT_ORDER`]
    /// (`tc_privacy, onetrust, cookiebot, didomi, tcf, cookieyes, complianz, axeptio,
    /// klaro, zaraz`). A name not in that list is a configuration error.
    pub order: Vec<CmpName>,
    /// Where `Sec-GPC: 1` forces marketing off: `everywhere` (default), `opt_out_only`
    /// or `off`.
    pub gpc: GpcMode,
    /// Countries (ISO 3166 alpha-2) treated as opt-in besides the built-in EU/EEA, GB and
    /// CH. `"*"` makes every country opt-in (the bundled demo uses it: `wrangler dev`
    /// reports every request as `US`). Default empty.
    pub opt_in_countries: Vec<String>,
    /// Countries forced to opt-out, even built-in ones and even under `"*"`. Default
    /// empty. A request whose country is unknown is always opt-in.
    pub opt_out_countries: Vec<String>,
    /// Commanders Act.
    pub tc_privacy: TcPrivacyConfig,
    /// OneTrust.
    pub onetrust: OneTrustConfig,
    /// Cookiebot.
    pub cookiebot: CookiebotConfig,
    /// IAB TCF.
    pub tcf: TcfConfig,
    /// CookieYes.
    pub cookieyes: CookieYesConfig,
    /// Complianz.
    pub complianz: ComplianzConfig,
    /// Cloudflare Zaraz.
    pub zaraz: ZarazConfig,
    /// Didomi.
    pub didomi: DidomiConfig,
    /// Axeptio.
    pub axeptio: AxeptioConfig,
    /// Klaro.
    pub klaro: KlaroConfig,
}

impl Default for ConsentConfig {
    fn default() -> Self {
        ConsentConfig {
            required_category: Category::Marketing,
            order: CmpName::DEFAULT_ORDER.to_vec(),
            gpc: GpcMode::Everywhere,
            opt_in_countries: Vec::new(),
            opt_out_countries: Vec::new(),
            tc_privacy: TcPrivacyConfig::default(),
            onetrust: OneTrustConfig::default(),
            cookiebot: CookiebotConfig::default(),
            tcf: TcfConfig::default(),
            cookieyes: CookieYesConfig::default(),
            complianz: ComplianzConfig::default(),
            zaraz: ZarazConfig::default(),
            didomi: DidomiConfig::default(),
            axeptio: AxeptioConfig::default(),
            klaro: KlaroConfig::default(),
        }
    }
}

fn listed(list: &[String], code: [u8; 2]) -> bool {
    list.iter()
        .any(|c| c.as_bytes().eq_ignore_ascii_case(&code))
}

impl ConsentConfig {
    /// The regime for a request from `country` (`request.cf.country`).
    pub fn regime(&self, country: Option<&str>) -> Regime {
        let Some(code) = normalise_country(country) else {
            return Regime::OptIn;
        };
        if listed(&self.opt_out_countries, code) {
            Regime::OptOut
        } else if is_builtin_opt_in(code)
            || listed(&self.opt_in_countries, code)
            || self.opt_in_countries.iter().any(|c| c == "*")
        {
            Regime::OptIn
        } else {
            Regime::OptOut
        }
    }
}

fn validate_countries(list: &[String], key: &str, allow_star: bool, issues: &mut Vec<ConfigIssue>) {
    for (i, c) in list.iter().enumerate() {
        let ok = (allow_star && c == "*")
            || (c.len() == 2
                && c.bytes().all(|b| b.is_ascii_alphabetic())
                && !c.eq_ignore_ascii_case("XX"));
        if !ok {
            let hint = if allow_star {
                "use ISO 3166 alpha-2 codes such as \"US\", or \"*\" for every country"
            } else {
                "use ISO 3166 alpha-2 codes such as \"US\""
            };
            issues.push(
                ConfigIssue::new(
                    format!("{key}[{i}]"),
                    format!("`{c}` is not a country code"),
                )
                .with_hint(hint),
            );
        }
    }
}

impl Validate for ConsentConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        for (i, name) in self.order.iter().enumerate() {
            if self.order.iter().take(i).any(|n| n == name) {
                issues.push(
                    ConfigIssue::new(
                        format!("{path}.order[{i}]"),
                        format!("`{}` is listed twice", name.as_str()),
                    )
                    .with_hint("list each platform once"),
                );
            }
        }
        validate_countries(
            &self.opt_in_countries,
            &format!("{path}.opt_in_countries"),
            true,
            issues,
        );
        validate_countries(
            &self.opt_out_countries,
            &format!("{path}.opt_out_countries"),
            false,
            issues,
        );
        for (i, c) in self.opt_out_countries.iter().enumerate() {
            if c != "*"
                && self
                    .opt_in_countries
                    .iter()
                    .any(|o| o.eq_ignore_ascii_case(c))
            {
                issues.push(
                    ConfigIssue::new(
                        format!("{path}.opt_out_countries[{i}]"),
                        format!("`{c}` is also in opt_in_countries"),
                    )
                    .with_hint("list a country in one of the two lists"),
                );
            }
        }
        self.tc_privacy
            .validate(&format!("{path}.tc_privacy"), issues);
        self.onetrust.validate(&format!("{path}.onetrust"), issues);
        self.cookiebot
            .validate(&format!("{path}.cookiebot"), issues);
        self.tcf.validate(&format!("{path}.tcf"), issues);
        self.cookieyes
            .validate(&format!("{path}.cookieyes"), issues);
        self.complianz
            .validate(&format!("{path}.complianz"), issues);
        self.zaraz.validate(&format!("{path}.zaraz"), issues);
        self.didomi.validate(&format!("{path}.didomi"), issues);
        self.axeptio.validate(&format!("{path}.axeptio"), issues);
        self.klaro.validate(&format!("{path}.klaro"), issues);
    }
}
