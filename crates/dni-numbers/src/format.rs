//! Printing numbers: the prefix *styles* a printed number can have, standard grouped forms,
//! and [`format_national`] / [`format_international`].

use crate::country::{number_rules, standard_groups};
use crate::E164;

/// How a printed number begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `+cc ...`; `trunk` when the national trunk prefix follows the country code, as in
    /// `+44 (0)20 7946 0018`.
    Plus { trunk: bool },
    /// `00cc ...` (the international call prefix used in most of the world); `trunk` when the
    /// national trunk prefix follows the country code, as in `0031 (0)111 461414`.
    DoubleZero { trunk: bool },
    /// National form; `trunk` when it starts with the trunk prefix (`020 ...`, `1-555-...`).
    National { trunk: bool },
}

/// The digits of `n` printed in `style` (ASCII digits only; the `+` is not a digit), or `None`
/// when `n` cannot be written in that style (a national style for a number of another
/// country than `home_cc`, or a trunk style for a country without trunk prefix).
pub(crate) fn style_digits(n: &E164, style: Style, home_cc: &str) -> Option<String> {
    let rules = number_rules(n.country_code(), n.national_number());
    let mut out = String::with_capacity(20);
    match style {
        Style::Plus { trunk } | Style::DoubleZero { trunk } => {
            if matches!(style, Style::DoubleZero { .. }) {
                out.push_str("00");
            }
            out.push_str(n.country_code());
            if trunk {
                if !rules.trunk_after_country_code {
                    return None;
                }
                out.push_str(rules.trunk?);
            }
        }
        Style::National { trunk } => {
            if n.country_code() != home_cc {
                return None;
            }
            if trunk {
                out.push_str(rules.trunk?);
            } else if !rules.bare {
                return None;
            }
        }
    }
    out.push_str(n.national_number());
    Some(out)
}

/// A standard grouped form of `n` in `style` with `sep` between groups.
///
/// `+cc<sep>groups`, `+cc<sep>(0)groups`, `00cc<sep>groups`, `00cc<sep>(0)groups`, national
/// `trunk+group<sep>...`. A style `n` cannot be written in falls back to the nearest one it
/// can: the other national style (`1300 ...` for `0412 ...` in Australia), the international
/// style without `(0)`, else `+cc<sep>groups`.
pub(crate) fn standard_form(n: &E164, style: Style, home_cc: &str, sep: &str) -> String {
    let nearest = match style {
        Style::National { trunk } => Style::National { trunk: !trunk },
        Style::Plus { .. } => Style::Plus { trunk: false },
        Style::DoubleZero { .. } => Style::DoubleZero { trunk: false },
    };
    let style = [style, nearest, Style::Plus { trunk: false }]
        .into_iter()
        .find(|s| style_digits(n, *s, home_cc).is_some())
        .unwrap_or(Style::Plus { trunk: false });
    let rules = number_rules(n.country_code(), n.national_number());
    let mut out = String::with_capacity(24);
    match style {
        Style::Plus { trunk } | Style::DoubleZero { trunk } => {
            out.push_str(if matches!(style, Style::Plus { .. }) {
                "+"
            } else {
                "00"
            });
            out.push_str(n.country_code());
            out.push_str(sep);
            if trunk {
                out.push('(');
                out.push_str(rules.trunk.unwrap_or(""));
                out.push(')');
            }
        }
        Style::National { trunk } => {
            if trunk {
                out.push_str(rules.trunk.unwrap_or(""));
                // NANP: `1-555-123-4567`; elsewhere the trunk sticks to the first group.
                if n.country_code() == "1" {
                    out.push_str(sep);
                }
            }
        }
    }
    push_groups(&mut out, n, sep);
    out
}

fn push_groups(out: &mut String, n: &E164, sep: &str) {
    let nsn = n.national_number();
    let mut at = 0;
    for (i, len) in standard_groups(n.country_code(), nsn)
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(nsn.get(at..at + len).unwrap_or(""));
        at += len;
    }
}

/// A number as people in its country write it, for display (AMP `formattedPhoneNumber`):
/// NANP `(555) 123-4567`; elsewhere the trunk prefix (if the country uses one) and the
/// standard grouping with spaces: `020 7946 0018`, `01 23 45 67 89`, `06 1234 5678` (Italy).
pub fn format_national(n: &E164) -> String {
    let nsn = n.national_number();
    if n.country_code() == "1" {
        let (a, rest) = nsn.split_at(3.min(nsn.len()));
        let (b, c) = rest.split_at(3.min(rest.len()));
        return format!("({a}) {b}-{c}");
    }
    let trunk = number_rules(n.country_code(), n.national_number())
        .trunk
        .is_some();
    standard_form(n, Style::National { trunk }, n.country_code(), " ")
}

/// The international form with spaces: `+1 555 123 4567`, `+44 20 7946 0018`.
pub fn format_international(n: &E164) -> String {
    standard_form(n, Style::Plus { trunk: false }, "", " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> E164 {
        E164::parse(s).unwrap()
    }

    #[test]
    fn national_formats() {
        assert_eq!(format_national(&n("+15551234567")), "(555) 123-4567");
        assert_eq!(format_national(&n("+442079460018")), "020 7946 0018");
        assert_eq!(format_national(&n("+33123456789")), "01 23 45 67 89");
        assert_eq!(format_national(&n("+390612345678")), "061 234 5678");
        assert_eq!(format_national(&n("+4930123456")), "03012 3456");
    }

    #[test]
    fn international_formats() {
        assert_eq!(format_international(&n("+15551234567")), "+1 555 123 4567");
        assert_eq!(
            format_international(&n("+442079460018")),
            "+44 20 7946 0018"
        );
    }

    #[test]
    fn style_digits_per_style() {
        let uk = n("+442079460018");
        assert_eq!(
            style_digits(&uk, Style::Plus { trunk: true }, "44").as_deref(),
            Some("4402079460018")
        );
        assert_eq!(
            style_digits(&uk, Style::DoubleZero { trunk: false }, "44").as_deref(),
            Some("00442079460018")
        );
        assert_eq!(
            style_digits(&uk, Style::DoubleZero { trunk: true }, "44").as_deref(),
            Some("004402079460018")
        );
        assert_eq!(
            style_digits(&uk, Style::National { trunk: true }, "44").as_deref(),
            Some("02079460018")
        );
        assert_eq!(
            style_digits(&uk, Style::National { trunk: false }, "44"),
            None
        );
        assert_eq!(
            style_digits(&uk, Style::National { trunk: true }, "1"),
            None
        );
        let us = n("+15551234567");
        assert_eq!(style_digits(&us, Style::Plus { trunk: true }, "1"), None);
        assert_eq!(
            style_digits(&us, Style::National { trunk: false }, "1").as_deref(),
            Some("5551234567")
        );
    }

    #[test]
    fn standard_forms_fall_back_to_international() {
        let us = n("+15551234567");
        assert_eq!(
            standard_form(&us, Style::National { trunk: true }, "44", "-"),
            "+1-555-123-4567"
        );
        let uk = n("+442079460018");
        assert_eq!(
            standard_form(&uk, Style::Plus { trunk: true }, "44", " "),
            "+44 (0)20 7946 0018"
        );
        let nl = n("+31111461414");
        assert_eq!(
            standard_form(&nl, Style::DoubleZero { trunk: true }, "31", " "),
            "0031 (0)111 461 414"
        );
        // Australia: a `1300` number in the trunk style, a mobile in the bare style.
        let au_1300 = n("+611300346227");
        let au_mobile = n("+61412345678");
        assert_eq!(
            standard_form(&au_1300, Style::National { trunk: true }, "61", " "),
            "1300 346 227"
        );
        assert_eq!(
            standard_form(&au_mobile, Style::National { trunk: false }, "61", " "),
            "0412 345 678"
        );
        assert_eq!(format_national(&au_1300), "1300 346 227");
    }
}
