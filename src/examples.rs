//! Examples for `--help` and the man pages, kept apart from the argument types so
//! that each command file stays about parsing. Keys are command paths.

use clap::Command;

const EXAMPLES: &[(&str, &str)] = &[
    ("get", "  # Pods in the current namespace, then with their nodes and IPs
  kctl get pods
  kctl get pods -o wide

  # One deployment as YAML, and a field of it
  kctl get deployment web -o yaml
  kctl get deployment web -o jsonpath='{.spec.replicas}'

  # Everything labelled app=web, in every namespace
  kctl get all -l app=web -A

  # Watch pods change
  kctl get pods -w"),
    ("apply", "  # Create or update the objects in a file, a directory, or stdin
  kctl apply -f web.yaml
  kctl apply -f manifests/ -R
  cat web.yaml | kctl apply -f -

  # Preview the result without saving it
  kctl apply -f web.yaml --dry-run=server -o yaml

  # Apply on the server, owning the fields as 'kubectl' does
  kctl apply --server-side -f web.yaml

  # Delete labelled objects that are no longer in the directory
  kctl apply -f manifests/ --prune -l app=web"),
    ("diff", "  # What applying would change (exit code 1 when something differs)
  kctl diff -f web.yaml

  # With another diff program
  KUBECTL_EXTERNAL_DIFF='diff -u --color' kctl diff -f manifests/"),
    ("create", "  # Create the objects in a file
  kctl create -f web.yaml

  # Print a generated manifest instead of creating it
  kctl create deployment web --image=nginx --dry-run=client -o yaml"),
    ("delete", "  # Delete what a file describes, or objects by type and name
  kctl delete -f web.yaml
  kctl delete deployment web

  # Delete by label, without waiting for finalizers
  kctl delete pods -l app=web --wait=false

  # Remove a stuck pod immediately
  kctl delete pod web-0 --grace-period=0 --force"),
    ("replace", "  # Replace an object with the file's version
  kctl replace -f web.yaml

  # Delete and recreate it
  kctl replace --force -f web.yaml"),
    ("patch", "  # Merge a change into a deployment (strategic merge)
  kctl patch deployment web -p '{\"spec\":{\"replicas\":3}}'

  # A JSON patch
  kctl patch deployment web --type=json -p '[{\"op\":\"remove\",\"path\":\"/spec/template/metadata/labels/tier\"}]'"),
    ("edit", "  # Edit a deployment in $KUBE_EDITOR or $EDITOR
  kctl edit deployment web

  # Edit as JSON
  kctl edit deployment web -o json"),
    ("label", "  # Add a label, change it, remove it
  kctl label pods web-0 tier=frontend
  kctl label pods web-0 tier=backend --overwrite
  kctl label pods web-0 tier-"),
    ("annotate", "  # Add an annotation to every pod labelled app=web
  kctl annotate pods -l app=web owner=team-a

  # Remove it
  kctl annotate pods -l app=web owner-"),
    ("run", "  # A pod running nginx, then one that also gets a ClusterIP service on port 80
  kctl run web --image=nginx
  kctl run web --image=nginx --port=80 --expose

  # The pod as YAML, without creating it
  kctl run web --image=nginx --dry-run=client -o yaml

  # Arguments for the image's entrypoint, or a command of its own
  kctl run pi --image=perl --restart=Never -- perl -e 'print 1'
  kctl run box --image=busybox --command -- sleep 3600

  # Change the generated pod with a JSON merge patch
  kctl run web --image=nginx --overrides='{\"spec\":{\"nodeName\":\"node-1\"}}'"),
    ("expose", "  # A service for a deployment, its selector and port read from the deployment
  kctl expose deployment web

  # Port 80 on the service, 8080 on the pods, under another name
  kctl expose deployment web --port=80 --target-port=8080 --name=web-http

  # A NodePort service for a pod, as YAML, without creating it
  kctl expose pod web --type=NodePort --dry-run=client -o yaml"),
    ("scale", "  # Run three replicas
  kctl scale deployment web --replicas=3

  # Only if there are two now
  kctl scale deployment web --current-replicas=2 --replicas=3"),
    ("cordon", "  # Mark node \"foo\" as unschedulable
  kctl cordon foo

  # Every node labelled pool=old
  kctl cordon -l pool=old"),
    ("uncordon", "  # Mark node \"foo\" as schedulable
  kctl uncordon foo"),
    ("drain", "  # Drain node \"foo\", even if there are pods not managed by a controller on it
  kctl drain foo --force

  # As above, but abort if there are unmanaged pods, and use a grace period of 15 minutes
  kctl drain foo --grace-period=900

  # Show what would be evicted, skipping DaemonSet pods
  kctl drain foo --ignore-daemonsets --dry-run=client"),
    ("taint", "  # Taint node \"foo\" so that no pod without a matching toleration is scheduled there
  kctl taint nodes foo dedicated=special-user:NoSchedule

  # Remove the taint with key \"dedicated\" and effect \"NoSchedule\", then every taint with key \"bar\"
  kctl taint nodes foo dedicated:NoSchedule-
  kctl taint nodes foo bar-

  # Add a taint with key \"bar\" and no value to the nodes labelled myLabel=X
  kctl taint node -l myLabel=X bar:PreferNoSchedule"),
    ("describe", "  # A pod with its events
  kctl describe pod web-0

  # Every pod whose name starts with web
  kctl describe pods web

  # Nodes, without events
  kctl describe nodes --show-events=false"),
    ("logs", "  # The logs of a pod, or of one of a deployment's pods
  kctl logs web-0
  kctl logs deployment/web

  # Follow every pod labelled app=web, prefixed with its name
  kctl logs -f -l app=web --prefix

  # The last 100 lines of the previous container instance
  kctl logs web-0 -p --tail=100"),
    ("events", "  # Recent events in the namespace, oldest first
  kctl events

  # Warnings about one deployment
  kctl events --for deployment/web --types=Warning"),
    ("wait", "  # Until a deployment is available
  kctl wait deployment/web --for=condition=Available --timeout=60s

  # Until a pod is gone
  kctl wait pod/web-0 --for=delete"),
    ("rollout", "  # Follow a rollout, see its history, go back one revision
  kctl rollout status deployment/web
  kctl rollout history deployment/web
  kctl rollout undo deployment/web"),
    ("config", "  # Which context is in use, and switch to another
  kctl config current-context
  kctl config use-context staging"),
    ("version", "  # Client and server versions
  kctl version

  # As YAML
  kctl version -o yaml"),
    ("api-resources", "  # Every resource type the server serves, with short names
  kctl api-resources

  # Namespaced types of the apps group
  kctl api-resources --api-group=apps --namespaced=true"),
    ("api-versions", "  # Every group/version the server serves
  kctl api-versions"),
    ("explain", "  # A resource and its fields, then one field
  kctl explain pods
  kctl explain deployments.spec.template.spec.containers

  # Every field, without descriptions
  kctl explain pods --recursive

  # One version of a resource, in kubectl's original format
  kctl explain cronjobs --api-version=batch/v1beta1 --output=plaintext-openapiv2"),
    ("cluster-info", "  # Where the control plane and its services are
  kctl cluster-info"),
    ("completion", "  # Load the kctl completion code for bash into the current shell
  source <(kctl completion bash)

  # Install it for every shell
  kctl completion bash > /etc/bash_completion.d/kctl

  # Complete an alias as well
  alias k=kctl
  complete -o default -F __start_kctl k

  # zsh (after compinit), fish, PowerShell
  source <(kctl completion zsh)
  kctl completion fish | source
  kctl completion powershell | Out-String | Invoke-Expression"),
    ("ctx", "  # List contexts (the current one is marked on a terminal), switch, switch back
  kctl ctx
  kctl ctx staging
  kctl ctx -"),
    ("ns", "  # List namespaces, make kube-system the context's namespace, go back
  kctl ns
  kctl ns kube-system
  kctl ns -"),
    ("view-secret", "  # Every key of a secret, decoded
  kctl view-secret db-credentials

  # One key's raw bytes, e.g. into a file
  kctl view-secret db-credentials password > password.txt"),
    ("plugin", "  # Every kctl-* and kubectl-* plugin on PATH
  kctl plugin list"),
    ("exec", "  # Run a command in a pod's default container
  kctl exec web-0 -- ls /

  # An interactive shell in one container of a deployment's pod
  kctl exec -it deployment/web -c app -- sh

  # Feed a file to a command
  kctl exec -i web-0 -- sh -c 'cat > /tmp/config' < config.yaml"),
    ("attach", "  # Follow a running container's output, or type into it
  kctl attach web-0 -c app
  kctl attach -it web-0"),
    ("port-forward", "  # Local port 8080 to the pod's port 80
  kctl port-forward web-0 8080:80

  # A service's named port, reachable from other machines
  kctl port-forward --address 0.0.0.0 service/web 8443:https"),
    ("cp", "  # A local directory into a pod, and a file back out
  kctl cp ./site web-0:/usr/share/nginx/html
  kctl cp web-0:/var/log/app.log ./app.log -c app"),
];

/// Nested commands are built only when invoked, so their examples are attached
/// where they are declared (`#[command(after_help = ...)]`).
pub const SET_IMAGE: &str = concat!("Examples:\n", "  # A new image for one container, or for every container
  kctl set image deployment/web app=nginx:1.27
  kctl set image deployment/web '*=nginx:1.27'

  # Print the change without sending it
  kctl set image -f web.yaml app=nginx:1.27 --local -o yaml");

/// Add the examples to the commands they describe (those this build has).
pub fn attach(mut root: Command) -> Command {
    for (path, text) in EXAMPLES {
        if root.find_subcommand(path).is_some() {
            let text = format!("Examples:\n{text}");
            root = root.mut_subcommand(path, |c| c.after_help(text));
        }
    }
    root
}
