//! dni-check on wrangler.toml files with each kind of mistake, through the real binary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Run {
    code: i32,
    out: String,
}

fn run_on(toml: &str, extra: &[&str]) -> Run {
    let dir = std::env::temp_dir().join(format!("dni-check-{}-{}", std::process::id(), fastrand()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("wrangler.toml");
    std::fs::write(&file, toml).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_dni-check"))
        .arg(&file)
        .args(["--dev-vars", dir.join(".dev.vars").to_str().unwrap()])
        .args(
            extra
                .iter()
                .map(|a| a.replace("$DIR", dir.to_str().unwrap())),
        )
        .current_dir(&dir)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        out: format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

fn fastrand() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

const HEAD: &str = r#"
name = "x"
main = "build/index.js"
compatibility_date = "2026-04-20"
[durable_objects]
bindings = [{ name = "POOLS", class_name = "NumberPool" }]
[[migrations]]
tag = "v1"
new_sqlite_classes = ["NumberPool"]
"#;

fn with_site(site: &str) -> String {
    format!("{HEAD}\n[vars]\nDNI_CONFIG = {{ sites = [{site}] }}\n")
}

const GOOD_SITE: &str = r#"{ hosts = ["www.example.com"], upstream = "origin", session = { account_id = "1" }, targets = [{ number = "+15035550142", fallback = "+15035550199", sources = [{ name = "default", numbers = ["+15035550170"] }] }] }"#;

#[test]
fn the_shipped_wrangler_toml_passes() {
    let out = Command::new(env!("CARGO_BIN_EXE_dni-check"))
        .arg(root().join("wrangler.toml"))
        .args(["--dev-vars", "/nonexistent"])
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("ok: [top level] 1 site(s), 3 target(s)"),
        "{text}"
    );
    assert!(text.contains("[env.production]"), "{text}");
}

#[test]
fn a_good_config_passes() {
    let r = run_on(&with_site(GOOD_SITE), &[]);
    assert_eq!(r.code, 0, "{}", r.out);
    assert!(
        r.out
            .contains("1 site(s), 1 target(s), 1 tracking number(s)"),
        "{}",
        r.out
    );
}

#[test]
fn bad_e164_names_the_key() {
    let r = run_on(
        &with_site(&GOOD_SITE.replace("+15035550199", "503-555-0199")),
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(
        r.out
            .contains("vars.DNI_CONFIG.sites[0].targets[0].fallback"),
        "{}",
        r.out
    );
}

#[test]
fn unknown_category_is_reported() {
    let site = GOOD_SITE.replace(
        "upstream = \"origin\",",
        "upstream = \"origin\", consent = { required_category = \"advertising\" },",
    );
    let r = run_on(&with_site(&site), &[]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(r.out.contains("required_category"), "{}", r.out);
    assert!(r.out.contains("advertising"), "{}", r.out);
}

#[test]
fn pool_with_no_numbers_is_reported() {
    let r = run_on(
        &with_site(&GOOD_SITE.replace(r#"numbers = ["+15035550170"]"#, "numbers = []")),
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(r.out.contains("sources[0].numbers"), "{}", r.out);
}

#[test]
fn duplicate_target_is_reported() {
    let site = GOOD_SITE.replace(
        "targets = [",
        r#"targets = [{ number = "+15035550142", fallback = "+15035550198" }, "#,
    );
    let r = run_on(&with_site(&site), &[]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(r.out.contains("+15035550142"), "{}", r.out);
    assert!(
        r.out.contains("targets[1].number") || r.out.contains("targets[0].number"),
        "{}",
        r.out
    );
}

#[test]
fn regex_that_does_not_compile_is_reported() {
    let site = GOOD_SITE.replace(
        r#"{ name = "default","#,
        r#"{ name = "email", when = { utm_medium = { matches = "(unclosed" } },"#,
    );
    let r = run_on(&with_site(&site), &[]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(r.out.contains("utm_medium"), "{}", r.out);
}

#[test]
fn unknown_keys_are_errors_not_ignored() {
    let r = run_on(
        &with_site(&GOOD_SITE.replace("hosts =", "hostz = [\"a\"], hosts =")),
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(r.out.contains("unknown field `hostz`"), "{}", r.out);
    assert!(r.out.contains("misspelt"), "{}", r.out);
}

#[test]
fn not_toml_is_reported_clearly() {
    let r = run_on("this is = = not toml", &[]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(r.out.contains("not valid TOML"), "{}", r.out);
}

#[test]
fn missing_dni_config_is_reported_per_environment() {
    let toml = format!(
        "{}\n[env.staging]\nname = \"x-staging\"\n",
        with_site(GOOD_SITE)
    );
    let r = run_on(&toml, &[]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(
        r.out.contains("[env.staging] vars.DNI_CONFIG: missing"),
        "{}",
        r.out
    );
    assert!(r.out.contains("not inherited"), "{}", r.out);
}

#[test]
fn missing_secret_names_are_reported() {
    let toml = format!(
        "{}\n[env.production]\n[env.production.durable_objects]\nbindings = [{{ name = \"POOLS\", class_name = \"NumberPool\" }}]\n[env.production.vars]\nDNI_CONFIG = {{ sites = [{GOOD_SITE}] }}\n",
        with_site(GOOD_SITE)
    );
    let dir_file = std::env::temp_dir().join(format!("dni-secrets-{}.json", std::process::id()));
    std::fs::write(
        &dir_file,
        r#"[{"name":"DNI_API_TOKEN","type":"secret_text"}]"#,
    )
    .unwrap();
    let arg = format!("production={}", dir_file.display());
    let r = run_on(&toml, &["--secrets", &arg]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(
        r.out
            .contains("[env.production] secrets.DNI_SECRET: missing secret"),
        "{}",
        r.out
    );
    assert!(
        r.out
            .contains("wrangler secret put DNI_SECRET --env production"),
        "{}",
        r.out
    );
}

#[test]
fn a_secret_in_plain_vars_is_an_error() {
    let toml = with_site(GOOD_SITE).replace("[vars]\n", "[vars]\nDNI_SECRET = \"oops\"\n");
    let r = run_on(&toml, &[]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(r.out.contains("vars.DNI_SECRET"), "{}", r.out);
}

#[test]
fn missing_pool_binding_and_migration_are_reported() {
    let toml = format!("name = \"x\"\n[vars]\nDNI_CONFIG = {{ sites = [{GOOD_SITE}] }}\n");
    let r = run_on(&toml, &[]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(r.out.contains("durable_objects.bindings"), "{}", r.out);
    assert!(r.out.contains("migrations"), "{}", r.out);
}

#[test]
fn assets_upstream_needs_the_assets_binding() {
    let r = run_on(
        &with_site(&GOOD_SITE.replace("upstream = \"origin\"", "upstream = \"assets\"")),
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(r.out.contains("needs an [assets] section"), "{}", r.out);
}
