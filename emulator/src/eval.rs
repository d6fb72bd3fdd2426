//! Kept as a path for older callers: evaluation lives in `soql::eval`.

pub use crate::soql::eval::*;
