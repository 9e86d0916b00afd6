//! The YAML loader moved to [`crate::yaml`]; this name stays for existing callers.

pub use crate::yaml::to_json;
