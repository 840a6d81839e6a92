//! The checks `dni-check` runs on a `wrangler.toml` before deploy: every environment's
//! `DNI_CONFIG` through the same validation the worker runs at start, plus the bindings and
//! secrets the worker needs. Pure: the binary only reads files and prints.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

pub use dni_common::Severity;

use crate::config::{check_config, Config, Upstream};

/// One problem, or a note, about one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `top level` or `env.production`.
    pub env: String,
    pub severity: Severity,
    /// Key path (`vars.DNI_CONFIG.sites[0].targets[1].fallback`, `durable_objects`).
    pub path: String,
    pub message: String,
    pub hint: Option<String>,
    /// The `wrangler.toml` line (from 1) of the key, or of its nearest written ancestor
    /// when the key itself is missing.
    pub line: Option<usize>,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: [{}] {}: {}",
            self.severity, self.env, self.path, self.message
        )?;
        if let Some(h) = &self.hint {
            write!(f, "\n       hint: {h}")?;
        }
        Ok(())
    }
}

/// Secret names known to exist for an environment (from `.dev.vars` for the top level, or
/// from `wrangler secret list --format json` output for a named environment), and, where
/// the file holds them (`.dev.vars`, or a `wrangler secret bulk` JSON object), their values,
/// whose strength is checked (`crate::config::secrets`).
#[derive(Debug, Clone, Default)]
pub struct KnownSecrets {
    pub top_level: Option<BTreeSet<String>>,
    pub envs: Vec<(String, BTreeSet<String>)>,
    pub top_level_values: BTreeMap<String, String>,
    pub env_values: Vec<(String, BTreeMap<String, String>)>,
}

/// What one environment holds, for the summary line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvSummary {
    pub env: String,
    pub sites: usize,
    pub targets: usize,
    pub tracking_numbers: usize,
}

pub struct Report {
    pub findings: Vec<Finding>,
    pub summaries: Vec<EnvSummary>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    pub fn has_warnings(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == Severity::Warning)
    }
}

/// Secrets the worker reads; none may be a plain var.
pub const SECRET_NAMES: [&str; 7] = [
    "DNI_SECRET",
    "DNI_API_TOKEN",
    "DNI_WEBHOOK_SECRET",
    "TWILIO_AUTH_TOKEN",
    "SIGNALWIRE_SIGNING_KEY",
    "PLIVO_AUTH_TOKEN",
    "VONAGE_SIGNATURE_SECRET",
];

/// Names of `NAME=value` lines in a `.dev.vars` file.
pub fn dev_vars_names(text: &str) -> BTreeSet<String> {
    dev_vars(text).into_keys().collect()
}

/// `NAME=value` lines of a `.dev.vars` file (dotenv: surrounding quotes removed).
pub fn dev_vars(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            let v = v.trim();
            let unquoted = ['"', '\'']
                .iter()
                .find_map(|q| v.strip_prefix(*q)?.strip_suffix(*q))
                .unwrap_or(v);
            (k.trim().to_string(), unquoted.to_string())
        })
        .collect()
}

/// Secret names from `wrangler secret list --format json` (`[{"name":..,"type":..}]`).
pub fn secret_list_names(json: &str) -> Result<BTreeSet<String>, String> {
    Ok(secret_file(json)?.0)
}

/// A secrets file: `wrangler secret list --format json` output (names only), or the JSON
/// object `wrangler secret bulk` takes (`{"NAME": "value"}`: names and values).
pub fn secret_file(json: &str) -> Result<(BTreeSet<String>, BTreeMap<String, String>), String> {
    #[derive(serde::Deserialize)]
    struct Entry {
        name: String,
    }
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum File {
        List(Vec<Entry>),
        Values(BTreeMap<String, String>),
    }
    match serde_json::from_str::<File>(json) {
        Ok(File::List(entries)) => Ok((entries.into_iter().map(|e| e.name).collect(), BTreeMap::new())),
        Ok(File::Values(values)) => Ok((values.keys().cloned().collect(), values)),
        Err(e) => Err(format!(
            "neither `wrangler secret list --format json` output nor a {{\"NAME\": \"value\"}} object: {e}"
        )),
    }
}

struct Ctx<'a> {
    env: &'a str,
    /// The environment's key prefix in the document: `[]` or `["env", "production"]`.
    prefix: Vec<Seg>,
    spans: &'a Spans<'a>,
    findings: Vec<Finding>,
}

impl Ctx<'_> {
    fn push(
        &mut self,
        severity: Severity,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: Option<&str>,
    ) {
        let path = path.into();
        let mut segs = self.prefix.clone();
        segs.extend(parse_path(&path));
        let line = self.spans.line_of(&segs);
        self.findings.push(Finding {
            env: self.env.to_string(),
            severity,
            path,
            message: message.into(),
            hint: hint.map(str::to_string),
            line,
        });
    }
}

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// `vars.DNI_CONFIG.sites[0].targets[1].fallback` -> keys and indexes.
fn parse_path(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next().filter(|k| !k.is_empty()) {
            out.push(Seg::Key(key.to_string()));
        }
        for idx in pieces {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                out.push(Seg::Index(i));
            }
        }
    }
    out
}

/// Byte spans of the document's keys, to report lines.
struct Spans<'a> {
    text: &'a str,
    doc: Option<toml::Spanned<toml::de::DeTable<'a>>>,
}

impl<'a> Spans<'a> {
    fn new(text: &'a str) -> Spans<'a> {
        Spans {
            text,
            doc: toml::de::DeTable::parse(text).ok(),
        }
    }

    fn line_at(&self, offset: usize) -> usize {
        self.text
            .get(..offset)
            .map_or(0, |t| t.bytes().filter(|&b| b == b'\n').count())
            + 1
    }

    /// The line of the deepest key of `path` written in the document.
    fn line_of(&self, path: &[Seg]) -> Option<usize> {
        let doc = self.doc.as_ref()?;
        let mut table: Option<&toml::de::DeTable<'_>> = Some(doc.get_ref());
        let mut array: Option<&toml::de::DeArray<'_>> = None;
        let mut best = None;
        for seg in path {
            let value = match (seg, table, array) {
                (Seg::Key(k), Some(t), _) => {
                    let Some((key, value)) = t.iter().find(|(key, _)| key.get_ref() == k) else {
                        break;
                    };
                    best = Some(key.span().start);
                    value
                }
                (Seg::Index(i), _, Some(a)) => {
                    let Some(value) = a.get(*i) else { break };
                    best = Some(value.span().start);
                    value
                }
                _ => break,
            };
            table = value.get_ref().as_table();
            array = value.get_ref().as_array();
        }
        best.map(|o| self.line_at(o))
    }
}

/// Checks the text of a `wrangler.toml`: every environment, every problem at once, each
/// with its line.
pub fn check_wrangler_toml(text: &str, secrets: &KnownSecrets) -> Report {
    let mut report = Report {
        findings: Vec::new(),
        summaries: Vec::new(),
    };
    let doc: toml::Table = match text.parse() {
        Ok(d) => d,
        Err(e) => {
            let line = e
                .span()
                .map(|s| text.get(..s.start).map_or(0, |t| t.matches('\n').count()) + 1);
            report.findings.push(Finding {
                env: "file".into(),
                severity: Severity::Error,
                path: "wrangler.toml".into(),
                message: format!("not valid TOML: {}", e.message()),
                hint: None,
                line,
            });
            return report;
        }
    };
    let spans = Spans::new(text);
    let has_migration = doc
        .get("migrations")
        .and_then(|m| m.as_array())
        .map(|ms| {
            ms.iter().any(|m| {
                ["new_sqlite_classes", "new_classes"].iter().any(|k| {
                    m.get(*k)
                        .and_then(|v| v.as_array())
                        .is_some_and(|a| a.iter().any(|c| c.as_str() == Some("NumberPool")))
                })
            })
        })
        .unwrap_or(false);
    let top = Env {
        name: "top level",
        prefix: Vec::new(),
        table: &doc,
        known_secrets: secrets.top_level.as_ref(),
        secret_values: Some(&secrets.top_level_values),
    };
    check_env(&top, &doc, has_migration, &spans, &mut report);
    if let Some(envs) = doc.get("env").and_then(|e| e.as_table()) {
        for (name, table) in envs {
            let Some(table) = table.as_table() else {
                continue;
            };
            let known = secrets.envs.iter().find(|(n, _)| n == name).map(|(_, s)| s);
            let values = secrets
                .env_values
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v);
            let label = format!("env.{name}");
            let env = Env {
                name: &label,
                prefix: vec![Seg::Key("env".into()), Seg::Key(name.clone())],
                table,
                known_secrets: known,
                secret_values: values,
            };
            check_env(&env, &doc, has_migration, &spans, &mut report);
        }
    }
    // Errors first, then by line.
    report
        .findings
        .sort_by_key(|f| (f.severity, f.line.unwrap_or(usize::MAX)));
    report
}

struct Env<'a> {
    name: &'a str,
    prefix: Vec<Seg>,
    table: &'a toml::Table,
    known_secrets: Option<&'a BTreeSet<String>>,
    secret_values: Option<&'a BTreeMap<String, String>>,
}

fn check_env(
    env: &Env<'_>,
    top: &toml::Table,
    has_migration: bool,
    spans: &Spans<'_>,
    report: &mut Report,
) {
    let mut cx = Ctx {
        env: env.name,
        prefix: env.prefix.clone(),
        spans,
        findings: Vec::new(),
    };
    let table = env.table;
    let vars = table.get("vars").and_then(|v| v.as_table());
    check_no_secret_in_vars(vars, &mut cx);
    check_routes(table, &mut cx);
    let config = read_dni_config(env.name, vars, &mut cx);
    check_bindings(config.as_ref(), table, top, has_migration, &mut cx);
    if let Some(config) = &config {
        check_secrets(config, env.known_secrets, &mut cx);
        check_secret_strength(env.secret_values, &mut cx);
        report.summaries.push(summary(env.name, config));
    }
    report.findings.append(&mut cx.findings);
}

/// A secret's name in plain `[vars]` is an error.
fn check_no_secret_in_vars(vars: Option<&toml::Table>, cx: &mut Ctx<'_>) {
    for secret in SECRET_NAMES {
        if vars.is_some_and(|v| v.contains_key(secret)) {
            cx.push(
                Severity::Error,
                format!("vars.{secret}"),
                "a secret is set as a plain var (it would be committed and shown in the dashboard)",
                Some("remove it from [vars] and run `npx wrangler secret put NAME` (--env NAME for an environment)"),
            );
        }
    }
}

/// The environment's `DNI_CONFIG` (a JSON string or a TOML table), checked; its issues
/// reported at `vars.DNI_CONFIG.<path>`. `None` if missing, unreadable or with errors.
fn read_dni_config(
    env_name: &str,
    vars: Option<&toml::Table>,
    cx: &mut Ctx<'_>,
) -> Option<crate::config::Config> {
    let Some(raw) = vars.and_then(|v| v.get("DNI_CONFIG")) else {
        let hint = if env_name == "top level" {
            "add a [vars.DNI_CONFIG] table (see README.md, Configuration)"
        } else {
            "vars are not inherited by environments: give this environment its own [env.NAME.vars.DNI_CONFIG]"
        };
        cx.push(
            Severity::Error,
            "vars.DNI_CONFIG",
            "missing: without it the worker passes all traffic through untouched",
            Some(hint),
        );
        return None;
    };
    let json = match raw {
        toml::Value::String(s) => s.clone(),
        other => match serde_json::to_string(other) {
            Ok(j) => j,
            Err(e) => {
                let message = format!("cannot be read as JSON: {e}");
                cx.push(Severity::Error, "vars.DNI_CONFIG", message, None);
                return None;
            }
        },
    };
    let checked = check_config(&json);
    for i in &checked.issues {
        let path = if i.path == "DNI_CONFIG" || i.path.is_empty() {
            "vars.DNI_CONFIG".to_string()
        } else {
            format!("vars.DNI_CONFIG.{}", i.path)
        };
        cx.push(i.severity, path, i.message.clone(), i.hint.as_deref());
    }
    if checked.has_errors() {
        None
    } else {
        checked.config
    }
}

/// What an environment's configuration holds, for the report's summary.
fn summary(env_name: &str, config: &crate::config::Config) -> EnvSummary {
    EnvSummary {
        env: env_name.to_string(),
        sites: config.sites.len(),
        targets: config.sites.iter().map(|s| s.targets.len()).sum(),
        tracking_numbers: config
            .sites
            .iter()
            .flat_map(|s| &s.targets)
            .flat_map(|t| &t.sources)
            .map(|s| s.numbers.len())
            .sum(),
    }
}

/// Routes still on the template's `example.com`.
fn check_routes(table: &toml::Table, cx: &mut Ctx<'_>) {
    let mut routes: Vec<(String, String)> = Vec::new();
    if let Some(r) = table.get("route") {
        routes.push(("route".into(), route_text(r)));
    }
    if let Some(list) = table.get("routes").and_then(|r| r.as_array()) {
        for (i, r) in list.iter().enumerate() {
            routes.push((format!("routes[{i}]"), route_text(r)));
        }
    }
    for (path, text) in routes {
        let example = text.split(['/', ' ', ':']).any(|part| {
            let h = part.trim_start_matches("*.").to_ascii_lowercase();
            ["example.com", "example.org", "example.net"]
                .iter()
                .any(|d| h == *d || h.ends_with(&format!(".{d}")))
        });
        if example {
            cx.push(
                Severity::Warning,
                path,
                format!("`{text}` is the template's example route"),
                Some("set your own zone: { pattern = \"www.yourdomain.com/*\", zone_name = \"yourdomain.com\" }"),
            );
        }
    }
}

fn route_text(r: &toml::Value) -> String {
    match r {
        toml::Value::String(s) => s.clone(),
        other => {
            let get = |k: &str| other.get(k).and_then(|v| v.as_str()).unwrap_or("");
            format!("{} {}", get("pattern"), get("zone_name"))
                .trim()
                .to_string()
        }
    }
}

fn uses_pools(config: Option<&Config>) -> bool {
    config.is_none_or(|c| {
        c.sites
            .iter()
            .any(|s| s.targets.iter().any(|t| !t.sources.is_empty()))
    })
}

fn check_bindings(
    config: Option<&Config>,
    table: &toml::Table,
    top: &toml::Table,
    has_migration: bool,
    cx: &mut Ctx<'_>,
) {
    // durable_objects is not inherited by environments; assets is.
    let pools_bound = table
        .get("durable_objects")
        .and_then(|d| d.get("bindings"))
        .and_then(|b| b.as_array())
        .is_some_and(|bs| {
            bs.iter().any(|b| {
                b.get("name").and_then(|v| v.as_str()) == Some("POOLS")
                    && b.get("class_name").and_then(|v| v.as_str()) == Some("NumberPool")
            })
        });
    if !pools_bound {
        cx.push(
            Severity::Error,
            "durable_objects.bindings",
            "no binding POOLS -> NumberPool: number pools, call attribution and stats need it",
            Some("add durable_objects.bindings = [{ name = \"POOLS\", class_name = \"NumberPool\" }] (environments do not inherit it)"),
        );
    }
    if uses_pools(config) && !has_migration {
        cx.push(
            Severity::Error,
            "migrations",
            "no migration creates the NumberPool class",
            Some("add [[migrations]] tag = \"v1\", new_sqlite_classes = [\"NumberPool\"]"),
        );
    }
    let assets = table.get("assets").or_else(|| top.get("assets"));
    let Some(config) = config else { return };
    for (i, site) in config.sites.iter().enumerate() {
        if site.upstream == Upstream::Assets {
            let ok = assets
                .and_then(|a| a.get("binding"))
                .and_then(|b| b.as_str())
                == Some("ASSETS");
            if !ok {
                cx.push(
                    Severity::Error,
                    format!("vars.DNI_CONFIG.sites[{i}].upstream"),
                    "upstream \"assets\" needs an [assets] section with binding = \"ASSETS\"",
                    Some("add [assets] directory = \"demo\", binding = \"ASSETS\", run_worker_first = true, or use \"origin\""),
                );
            }
        }
    }
    if assets.and_then(|a| a.get("binding")).is_some()
        && assets
            .and_then(|a| a.get("run_worker_first"))
            .and_then(|v| v.as_bool())
            != Some(true)
    {
        cx.push(
            Severity::Warning,
            "assets.run_worker_first",
            "static assets are served without the worker running first: pages from assets would not be rewritten",
            Some("set run_worker_first = true"),
        );
    }
}

fn check_secrets(config: &Config, known: Option<&BTreeSet<String>>, cx: &mut Ctx<'_>) {
    let mut required = vec![(
        "DNI_API_TOKEN",
        "the calls API, /__dni/stats and /__dni/dashboard",
    )];
    if uses_pools(Some(config)) {
        required.insert(
            0,
            (
                "DNI_SECRET",
                "signing session cookies (without it visitors see fallback numbers)",
            ),
        );
    }
    if config.sites.iter().any(|s| s.calls.webhook.is_some()) {
        required.push((
            "DNI_WEBHOOK_SECRET",
            "signing the calls webhook (calls.webhook)",
        ));
    }
    match known {
        Some(names) => {
            for (name, what) in required {
                if !names.contains(name) {
                    let hint = if cx.env == "top level" {
                        format!("add {name}=<random> to .dev.vars (scripts/dev writes one)")
                    } else {
                        format!("npx wrangler secret put {name} --{}", cx.env.replace('.', " "))
                    };
                    cx.push(Severity::Error, format!("secrets.{name}"), format!("missing secret, needed for {what}"), Some(&hint));
                }
            }
        }
        None if cx.env != "top level" => cx.push(
            Severity::Warning,
            "secrets",
            format!(
                "secrets not checked (needed: {})",
                required.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
            ),
            Some(&format!(
                "pass --secrets {}=FILE with the output of `npx wrangler secret list --{} --format json` (names), or a {{\"NAME\": \"value\"}} file as `wrangler secret bulk` reads it (names and strength)",
                cx.env.trim_start_matches("env."),
                cx.env.replace('.', " ")
            )),
        ),
        None => {}
    }
}

/// The strength of each secret whose value is known (`.dev.vars`, or a secrets file with
/// values); never printed.
fn check_secret_strength(values: Option<&BTreeMap<String, String>>, cx: &mut Ctx<'_>) {
    for (name, value) in values.into_iter().flatten() {
        let Some(min) = crate::config::secrets::min_bytes_of(name) else {
            continue;
        };
        if let Some(problem) = crate::config::secrets::secret_problem(Some(value), min) {
            let hint = format!("use `openssl rand -hex 32` (64 hex characters) and set it again with `npx wrangler secret put {name}`");
            cx.push(
                Severity::Error,
                format!("secrets.{name}"),
                format!("too weak: {problem}; the worker refuses it (/__dni/health answers 503)"),
                Some(&hint),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_vars_and_secret_files_are_read() {
        let v = dev_vars("# local\nDNI_SECRET=\"abc\"\n DNI_API_TOKEN = tok \nEMPTY=\n");
        assert_eq!(v["DNI_SECRET"], "abc");
        assert_eq!(v["DNI_API_TOKEN"], "tok");
        assert_eq!(v["EMPTY"], "");
        let (names, values) =
            secret_file(r#"[{"name":"DNI_SECRET","type":"secret_text"}]"#).unwrap();
        assert!(names.contains("DNI_SECRET") && values.is_empty());
        let (names, values) = secret_file(r#"{"DNI_SECRET":"x"}"#).unwrap();
        assert!(names.contains("DNI_SECRET") && values["DNI_SECRET"] == "x");
        assert!(secret_file("[1]").is_err());
    }

    #[test]
    fn key_paths_parse() {
        assert_eq!(
            parse_path("vars.DNI_CONFIG.sites[0].targets[12].fallback"),
            vec![
                Seg::Key("vars".into()),
                Seg::Key("DNI_CONFIG".into()),
                Seg::Key("sites".into()),
                Seg::Index(0),
                Seg::Key("targets".into()),
                Seg::Index(12),
                Seg::Key("fallback".into()),
            ]
        );
        assert_eq!(parse_path("hosts[0][1]").len(), 3);
        assert_eq!(parse_path(""), vec![]);
    }

    #[test]
    fn lines_of_keys_in_tables_arrays_and_inline_tables() {
        let text = "name = \"x\"\n[vars.DNI_CONFIG]\n[[vars.DNI_CONFIG.sites]]\nhosts = [\"a\"]\n\n[[vars.DNI_CONFIG.sites]]\nname = \"b\"\ntargets = [{ number = \"+1\" },\n  { number = \"+2\", fallback = \"+3\" }]\n";
        let s = Spans::new(text);
        let p = |path: &str| s.line_of(&parse_path(path));
        assert_eq!(p("name"), Some(1));
        assert_eq!(p("vars.DNI_CONFIG.sites[0].hosts"), Some(4));
        assert_eq!(p("vars.DNI_CONFIG.sites[1].name"), Some(7));
        assert_eq!(p("vars.DNI_CONFIG.sites[1].targets[1].fallback"), Some(9));
        // A missing key: its nearest ancestor.
        assert_eq!(p("vars.DNI_CONFIG.sites[1].targets[0].fallback"), Some(8));
        assert_eq!(p("nothing.here"), None);
    }
}
