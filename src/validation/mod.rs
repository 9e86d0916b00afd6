//! kubectl's client-side schema validation, which it falls back to when the
//! server does not take the `fieldValidation` parameter for a kind (as a
//! v1.20 apiserver does not): each document is checked against the server's
//! OpenAPI v2 definitions (unknown fields, wrong types, missing required
//! fields). `--validate=warn` only warns, once per document, that it cannot
//! validate. Used by `apply -f`, `create -f` ([`check`]) and `edit`
//! ([`Validator`] through [`client_side`]).

mod cache;
mod schema;

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::client::Client;
use crate::manifest::{ErrorKind, Item, ManifestError};
pub use cache::load_covering;
pub use schema::Validator;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Directive {
    Strict,
    Warn,
    Ignore,
}

impl Directive {
    /// kubectl's `GetValidationDirective`: Go's boolean spellings or a directive's name.
    pub fn parse(flag: &str) -> Result<Directive, crate::error::CliError> {
        match flag {
            "strict" | "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(Directive::Strict),
            "warn" => Ok(Directive::Warn),
            "ignore" | "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(Directive::Ignore),
            other => Err(crate::error::CliError::msg(format!(
                "invalid - validate option {}; must be one of: strict (or true), warn, ignore (or false)",
                crate::yaml::go_quote(other)
            ))),
        }
    }

    /// The `fieldValidation` value sent to the server.
    pub fn field_validation(self) -> &'static str {
        match self {
            Directive::Strict => "Strict",
            Directive::Warn => "Warn",
            Directive::Ignore => "Ignore",
        }
    }

    /// From the `fieldValidation` value sent to the server.
    pub fn from_field_validation(value: &str) -> Directive {
        match value {
            "Strict" => Directive::Strict,
            "Warn" => Directive::Warn,
            _ => Directive::Ignore,
        }
    }
}

/// kubectl's `paramVerifyingSchema` for a document of the given type: when
/// the server does not validate that kind itself, `Warn` only says so and
/// `Strict` returns what `validate` finds.
fn verify(validator: &Validator, (group, version, kind): (&str, &str, &str), directive: Directive, validate: impl FnOnce() -> Vec<String>) -> Vec<String> {
    if directive == Directive::Ignore || validator.supports_field_validation(group, version, kind) {
        return Vec::new();
    }
    if directive == Directive::Warn {
        crate::client::log::emit('W', "schema.go:145", "cannot perform warn validation if server-side field validation is unsupported, skipping validation");
        return Vec::new();
    }
    validate()
}

/// The schema errors of one object (a `v1` `List` item by item), or none
/// when the server validates its kind itself or `directive` is not `Strict`.
pub fn client_side(validator: &Validator, obj: &Value, directive: Directive) -> Vec<String> {
    let (group, version, kind) = crate::patch::group_version_kind(obj);
    verify(validator, (&group, &version, &kind), directive, || validator.validate(obj))
}

/// The errors that stand for several (a list's items without a kind), with
/// the messages kubectl prints one per line when such an error is the only one.
pub fn aggregates(items: &[Item]) -> HashMap<String, Vec<String>> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Error(e) if e.causes.len() > 1 => Some((e.message.clone(), e.causes.clone())),
            _ => None,
        })
        .collect()
}

/// Run kubectl's fallback validation over what `-f` read. Documents that fail
/// become kubectl's `error validating …` and end their source; with `Warn`
/// each document gets kubectl's warning instead. Nothing changes when the
/// server validates itself or its schema cannot be had.
pub async fn check(client: &Client, cache_dir: &Path, items: Vec<Item>, directive: Directive) -> Vec<Item> {
    if directive == Directive::Ignore || !items.iter().any(|i| matches!(i, Item::Object(_))) {
        return items;
    }
    let kinds: Vec<(String, String, String)> = items
        .iter()
        .filter_map(|i| match i {
            Item::Object(d) => Some(crate::patch::group_version_kind(&d.object)),
            Item::Error(_) => None,
        })
        .collect();
    let Some(doc) = cache::load_covering(client, cache_dir, &kinds).await else { return items };
    let Some(validator) = Validator::new(&doc) else { return items };
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    let mut stopped: Vec<String> = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let source = match &items[i] {
            Item::Object(d) => d.source.clone(),
            Item::Error(e) => e.source.clone(),
        };
        if stopped.contains(&source) {
            i += 1;
            continue;
        }
        let Item::Object(first) = &items[i] else {
            out.push(items[i].clone());
            i += 1;
            continue;
        };
        // One document: a plain object, or every item of one list.
        let mut end = i + 1;
        while end < items.len() && matches!(&items[end], Item::Object(d) if d.source == first.source && d.index == first.index && first.list.is_some()) {
            end += 1;
        }
        let errs = match &first.list {
            None => client_side(&validator, &first.object, directive),
            Some(list) => {
                let (group, version) = list.api_version.rsplit_once('/').unwrap_or(("", &list.api_version));
                let objects = items[i..end].iter().filter_map(|it| match it {
                    Item::Object(d) => Some(&d.object),
                    Item::Error(_) => None,
                });
                verify(&validator, (group, version, &list.kind), directive, || objects.flat_map(|o| validator.validate_resource(o)).collect())
            }
        };
        if !errs.is_empty() {
            let message = format!(
                "error validating {}: error validating data: {}; if you choose to ignore these errors, turn validation off with --validate=false",
                crate::yaml::go_quote(&first.source),
                crate::manifest::aggregate(&errs)
            );
            out.push(Item::Error(ManifestError { kind: ErrorKind::Validate, source: first.source.clone(), line: Some(first.line), message, causes: Vec::new() }));
            stopped.push(first.source.clone());
            i = end;
            continue;
        }
        out.extend(items[i..end].iter().cloned());
        i = end;
    }
    out
}
