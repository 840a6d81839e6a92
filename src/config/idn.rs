//! Internationalised domain names in the configuration.
//!
//! The worker has no Unicode tables for IDNA (Cargo.toml, `idna_adapter`): hosts in
//! `hosts`, `upstream` and `calls.webhook.url` must be written in their ASCII (punycode)
//! form. Requests always arrive with ASCII hosts, so a Unicode host in the configuration
//! would never match a request, and a Unicode URL could not be fetched. The check says so
//! and shows the punycode to write.

/// The message for a host that is not ASCII, with its punycode form when it can be worked
/// out (each label lowercased, then RFC 3492 punycode with the `xn--` prefix).
pub(crate) fn not_ascii_message(host: &str) -> String {
    let mut message = format!(
        "`{host}` is not ASCII: write an internationalised domain name in its punycode form"
    );
    if let Some(ascii) = punycode_form(host) {
        message.push_str(&format!(", `{ascii}`"));
    }
    message.push_str(" (README.md, section Configuration)");
    message
}

fn punycode_form(host: &str) -> Option<String> {
    let labels = host
        .split('.')
        .map(|label| {
            let label = label.to_lowercase();
            if label.is_ascii() {
                Some(label)
            } else {
                idna::punycode::encode_str(&label).map(|code| format!("xn--{code}"))
            }
        })
        .collect::<Option<Vec<_>>>()?;
    Some(labels.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punycode_of_the_rfc_3492_and_idna_examples() {
        // `bücher` → `xn--bcher-kva`: the IDNA example of the idna crate's and the
        // WHATWG URL standard's tests; `münchen` → `xn--mnchen-3ya` (DENIC's IDN examples).
        assert_eq!(
            punycode_form("Bücher.example").as_deref(),
            Some("xn--bcher-kva.example")
        );
        assert_eq!(
            punycode_form("www.münchen.de").as_deref(),
            Some("www.xn--mnchen-3ya.de")
        );
        let m = not_ascii_message("bücher.example");
        assert!(
            m.contains("not ASCII") && m.contains("`xn--bcher-kva.example`"),
            "{m}"
        );
    }
}
