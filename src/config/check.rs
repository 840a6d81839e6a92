//! [`check_config`]: every problem of a `DNI_CONFIG` document in one run.
//!
//! The document is read as JSON first, then each site and each of its sections (and each
//! target and source) is deserialised on its own: an unknown key or a wrong type in one
//! place is reported there and does not hide the problems elsewhere. Sections that parsed
//! are validated even when a sibling did not.

use dni_common::{ConfigIssue, Validate};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::json_path::path_at;
use super::numbers::check_numbers;
use super::{deserialize_issue, Config, HostPattern, SiteConfig, Upstream};

/// The outcome of [`check_config`].
#[derive(Debug)]
pub struct Checked {
    /// The configuration, when every part of it could be read (it may still have errors:
    /// see [`Checked::has_errors`]).
    pub config: Option<Config>,
    /// Every error and warning, in document order.
    pub issues: Vec<ConfigIssue>,
}

impl Checked {
    /// Is any issue an error (not a warning)?
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(ConfigIssue::is_error)
    }
}

const TOP_KEYS: &[&str] = &["sites"];
const SITE_KEYS: &[&str] = &[
    "name", "hosts", "upstream", "consent", "targets", "session", "rewrite", "vendors", "calls",
];
const TARGET_KEYS: &[&str] = &["number", "fallback", "sources"];

/// Levenshtein distance, for "did you mean" hints on short keys.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

fn unknown_keys(
    obj: &Map<String, Value>,
    known: &[&str],
    path: &str,
    issues: &mut Vec<ConfigIssue>,
) {
    for key in obj.keys().filter(|k| !known.contains(&k.as_str())) {
        let at = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        let close = known
            .iter()
            .filter(|k| distance(key, k) <= 2)
            .min_by_key(|k| distance(key, k));
        let hint = match close {
            Some(k) => format!("did you mean `{k}`?"),
            None => format!("known keys here: {}", known.join(", ")),
        };
        issues.push(
            ConfigIssue::new(at, format!("unknown field `{key}`"))
                .with_hint(format!("{hint} (README.md, section Configuration)")),
        );
    }
}

fn join(path: &str, inner: &str) -> String {
    match (path.is_empty(), inner) {
        (_, "." | "") => path.to_string(),
        (true, _) => inner.to_string(),
        (false, i) if i.starts_with('[') => format!("{path}{i}"),
        (false, i) => format!("{path}.{i}"),
    }
}

/// Deserialises `v` as a `T`, reporting a failure at `path` + the path inside `v`.
///
/// `v` is written out (compact, one line) and read back by serde_json, so every config type
/// has one `Deserialize` instantiation, serde_json's: the path inside `v` is found from the
/// error's column ([`path_at`]).
fn section<T: DeserializeOwned>(v: &Value, path: &str, issues: &mut Vec<ConfigIssue>) -> Option<T> {
    let text = v.to_string();
    serde_json::from_str::<T>(&text)
        .map_err(|e| report(&text, &e, path, issues))
        .ok()
}

/// [`section`]'s error, kept out of the generic function (one copy, not one per type).
fn report(text: &str, e: &serde_json::Error, path: &str, issues: &mut Vec<ConfigIssue>) {
    let at = join(path, &path_at(text, e.column()));
    let message = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = message.strip_suffix(&suffix).unwrap_or(&message);
    issues.push(deserialize_issue(&at, message));
}

fn optional<T: DeserializeOwned + Default>(
    obj: &Map<String, Value>,
    key: &str,
    path: &str,
    issues: &mut Vec<ConfigIssue>,
) -> Option<T> {
    match obj.get(key) {
        None => Some(T::default()),
        Some(v) => section(v, &format!("{path}.{key}"), issues),
    }
}

/// The parts of one site that could be read (`None`: reported, not usable).
struct SiteParts {
    name: Option<Option<String>>,
    hosts: Option<Vec<HostPattern>>,
    upstream: Option<Upstream>,
    consent: Option<dni_consent::ConsentConfig>,
    /// Each target that could be read, by index; `targets_complete` when all could.
    targets: Vec<(usize, dni_sessions::TargetConfig)>,
    targets_complete: bool,
    session: Option<dni_sessions::SessionConfig>,
    rewrite: Option<dni_rewrite::RewriteConfig>,
    vendors: Option<dni_privacy::VendorsConfig>,
    calls: Option<dni_calls::CallsConfig>,
}

fn parse_target(
    v: &Value,
    path: &str,
    issues: &mut Vec<ConfigIssue>,
) -> Option<dni_sessions::TargetConfig> {
    let Some(obj) = v.as_object() else {
        return section(v, path, issues);
    };
    unknown_keys(obj, TARGET_KEYS, path, issues);
    let mut bare = obj.clone();
    bare.retain(|k, _| k == "number" || k == "fallback");
    let target: Option<dni_sessions::TargetConfig> = section(&Value::Object(bare), path, issues);
    let sources = match obj.get("sources") {
        None => Some(Vec::new()),
        Some(Value::Array(list)) => {
            let parsed: Vec<Option<dni_sessions::SourceConfig>> = list
                .iter()
                .enumerate()
                .map(|(i, s)| section(s, &format!("{path}.sources[{i}]"), issues))
                .collect();
            parsed.into_iter().collect::<Option<Vec<_>>>()
        }
        Some(other) => section(other, &format!("{path}.sources"), issues),
    };
    let (mut target, sources) = (target?, sources?);
    if unknown_free(obj, TARGET_KEYS) {
        target.sources = sources;
        Some(target)
    } else {
        None
    }
}

fn unknown_free(obj: &Map<String, Value>, known: &[&str]) -> bool {
    obj.keys().all(|k| known.contains(&k.as_str()))
}

fn parse_site(v: &Value, path: &str, issues: &mut Vec<ConfigIssue>) -> Option<SiteParts> {
    let Some(obj) = v.as_object() else {
        issues.push(
            ConfigIssue::new(path, "a site must be a table")
                .with_hint("[[vars.DNI_CONFIG.sites]] with hosts = [...]"),
        );
        return None;
    };
    unknown_keys(obj, SITE_KEYS, path, issues);
    let hosts = match obj.get("hosts") {
        Some(h) => section(h, &format!("{path}.hosts"), issues),
        None => {
            issues.push(deserialize_issue(path, "missing field `hosts`"));
            None
        }
    };
    let (targets, targets_complete) = match obj.get("targets") {
        None => (Vec::new(), true),
        Some(Value::Array(list)) => {
            let mut out = Vec::new();
            for (i, t) in list.iter().enumerate() {
                if let Some(t) = parse_target(t, &format!("{path}.targets[{i}]"), issues) {
                    out.push((i, t));
                }
            }
            let complete = out.len() == list.len();
            (out, complete)
        }
        Some(other) => {
            let _: Option<Vec<dni_sessions::TargetConfig>> =
                section(other, &format!("{path}.targets"), issues);
            (Vec::new(), false)
        }
    };
    Some(SiteParts {
        name: optional(obj, "name", path, issues),
        hosts,
        upstream: optional(obj, "upstream", path, issues),
        consent: optional(obj, "consent", path, issues),
        targets,
        targets_complete,
        session: optional(obj, "session", path, issues),
        rewrite: optional(obj, "rewrite", path, issues),
        vendors: optional(obj, "vendors", path, issues),
        calls: optional(obj, "calls", path, issues),
    })
}

impl SiteParts {
    fn complete(self, unknown_keys_free: bool) -> Result<SiteConfig, Box<SiteParts>> {
        match self {
            SiteParts {
                name: Some(name),
                hosts: Some(hosts),
                upstream: Some(upstream),
                consent: Some(consent),
                targets,
                targets_complete: true,
                session: Some(session),
                rewrite: Some(rewrite),
                vendors: Some(vendors),
                calls: Some(calls),
            } if unknown_keys_free => Ok(SiteConfig {
                name,
                hosts,
                upstream,
                consent,
                targets: targets.into_iter().map(|(_, t)| t).collect(),
                session,
                rewrite,
                vendors,
                calls,
            }),
            other => Err(Box::new(other)),
        }
    }

    /// Validates what could be read of an incomplete site (`raw`: the site as written).
    fn validate_partial(&self, raw: &Value, path: &str, issues: &mut Vec<ConfigIssue>) {
        if let Some(c) = &self.consent {
            c.validate(&format!("{path}.consent"), issues);
        }
        let targets: Vec<dni_sessions::TargetConfig> =
            self.targets.iter().map(|(_, t)| t.clone()).collect();
        match (&self.session, self.targets_complete) {
            (Some(s), true) => dni_sessions::validate_site(&targets, s, path, issues),
            (session, _) => {
                for (i, t) in &self.targets {
                    t.validate(&format!("{path}.targets[{i}]"), issues);
                }
                if let Some(s) = session {
                    s.validate(&format!("{path}.session"), issues);
                }
            }
        }
        if let Some(r) = &self.rewrite {
            r.validate(&format!("{path}.rewrite"), issues);
        }
        if let Some(v) = &self.vendors {
            v.validate(&format!("{path}.vendors"), issues);
        }
        if let Some(c) = &self.calls {
            if self.targets_complete {
                dni_calls::validate_calls(c, &targets, path, issues);
            } else {
                c.validate(&format!("{path}.calls"), issues);
                // Some target could not be read: check route sources against the names
                // as written.
                let names: Vec<&str> = raw
                    .get("targets")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|t| t.get("sources").and_then(Value::as_array))
                    .flatten()
                    .filter_map(|s| s.get("name").and_then(Value::as_str))
                    .collect();
                for (i, r) in c.routes.iter().enumerate() {
                    if !names.contains(&r.source.as_str()) {
                        issues.push(
                            ConfigIssue::new(
                                format!("{path}.calls.routes[{i}].source"),
                                format!("no source named `{}`", r.source),
                            )
                            .with_hint(format!("sources are: {}", names.join(", "))),
                        );
                    }
                }
            }
        }
    }
}

/// Reads and validates a `DNI_CONFIG` JSON document, reporting every problem at once (see
/// the module docs). [`parse_config`](super::parse_config) is this, keeping the errors.
pub fn check_config(json: &str) -> Checked {
    let mut issues = Vec::new();
    let value: Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => {
            issues.push(deserialize_issue("", &format!("not valid JSON: {e}")));
            return Checked {
                config: None,
                issues,
            };
        }
    };
    let Some(obj) = value.as_object() else {
        issues.push(
            ConfigIssue::new("DNI_CONFIG", "must be a table with `sites`")
                .with_hint("[vars.DNI_CONFIG] then [[vars.DNI_CONFIG.sites]]"),
        );
        return Checked {
            config: None,
            issues,
        };
    };
    unknown_keys(obj, TOP_KEYS, "", &mut issues);
    let list = match obj.get("sites") {
        Some(Value::Array(list)) => list.as_slice(),
        Some(other) => {
            let _: Option<Vec<Value>> = section(other, "sites", &mut issues);
            &[]
        }
        None => {
            issues.push(deserialize_issue("", "missing field `sites`"));
            &[]
        }
    };
    let mut parts: Vec<(usize, SiteParts, bool)> = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let path = format!("sites[{i}]");
        if let Some(p) = parse_site(v, &path, &mut issues) {
            let clean = v.as_object().is_some_and(|o| unknown_free(o, SITE_KEYS));
            parts.push((i, p, clean));
        }
    }
    let parsed: std::collections::HashSet<(usize, usize)> = parts
        .iter()
        .flat_map(|(i, p, _)| p.targets.iter().map(move |(t, _)| (*i, *t)))
        .collect();
    let mut number_issues = Vec::new();
    check_numbers(list, &parsed, &mut number_issues);
    let whole = parts.len() == list.len() && obj.contains_key("sites");
    let mut sites = Vec::new();
    let mut complete = whole;
    for (i, p, clean) in parts {
        match p.complete(clean) {
            Ok(site) => sites.push((i, site)),
            Err(p) => {
                complete = false;
                let raw = list.get(i).unwrap_or(&Value::Null);
                p.validate_partial(raw, &format!("sites[{i}]"), &mut issues);
            }
        }
    }
    let config = if complete {
        let config = Config {
            sites: sites.into_iter().map(|(_, s)| s).collect(),
        };
        config.validate("", &mut issues);
        Some(config)
    } else {
        for (i, site) in &sites {
            site.validate(&format!("sites[{i}]"), &mut issues);
        }
        None
    };
    issues.extend(number_issues);
    Checked { config, issues }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("hostz", "hosts"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("targets", "targets"), 0);
    }

    #[test]
    fn paths_join() {
        assert_eq!(
            join("sites[0].targets[1]", "sources[0].name"),
            "sites[0].targets[1].sources[0].name"
        );
        assert_eq!(join("sites[0].hosts", "[2]"), "sites[0].hosts[2]");
        assert_eq!(join("sites[0].session", "."), "sites[0].session");
        assert_eq!(join("", "sites"), "sites");
    }

    const SITE: &str = r#"{"hosts": ["shop.acme-plumbing.com"], "session": {"account_id": "7"},
        "targets": [{"number": "+15034420142", "fallback": "+15034420142",
                     "sources": [{"name": "default", "numbers": ["+15034420150"]}]}]}"#;

    #[test]
    fn warnings_do_not_stop_the_worker() {
        let json = format!(r#"{{"sites": [{SITE}]}}"#);
        let checked = check_config(&json);
        assert!(!checked.has_errors(), "{:?}", checked.issues);
        assert_eq!(checked.issues.len(), 1, "{:?}", checked.issues);
        assert_eq!(checked.issues[0].path, "sites[0].targets[0].fallback");
        assert!(super::super::parse_config(&json).is_ok());
    }

    #[test]
    fn a_unicode_host_is_an_error_that_names_its_punycode_form() {
        // Issue 16: the build has no IDNA tables (Cargo.toml, idna_adapter), so hosts are
        // written in punycode; `bücher` is `xn--bcher-kva` (RFC 3492). Each place says so.
        let site = SITE.replace(
            r#""hosts": ["shop.acme-plumbing.com"]"#,
            r#""hosts": ["*.bücher.example"], "upstream": "https://www.bücher.example/shop",
               "calls": {"webhook": {"url": "https://crm.bücher.example/hook"}}"#,
        );
        let checked = check_config(&format!(r#"{{"sites": [{site}]}}"#));
        for (path, ascii) in [
            ("sites[0].hosts[0]", "`xn--bcher-kva.example`"),
            ("sites[0].upstream", "`www.xn--bcher-kva.example`"),
            ("sites[0].calls.webhook.url", "punycode"),
        ] {
            let issue = checked
                .issues
                .iter()
                .find(|i| i.path == path)
                .unwrap_or_else(|| panic!("{path}: {:?}", checked.issues));
            assert!(issue.is_error(), "{issue:?}");
            assert!(
                issue.message.contains("not ASCII") && issue.message.contains(ascii),
                "{issue:?}"
            );
        }
        assert!(checked.config.is_none());
    }

    #[test]
    fn every_site_is_read_on_its_own() {
        let bad = SITE
            .replace("\"hosts\"", "\"hostz\": 1, \"hosts\"")
            .replace("+15034420150", "+1503442015");
        let json = format!(
            r#"{{"sites": [{bad}, {{"hosts": ["b.acme-plumbing.com"], "rewrite": {{"attributez": []}}}}], "extra": 1}}"#
        );
        let checked = check_config(&json);
        let paths: Vec<&str> = checked.issues.iter().map(|i| i.path.as_str()).collect();
        for want in [
            "extra",
            "sites[0].hostz",
            "sites[1].rewrite",
            "sites[0].targets[0].sources[0].numbers[0]",
        ] {
            assert!(
                paths.iter().any(|p| p.starts_with(want)),
                "{want}: {paths:?}"
            );
        }
        assert!(checked.config.is_none());
        let errors = super::super::parse_config(&json).unwrap_err();
        assert!(errors.iter().all(ConfigIssue::is_error));
        assert!(errors.len() >= 4, "{errors:?}");
    }
}
