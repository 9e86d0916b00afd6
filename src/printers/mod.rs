//! Printers: pure functions from JSON values to kubectl's exact text.

pub mod json;
pub mod tabwriter;
pub mod yaml;
