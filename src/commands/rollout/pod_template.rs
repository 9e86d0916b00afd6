//! The `Pod Template:` section kubectl's describe printer writes for
//! `rollout history --revision=N` and `rollout undo --dry-run`: describe's
//! own pod-template printer, through a PrefixWriter straight into a buffer
//! rather than a tabwriter, so the tabs stay in the output as they are.

use serde_json::Value;

use crate::printers::describe::{podtemplate, writer::Writer};

/// kubectl's `DescribePodTemplate` into a bare buffer.
pub fn describe(template: &Value) -> String {
    let mut w = Writer::untabbed();
    podtemplate::pod_template(&mut w, template);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn minimal_template() {
        let t = json!({"metadata": {"labels": {"app": "web", "pod-template-hash": "abc"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
        assert_eq!(
            describe(&t),
            "Pod Template:\n  Labels:\tapp=web\n\tpod-template-hash=abc\n  Containers:\n   c:\n    Image:\tnginx\n    Port:\t<none>\n    Host Port:\t<none>\n    Environment:\t<none>\n    Mounts:\t<none>\n  Volumes:\t<none>\n  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n"
        );
    }
}
