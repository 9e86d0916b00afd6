//! `kubectl describe persistentvolume`: claim, policy, node affinity and
//! the volume source, each source type worded as kubectl words it.

use serde_json::Value;

use super::common::{annotations_multiline, arr, b, events, labels_multiline, s, since, sorted_map};
use crate::quantity;
use super::related::{access_modes, storage_class, string_list};
use super::writer::{Writer, LEVEL_0, LEVEL_1, LEVEL_2};
use super::DescribeContext;
use crate::dw;

pub fn describe(pv: &Value, ctx: &DescribeContext) -> String {
    let meta = &pv["metadata"];
    let spec = &pv["spec"];
    let mut w = Writer::new();
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    dw!(w, LEVEL_0, "Finalizers:\t{}\n", string_list(&meta["finalizers"]));
    dw!(w, LEVEL_0, "StorageClass:\t{}\n", storage_class(pv));
    if meta["deletionTimestamp"].is_string() {
        dw!(w, LEVEL_0, "Status:\tTerminating (lasts {})\n", since(&meta["deletionTimestamp"]));
    } else {
        dw!(w, LEVEL_0, "Status:\t{}\n", s(&pv["status"]["phase"]));
    }
    let claim = &spec["claimRef"];
    let claim_text = if claim.is_object() { format!("{}/{}", s(&claim["namespace"]), s(&claim["name"])) } else { String::new() };
    dw!(w, LEVEL_0, "Claim:\t{claim_text}\n");
    dw!(w, LEVEL_0, "Reclaim Policy:\t{}\n", s(&spec["persistentVolumeReclaimPolicy"]));
    dw!(w, LEVEL_0, "Access Modes:\t{}\n", access_modes(&spec["accessModes"]));
    if let Some(mode) = spec["volumeMode"].as_str() {
        dw!(w, LEVEL_0, "VolumeMode:\t{mode}\n");
    }
    dw!(w, LEVEL_0, "Capacity:\t{}\n", quantity::from_json(&spec["capacity"]["storage"]).go_string());
    node_affinity(&mut w, &spec["nodeAffinity"]);
    dw!(w, LEVEL_0, "Message:\t{}\n", s(&pv["status"]["message"]));
    w.write(LEVEL_0, "Source:\n");
    source(&mut w, spec);
    if let Some(list) = ctx.events() {
        events(&mut w, list);
    }
    w.finish()
}

/// `printVolumeNodeAffinity`.
fn node_affinity(w: &mut Writer, affinity: &Value) {
    w.write(LEVEL_0, "Node Affinity:\t");
    let required = &affinity["required"];
    if !required.is_object() {
        w.line("<none>");
        return;
    }
    w.line("");
    w.write(LEVEL_1, "Required Terms:\t");
    let terms = arr(&required["nodeSelectorTerms"]);
    if terms.is_empty() {
        w.line("<none>");
        return;
    }
    w.line("");
    for (n, term) in terms.iter().enumerate() {
        dw!(w, LEVEL_2, "Term {n}:\t");
        let reqs = arr(&term["matchExpressions"]);
        if reqs.is_empty() {
            w.line("<none>");
            continue;
        }
        for (k, req) in reqs.iter().enumerate() {
            if k != 0 {
                w.write(LEVEL_2, "\t");
            }
            let mut expr = format!("{} {}", s(&req["key"]), s(&req["operator"]).to_lowercase());
            let values = arr(&req["values"]);
            if !values.is_empty() {
                expr = format!("{expr} [{}]", values.iter().map(s).collect::<Vec<_>>().join(", "));
            }
            dw!(w, LEVEL_0, "{expr}\n");
        }
    }
}

/// Go's `%v` of a `*SecretReference`: the generated `String()` method's
/// `&SecretReference{Name:x,Namespace:y,}`, `nil` when unset.
fn secret_ref(v: &Value) -> String {
    if !v.is_object() {
        return "nil".into();
    }
    format!("&SecretReference{{Name:{},Namespace:{},}}", s(&v["name"]), s(&v["namespace"]))
}

fn num(v: &Value) -> String {
    v.as_i64().unwrap_or(0).to_string()
}

/// Go's `%v` of a `map[string]string`: `map[k:v ...]`, sorted.
fn go_map(v: &Value) -> String {
    format!("map[{}]", sorted_map(v).iter().map(|(k, x)| format!("{k}:{x}")).collect::<Vec<_>>().join(" "))
}

/// One source block: the type line, then `    Label\tvalue` lines, written
/// at once as kubectl's single `w.Write(LEVEL_2, ...)` does.
fn block(w: &mut Writer, kind: &str, fields: &[(&str, String)]) {
    let mut text = format!("Type:\t{kind}\n");
    for (label, value) in fields {
        text.push_str(&format!("    {label}\t{value}\n"));
    }
    w.write(LEVEL_2, &text);
}

fn source(w: &mut Writer, spec: &Value) {
    let has = |k: &str| spec[k].is_object();
    let f = |k: &str| &spec[k];
    if has("hostPath") {
        let v = f("hostPath");
        let kind = v["type"].as_str().unwrap_or("<none>").to_string();
        block(w, "HostPath (bare host directory volume)", &[("Path:", s(&v["path"]).into()), ("HostPathType:", kind)]);
    } else if has("gcePersistentDisk") {
        let v = f("gcePersistentDisk");
        block(w, "GCEPersistentDisk (a Persistent Disk resource in Google Compute Engine)", &[
            ("PDName:", s(&v["pdName"]).into()), ("FSType:", s(&v["fsType"]).into()), ("Partition:", num(&v["partition"])), ("ReadOnly:", b(&v["readOnly"]).into()),
        ]);
    } else if has("awsElasticBlockStore") {
        let v = f("awsElasticBlockStore");
        block(w, "AWSElasticBlockStore (a Persistent Disk resource in AWS)", &[
            ("VolumeID:", s(&v["volumeID"]).into()), ("FSType:", s(&v["fsType"]).into()), ("Partition:", num(&v["partition"])), ("ReadOnly:", b(&v["readOnly"]).into()),
        ]);
    } else if has("nfs") {
        let v = f("nfs");
        block(w, "NFS (an NFS mount that lasts the lifetime of a pod)", &[
            ("Server:", s(&v["server"]).into()), ("Path:", s(&v["path"]).into()), ("ReadOnly:", b(&v["readOnly"]).into()),
        ]);
    } else if has("iscsi") {
        let v = f("iscsi");
        block(w, "ISCSI (an ISCSI Disk resource that is attached to a kubelet's host machine and then exposed to the pod)", &[
            ("TargetPortal:", s(&v["targetPortal"]).into()),
            ("IQN:", s(&v["iqn"]).into()),
            ("Lun:", num(&v["lun"])),
            ("ISCSIInterface", s(&v["iscsiInterface"]).into()),
            ("FSType:", s(&v["fsType"]).into()),
            ("ReadOnly:", b(&v["readOnly"]).into()),
            ("Portals:", string_list(&v["portals"])),
            ("DiscoveryCHAPAuth:", b(&v["chapAuthDiscovery"]).into()),
            ("SessionCHAPAuth:", b(&v["chapAuthSession"]).into()),
            ("SecretRef:", secret_ref(&v["secretRef"])),
            ("InitiatorName:", v["initiatorName"].as_str().unwrap_or("<none>").into()),
        ]);
    } else if has("glusterfs") {
        let v = f("glusterfs");
        block(w, "Glusterfs (a Glusterfs mount on the host that shares a pod's lifetime)", &[
            ("EndpointsName:", s(&v["endpoints"]).into()),
            ("EndpointsNamespace:", v["endpointsNamespace"].as_str().unwrap_or("<unset>").into()),
            ("Path:", s(&v["path"]).into()),
            ("ReadOnly:", b(&v["readOnly"]).into()),
        ]);
    } else if has("rbd") {
        let v = f("rbd");
        block(w, "RBD (a Rados Block Device mount on the host that shares a pod's lifetime)", &[
            ("CephMonitors:", string_list(&v["monitors"])),
            ("RBDImage:", s(&v["image"]).into()),
            ("FSType:", s(&v["fsType"]).into()),
            ("RBDPool:", s(&v["pool"]).into()),
            ("RadosUser:", s(&v["user"]).into()),
            ("Keyring:", s(&v["keyring"]).into()),
            ("SecretRef:", secret_ref(&v["secretRef"])),
            ("ReadOnly:", b(&v["readOnly"]).into()),
        ]);
    } else if has("quobyte") {
        let v = f("quobyte");
        block(w, "Quobyte (a Quobyte mount on the host that shares a pod's lifetime)", &[
            ("Registry:", s(&v["registry"]).into()), ("Volume:", s(&v["volume"]).into()), ("ReadOnly:", b(&v["readOnly"]).into()),
        ]);
    } else if has("vsphereVolume") {
        let v = f("vsphereVolume");
        block(w, "vSphereVolume (a Persistent Disk resource in vSphere)", &[
            ("VolumePath:", s(&v["volumePath"]).into()), ("FSType:", s(&v["fsType"]).into()), ("StoragePolicyName:", s(&v["storagePolicyName"]).into()),
        ]);
    } else if has("cinder") {
        let v = f("cinder");
        block(w, "Cinder (a Persistent Disk resource in OpenStack)", &[
            ("VolumeID:", s(&v["volumeID"]).into()), ("FSType:", s(&v["fsType"]).into()), ("ReadOnly:", b(&v["readOnly"]).into()), ("SecretRef:", secret_ref(&v["secretRef"])),
        ]);
    } else if has("azureDisk") {
        let v = f("azureDisk");
        block(w, "AzureDisk (an Azure Data Disk mount on the host and bind mount to the pod)", &[
            ("DiskName:", s(&v["diskName"]).into()),
            ("DiskURI:", s(&v["diskURI"]).into()),
            ("Kind: ", s(&v["kind"]).into()),
            ("FSType:", s(&v["fsType"]).into()),
            ("CachingMode:", s(&v["cachingMode"]).into()),
            ("ReadOnly:", b(&v["readOnly"]).into()),
        ]);
    } else if has("photonPersistentDisk") {
        let v = f("photonPersistentDisk");
        block(w, "PhotonPersistentDisk (a Persistent Disk resource in photon platform)", &[("PdID:", s(&v["pdID"]).into()), ("FSType:", s(&v["fsType"]).into())]);
    } else if has("portworxVolume") {
        block(w, "PortworxVolume (a Portworx Volume resource)", &[("VolumeID:", s(&f("portworxVolume")["volumeID"]).into())]);
    } else if has("scaleIO") {
        let v = f("scaleIO");
        block(w, "ScaleIO (a persistent volume backed by a block device in ScaleIO)", &[
            ("Gateway:", s(&v["gateway"]).into()),
            ("System:", s(&v["system"]).into()),
            ("Protection Domain:", s(&v["protectionDomain"]).into()),
            ("Storage Pool:", s(&v["storagePool"]).into()),
            ("Storage Mode:", s(&v["storageMode"]).into()),
            ("VolumeName:", s(&v["volumeName"]).into()),
            ("SecretName:", s(&v["secretRef"]["name"]).into()),
            ("SecretNamespace:", s(&v["secretRef"]["namespace"]).into()),
            ("FSType:", s(&v["fsType"]).into()),
            ("ReadOnly:", b(&v["readOnly"]).into()),
        ]);
    } else if has("local") {
        block(w, "LocalVolume (a persistent volume backed by local storage on a node)", &[("Path:", s(&f("local")["path"]).into())]);
    } else if has("cephfs") {
        let v = f("cephfs");
        block(w, "CephFS (a CephFS mount on the host that shares a pod's lifetime)", &[
            ("Monitors:", string_list(&v["monitors"])),
            ("Path:", s(&v["path"]).into()),
            ("User:", s(&v["user"]).into()),
            ("SecretFile:", s(&v["secretFile"]).into()),
            ("SecretRef:", secret_ref(&v["secretRef"])),
            ("ReadOnly:", b(&v["readOnly"]).into()),
        ]);
    } else if has("storageos") {
        let v = f("storageos");
        block(w, "StorageOS (a StorageOS Persistent Disk resource)", &[
            ("VolumeName:", s(&v["volumeName"]).into()), ("VolumeNamespace:", s(&v["volumeNamespace"]).into()), ("FSType:", s(&v["fsType"]).into()), ("ReadOnly:", b(&v["readOnly"]).into()),
        ]);
    } else if has("fc") {
        let v = f("fc");
        let lun = v["lun"].as_i64().map_or("<none>".to_string(), |l| l.to_string());
        block(w, "FC (a Fibre Channel disk)", &[
            ("TargetWWNs:", arr(&v["targetWWNs"]).iter().map(s).collect::<Vec<_>>().join(", ")),
            ("LUN:", lun),
            ("FSType:", s(&v["fsType"]).into()),
            ("ReadOnly:", b(&v["readOnly"]).into()),
        ]);
    } else if has("azureFile") {
        let v = f("azureFile");
        block(w, "AzureFile (an Azure File Service mount on the host and bind mount to the pod)", &[
            ("SecretName:", s(&v["secretName"]).into()),
            ("SecretNamespace:", s(&v["secretNamespace"]).into()),
            ("ShareName:", s(&v["shareName"]).into()),
            ("ReadOnly:", b(&v["readOnly"]).into()),
        ]);
    } else if has("flexVolume") {
        let v = f("flexVolume");
        block(w, "FlexVolume (a generic volume resource that is provisioned/attached using an exec based plugin)", &[
            ("Driver:", s(&v["driver"]).into()),
            ("FSType:", s(&v["fsType"]).into()),
            ("SecretRef:", secret_ref(&v["secretRef"])),
            ("ReadOnly:", b(&v["readOnly"]).into()),
            ("Options:", go_map(&v["options"])),
        ]);
    } else if has("flocker") {
        let v = f("flocker");
        block(w, "Flocker (a Flocker volume mounted by the Flocker agent)", &[("DatasetName:", s(&v["datasetName"]).into()), ("DatasetUUID:", s(&v["datasetUUID"]).into())]);
    } else if has("csi") {
        let v = f("csi");
        block(w, "CSI (a Container Storage Interface (CSI) volume source)", &[
            ("Driver:", s(&v["driver"]).into()),
            ("FSType:", s(&v["fsType"]).into()),
            ("VolumeHandle:", s(&v["volumeHandle"]).into()),
            ("ReadOnly:", b(&v["readOnly"]).into()),
        ]);
        super::volumes::csi_attributes(w, &v["volumeAttributes"]);
    } else {
        w.write(LEVEL_1, "<unknown>\n");
    }
}
