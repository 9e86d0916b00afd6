//! Printers: pure functions from JSON values to kubectl's exact text.

pub mod gonum;
pub mod gotemplate;
pub mod json;
pub mod jsonpath;
pub mod custom_columns;
pub mod describe;
pub mod sort;
pub mod tabwriter;
pub mod yaml;
pub mod format;
pub mod neat;

#[cfg(test)]
mod differential;
pub mod age;
