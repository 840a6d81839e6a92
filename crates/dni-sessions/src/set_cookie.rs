//! `Set-Cookie` values for the session cookie.
//!
//! Lifetime follows CallTrackingMetrics' cookie table: a browser-session cookie on
//! standard pages, `amp_cookie_days` (default 30) on AMP responses.

/// `Set-Cookie` value that sets the session cookie:
/// `name=value; Path=/; HttpOnly; Secure; SameSite=Lax`, plus `Max-Age` (in seconds) when
/// `amp` is true. `value` must be cookie-safe (an encoded [`SessionToken`](crate::SessionToken) is).
pub fn session_set_cookie(name: &str, value: &str, amp: bool, amp_days: u32) -> String {
    let mut out = format!("{name}={value}; Path=/; HttpOnly; Secure; SameSite=Lax");
    if amp {
        let seconds = u64::from(amp_days) * 86_400;
        out.push_str(&format!("; Max-Age={seconds}"));
    }
    out
}

/// `Set-Cookie` value that deletes the session cookie (consent withdrawn):
/// `name=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax`.
pub fn session_expire_cookie(name: &str) -> String {
    format!(
        "{name}=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_page_gets_a_session_cookie() {
        let c = session_set_cookie("ct123", "abc", false, 30);
        assert_eq!(c, "ct123=abc; Path=/; HttpOnly; Secure; SameSite=Lax");
        assert!(!c.contains("Max-Age"));
        assert!(!c.contains("Expires"));
    }

    #[test]
    fn amp_response_gets_max_age_in_seconds() {
        assert_eq!(
            session_set_cookie("ct123", "abc", true, 30),
            "ct123=abc; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=2592000"
        );
        assert!(session_set_cookie("c", "v", true, 1).ends_with("Max-Age=86400"));
    }

    #[test]
    fn withdrawal_expires_the_cookie() {
        let c = session_expire_cookie("ct123");
        assert!(c.starts_with("ct123=; Path=/; Max-Age=0;"));
        assert!(c.contains("Secure") && c.contains("HttpOnly"));
    }
}
