//! dni-consent (in progress)
