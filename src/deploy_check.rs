//! The checks `dni-check` runs on a `wrangler.toml` before deploy: every environment's
//! `DNI_CONFIG` through the same validation the worker runs at start, plus the bindings and
//! secrets the worker needs. Pure: the binary only reads files and prints.

use std::collections::BTreeSet;
use std::fmt;

use crate::config::{parse_config, Config, Upstream};

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: [{}] {}: {}", self.env, self.path, self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "\n       hint: {h}")?;
        }
        Ok(())
    }
}

/// Secret names known to exist for an environment (from `.dev.vars` for the top level, or
/// from `wrangler secret list --format json` output for a named environment).
#[derive(Debug, Clone, Default)]
pub struct KnownSecrets {
    pub top_level: Option<BTreeSet<String>>,
    pub envs: Vec<(String, BTreeSet<String>)>,
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
}

pub const SECRET_NAMES: [&str; 2] = ["DNI_SECRET", "DNI_API_TOKEN"];

/// Names of `NAME=value` lines in a `.dev.vars` file.
pub fn dev_vars_names(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
        .collect()
}

/// Secret names from `wrangler secret list --format json` (`[{"name":..,"type":..}]`).
pub fn secret_list_names(json: &str) -> Result<BTreeSet<String>, String> {
    #[derive(serde::Deserialize)]
    struct Entry {
        name: String,
    }
    let entries: Vec<Entry> = serde_json::from_str(json)
        .map_err(|e| format!("not a `wrangler secret list` JSON array: {e}"))?;
    Ok(entries.into_iter().map(|e| e.name).collect())
}

struct Ctx<'a> {
    env: &'a str,
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
        self.findings.push(Finding {
            env: self.env.to_string(),
            severity,
            path: path.into(),
            message: message.into(),
            hint: hint.map(str::to_string),
        });
    }
}

/// Checks the text of a `wrangler.toml`.
pub fn check_wrangler_toml(text: &str, secrets: &KnownSecrets) -> Report {
    let mut report = Report {
        findings: Vec::new(),
        summaries: Vec::new(),
    };
    let doc: toml::Table = match text.parse() {
        Ok(d) => d,
        Err(e) => {
            report.findings.push(Finding {
                env: "file".into(),
                severity: Severity::Error,
                path: "wrangler.toml".into(),
                message: format!("not valid TOML: {}", e.message()),
                hint: e.span().map(|s| {
                    format!(
                        "at byte {}: {:?}",
                        s.start,
                        text.get(s.clone()).unwrap_or("")
                    )
                }),
            });
            return report;
        }
    };
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
    check_env(
        "top level",
        &doc,
        &doc,
        has_migration,
        secrets.top_level.as_ref(),
        &mut report,
    );
    if let Some(envs) = doc.get("env").and_then(|e| e.as_table()) {
        for (name, table) in envs {
            let Some(table) = table.as_table() else {
                continue;
            };
            let known = secrets.envs.iter().find(|(n, _)| n == name).map(|(_, s)| s);
            check_env(
                &format!("env.{name}"),
                table,
                &doc,
                has_migration,
                known,
                &mut report,
            );
        }
    }
    report
}

fn check_env(
    env: &str,
    table: &toml::Table,
    top: &toml::Table,
    has_migration: bool,
    known_secrets: Option<&BTreeSet<String>>,
    report: &mut Report,
) {
    let mut cx = Ctx {
        env,
        findings: Vec::new(),
    };
    let vars = table.get("vars").and_then(|v| v.as_table());
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
    let Some(raw) = vars.and_then(|v| v.get("DNI_CONFIG")) else {
        let hint = if env == "top level" {
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
        report.findings.append(&mut cx.findings);
        return;
    };
    let json = match raw {
        toml::Value::String(s) => s.clone(),
        other => match serde_json::to_string(other) {
            Ok(j) => j,
            Err(e) => {
                cx.push(
                    Severity::Error,
                    "vars.DNI_CONFIG",
                    format!("cannot be read as JSON: {e}"),
                    None,
                );
                report.findings.append(&mut cx.findings);
                return;
            }
        },
    };
    let config = match parse_config(&json) {
        Ok(c) => c,
        Err(issues) => {
            for i in issues {
                let path = if i.path == "DNI_CONFIG" {
                    "vars.DNI_CONFIG".to_string()
                } else {
                    format!("vars.DNI_CONFIG.{}", i.path)
                };
                cx.push(Severity::Error, path, i.message, i.hint.as_deref());
            }
            report.findings.append(&mut cx.findings);
            return;
        }
    };
    check_bindings(&config, table, top, has_migration, &mut cx);
    check_secrets(&config, known_secrets, &mut cx);
    report.summaries.push(EnvSummary {
        env: env.to_string(),
        sites: config.sites.len(),
        targets: config.sites.iter().map(|s| s.targets.len()).sum(),
        tracking_numbers: config
            .sites
            .iter()
            .flat_map(|s| &s.targets)
            .flat_map(|t| &t.sources)
            .map(|s| s.numbers.len())
            .sum(),
    });
    report.findings.append(&mut cx.findings);
}

fn uses_pools(config: &Config) -> bool {
    config
        .sites
        .iter()
        .any(|s| s.targets.iter().any(|t| !t.sources.is_empty()))
}

fn check_bindings(
    config: &Config,
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
    if uses_pools(config) {
        required.insert(
            0,
            (
                "DNI_SECRET",
                "signing session cookies (without it visitors see fallback numbers)",
            ),
        );
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
                "pass --secrets {}=FILE with the output of `npx wrangler secret list --{} --format json`",
                cx.env.trim_start_matches("env."),
                cx.env.replace('.', " ")
            )),
        ),
        None => {}
    }
}
