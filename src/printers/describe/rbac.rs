//! `kubectl describe` for Role, ClusterRole, RoleBinding and ClusterRoleBinding.

use serde_json::Value;

use super::common::{annotations_multiline, arr, labels_multiline, s};
use super::writer::{Writer, LEVEL_0, LEVEL_1};
use super::DescribeContext;
use crate::dw;
use crate::rbac::{breakdown, combine_resource_group, compact, go_list, Rule};

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
