//! Content-Security-Policy and the inserted scripts (the Consent Mode default, the hydration
//! guard): a script carries the policy's nonce when every policy that restricts inline scripts has one, or its SHA-256
//! hash is added to each restricting policy; a policy that cannot be read safely makes the
//! worker skip the insertion (and say so in the log) rather than break the page.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// How the inserted script gets past the page's CSP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CspPass {
    /// No policy restricts inline scripts.
    Open,
    /// Carry this nonce (every restricting policy has it).
    Nonce(String),
    /// Replace the CSP headers' values with these (the script's hash added).
    Hash {
        /// `(header name, new value)`, one per CSP header, in order.
        headers: Vec<(String, String)>,
    },
    /// The insertion must be skipped: why.
    Skip(&'static str),
}

/// `'sha256-…'` of a script's text.
pub fn hash_source(script: &str) -> String {
    format!(
        "'sha256-{}'",
        STANDARD.encode(Sha256::digest(script.as_bytes()))
    )
}

/// The directive that governs an inline `<script>` element in one policy, by index.
fn governing(directives: &[(String, Vec<String>)]) -> Option<usize> {
    ["script-src-elem", "script-src", "default-src"]
        .iter()
        .find_map(|name| directives.iter().position(|(n, _)| n == name))
}

fn parse_policy(policy: &str) -> Option<Vec<(String, Vec<String>)>> {
    let mut out = Vec::new();
    for directive in policy.split(';') {
        let mut tokens = directive.split_ascii_whitespace();
        let Some(name) = tokens.next() else { continue };
        if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return None;
        }
        let sources: Vec<String> = tokens.map(str::to_string).collect();
        if sources.iter().any(|s| {
            s.bytes()
                .any(|b| !b.is_ascii_graphic() || b == b',' || b == b';')
        }) {
            return None;
        }
        out.push((name.to_ascii_lowercase(), sources));
    }
    Some(out)
}

fn serialise(directives: &[(String, Vec<String>)]) -> String {
    directives
        .iter()
        .map(|(n, s)| {
            if s.is_empty() {
                n.clone()
            } else {
                format!("{n} {}", s.join(" "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Whether a source list lets any inline script run (`'unsafe-inline'` counts only without
/// nonces, hashes or `'strict-dynamic'`, which disable it).
fn allows_inline(sources: &[String]) -> bool {
    let lower: Vec<String> = sources.iter().map(|s| s.to_ascii_lowercase()).collect();
    lower.iter().any(|s| s == "'unsafe-inline'")
        && !lower
            .iter()
            .any(|s| s.starts_with("'nonce-") || s.starts_with("'sha") || s == "'strict-dynamic'")
}

fn nonce_of(sources: &[String]) -> Option<String> {
    sources.iter().find_map(|s| {
        let lower = s.to_ascii_lowercase();
        lower
            .starts_with("'nonce-")
            .then(|| {
                s.get(7..s.len().saturating_sub(1))
                    .unwrap_or("")
                    .to_string()
            })
            .filter(|n| !n.is_empty() && s.ends_with('\''))
    })
}

/// How the script `script` gets past the CSP headers `headers` (`(name, value)` of every
/// `Content-Security-Policy` and `Content-Security-Policy-Report-Only` header).
pub fn pass_csp(headers: &[(String, String)], script: &str) -> CspPass {
    pass_csp_all(headers, &[script])
}

/// How the inserted scripts `scripts` all get past the CSP headers `headers`: one nonce for
/// all, or every script's hash added. The hashes are computed only when a policy restricts
/// inline scripts (most pages have no CSP header: no SHA-256 per request for them).
pub fn pass_csp_all(headers: &[(String, String)], scripts: &[&str]) -> CspPass {
    let mut hashes: Option<Vec<String>> = None;
    let mut restricting_nonces: Vec<Option<String>> = Vec::new();
    let mut updated = Vec::new();
    let mut any = false;
    for (name, value) in headers {
        let mut policies = Vec::new();
        for policy in value.split(',') {
            let Some(mut directives) = parse_policy(policy) else {
                return CspPass::Skip("a Content-Security-Policy header could not be read");
            };
            if let Some(i) = governing(&directives) {
                if let Some((_, sources)) = directives.get_mut(i) {
                    if !allows_inline(sources) {
                        any = true;
                        restricting_nonces.push(nonce_of(sources));
                        let hashes = hashes.get_or_insert_with(|| {
                            scripts.iter().map(|s| hash_source(s)).collect()
                        });
                        for hash in hashes.iter() {
                            if !sources.iter().any(|s| s == hash) {
                                sources.retain(|s| s != "'none'");
                                sources.push(hash.clone());
                            }
                        }
                    }
                }
            }
            policies.push(serialise(&directives));
        }
        updated.push((name.clone(), policies.join(", ")));
    }
    if !any {
        return CspPass::Open;
    }
    if let Some(Some(first)) = restricting_nonces.first() {
        if restricting_nonces.iter().all(|n| n.as_ref() == Some(first)) {
            return CspPass::Nonce(first.clone());
        }
    }
    CspPass::Hash { headers: updated }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &str = "gtag('consent','default',{})";

    fn csp(v: &str) -> Vec<(String, String)> {
        vec![("content-security-policy".into(), v.into())]
    }

    #[test]
    fn no_policy_or_unsafe_inline_needs_nothing() {
        assert_eq!(pass_csp(&[], S), CspPass::Open);
        assert_eq!(
            pass_csp(&csp("default-src 'self' 'unsafe-inline'"), S),
            CspPass::Open
        );
        assert_eq!(
            pass_csp(&csp("img-src 'self'; frame-ancestors 'none'"), S),
            CspPass::Open
        );
    }

    #[test]
    fn a_shared_nonce_is_carried() {
        assert_eq!(
            pass_csp(
                &csp("script-src 'nonce-r4nd0m' 'strict-dynamic'; object-src 'none'"),
                S
            ),
            CspPass::Nonce("r4nd0m".into())
        );
    }

    #[test]
    fn otherwise_the_hash_is_added_to_the_governing_directive() {
        let h = hash_source(S);
        assert!(h.starts_with("'sha256-") && h.ends_with("='"), "{h}");
        match pass_csp(&csp("default-src 'self'; img-src *"), S) {
            CspPass::Hash { headers } => {
                assert_eq!(headers[0].1, format!("default-src 'self' {h}; img-src *"))
            }
            other => panic!("{other:?}"),
        }
        match pass_csp(
            &csp("script-src 'self' https://cdn.test; script-src-elem 'none'"),
            S,
        ) {
            CspPass::Hash { headers } => {
                assert_eq!(
                    headers[0].1,
                    format!("script-src 'self' https://cdn.test; script-src-elem {h}")
                )
            }
            other => panic!("{other:?}"),
        }
        // 'unsafe-inline' is disabled by a hash already present: the policy restricts.
        assert!(matches!(
            pass_csp(&csp("script-src 'unsafe-inline' 'sha256-abc='"), S),
            CspPass::Hash { .. }
        ));
    }

    #[test]
    fn several_policies_all_get_it_and_differing_nonces_fall_back_to_the_hash() {
        let headers = vec![
            (
                "content-security-policy".to_string(),
                "script-src 'nonce-a'".to_string(),
            ),
            (
                "content-security-policy-report-only".to_string(),
                "script-src 'nonce-b', default-src 'self'".to_string(),
            ),
        ];
        let h = hash_source(S);
        match pass_csp(&headers, S) {
            CspPass::Hash { headers } => {
                assert_eq!(headers[0].1, format!("script-src 'nonce-a' {h}"));
                assert_eq!(
                    headers[1].1,
                    format!("script-src 'nonce-b' {h}, default-src 'self' {h}")
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unreadable_policies_skip_the_insertion() {
        assert!(matches!(
            pass_csp(&csp("script-src 'self' \u{1}x"), S),
            CspPass::Skip(_)
        ));
        assert!(matches!(
            pass_csp(&csp("scr!pt-src 'self'"), S),
            CspPass::Skip(_)
        ));
    }

    #[test]
    fn several_scripts_get_every_hash() {
        match pass_csp_all(&csp("script-src 'self'"), &[S, "guard()"]) {
            CspPass::Hash { headers } => {
                let v = &headers[0].1;
                assert!(
                    v.contains(&hash_source(S)) && v.contains(&hash_source("guard()")),
                    "{v}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            pass_csp_all(&csp("script-src 'nonce-abc'"), &[S, "guard()"]),
            CspPass::Nonce("abc".into())
        );
    }
}
