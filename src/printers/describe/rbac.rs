//! `kubectl describe` for Role, ClusterRole, RoleBinding and ClusterRoleBinding.

use serde_json::Value;

use super::common::{annotations_multiline, arr, labels_multiline, s};
use super::writer::{Writer, LEVEL_0, LEVEL_1};
use super::DescribeContext;
use crate::dw;

/// A policy rule, as lists of strings.
#[derive(Clone, Debug, Default, PartialEq)]
struct Rule {
    verbs: Vec<String>,
    api_groups: Vec<String>,
    resources: Vec<String>,
    resource_names: Vec<String>,
    non_resource_urls: Vec<String>,
}

impl Rule {
    fn from_json(r: &Value) -> Rule {
        let list = |f: &str| arr(&r[f]).iter().map(|x| s(x).to_string()).collect();
        Rule { verbs: list("verbs"), api_groups: list("apiGroups"), resources: list("resources"), resource_names: list("resourceNames"), non_resource_urls: list("nonResourceURLs") }
    }

    /// The generated protobuf `String()`, which kubectl sorts rules by.
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

/// Go's `%v` of a `[]string`.
fn go_list(v: &[String]) -> String {
    format!("[{}]", v.join(" "))
}

/// rbac.BreakdownRule: one verb, resource and name per rule.
fn breakdown(rule: &Rule) -> Vec<Rule> {
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
fn compact(rules: Vec<Rule>) -> Vec<Rule> {
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
fn combine_resource_group(resources: &[String], groups: &[String]) -> String {
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

/// Role and ClusterRole.
pub fn describe_role(role: &Value, _ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let meta = &role["metadata"];
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    let rules = compact(arr(&role["rules"]).iter().flat_map(|r| breakdown(&Rule::from_json(r))).collect());
    w.write(LEVEL_0, "PolicyRule:\n");
    w.write(LEVEL_1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n");
    w.write(LEVEL_1, "---------\t-----------------\t--------------\t-----\n");
    for r in rules {
        dw!(
            w,
            LEVEL_1,
            "{}\t{}\t{}\t{}\n",
            combine_resource_group(&r.resources, &r.api_groups),
            go_list(&r.non_resource_urls),
            go_list(&r.resource_names),
            go_list(&r.verbs)
        );
    }
    w.finish()
}

/// RoleBinding and ClusterRoleBinding.
pub fn describe_binding(binding: &Value, _ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let meta = &binding["metadata"];
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    w.write(LEVEL_0, "Role:\n");
    dw!(w, LEVEL_1, "Kind:\t{}\n", s(&binding["roleRef"]["kind"]));
    dw!(w, LEVEL_1, "Name:\t{}\n", s(&binding["roleRef"]["name"]));
    w.write(LEVEL_0, "Subjects:\n");
    w.write(LEVEL_1, "Kind\tName\tNamespace\n");
    w.write(LEVEL_1, "----\t----\t---------\n");
    for subject in arr(&binding["subjects"]) {
        dw!(w, LEVEL_1, "{}\t{}\t{}\n", s(&subject["kind"]), s(&subject["name"]), s(&subject["namespace"]));
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules_are_broken_down_compacted_and_sorted() {
        let role = json!({"metadata": {"name": "r"}, "rules": [
            {"apiGroups": ["", "apps"], "resources": ["pods", "deployments/scale"], "verbs": ["get", "list"]},
            {"apiGroups": [""], "resources": ["pods"], "verbs": ["watch"], "resourceNames": ["a"]},
            {"nonResourceURLs": ["/healthz"], "verbs": ["get"]}
        ]});
        let out = describe_role(&role, &DescribeContext::new(true));
        // Sorted by the rule's String(): verbs first, then API groups.
        let table: Vec<&str> = out.lines().skip(6).collect();
        assert_eq!(
            table,
            [
                "  deployments/scale       []                 []              [get list]",
                "  pods                    []                 []              [get list]",
                "  deployments.apps/scale  []                 []              [get list]",
                "  pods.apps               []                 []              [get list]",
                "                          [/healthz]         []              [get]",
                "  pods                    []                 [a]             [watch]",
            ]
        );
    }
}
