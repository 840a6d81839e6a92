//! tarteaucitron.js: `tarteaucitron=!gtag=true!facebookpixel=false!hotjar=wait`, one
//! `!service=state` entry per service: `true` allowed, `false` refused, `wait` not decided
//! yet. Services are the site's, so a service -> category map is configured.

use dni_common::{ConfigIssue, Validate};
use serde::Deserialize;

use super::{check_cookie_name, CookieRead, Outcome};
use crate::category_map::{string_map, CategoryMap};
use crate::cookie_value::{percent_decode, read_cookie, unquote, Jar};

/// Most entries read from one value.
const MAX_SERVICES: usize = 256;

/// Configuration of the tarteaucitron reader (`consent.tarteaucitron`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TarteaucitronConfig {
    /// Cookie name (tarteaucitron's `cookieName`, default `tarteaucitron`).
    pub cookie_name: String,
    /// tarteaucitron service keys per category. Default: `analytics [gtag, analytics,
    /// gajs, matomo, hotjar, atinternet]`, `marketing [googleadwordsconversion,
    /// googleadwordsremarketing, facebookpixel, linkedininsighttag]`.
    pub services: CategoryMap<String>,
}

impl Default for TarteaucitronConfig {
    fn default() -> Self {
        TarteaucitronConfig {
            cookie_name: "tarteaucitron".into(),
            services: string_map(
                &[],
                &[],
                &[
                    "gtag",
                    "analytics",
                    "gajs",
                    "matomo",
                    "hotjar",
                    "atinternet",
                ],
                &[
                    "googleadwordsconversion",
                    "googleadwordsremarketing",
                    "facebookpixel",
                    "linkedininsighttag",
                ],
            ),
        }
    }
}

impl Validate for TarteaucitronConfig {
    fn validate(&self, path: &str, issues: &mut Vec<ConfigIssue>) {
        check_cookie_name(
            path,
            "cookie_name",
            &self.cookie_name,
            "tarteaucitron's default cookie is tarteaucitron",
            issues,
        );
        self.services
            .validate_ids(&format!("{path}.services"), issues);
    }
}

/// Decodes one value into `(service, allowed)` pairs (`wait` entries are left out).
pub fn decode(raw: &str) -> Result<Vec<(String, bool)>, &'static str> {
    let text = percent_decode(unquote(raw))?;
    let body = text.strip_prefix('!').ok_or("does not start with !")?;
    let mut out = Vec::new();
    for entry in body.split('!').filter(|e| !e.is_empty()) {
        let (service, state) = entry
            .split_once('=')
            .ok_or("an entry is not service=state")?;
        if out.len() >= MAX_SERVICES {
            return Err("more than 256 services");
        }
        match state {
            "true" => out.push((service.to_string(), true)),
            "false" => out.push((service.to_string(), false)),
            // `wait` and tarteaucitron's own entries (`id=…`) decide nothing
            _ => {}
        }
    }
    Ok(out)
}

/// Reads the tarteaucitron cookie.
pub fn read(config: &TarteaucitronConfig, jar: &Jar, out: &mut Vec<CookieRead>) {
    read_cookie(jar, &config.cookie_name, out, |raw| match decode(raw) {
        Ok(services) => Outcome::from_verdict(
            config
                .services
                .verdict(|id| services.iter().find(|(s, _)| s == id).map(|&(_, b)| b)),
        ),
        Err(reason) => Outcome::Malformed(reason),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmp::testing::{outcome, verdict};
    use crate::verdict::Consent::*;

    fn run(h: &str) -> Option<[crate::verdict::Consent; 3]> {
        verdict(h, |jar, out| {
            read(&TarteaucitronConfig::default(), jar, out)
        })
    }

    /// Values from Cookie headers captured in public code.
    #[test]
    fn real_values() {
        assert_eq!(
            run("tarteaucitron=!analytics=true!gtag=true"),
            Some([Unset, Granted, Unset])
        );
        let h = "tarteaucitron=!facebookpixel=true!atinternetservice=true!fontawesomeservice=true!sondageservice=true!youtube=true";
        assert_eq!(run(h), Some([Unset, Unset, Granted]));
        let h = "tarteaucitron=!id=a5c8155833511d18-109da518-8ba7e9a8-ad046228aa8818a809d23c28!atinternet=true!hotjar=false";
        assert_eq!(run(h), Some([Unset, Denied, Unset]));
        // every service still waiting: nothing decided
        let h = "tarteaucitron=!googleadwordsconversion=wait!gtag=wait!mautic=wait!facebook=wait!linkedin=wait!twitter=wait";
        let o = outcome(h, |jar, out| {
            read(&TarteaucitronConfig::default(), jar, out)
        });
        assert_eq!(o, Outcome::Silent);
    }

    #[test]
    fn malformed_values() {
        assert_eq!(decode("gtag=true"), Err("does not start with !"));
        assert_eq!(decode("!gtag"), Err("an entry is not service=state"));
        assert_eq!(decode("%FF"), Err("not UTF-8 once percent-decoded"));
        let many: String = (0..257).map(|i| format!("!s{i}=true")).collect();
        assert_eq!(decode(&many), Err("more than 256 services"));
        assert_eq!(decode("!!a=false!").unwrap(), [("a".to_string(), false)]);
    }
}
