//! dni-numbers (in progress)
