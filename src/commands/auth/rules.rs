//! The `auth can-i --list` table: the review's rules broken down to one verb
//! each, simple resource rules merged again, sorted by the Go text form of
//! rbac/v1 PolicyRule (what kubectl sorts on), printed through the tabwriter.

use serde_json::Value;

use crate::printers::tabwriter::TabWriter;
use crate::rbac::{breakdown, combine_resource_group, compact, go_list, Rule};

/// The review status's resource rules, then its non-resource rules.
pub fn from_status(status: &Value) -> Vec<Rule> {
    let rules = |f: &str| status[f].as_array().cloned().unwrap_or_default();
    rules("resourceRules").iter().chain(rules("nonResourceRules").iter()).map(Rule::from_json).collect()
}

/// The whole table for a SelfSubjectRulesReview status.
pub fn table(status: &Value, no_headers: bool) -> String {
    let broken: Vec<Rule> = from_status(status).iter().flat_map(breakdown).collect();
    let rules = compact(broken);
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
