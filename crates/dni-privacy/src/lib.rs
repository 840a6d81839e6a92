//! dni-privacy (in progress)
