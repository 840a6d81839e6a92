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
    assert!(r.out.contains("did you mean `hosts`?"), "{}", r.out);
}

/// A wrangler.toml with one mistake of each kind, in two environments: the line of each
/// key whose problem must be reported (1-based), found by its text.
const BROKEN: &str = r#"name = "x"
main = "build/index.js"
compatibility_date = "2026-04-20"

[durable_objects]
bindings = [{ name = "POOLS", class_name = "NumberPool" }]

[[migrations]]
tag = "v1"
new_sqlite_classes = ["NumberPool"]

[vars.DNI_CONFIG]
[[vars.DNI_CONFIG.sites]]
name = "shop"
hosts = ["shop.acme-plumbing.com"]
upstrem = "origin"

[vars.DNI_CONFIG.sites.session]
account_id = "77"
idle_timeout_minutes = 0

[[vars.DNI_CONFIG.sites.targets]]
number = "+15034420142"
fallback = "+1503442019"

[[vars.DNI_CONFIG.sites.targets.sources]]
name = "google_ads"
when = { click_idz = ["gclid"] }
numbers = ["+15034420150"]

[[vars.DNI_CONFIG.sites.targets.sources]]
name = "default"
numbers = ["+19114420170", "+33123456"]

[[vars.DNI_CONFIG.sites.targets]]
number = "+15034420187"
fallback = "+15034420187"

[vars.DNI_CONFIG.sites.calls]
retention_days = 0
[[vars.DNI_CONFIG.sites.calls.routes]]
source = "googel_ads"
to = "+15034420111"

[[vars.DNI_CONFIG.sites]]
name = "blog"
hosts = ["blog.acme-plumbing.com"]
[vars.DNI_CONFIG.sites.session]
account_id = "77"
[[vars.DNI_CONFIG.sites.targets]]
number = "+15034420300"
fallback = "+15034420301"
[[vars.DNI_CONFIG.sites.targets.sources]]
name = "default"
numbers = [ "+15034420150" ]

[env.production]
routes = [{ pattern = "www.example.com/*", zone_name = "example.com" }]
[env.production.durable_objects]
bindings = [{ name = "POOLS", class_name = "NumberPool" }]
[env.production.vars.DNI_CONFIG]
[[env.production.vars.DNI_CONFIG.sites]]
hosts = ["www.example.com"]
[env.production.vars.DNI_CONFIG.sites.session]
account_id = "12345"
[[env.production.vars.DNI_CONFIG.sites.targets]]
number = "+15035550142"
fallback = "+15034420199"
"#;

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle} not in the fixture"))
}

#[test]
fn every_mistake_is_reported_at_once_with_its_line() {
    let r = run_on(BROKEN, &[]);
    assert_eq!(r.code, 1, "{}", r.out);
    let expect = |needle: &str, sev: &str, path: &str, what: &str| {
        let line = line_of(BROKEN, needle);
        let want = format!(":{line}: {sev}: ");
        // A finding and its hint line.
        let lines: Vec<&str> = r.out.lines().collect();
        let found = lines.iter().enumerate().any(|(i, l)| {
            let block = format!("{l} {}", lines.get(i + 1).unwrap_or(&""));
            l.contains(&want) && l.contains(path) && block.contains(what)
        });
        assert!(
            found,
            "no `{sev}` for {path} ({what}) at line {line}:\n{}",
            r.out
        );
    };
    // A typo'd key is reported where it is written and hides nothing below.
    expect(
        "upstrem",
        "error",
        "[top level] vars.DNI_CONFIG.sites[0].upstrem",
        "did you mean `upstream`",
    );
    expect(
        "idle_timeout_minutes = 0",
        "error",
        "sites[0].session.idle_timeout_minutes",
        "between 1 and 1440",
    );
    // One digit short: the NANP needs 10 digits after +1.
    expect(
        "fallback = \"+1503442019\"",
        "error",
        "sites[0].targets[0].fallback",
        "10 digits after the 1, not 9",
    );
    expect(
        "click_idz",
        "error",
        "sites[0].targets[0].sources[0]",
        "unknown field `click_idz`",
    );
    expect(
        "+19114420170",
        "error",
        "sites[0].targets[0].sources[1].numbers[0]",
        "area code 911",
    );
    expect(
        "+19114420170",
        "error",
        "sites[0].targets[0].sources[1].numbers[1]",
        "+33 (FR) have 9",
    );
    expect(
        "fallback = \"+15034420187\"",
        "warning",
        "sites[0].targets[1].fallback",
        "the target number itself",
    );
    expect(
        "retention_days = 0",
        "error",
        "sites[0].calls.retention_days",
        "between 1 and 3650",
    );
    expect(
        "source = \"googel_ads\"",
        "error",
        "sites[0].calls.routes[0].source",
        "no source named `googel_ads`",
    );
    // The same tracking number in two sites' pools.
    expect(
        "numbers = [ \"+15034420150\" ]",
        "warning",
        "sites[1].targets[0].sources[0].numbers[0]",
        "also in a pool at sites[0]",
    );
    // The untouched template in production.
    expect(
        "www.example.com/*",
        "warning",
        "[env.production] routes[0]",
        "example route",
    );
    expect(
        "hosts = [\"www.example.com\"]",
        "warning",
        "[env.production] vars.DNI_CONFIG.sites[0].hosts[0]",
        "example domain",
    );
    expect(
        "account_id = \"12345\"",
        "warning",
        "sites[0].session.account_id",
        "example account id",
    );
    expect(
        "+15035550142",
        "warning",
        "sites[0].targets[0].number",
        "reserved for fiction",
    );
    assert!(
        r.out.contains("error(s)") && r.out.contains("warning(s)"),
        "{}",
        r.out
    );
}

#[test]
fn the_production_template_is_flagged_and_deny_warnings_fails_it() {
    let path = root().join("wrangler.toml");
    let run = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_dni-check"))
            .arg(&path)
            .args(["--dev-vars", "/nonexistent"])
            .args(extra)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let (code, out) = run(&[]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("is ready to deploy"), "{out}");
    assert!(out.contains("[env.production] routes[0]"), "{out}");
    assert!(
        out.contains("[env.production] vars.DNI_CONFIG.sites[0].session.account_id"),
        "{out}"
    );
    // The demo site (upstream "assets") uses fictional numbers on purpose: no warning.
    assert!(!out.contains("[top level] vars.DNI_CONFIG"), "{out}");
    let (code, _) = run(&["--deny-warnings"]);
    assert_eq!(code, 1);
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

#[test]
fn weak_secrets_are_errors_and_their_values_never_printed() {
    let dev_vars = std::env::temp_dir().join(format!("dni-dev-vars-{}", std::process::id()));
    std::fs::write(
        &dev_vars,
        "DNI_SECRET=hunter2hunter2\nDNI_API_TOKEN=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n",
    )
    .unwrap();
    let r = run_on(
        &with_site(GOOD_SITE),
        &["--dev-vars", dev_vars.to_str().unwrap()],
    );
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(
        r.out
            .contains("[top level] secrets.DNI_SECRET: too weak: too short (at least 32 bytes)"),
        "{}",
        r.out
    );
    assert!(
        r.out
            .contains("[top level] secrets.DNI_API_TOKEN: too weak: too repetitive"),
        "{}",
        r.out
    );
    assert!(
        !r.out.contains("hunter2") && !r.out.contains("aaaaaaaa"),
        "{}",
        r.out
    );
    // What scripts/dev writes passes.
    std::fs::write(
        &dev_vars,
        "DNI_SECRET=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\nDNI_API_TOKEN=2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0\n",
    )
    .unwrap();
    let r = run_on(
        &with_site(GOOD_SITE),
        &["--dev-vars", dev_vars.to_str().unwrap()],
    );
    assert!(!r.out.contains("too weak"), "{}", r.out);
    // A `wrangler secret bulk` file for an environment: names and values.
    let toml = format!(
        "{}\n[env.production]\n[env.production.durable_objects]\nbindings = [{{ name = \"POOLS\", class_name = \"NumberPool\" }}]\n[env.production.vars]\nDNI_CONFIG = {{ sites = [{GOOD_SITE}] }}\n",
        with_site(GOOD_SITE)
    );
    let bulk = std::env::temp_dir().join(format!("dni-bulk-{}.json", std::process::id()));
    std::fs::write(&bulk, r#"{"DNI_SECRET": "short", "DNI_API_TOKEN": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0"}"#).unwrap();
    let arg = format!("production={}", bulk.display());
    let r = run_on(&toml, &["--secrets", &arg]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(
        r.out
            .contains("[env.production] secrets.DNI_SECRET: too weak"),
        "{}",
        r.out
    );
    assert!(!r.out.contains("secrets.DNI_API_TOKEN"), "{}", r.out);
}
