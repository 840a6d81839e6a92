//! dni-rewrite (in progress)
