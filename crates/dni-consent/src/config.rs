//! `consent` section of a site's configuration.

use dni_common::country::{country_hint, is_iso_alpha2};
use dni_common::{Category, ConfigIssue, Validate};
use serde::Deserialize;

use crate::cmp::axeptio::AxeptioConfig;
use crate::cmp::borlabs::BorlabsConfig;
use crate::cmp::complianz::ComplianzConfig;
use crate::cmp::cookiebot::CookiebotConfig;
use crate::cmp::cookiefirst::CookieFirstConfig;
use crate::cmp::cookiescript::CookieScriptConfig;
use crate::cmp::cookieyes::CookieYesConfig;
use crate::cmp::didomi::DidomiConfig;
use crate::cmp::funding_choices::FundingChoicesConfig;
use crate::cmp::gpp::GppConfig;
use crate::cmp::iubenda::IubendaConfig;
use crate::cmp::ketch::KetchConfig;
use crate::cmp::klaro::KlaroConfig;
use crate::cmp::onetrust::OneTrustConfig;
use crate::cmp::osano::OsanoConfig;
use crate::cmp::tarteaucitron::TarteaucitronConfig;
use crate::cmp::tc_privacy::TcPrivacyConfig;
use crate::cmp::tcf::TcfConfig;
use crate::cmp::tealium::TealiumConfig;
use crate::cmp::termly::TermlyConfig;
use crate::cmp::trustarc::TrustArcConfig;
use crate::cmp::usp::UspConfig;
use crate::cmp::zaraz::ZarazConfig;
use crate::cmp::CmpName;
use crate::gpc::GpcMode;
use crate::regime::{is_builtin_opt_in, Location, Regime, Region};

/// How consent is read and decided for one site (`sites[n].consent`). Every key is
/// optional.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsentConfig {
    /// The category call tracking is classified in; numbers are swapped only when it is
    /// granted. Default `marketing` (CallTrackingMetrics' "Option A"); `necessary` swaps
    /// for everyone ("Option B": numbers route calls).
    pub required_category: Category,
    /// The signals read (a signal left out is never read), in the order that breaks ties
    /// in which one is reported as deciding. Default: every signal, in
    /// [`CmpName::DEFAULT_ORDER`]. A name not in that list is a configuration error.
    pub order: Vec<CmpName>,
    /// A platform whose verdict takes precedence over the others' for every category it
    /// states (the others fill the categories it leaves unset). Default: none, and on
    /// conflicts the most restrictive answer wins per category.
    pub primary: Option<CmpName>,
    /// Where `Sec-GPC: 1` forces marketing off: `everywhere` (default), `opt_out_only`
    /// or `off`.
    pub gpc: GpcMode,
    /// Countries (ISO 3166-1 alpha-2) treated as opt-in besides the built-in ones (EU/EEA
    /// and their territories, GB and the Crown Dependencies, CH). `"*"` makes every
    /// country opt-in (the bundled demo uses it: `wrangler dev` reports every request as
    /// `US`). Default empty.
    pub opt_in_countries: Vec<String>,
    /// Countries forced to opt-out, even built-in ones and even under `"*"`. Default
    /// empty. A request whose country is unknown is always opt-in.
    pub opt_out_countries: Vec<String>,
    /// States (ISO 3166-2, `US-CA`) treated as opt-in, whatever their country's regime.
    pub opt_in_regions: Vec<String>,
    /// States (ISO 3166-2) treated as opt-out, whatever their country's regime; beats
    /// `opt_in_regions`.
    pub opt_out_regions: Vec<String>,
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
    /// TrustArc.
    pub trustarc: TrustArcConfig,
    /// iubenda.
    pub iubenda: IubendaConfig,
    /// Osano.
    pub osano: OsanoConfig,
    /// Borlabs Cookie.
    pub borlabs: BorlabsConfig,
    /// CookieScript.
    pub cookiescript: CookieScriptConfig,
    /// Termly.
    pub termly: TermlyConfig,
    /// Tealium iQ Consent Manager.
    pub tealium: TealiumConfig,
    /// tarteaucitron.js.
    pub tarteaucitron: TarteaucitronConfig,
    /// CookieFirst.
    pub cookiefirst: CookieFirstConfig,
    /// Ketch.
    pub ketch: KetchConfig,
    /// Google Funding Choices.
    pub funding_choices: FundingChoicesConfig,
    /// IAB GPP.
    pub gpp: GppConfig,
    /// IAB US Privacy.
    pub usp: UspConfig,
}

impl Default for ConsentConfig {
    fn default() -> Self {
        ConsentConfig {
            required_category: Category::Marketing,
            order: CmpName::DEFAULT_ORDER.to_vec(),
            primary: None,
            gpc: GpcMode::Everywhere,
            opt_in_countries: Vec::new(),
            opt_out_countries: Vec::new(),
            opt_in_regions: Vec::new(),
            opt_out_regions: Vec::new(),
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
            trustarc: TrustArcConfig::default(),
            iubenda: IubendaConfig::default(),
            osano: OsanoConfig::default(),
            borlabs: BorlabsConfig::default(),
            cookiescript: CookieScriptConfig::default(),
            termly: TermlyConfig::default(),
            tealium: TealiumConfig::default(),
            tarteaucitron: TarteaucitronConfig::default(),
            cookiefirst: CookieFirstConfig::default(),
            ketch: KetchConfig::default(),
            funding_choices: FundingChoicesConfig::default(),
            gpp: GppConfig::default(),
            usp: UspConfig::default(),
        }
    }
}

fn listed(list: &[String], code: [u8; 2]) -> bool {
    list.iter()
        .any(|c| c.as_bytes().eq_ignore_ascii_case(&code))
}

/// Whether `list` holds the subdivision of `location` (`US-CA`, either case).
fn region_listed(list: &[String], location: &Location) -> bool {
    let (Some(country), Some(region)) = (location.country_code(), location.region()) else {
        return false;
    };
    list.iter().any(|entry| {
        entry.split_once('-').is_some_and(|(c, r)| {
            c.as_bytes().eq_ignore_ascii_case(&country) && r.eq_ignore_ascii_case(region)
        })
    })
}

impl ConsentConfig {
    /// The regime for a request from `location`: an unknown country is opt-in; then the
    /// state lists (`opt_out_regions` first), then the country lists (`opt_out_countries`
    /// first), then the built-in opt-in countries; every other country is opt-out.
    pub fn regime(&self, location: &Location) -> Regime {
        let Some(code) = location.country_code() else {
            return Regime::OptIn;
        };
        if region_listed(&self.opt_out_regions, location) {
            Regime::OptOut
        } else if region_listed(&self.opt_in_regions, location) {
            Regime::OptIn
        } else if listed(&self.opt_out_countries, code) {
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

/// The issue for a string that is not an assigned ISO 3166-1 alpha-2 code.
fn country_issue(path: String, code: &str, star_allowed: bool) -> ConfigIssue {
    let hint = match country_hint(code) {
        Some(right) => format!("use `{right}`, the ISO 3166-1 alpha-2 code"),
        None if star_allowed => {
            "use ISO 3166-1 alpha-2 codes such as \"US\", or \"*\" for every country".into()
        }
        None => "use ISO 3166-1 alpha-2 codes such as \"US\"".into(),
    };
    ConfigIssue::new(
        path,
        format!("`{code}` is not an ISO 3166-1 alpha-2 country code"),
    )
    .with_hint(hint)
}

fn validate_countries(list: &[String], key: &str, allow_star: bool, issues: &mut Vec<ConfigIssue>) {
    for (i, c) in list.iter().enumerate() {
        if !((allow_star && c == "*") || is_iso_alpha2(c)) {
            issues.push(country_issue(format!("{key}[{i}]"), c, allow_star));
        }
    }
}

fn validate_regions(list: &[String], key: &str, issues: &mut Vec<ConfigIssue>) {
    for (i, entry) in list.iter().enumerate() {
        let path = format!("{key}[{i}]");
        match entry.split_once('-') {
            Some((country, _)) if !is_iso_alpha2(country) => {
                issues.push(country_issue(path, country, false));
            }
            Some((_, region)) if Region::parse(region, None).is_some() => {}
            _ => issues.push(
                ConfigIssue::new(
                    path,
                    format!("`{entry}` is not an ISO 3166-2 subdivision code"),
                )
                .with_hint("write the country and the state, e.g. \"US-CA\""),
            ),
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
        if let Some(primary) = self.primary {
            if !self.order.contains(&primary) {
                issues.push(
                    ConfigIssue::new(
                        format!("{path}.primary"),
                        format!(
                            "`{}` is not in `order`, so it is never read",
                            primary.as_str()
                        ),
                    )
                    .with_hint("add it to `order` or remove `primary`"),
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
        validate_regions(
            &self.opt_in_regions,
            &format!("{path}.opt_in_regions"),
            issues,
        );
        validate_regions(
            &self.opt_out_regions,
            &format!("{path}.opt_out_regions"),
            issues,
        );
        let sections: [(&str, &dyn Validate); 23] = [
            ("tc_privacy", &self.tc_privacy),
            ("onetrust", &self.onetrust),
            ("cookiebot", &self.cookiebot),
            ("tcf", &self.tcf),
            ("cookieyes", &self.cookieyes),
            ("complianz", &self.complianz),
            ("zaraz", &self.zaraz),
            ("didomi", &self.didomi),
            ("axeptio", &self.axeptio),
            ("klaro", &self.klaro),
            ("trustarc", &self.trustarc),
            ("iubenda", &self.iubenda),
            ("osano", &self.osano),
            ("borlabs", &self.borlabs),
            ("cookiescript", &self.cookiescript),
            ("termly", &self.termly),
            ("tealium", &self.tealium),
            ("tarteaucitron", &self.tarteaucitron),
            ("cookiefirst", &self.cookiefirst),
            ("ketch", &self.ketch),
            ("funding_choices", &self.funding_choices),
            ("gpp", &self.gpp),
            ("usp", &self.usp),
        ];
        for (key, section) in sections {
            section.validate(&format!("{path}.{key}"), issues);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regime(config: &ConsentConfig, country: &str, region: Option<&str>) -> Regime {
        config.regime(&Location::new(Some(country), region))
    }

    #[test]
    fn state_lists_beat_country_lists() {
        let config = ConsentConfig {
            opt_in_regions: vec!["us-ca".into()],
            opt_out_regions: vec!["FR-75".into(), "US-CA".into()],
            ..ConsentConfig::default()
        };
        assert_eq!(regime(&config, "US", Some("CA")), Regime::OptOut);
        assert_eq!(regime(&config, "FR", Some("75")), Regime::OptOut);
        assert_eq!(regime(&config, "FR", Some("69")), Regime::OptIn);
        let config = ConsentConfig {
            opt_in_regions: vec!["US-CA".into()],
            opt_out_countries: vec!["US".into()],
            ..ConsentConfig::default()
        };
        assert_eq!(regime(&config, "US", Some("CA")), Regime::OptIn);
        assert_eq!(regime(&config, "US", Some("TX")), Regime::OptOut);
        assert_eq!(regime(&config, "US", None), Regime::OptOut);
        // a region code from another country does not match
        assert_eq!(regime(&config, "CA", Some("CA")), Regime::OptOut);
        assert_eq!(
            config.regime(&Location::new(None, Some("CA"))),
            Regime::OptIn
        );
    }

    #[test]
    fn country_codes_are_checked_against_iso_3166_with_hints() {
        let config = ConsentConfig {
            opt_in_countries: vec![
                "UK".into(),
                "de".into(),
                "*".into(),
                "EL".into(),
                "ZZ".into(),
            ],
            opt_out_countries: vec!["*".into(), "USA".into()],
            opt_in_regions: vec![
                "UK-ENG".into(),
                "US-CA".into(),
                "US".into(),
                "US-CALI".into(),
                "-CA".into(),
            ],
            ..ConsentConfig::default()
        };
        let mut issues = Vec::new();
        config.validate("c", &mut issues);
        let found: Vec<(&str, Option<&str>)> = issues
            .iter()
            .map(|i| (i.path.as_str(), i.hint.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "c.opt_in_countries[0]",
                    Some("use `GB`, the ISO 3166-1 alpha-2 code")
                ),
                (
                    "c.opt_in_countries[3]",
                    Some("use `GR`, the ISO 3166-1 alpha-2 code")
                ),
                (
                    "c.opt_in_countries[4]",
                    Some("use ISO 3166-1 alpha-2 codes such as \"US\", or \"*\" for every country")
                ),
                (
                    "c.opt_out_countries[0]",
                    Some("use ISO 3166-1 alpha-2 codes such as \"US\"")
                ),
                (
                    "c.opt_out_countries[1]",
                    Some("use `US`, the ISO 3166-1 alpha-2 code")
                ),
                (
                    "c.opt_in_regions[0]",
                    Some("use `GB`, the ISO 3166-1 alpha-2 code")
                ),
                (
                    "c.opt_in_regions[2]",
                    Some("write the country and the state, e.g. \"US-CA\"")
                ),
                (
                    "c.opt_in_regions[3]",
                    Some("write the country and the state, e.g. \"US-CA\"")
                ),
                (
                    "c.opt_in_regions[4]",
                    Some("use ISO 3166-1 alpha-2 codes such as \"US\"")
                ),
            ]
        );
    }

    #[test]
    fn primary_must_be_read() {
        let config = ConsentConfig {
            order: vec![CmpName::Onetrust],
            primary: Some(CmpName::Cookiebot),
            ..ConsentConfig::default()
        };
        let mut issues = Vec::new();
        config.validate("c", &mut issues);
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].path, "c.primary");
        let ok = ConsentConfig {
            primary: Some(CmpName::Cookiebot),
            ..ConsentConfig::default()
        };
        let mut issues = Vec::new();
        ok.validate("c", &mut issues);
        assert!(issues.is_empty(), "{issues:?}");
    }
}
