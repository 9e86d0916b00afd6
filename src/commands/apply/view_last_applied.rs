//! `kctl apply view-last-applied (TYPE [NAME | -l label] | TYPE/NAME | -f FILENAME)`:
//! the last-applied-configuration annotation, as YAML or as the annotation's
//! own JSON indented.

use serde_json::{json, Value};

use crate::client::{Client, Request, ResourcePath};
use crate::commands::targets::{self, Target};
use crate::error::CliError;
use crate::settings::Settings;

const PATH: &str = "apply view-last-applied";
const ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// (TYPE [NAME | -l label] | TYPE/NAME)
    pub args: Vec<String>,
    /// Select all resources in the namespace of the specified resource types
    #[arg(long)]
    pub all: bool,
    /// Filename, directory, or URL to files that contains the last-applied-configuration annotations
    #[arg(short = 'f', long = "filename")]
    pub filename: Vec<String>,
    /// Process the kustomization directory. This flag can't be used together with -f or -R.
    #[arg(short = 'k', long)]
    pub kustomize: Option<String>,
    /// Output format. Must be one of (yaml, json)
    #[arg(short = 'o', long, default_value = "yaml")]
    pub output: String,
    /// Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.
    #[arg(short = 'R', long)]
    pub recursive: bool,
    /// Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let filenames = crate::commands::manifests::sources(&args.filename, args.kustomize.as_deref(), args.recursive)?;
    if args.output != "yaml" && args.output != "json" {
        return Err(crate::commands::create::flags::usage(PATH, format!("Unexpected -o output mode: {}, the flag 'output' must be one of yaml|json", args.output)));
    }
    if args.args.is_empty() && filenames.is_empty() {
        return Err(CliError::msg(crate::commands::delete::NO_RESOURCES));
    }
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    let objects = rt.block_on(async {
        let resolved = if filenames.is_empty() {
            targets::resolve_on_server(&client, &settings.cache_dir, &targets::parse(&args.args)?).await?
        } else {
            let (t, problems) = targets::from_manifests(&client, &settings.cache_dir, &filenames, args.recursive).await?;
            if let Some(p) = problems.into_iter().next() {
                return Err(CliError::msg(p));
            }
            t
        };
        collect(&client, &resolved, &args).await
    })?;
    for obj in objects {
        let Some(text) = obj["metadata"]["annotations"][ANNOTATION].as_str().filter(|t| !t.is_empty()) else { continue };
        let out = if args.output == "json" {
            indent(text)
        } else {
            let v: Value = serde_json::from_str(text).map_err(|e| CliError::msg(e.to_string()))?;
            crate::printers::yaml::to_string(&v)
        };
        crate::output::print(&out);
    }
    Ok(())
}

/// The objects named, or every one of a type (filtered by `-l`).
async fn collect(client: &Client, resolved: &[Target], args: &Args) -> Result<Vec<Value>, CliError> {
    let ns = client.config().namespace.clone();
    let mut out = Vec::new();
    for t in resolved {
        let r = &t.resource;
        let namespace = r.namespaced.then(|| t.namespace.clone().unwrap_or_else(|| ns.clone()));
        if t.names.is_empty() {
            let mut req = Request::get(ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace: namespace.as_deref(), ..Default::default() }.to_path());
            if let Some(s) = &args.selector {
                req = req.query("labelSelector", s.clone());
            }
            let list: Value = client.send(&req).await?.json()?;
            out.extend(list["items"].as_array().cloned().unwrap_or_default());
        }
        for n in &t.names {
            let path = ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace: namespace.as_deref(), name: Some(n), subresource: None }.to_path();
            let mut obj: Value = client.send(&Request::get(path)).await?.json()?;
            obj["kind"] = json!(r.kind);
            out.push(obj);
        }
    }
    Ok(out)
}

/// Go's `json.Indent(out, text, "", "  ")` and a newline: the annotation's
/// own key order and escapes, re-indented.
pub fn indent(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    let (mut in_str, mut escaped) = (false, false);
    let chars: Vec<char> = text.chars().collect();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if in_str {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            ' ' | '\t' | '\n' | '\r' => {}
            '"' => {
                in_str = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                let next = chars[i..].iter().find(|c| !c.is_whitespace());
                if next == Some(&close) {
                    // An empty object or array stays on its line.
                    while chars[i] != close {
                        i += 1;
                    }
                    out.push(close);
                    i += 1;
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            other => out.push(other),
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn indents_like_go() {
        assert_eq!(super::indent(r#"{"a":{},"b":[1,{"c":"x\u003c\"y"}],"d":[]}"#), "{\n  \"a\": {},\n  \"b\": [\n    1,\n    {\n      \"c\": \"x\\u003c\\\"y\"\n    }\n  ],\n  \"d\": []\n}\n");
    }
}
