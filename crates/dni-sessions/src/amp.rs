//! The AMP `amp-call-tracking` configuration body.

use dni_numbers::{format_national, E164};
use serde::Serialize;

/// The body `amp-call-tracking` expects from `GET /__dni/number`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AmpNumber<'a> {
    phone_number: &'a E164,
    formatted_phone_number: String,
}

/// `{"phoneNumber":"<E.164>","formattedPhoneNumber":"<national form>"}`.
pub fn amp_number_json(phone: &E164) -> String {
    let body = AmpNumber {
        phone_number: phone,
        formatted_phone_number: format_national(phone),
    };
    serde_json::to_string(&body).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_amp_body() {
        let n = E164::parse("+15035550101").unwrap();
        assert_eq!(
            amp_number_json(&n),
            r#"{"phoneNumber":"+15035550101","formattedPhoneNumber":"(503) 555-0101"}"#
        );
    }
}
