//! rbac/v1 PolicyRules as kubectl prints them: `describe role` and
//! `auth can-i --list` both break rules down to one verb each, merge the
//! simple ones again, sort by the Go text form and name resources
//! `resource.group[/subresource]`.

use serde_json::Value;

/// A policy rule, as lists of strings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rule {
    pub verbs: Vec<String>,
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    pub resource_names: Vec<String>,
    pub non_resource_urls: Vec<String>,
}

impl Rule {
    pub fn from_json(r: &Value) -> Rule {
        let list = |f: &str| r[f].as_array().into_iter().flatten().map(|x| x.as_str().unwrap_or("").to_string()).collect();
        Rule { verbs: list("verbs"), api_groups: list("apiGroups"), resources: list("resources"), resource_names: list("resourceNames"), non_resource_urls: list("nonResourceURLs") }
    }

    /// The generated protobuf `String()`, which kubectl sorts rules by.
    pub fn go_string(&self) -> String {
        format!(
            "&PolicyRule{{Verbs:{},APIGroups:{},Resources:{},ResourceNames:{},NonResourceURLs:{},}}",
            go_list(&self.verbs),
            go_list(&self.api_groups),
            go_list(&self.resources),
            go_list(&self.resource_names),
            go_list(&self.non_resource_urls)
        )
    }
}

/// Go's `%v` of a `[]string`.
pub fn go_list(v: &[String]) -> String {
    format!("[{}]", v.join(" "))
}

/// rbac.BreakdownRule: one verb, resource and name per rule.
pub fn breakdown(rule: &Rule) -> Vec<Rule> {
    let mut out = Vec::new();
    for group in &rule.api_groups {
        for resource in &rule.resources {
            for verb in &rule.verbs {
                let base = Rule { verbs: vec![verb.clone()], api_groups: vec![group.clone()], resources: vec![resource.clone()], ..Default::default() };
                if rule.resource_names.is_empty() {
                    out.push(base);
                } else {
                    for name in &rule.resource_names {
                        out.push(Rule { resource_names: vec![name.clone()], ..base.clone() });
                    }
                }
            }
        }
    }
    for url in &rule.non_resource_urls {
        for verb in &rule.verbs {
            out.push(Rule { non_resource_urls: vec![url.clone()], verbs: vec![verb.clone()], ..Default::default() });
        }
    }
    out
}

/// rbac.CompactRules then a stable sort by `String()`: single-resource
/// rules that differ only by verb are merged.
pub fn compact(rules: Vec<Rule>) -> Vec<Rule> {
    let mut compacted: Vec<Rule> = Vec::new();
    // Keyed by (group, resource, resource name), in first-seen order.
    type Key = (String, String, Option<String>);
    let mut simple: Vec<(Key, Rule)> = Vec::new();
    for rule in rules {
        let is_simple = rule.resource_names.len() <= 1 && rule.non_resource_urls.is_empty() && rule.api_groups.len() == 1 && rule.resources.len() == 1;
        if !is_simple {
            compacted.push(rule);
            continue;
        }
        let key = (rule.api_groups[0].clone(), rule.resources[0].clone(), rule.resource_names.first().cloned());
        match simple.iter_mut().find(|(k, _)| *k == key) {
            Some((_, existing)) => {
                for verb in rule.verbs {
                    if !existing.verbs.contains(&verb) {
                        existing.verbs.push(verb);
                    }
                }
            }
            None => simple.push((key, rule)),
        }
    }
    compacted.extend(simple.into_iter().map(|(_, r)| r));
    compacted.sort_by_cached_key(Rule::go_string);
    compacted
}

/// CombineResourceGroup: `resource.group[/subresource]` of the first ones.
pub fn combine_resource_group(resources: &[String], groups: &[String]) -> String {
    let Some(first) = resources.first() else {
        return String::new();
    };
    let (resource, sub) = match first.split_once('/') {
        Some((r, sub)) => (r, Some(sub)),
        None => (first.as_str(), None),
    };
    let mut out = resource.to_string();
    if let Some(g) = groups.first().filter(|g| !g.is_empty()) {
        out.push('.');
        out.push_str(g);
    }
    if let Some(sub) = sub {
        out.push('/');
        out.push_str(sub);
    }
    out
}
