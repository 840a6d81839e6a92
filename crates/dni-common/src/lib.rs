//! Types shared by every consent-dni crate.
//!
//! * [`Category`]: the four cookie categories the product reasons about.
//! * [`cookie_header`]: tolerant `Cookie` header parsing.
//! * [`CookieName`]: a validated cookie name.
//! * [`ConfigIssue`]: one problem found while validating configuration, with the key path
//!   and its [`Severity`] (error or warning).
//! * [`de::parse_str`]: deserialise a string-written value through its parser.
//! * [`country`]: ISO 3166-1 alpha-2 codes and hints for the usual mistakes (`UK`, `EL`).

mod category;
mod config_issue;
pub mod cookie_header;
mod cookie_name;
pub mod country;
pub mod de;
pub mod markup;
mod reenable;

pub use category::{Category, ParseCategoryError};
pub use config_issue::{ConfigIssue, Severity, Validate};
pub use cookie_name::{is_cookie_name, is_tchar, CookieName, CookieNameError, MAX_COOKIE_NAME_LEN};
pub use reenable::ReenableAttribute;
