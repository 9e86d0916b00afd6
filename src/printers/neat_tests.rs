use serde_json::json;

use super::*;

fn live_deployment(last_applied: Option<&str>) -> Value {
    let mut d = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {
            "annotations": {"deployment.kubernetes.io/revision": "1"},
            "creationTimestamp": "2026-11-27T14:31:30Z", "generation": 1,
            "labels": {"app": "web"}, "name": "web", "namespace": "ns",
            "resourceVersion": "2834", "uid": "879651b4-0e5e-4729-bc20-86c8729cb844",
            "managedFields": [{"manager": "kubectl"}]
        },
        "spec": {
            "progressDeadlineSeconds": 600, "replicas": 2, "revisionHistoryLimit": 10,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}, "type": "RollingUpdate"},
            "template": {
                "metadata": {"creationTimestamp": null, "labels": {"app": "web"}},
                "spec": {
                    "containers": [{
                        "env": [{"name": "NODE", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}}],
                        "image": "nginx:1.19", "imagePullPolicy": "IfNotPresent", "name": "c",
                        "ports": [{"containerPort": 80, "protocol": "TCP"}],
                        "readinessProbe": {"failureThreshold": 3, "httpGet": {"path": "/", "port": 80, "scheme": "HTTP"},
                            "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1},
                        "resources": {}, "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"
                    }],
                    "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "schedulerName": "default-scheduler",
                    "securityContext": {}, "terminationGracePeriodSeconds": 30
                }
            }
        },
        "status": {"replicas": 2}
    });
    if let Some(la) = last_applied {
        d["metadata"]["annotations"][LAST_APPLIED] = la.into();
    }
    d
}

#[test]
fn deployment_defaults_and_bookkeeping_go() {
    let got = neat(&live_deployment(None));
    assert_eq!(
        got,
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"labels": {"app": "web"}, "name": "web", "namespace": "ns"},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{
                        "env": [{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
                        "image": "nginx:1.19", "name": "c",
                        "ports": [{"containerPort": 80}],
                        "readinessProbe": {"httpGet": {"path": "/", "port": 80}}
                    }]}
                }
            }
        })
    );
}

#[test]
fn defaults_the_user_wrote_are_kept() {
    let la = r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"revisionHistoryLimit":10,"template":{"spec":{"restartPolicy":"Always","containers":[{"name":"c","imagePullPolicy":"IfNotPresent"}]}}}}"#;
    let got = neat(&live_deployment(Some(la)));
    assert_eq!(got["spec"]["revisionHistoryLimit"], 10);
    assert_eq!(got["spec"]["template"]["spec"]["restartPolicy"], "Always");
    assert_eq!(got["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"], "IfNotPresent");
    assert!(got["spec"]["template"]["spec"].get("dnsPolicy").is_none());
    assert!(got["metadata"].get("annotations").is_none(), "{got}");
}

#[test]
fn pods_lose_token_volumes_default_tolerations_and_scheduling() {
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "p", "namespace": "ns", "uid": "x", "annotations": {"keep": "me"}},
        "spec": {
            "containers": [{"name": "c", "image": "busybox", "imagePullPolicy": "Always",
                "volumeMounts": [
                    {"mountPath": "/data", "name": "data"},
                    {"mountPath": SA_MOUNT, "name": "default-token-rhfdl", "readOnly": true}
                ]}],
            "enableServiceLinks": true, "nodeName": "node-1", "priority": 0,
            "preemptionPolicy": "PreemptLowerPriority",
            "serviceAccount": "default", "serviceAccountName": "default",
            "tolerations": [
                {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
                {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300},
                {"effect": "NoSchedule", "key": "gpu", "operator": "Exists"}
            ],
            "volumes": [
                {"name": "data", "emptyDir": {}},
                {"name": "default-token-rhfdl", "secret": {"defaultMode": 420, "secretName": "default-token-rhfdl"}}
            ]
        },
        "status": {"phase": "Running"}
    });
    assert_eq!(
        neat(&pod),
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "namespace": "ns", "annotations": {"keep": "me"}},
            "spec": {
                "containers": [{"name": "c", "image": "busybox", "volumeMounts": [{"mountPath": "/data", "name": "data"}]}],
                "tolerations": [{"effect": "NoSchedule", "key": "gpu", "operator": "Exists"}],
                "volumes": [{"name": "data", "emptyDir": {}}]
            }
        })
    );
}

#[test]
fn services_jobs_and_service_accounts() {
    let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
        "spec": {"clusterIP": "10.96.1.2", "clusterIPs": ["10.96.1.2"], "type": "NodePort",
            "externalTrafficPolicy": "Cluster", "sessionAffinity": "None",
            "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80, "nodePort": 31234}, {"port": 53, "protocol": "UDP", "targetPort": 5353}],
            "selector": {"app": "web"}},
        "status": {"loadBalancer": {}}});
    assert_eq!(
        neat(&svc),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
            "spec": {"type": "NodePort", "ports": [{"port": 80}, {"port": 53, "protocol": "UDP", "targetPort": 5353}], "selector": {"app": "web"}}})
    );
    let headless = json!({"kind": "Service", "spec": {"clusterIP": "None", "clusterIPs": ["None"]}});
    assert_eq!(neat(&headless)["spec"]["clusterIP"], "None");

    let job = json!({"apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": "once", "labels": {"controller-uid": "u1", "job-name": "once"}},
        "spec": {"backoffLimit": 6, "completions": 1, "parallelism": 1,
            "selector": {"matchLabels": {"controller-uid": "u1"}},
            "template": {"metadata": {"creationTimestamp": null, "labels": {"controller-uid": "u1", "job-name": "once"}},
                "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}], "restartPolicy": "Never"}}}});
    assert_eq!(
        neat(&job),
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "once"},
            "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "busybox:1.36"}], "restartPolicy": "Never"}}}})
    );

    let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "robot"},
        "secrets": [{"name": "robot-token-5m9pd"}, {"name": "pull-secret"}]});
    assert_eq!(neat(&sa)["secrets"], json!([{"name": "pull-secret"}]));
}

#[test]
fn lists_are_neatened_item_by_item() {
    let list = json!({"apiVersion": "v1", "kind": "List", "items": [live_deployment(None)], "metadata": {"resourceVersion": ""}});
    let got = neat(&list);
    assert_eq!(got["kind"], "List");
    assert!(got["items"][0].get("status").is_none());
    assert!(got["items"][0]["spec"].get("strategy").is_none());
}

#[test]
fn pull_policy_follows_the_tag() {
    assert_eq!(default_pull_policy("nginx"), "Always");
    assert_eq!(default_pull_policy("nginx:latest"), "Always");
    assert_eq!(default_pull_policy("nginx:1.19"), "IfNotPresent");
    assert_eq!(default_pull_policy("localhost:5000/nginx"), "Always");
    assert_eq!(default_pull_policy("nginx@sha256:abc"), "IfNotPresent");
    assert!(is_token_secret_name("default-token-rhfdl"));
    assert!(!is_token_secret_name("my-token-secret"));
}
