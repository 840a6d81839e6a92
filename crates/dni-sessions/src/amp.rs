//! The AMP `amp-call-tracking` configuration body.

/// `{"phoneNumber":"<E.164>","formattedPhoneNumber":"<as printed>"}`, the body
/// `amp-call-tracking` expects from `GET /__dni/number` (JSON-escaped).
pub fn amp_number_json(phone_e164: &str, formatted: &str) -> String {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string());
    format!(
        "{{\"phoneNumber\":{},\"formattedPhoneNumber\":{}}}",
        quote(phone_e164),
        quote(formatted)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_amp_body() {
        assert_eq!(
            amp_number_json("+15550000001", "(555) 000-0001"),
            r#"{"phoneNumber":"+15550000001","formattedPhoneNumber":"(555) 000-0001"}"#
        );
    }

    #[test]
    fn escapes_json() {
        let v: serde_json::Value =
            serde_json::from_str(&amp_number_json("+1\"x", "a\\b</script>")).unwrap();
        assert_eq!(v["phoneNumber"], "+1\"x");
        assert_eq!(v["formattedPhoneNumber"], "a\\b</script>");
    }
}
