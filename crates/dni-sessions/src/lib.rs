//! dni-sessions (in progress)
