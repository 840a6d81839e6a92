//! Phone numbers for consent-dni: the [`E164`] type, finding printed numbers in HTML text
//! whatever their separators, and replacing them while keeping the printed format.
//!
//! ```
//! use dni_numbers::{E164, NumberSwapper};
//! let target = E164::parse("+15551234567").unwrap();
//! let tracking = E164::parse("+15559876543").unwrap();
//! let swapper = NumberSwapper::new(&[(target, tracking)]);
//! assert_eq!(
//!     swapper.replace_in_text("Call (555) 123-4567 today").as_deref(),
//!     Some("Call (555) 987-6543 today")
//! );
//! assert_eq!(
//!     swapper.replace_in_tel("tel:+1-555-123-4567;ext=12").as_deref(),
//!     Some("tel:+1-555-987-6543;ext=12")
//! );
//! assert_eq!(swapper.replace_in_text("Order #5551234567890"), None);
//! ```
//!
//! Matching and replacement rules are documented on [`NumberSwapper`]'s module
//! ([`swapper`](crate::NumberSwapper)); country facts (country codes, trunk prefixes,
//! groupings) are built in and deliberately small. [`plan`] checks a number against its
//! numbering plan (country code assigned, national length, NANP structure, numbers reserved
//! for fiction).

mod country;
mod data;
mod devalue;
mod e164;
mod format;
pub mod plan;
mod scan;
mod swapper;
mod text;

pub use data::{DataStream, DataSwapped, KEY_LOOKBACK};
pub use e164::{ParseE164Error, E164};
pub use format::{format_international, format_national};
pub use scan::MAX_RUN_DIGITS;
pub use swapper::{NumberSwapper, Swapped};
pub use text::{Resolved, TextStep, TextStream};
