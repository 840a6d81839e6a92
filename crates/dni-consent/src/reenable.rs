//! The markup a site's consent platform reads to run a blocked script after consent.
//!
//! The tag firewall neutralises a declined vendor's script as `type="text/plain"
//! data-consent-category="<category>"`. A platform re-enables such a script on Accept only if
//! it carries that platform's own "manual blocking" markup, which differs per platform:
//!
//! * OneTrust ("JavaScript Type Re-Writing", CookiePro/OneTrust knowledge base):
//!   `type="text/plain" class="optanon-category-<group id>"` (a class naming the group whose
//!   consent runs it; several ids joined by `-` would need all of them).
//! * Cookiebot ("Manual cookie blocking", support.cookiebot.com): `type="text/plain"
//!   data-cookieconsent="preferences|statistics|marketing"`.
//! * CookieYes: `type="text/plain" data-cookieyes="cookieyes-<category>"` with its categories
//!   `functional`, `analytics`, `advertisement` (the same keys as its `cookieyes-consent`
//!   cookie; the markup as sites using CookieYes write it).
//!
//! The site's platform is its `consent.primary`; other platforms get no markup.

use dni_common::{Category, ReenableAttribute};

use crate::cmp::CmpName;
use crate::config::ConsentConfig;

impl ConsentConfig {
    /// What the site's platform (`primary`) reads on a script blocked for `category` to run
    /// it once that category is granted; `None` for `necessary`, for a category the platform
    /// has no id for, and for a platform without such markup (or none named).
    pub fn reenable_attribute(&self, category: Category) -> Option<ReenableAttribute> {
        if category == Category::Necessary {
            return None;
        }
        match self.primary? {
            CmpName::Onetrust => {
                let group = self.onetrust.groups.ids(category).first()?;
                Some(ReenableAttribute {
                    name: "class",
                    value: format!("optanon-category-{group}"),
                    append: true,
                })
            }
            CmpName::Cookiebot => Some(ReenableAttribute {
                name: "data-cookieconsent",
                value: match category {
                    Category::Functional => "preferences",
                    Category::Analytics => "statistics",
                    _ => "marketing",
                }
                .to_string(),
                append: false,
            }),
            CmpName::Cookieyes => Some(ReenableAttribute {
                name: "data-cookieyes",
                value: match category {
                    Category::Functional => "cookieyes-functional",
                    Category::Analytics => "cookieyes-analytics",
                    _ => "cookieyes-advertisement",
                }
                .to_string(),
                append: false,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_primary(primary: CmpName) -> ConsentConfig {
        ConsentConfig {
            primary: Some(primary),
            ..ConsentConfig::default()
        }
    }

    fn value(config: &ConsentConfig, c: Category) -> Option<(&'static str, String, bool)> {
        config
            .reenable_attribute(c)
            .map(|a| (a.name, a.value, a.append))
    }

    #[test]
    fn onetrust_names_the_first_group_of_the_category() {
        let ot = with_primary(CmpName::Onetrust);
        let class = |v: &str| Some(("class", v.to_string(), true));
        // The default groups: C0004 targeting, C0002 performance, C0003 functional.
        assert_eq!(
            value(&ot, Category::Marketing),
            class("optanon-category-C0004")
        );
        assert_eq!(
            value(&ot, Category::Analytics),
            class("optanon-category-C0002")
        );
        assert_eq!(
            value(&ot, Category::Functional),
            class("optanon-category-C0003")
        );
        assert_eq!(value(&ot, Category::Necessary), None);
        // A tenant's own group ids.
        let mut custom = ot.clone();
        custom.onetrust.groups.marketing = vec!["C0007".into()];
        custom.onetrust.groups.analytics = Vec::new();
        assert_eq!(
            value(&custom, Category::Marketing),
            class("optanon-category-C0007")
        );
        assert_eq!(value(&custom, Category::Analytics), None);
    }

    #[test]
    fn cookiebot_names_its_category() {
        let cb = with_primary(CmpName::Cookiebot);
        let attr = |v: &str| Some(("data-cookieconsent", v.to_string(), false));
        assert_eq!(value(&cb, Category::Marketing), attr("marketing"));
        assert_eq!(value(&cb, Category::Analytics), attr("statistics"));
        assert_eq!(value(&cb, Category::Functional), attr("preferences"));
        assert_eq!(value(&cb, Category::Necessary), None);
    }

    #[test]
    fn cookieyes_names_its_category() {
        let cy = with_primary(CmpName::Cookieyes);
        let attr = |v: &str| Some(("data-cookieyes", v.to_string(), false));
        assert_eq!(
            value(&cy, Category::Marketing),
            attr("cookieyes-advertisement")
        );
        assert_eq!(value(&cy, Category::Analytics), attr("cookieyes-analytics"));
        assert_eq!(
            value(&cy, Category::Functional),
            attr("cookieyes-functional")
        );
        assert_eq!(value(&cy, Category::Necessary), None);
    }

    #[test]
    fn no_primary_or_another_platform_writes_nothing() {
        assert_eq!(value(&ConsentConfig::default(), Category::Marketing), None);
        assert_eq!(
            value(&with_primary(CmpName::Didomi), Category::Marketing),
            None
        );
    }
}
