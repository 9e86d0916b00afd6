use super::line::{self, Pending};
use super::*;

fn s(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

fn walk(args: &[&str]) -> line::Line {
    let mut root = Cli::command();
    root.build();
    line::walk(&root, &s(args))
}

fn names(c: &Completion) -> Vec<&str> {
    c.candidates.iter().map(|(v, _)| v.as_str()).collect()
}

#[test]
fn walk_reads_subcommands_flags_and_positionals() {
    let l = walk(&["-n", "kube-system", "get", "pods", "--context=admin", "-oyaml", "web"]);
    assert_eq!(l.path, vec!["get"]);
    assert_eq!(l.positionals, vec!["pods", "web"]);
    assert_eq!(l.value("namespace"), Some("kube-system"));
    assert_eq!(l.value("context"), Some("admin"));
    assert_eq!(l.value("output"), Some("yaml"));
    assert_eq!(l.pending, Pending::None);
}

#[test]
fn walk_leaves_a_value_flag_pending() {
    let l = walk(&["config", "use-context", "--kubeconfig"]);
    assert_eq!(l.path, vec!["config", "use-context"]);
    assert!(matches!(l.pending, Pending::FlagValue(ref f) if f.is("kubeconfig")));
}

#[test]
fn optional_value_flags_do_not_take_the_next_word() {
    // `--dry-run` takes its value only with `=`, as in kubectl.
    let l = walk(&["apply", "--dry-run", "-f"]);
    assert!(matches!(l.pending, Pending::FlagValue(ref f) if f.is("filename")));
    assert!(l.positionals.is_empty());
}

#[test]
fn subcommands_are_offered_sorted_with_descriptions() {
    let c = complete(&s(&["config", "use"]));
    assert_eq!(names(&c), vec!["use-context"]);
    assert_eq!(c.directive, NO_FILE_COMP);
    let c = complete(&s(&["rollout", ""]));
    let n = names(&c);
    let mut sorted = n.clone();
    sorted.sort();
    assert_eq!(n, sorted);
}

#[test]
fn flags_list_globals_first_then_the_command_s_own() {
    let c = complete(&s(&["get", "--n"]));
    assert_eq!(names(&c), vec!["--namespace", "--neat", "--no-headers"]);
    assert!(c.candidates[0].1.starts_with("If present, the namespace scope"));
    let c = complete(&s(&["get", "-"]));
    let n = names(&c);
    let global = n.iter().position(|f| *f == "--namespace").unwrap();
    let local = n.iter().position(|f| *f == "--all-namespaces").unwrap();
    assert!(global < local, "{n:?}");
    assert_eq!(n[global + 1], "-n");
    // Only long names after `--`.
    assert!(complete(&s(&["get", "--"])).candidates.iter().all(|(v, _)| v.starts_with("--")));
}

#[test]
fn flags_already_given_are_not_offered_again() {
    let c = complete(&s(&["get", "--no-headers", "--no"]));
    assert!(names(&c).is_empty(), "{:?}", names(&c));
}

#[test]
fn output_formats_for_get_and_inline_short_values() {
    let c = complete(&s(&["get", "-o", "j"]));
    assert_eq!(names(&c), vec!["json", "jsonpath", "jsonpath-as-json", "jsonpath-file"]);
    let c = complete(&s(&["get", "-o=y"]));
    assert_eq!(names(&c), vec!["yaml"]);
    assert!(names(&complete(&s(&["get", "-oy"]))).is_empty());
    let c = complete(&s(&["get", "--output=na"]));
    assert_eq!(names(&c), vec!["name"]);
}

#[test]
fn filename_flags_filter_by_extension() {
    let c = complete(&s(&["apply", "-f", ""]));
    assert_eq!(names(&c), vec!["json", "yaml", "yml"]);
    assert_eq!(c.directive, FILTER_FILE_EXT);
}

#[test]
fn commands_without_argument_completion_fall_back_to_files() {
    let c = complete(&s(&["create", "configmap", ""]));
    assert!(c.candidates.is_empty());
    assert_eq!(c.directive, DEFAULT);
}

#[test]
fn required_flags_come_first() {
    let c = complete(&s(&["scale", ""]));
    assert_eq!(names(&c), vec!["--replicas", "deployment", "replicaset", "replicationcontroller", "statefulset"]);
    let c = complete(&s(&["scale", "--replicas=2", ""]));
    assert_eq!(names(&c)[0], "deployment");
}

#[test]
fn completion_offers_the_shells() {
    assert_eq!(names(&complete(&s(&["completion", ""]))), vec!["bash", "zsh", "fish", "powershell"]);
}

#[test]
fn directive_names_match_cobra() {
    assert_eq!(directive_names(0), "ShellCompDirectiveDefault");
    assert_eq!(directive_names(6), "ShellCompDirectiveNoSpace, ShellCompDirectiveNoFileComp");
}
