//! CSV cells that a spreadsheet reads as text (RFC 4180 quoting, OWASP CSV-injection guard).

use std::borrow::Cow;

/// A spreadsheet cannot run this cell: a value starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading `'` (OWASP, "CSV Injection"). E.164 numbers therefore
/// read `'+15035550142`.
pub fn neutralize(value: &str) -> Cow<'_, str> {
    match value.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{value}")),
        _ => Cow::Borrowed(value),
    }
}

/// One CSV cell: [`neutralize`]d, quoted when it holds `,`, `"`, CR or LF (RFC 4180).
pub(crate) fn cell(value: &str) -> String {
    let v = neutralize(value);
    if v.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.into_owned()
    }
}
