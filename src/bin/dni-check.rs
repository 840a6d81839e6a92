//! dni-check: validates a wrangler.toml's DNI_CONFIG (every environment), its bindings and
//! secrets, with the same validation the worker runs at start. Exits 1 on any error.
//!
//!   dni-check [wrangler.toml] [--dev-vars .dev.vars] [--secrets ENV=FILE]... [--deny-warnings]
//!
//! Every problem is printed at once, as `wrangler.toml:LINE: error|warning: [ENV] KEY: what`
//! with a hint. Warnings (template placeholders, a fallback equal to its target, a number
//! in two sites' pools) do not fail the check unless `--deny-warnings` is given.
//!
//! `--secrets production=secrets.json` takes the output of
//! `npx wrangler secret list --env production --format json` (names), or a
//! `{"NAME": "value"}` object as `wrangler secret bulk` reads it (names and values: the
//! strength of `DNI_SECRET` and `DNI_API_TOKEN` is checked too, as in `.dev.vars`).

use std::process::ExitCode;

use consent_dni::deploy_check::{
    check_wrangler_toml, dev_vars as read_dev_vars, secret_file, KnownSecrets,
};

const USAGE: &str =
    "usage: dni-check [wrangler.toml] [--dev-vars FILE] [--secrets ENV=FILE]... [--deny-warnings]";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut path = "wrangler.toml".to_string();
    let mut dev_vars = ".dev.vars".to_string();
    let mut secrets = KnownSecrets::default();
    let mut deny_warnings = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--deny-warnings" => deny_warnings = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            "--dev-vars" => match args.next() {
                Some(v) => dev_vars = v,
                None => return fail(USAGE),
            },
            "--secrets" => {
                let Some((env, file)) = args.next().and_then(|v| {
                    v.split_once('=')
                        .map(|(a, b)| (a.to_string(), b.to_string()))
                }) else {
                    return fail(USAGE);
                };
                let text = match std::fs::read_to_string(&file) {
                    Ok(t) => t,
                    Err(e) => return fail(&format!("cannot read {file}: {e}")),
                };
                match secret_file(&text) {
                    Ok((names, values)) => {
                        secrets.envs.push((env.clone(), names));
                        secrets.env_values.push((env, values));
                    }
                    Err(e) => return fail(&format!("{file}: {e}")),
                }
            }
            other if other.starts_with('-') => {
                return fail(&format!("unknown option {other}\n{USAGE}"))
            }
            other => path = other.to_string(),
        }
    }
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => return fail(&format!("cannot read {path}: {e}")),
    };
    if let Ok(dv) = std::fs::read_to_string(&dev_vars) {
        let values = read_dev_vars(&dv);
        secrets.top_level = Some(values.keys().cloned().collect());
        secrets.top_level_values = values;
    }
    let report = check_wrangler_toml(&text, &secrets);
    for s in &report.summaries {
        println!(
            "ok: [{}] {} site(s), {} target(s), {} tracking number(s)",
            s.env, s.sites, s.targets, s.tracking_numbers
        );
    }
    for f in &report.findings {
        match f.line {
            Some(line) => eprintln!("{path}:{line}: {f}"),
            None => eprintln!("{path}: {f}"),
        }
    }
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == consent_dni::deploy_check::Severity::Error)
        .count();
    let warnings = report.findings.len() - errors;
    if errors > 0 || (deny_warnings && warnings > 0) {
        eprintln!("dni-check: {path}: {errors} error(s), {warnings} warning(s) (see above)");
        ExitCode::FAILURE
    } else if warnings > 0 {
        println!("dni-check: {path} can deploy, with {warnings} warning(s) to review (see above)");
        ExitCode::SUCCESS
    } else {
        println!("dni-check: {path} is ready to deploy");
        ExitCode::SUCCESS
    }
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("dni-check: {msg}");
    ExitCode::from(2)
}
