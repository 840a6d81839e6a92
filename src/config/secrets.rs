//! Minimum strength of the worker's own secrets: `DNI_SECRET` (signs session cookies) and
//! `DNI_API_TOKEN` (the calls API, stats, dashboard). Checked by the worker at start
//! (`/__dni/health` answers 503 while one is missing or weak) and by `dni-check` (from
//! `.dev.vars`, or a secrets file with values). A weak secret is never used: with a weak
//! `DNI_SECRET` visitors see fallback numbers, with a weak `DNI_API_TOKEN` nothing is
//! authorised.

use std::collections::BTreeSet;
use std::fmt;

/// The shortest `DNI_SECRET`, in bytes (`openssl rand -hex 32` gives 64).
pub const MIN_SECRET_BYTES: usize = dni_sessions::MIN_SECRET_LEN;
/// The shortest `DNI_API_TOKEN`, in bytes (`openssl rand -hex 24` gives 48).
pub const MIN_API_TOKEN_BYTES: usize = 24;
/// The fewest distinct characters a secret may have (a hex string has up to 16; `aaaa…`,
/// `0000…` or `1234123412…` have fewer).
pub const MIN_DISTINCT: usize = 10;

/// Why a secret cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretProblem {
    Missing,
    /// Shorter than the minimum (bytes).
    TooShort {
        min: usize,
    },
    /// Too few distinct characters.
    Repetitive,
}

impl fmt::Display for SecretProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretProblem::Missing => f.write_str("not set"),
            SecretProblem::TooShort { min } => write!(f, "too short (at least {min} bytes)"),
            SecretProblem::Repetitive => write!(
                f,
                "too repetitive (at least {MIN_DISTINCT} distinct characters)"
            ),
        }
    }
}

/// Checks one secret's value against a minimum length.
pub fn secret_problem(value: Option<&str>, min_bytes: usize) -> Option<SecretProblem> {
    let value = match value {
        None | Some("") => return Some(SecretProblem::Missing),
        Some(v) => v,
    };
    if value.len() < min_bytes {
        return Some(SecretProblem::TooShort { min: min_bytes });
    }
    let distinct: BTreeSet<char> = value.chars().collect();
    (distinct.len() < MIN_DISTINCT).then_some(SecretProblem::Repetitive)
}

/// `DNI_SECRET`'s problem, if any.
pub fn session_secret_problem(value: Option<&str>) -> Option<SecretProblem> {
    secret_problem(value, MIN_SECRET_BYTES)
}

/// `DNI_SECRET` as the signing key, when it is strong enough.
pub fn usable_session_secret(value: String) -> Option<Vec<u8>> {
    session_secret_problem(Some(&value))
        .is_none()
        .then(|| value.into_bytes())
}

/// `DNI_API_TOKEN`'s problem, if any.
pub fn api_token_problem(value: Option<&str>) -> Option<SecretProblem> {
    secret_problem(value, MIN_API_TOKEN_BYTES)
}

/// The minimum length of a secret the worker checks, by name (`None`: not checked).
pub fn min_bytes_of(name: &str) -> Option<usize> {
    match name {
        "DNI_SECRET" => Some(MIN_SECRET_BYTES),
        "DNI_API_TOKEN" => Some(MIN_API_TOKEN_BYTES),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strong_secrets_pass() {
        // What scripts/dev writes: 32 and 24 random bytes as hex.
        let secret = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        let token = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0";
        assert_eq!(session_secret_problem(Some(secret)), None);
        assert_eq!(api_token_problem(Some(token)), None);
    }

    #[test]
    fn missing_short_and_repetitive_secrets_fail() {
        assert_eq!(session_secret_problem(None), Some(SecretProblem::Missing));
        assert_eq!(
            session_secret_problem(Some("")),
            Some(SecretProblem::Missing)
        );
        assert_eq!(
            session_secret_problem(Some("short-but-varied-0123456789")),
            Some(SecretProblem::TooShort { min: 32 })
        );
        assert_eq!(
            api_token_problem(Some(&"a".repeat(64))),
            Some(SecretProblem::Repetitive)
        );
        assert_eq!(
            session_secret_problem(Some(&"12341234".repeat(8))),
            Some(SecretProblem::Repetitive)
        );
        assert!(SecretProblem::TooShort { min: 24 }
            .to_string()
            .contains("24 bytes"));
    }
}
