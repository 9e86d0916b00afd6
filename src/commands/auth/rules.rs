//! The `auth can-i --list` table: the review's rules broken down to one verb
//! each, simple resource rules merged again, sorted by the Go text form of
//! rbac/v1 PolicyRule (what kubectl sorts on), printed through the tabwriter.

use std::collections::HashMap;

use serde_json::Value;

use crate::printers::tabwriter::TabWriter;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rule {
    pub verbs: Vec<String>,
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    pub resource_names: Vec<String>,
    pub non_resource_urls: Vec<String>,
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

/// Go's `%v` of a string slice.
fn go_list(v: &[String]) -> String {
    format!("[{}]", v.join(" "))
}

impl Rule {
    /// The generated protobuf `String()` of rbac/v1 PolicyRule.
    fn go_string(&self) -> String {
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

/// The review status's resource rules, then its non-resource rules.
pub fn from_status(status: &Value) -> Vec<Rule> {
    let mut out = Vec::new();
    for r in status["resourceRules"].as_array().into_iter().flatten() {
        out.push(Rule { verbs: strings(&r["verbs"]), api_groups: strings(&r["apiGroups"]), resources: strings(&r["resources"]), resource_names: strings(&r["resourceNames"]), non_resource_urls: Vec::new() });
    }
    for r in status["nonResourceRules"].as_array().into_iter().flatten() {
        out.push(Rule { verbs: strings(&r["verbs"]), non_resource_urls: strings(&r["nonResourceURLs"]), ..Rule::default() });
    }
    out
}

/// rbac util's BreakdownRule: one verb, resource and name per rule.
pub fn breakdown(rule: &Rule) -> Vec<Rule> {
    let mut out = Vec::new();
    let one = |s: &String| vec![s.clone()];
    for group in &rule.api_groups {
        for resource in &rule.resources {
            for verb in &rule.verbs {
                if rule.resource_names.is_empty() {
                    out.push(Rule { api_groups: one(group), resources: one(resource), verbs: one(verb), ..Rule::default() });
                } else {
                    for name in &rule.resource_names {
                        out.push(Rule { api_groups: one(group), resources: one(resource), verbs: one(verb), resource_names: one(name), ..Rule::default() });
                    }
                }
            }
        }
    }
    for url in &rule.non_resource_urls {
        for verb in &rule.verbs {
            out.push(Rule { non_resource_urls: one(url), verbs: one(verb), ..Rule::default() });
        }
    }
    out
}

/// rbac util's CompactRules: rules on one group/resource (and at most one
/// name) merged, their verbs in first-seen order. Non-simple rules keep their
/// place; merged ones follow (the final sort makes their order irrelevant).
fn compact(rules: Vec<Rule>) -> Vec<Rule> {
    let mut out = Vec::new();
    let mut simple: Vec<Rule> = Vec::new();
    let mut index: HashMap<(String, String, Option<String>), usize> = HashMap::new();
    for rule in rules {
        let is_simple = rule.resource_names.len() <= 1 && rule.non_resource_urls.is_empty() && rule.api_groups.len() == 1 && rule.resources.len() == 1;
        if !is_simple {
            out.push(rule);
            continue;
        }
        let key = (rule.api_groups[0].clone(), rule.resources[0].clone(), rule.resource_names.first().cloned());
        match index.get(&key) {
            Some(&i) => {
                for verb in rule.verbs {
                    if !simple[i].verbs.contains(&verb) {
                        simple[i].verbs.push(verb);
                    }
                }
            }
            None => {
                index.insert(key, simple.len());
                simple.push(rule);
            }
        }
    }
    out.extend(simple);
    out
}

/// describe's CombineResourceGroup: `resource.group[/subresource]`.
fn combine_resource_group(resources: &[String], groups: &[String]) -> String {
    let Some(first) = resources.first() else { return String::new() };
    let (res, sub) = match first.split_once('/') {
        Some((r, s)) => (r, Some(s)),
        None => (first.as_str(), None),
    };
    let mut out = res.to_string();
    if let Some(g) = groups.first().filter(|g| !g.is_empty()) {
        out.push('.');
        out.push_str(g);
    }
    if let Some(s) = sub {
        out.push('/');
        out.push_str(s);
    }
    out
}

/// The whole table for a SelfSubjectRulesReview status.
pub fn table(status: &Value, no_headers: bool) -> String {
    let broken: Vec<Rule> = from_status(status).iter().flat_map(breakdown).collect();
    let mut rules = compact(broken);
    rules.sort_by_cached_key(Rule::go_string);
    let mut w = TabWriter::new();
    if !no_headers {
        w.write_str("Resources\tNon-Resource URLs\tResource Names\tVerbs\n");
    }
    for r in &rules {
        w.write_str(&format!(
            "{}\t{}\t{}\t{}\n",
            combine_resource_group(&r.resources, &r.api_groups),
            go_list(&r.non_resource_urls),
            go_list(&r.resource_names),
            go_list(&r.verbs)
        ));
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::table;
    use serde_json::json;

    #[test]
    fn rules_table_like_kubectl() {
        let status = json!({
            "resourceRules": [
                {"verbs": ["create"], "apiGroups": ["authorization.k8s.io"], "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]},
                {"verbs": ["get", "list"], "apiGroups": [""], "resources": ["pods", "pods/log"]},
                {"verbs": ["watch"], "apiGroups": [""], "resources": ["pods"]},
                {"verbs": ["get"], "apiGroups": ["apps"], "resources": ["deployments"], "resourceNames": ["a", "b"]}
            ],
            "nonResourceRules": [{"verbs": ["get"], "nonResourceURLs": ["/healthz", "/api"]}]
        });
        let want = "\
Resources                                       Non-Resource URLs   Resource Names   Verbs
selfsubjectaccessreviews.authorization.k8s.io   []                  []               [create]
selfsubjectrulesreviews.authorization.k8s.io    []                  []               [create]
pods                                            []                  []               [get list watch]
pods/log                                        []                  []               [get list]
                                                [/api]              []               [get]
                                                [/healthz]          []               [get]
deployments.apps                                []                  [a]              [get]
deployments.apps                                []                  [b]              [get]
";
        assert_eq!(table(&status, false), want);
    }
}
