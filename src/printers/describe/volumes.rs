//! Pod volumes as `describeVolumes` prints them, shared by pods and pod
//! templates.

use serde_json::Value;

use super::common::{arr, b, i, s, sorted_map};
use super::writer::{Writer, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3};
use crate::dw;

/// `describeVolumes`.
pub fn volumes(w: &mut Writer, list: &[Value], space: &str) {
    if list.is_empty() {
        dw!(w, LEVEL_0, "{space}Volumes:\t<none>\n");
        return;
    }
    dw!(w, LEVEL_0, "{space}Volumes:\n");
    let name_indent = if space.is_empty() { "" } else { " " };
    for vol in list {
        dw!(w, LEVEL_1, "{name_indent}{}:\n", s(&vol["name"]));
        volume_source(w, vol);
    }
}

fn volume_source(w: &mut Writer, vol: &Value) {
    let opt = |x: &Value| b(&x["optional"]);
    if let Some(h) = vol.get("hostPath") {
        let ty = h["type"].as_str().unwrap_or("<none>");
        dw!(w, LEVEL_2, "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{ty}\n", s(&h["path"]));
    } else if let Some(e) = vol.get("emptyDir") {
        let size = match e["sizeLimit"].as_str() {
            Some(q) if crate::quantity::is_positive(q) => q.to_string(),
            _ => "<unset>".to_string(),
        };
        dw!(w, LEVEL_2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{size}\n", s(&e["medium"]));
    } else if let Some(x) = vol.get("secret") {
        dw!(w, LEVEL_2, "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n", s(&x["secretName"]), opt(x));
    } else if let Some(x) = vol.get("configMap") {
        dw!(w, LEVEL_2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n", s(&x["name"]), opt(x));
    } else if let Some(x) = vol.get("nfs") {
        dw!(w, LEVEL_2, "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n", s(&x["server"]), s(&x["path"]), b(&x["readOnly"]));
    } else if let Some(x) = vol.get("persistentVolumeClaim") {
        dw!(w, LEVEL_2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n", s(&x["claimName"]), b(&x["readOnly"]));
    } else if let Some(x) = vol.get("gitRepo") {
        dw!(w, LEVEL_2, "Type:\tGitRepo (a volume that is pulled from git when the pod is created)\n    Repository:\t{}\n    Revision:\t{}\n", s(&x["repository"]), s(&x["revision"]));
    } else if let Some(x) = vol.get("downwardAPI") {
        w.write(LEVEL_2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n");
        for item in arr(&x["items"]) {
            if item["fieldRef"].is_object() {
                dw!(w, LEVEL_3, "{} -> {}\n", s(&item["fieldRef"]["fieldPath"]), s(&item["path"]));
            }
            if item["resourceFieldRef"].is_object() {
                dw!(w, LEVEL_3, "{} -> {}\n", s(&item["resourceFieldRef"]["resource"]), s(&item["path"]));
            }
        }
    } else if let Some(x) = vol.get("projected") {
        w.write(LEVEL_2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n");
        for src in arr(&x["sources"]) {
            // kubectl prints the *bool itself: <nil> when unset.
            if let Some(sec) = src.get("secret") {
                dw!(w, LEVEL_2, "SecretName:\t{}\n    SecretOptionalName:\t{}\n", s(&sec["name"]), bool_ptr(&sec["optional"]));
            } else if src.get("downwardAPI").is_some() {
                w.write(LEVEL_2, "DownwardAPI:\ttrue\n");
            } else if let Some(cm) = src.get("configMap") {
                dw!(w, LEVEL_2, "ConfigMapName:\t{}\n    ConfigMapOptional:\t{}\n", s(&cm["name"]), bool_ptr(&cm["optional"]));
            } else if let Some(t) = src.get("serviceAccountToken") {
                dw!(w, LEVEL_2, "TokenExpirationSeconds:\t{}\n", i(&t["expirationSeconds"]));
            }
        }
    } else if let Some(x) = vol.get("csi") {
        dw!(w, LEVEL_2, "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    ReadOnly:\t{}\n", s(&x["driver"]), s(&x["fsType"]), b(&x["readOnly"]));
        csi_attributes(w, &x["volumeAttributes"]);
    } else if legacy_source(w, vol).is_none() {
        w.write(LEVEL_1, "<unknown>\n");
    }
}

/// `printCSIPersistentVolumeAttributesMultiline`: every line at level 2,
/// continuation lines indented by a bare tab, each cut at 140 bytes.
pub fn csi_attributes(w: &mut Writer, attributes: &Value) {
    w.write(LEVEL_2, "VolumeAttributes:\t");
    let pairs = sorted_map(attributes);
    if pairs.is_empty() {
        w.line("<none>");
        return;
    }
    for (n, (k, val)) in pairs.iter().enumerate() {
        if n != 0 {
            w.write(LEVEL_2, "");
            w.write(LEVEL_2, "\t");
        }
        let line = format!("{k}={val}");
        if line.len() > 140 {
            let mut end = 140;
            while !line.is_char_boundary(end) {
                end -= 1;
            }
            dw!(w, LEVEL_2, "{}...\n", &line[..end]);
        } else {
            dw!(w, LEVEL_2, "{line}\n");
        }
    }
}

/// Go's `%v` of a `*bool`: `<nil>` when unset. A set pointer prints as an
/// address in kubectl; its value is the useful approximation.
fn bool_ptr(v: &Value) -> &'static str {
    match v.as_bool() {
        None => "<nil>",
        Some(true) => "true",
        Some(false) => "false",
    }
}

/// Go's `%v` of a `*LocalObjectReference`, through its generated String().
fn ref_v(v: &Value) -> String {
    match v.as_object() {
        Some(m) => format!("&LocalObjectReference{{Name:{},}}", m.get("name").map(s).unwrap_or("")),
        None => "nil".to_string(),
    }
}

/// Go's `%v` of a `[]string`.
fn list_v(v: &Value) -> String {
    format!("[{}]", arr(v).iter().map(s).collect::<Vec<_>>().join(" "))
}

/// In-tree volume plugins: each a type line and its fields, as kubectl
/// words them. `None` for a source this table does not know.
fn legacy_source(w: &mut Writer, vol: &Value) -> Option<()> {
    let (key, x) = LEGACY.iter().find_map(|k| vol.get(*k).map(|x| (*k, x)))?;
    let text = match key {
        "gcePersistentDisk" => format!("Type:\tGCEPersistentDisk (a Persistent Disk resource in Google Compute Engine)\n    PDName:\t{}\n    FSType:\t{}\n    Partition:\t{}\n    ReadOnly:\t{}\n", s(&x["pdName"]), s(&x["fsType"]), i(&x["partition"]), b(&x["readOnly"])),
        "awsElasticBlockStore" => format!("Type:\tAWSElasticBlockStore (a Persistent Disk resource in AWS)\n    VolumeID:\t{}\n    FSType:\t{}\n    Partition:\t{}\n    ReadOnly:\t{}\n", s(&x["volumeID"]), s(&x["fsType"]), i(&x["partition"]), b(&x["readOnly"])),
        "iscsi" => format!(
            "Type:\tISCSI (an ISCSI Disk resource that is attached to a kubelet's host machine and then exposed to the pod)\n    TargetPortal:\t{}\n    IQN:\t{}\n    Lun:\t{}\n    ISCSIInterface\t{}\n    FSType:\t{}\n    ReadOnly:\t{}\n    Portals:\t{}\n    DiscoveryCHAPAuth:\t{}\n    SessionCHAPAuth:\t{}\n    SecretRef:\t{}\n    InitiatorName:\t{}\n",
            s(&x["targetPortal"]), s(&x["iqn"]), i(&x["lun"]), s(&x["iscsiInterface"]), s(&x["fsType"]), b(&x["readOnly"]), list_v(&x["portals"]), b(&x["chapAuthDiscovery"]), b(&x["chapAuthSession"]), ref_v(&x["secretRef"]), x["initiatorName"].as_str().unwrap_or("<none>")
        ),
        "glusterfs" => format!("Type:\tGlusterfs (a Glusterfs mount on the host that shares a pod's lifetime)\n    EndpointsName:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n", s(&x["endpoints"]), s(&x["path"]), b(&x["readOnly"])),
        "rbd" => format!(
            "Type:\tRBD (a Rados Block Device mount on the host that shares a pod's lifetime)\n    CephMonitors:\t{}\n    RBDImage:\t{}\n    FSType:\t{}\n    RBDPool:\t{}\n    RadosUser:\t{}\n    Keyring:\t{}\n    SecretRef:\t{}\n    ReadOnly:\t{}\n",
            list_v(&x["monitors"]), s(&x["image"]), s(&x["fsType"]), s(&x["pool"]), s(&x["user"]), s(&x["keyring"]), ref_v(&x["secretRef"]), b(&x["readOnly"])
        ),
        "quobyte" => format!("Type:\tQuobyte (a Quobyte mount on the host that shares a pod's lifetime)\n    Registry:\t{}\n    Volume:\t{}\n    ReadOnly:\t{}\n", s(&x["registry"]), s(&x["volume"]), b(&x["readOnly"])),
        "vsphereVolume" => format!("Type:\tvSphereVolume (a Persistent Disk resource in vSphere)\n    VolumePath:\t{}\n    FSType:\t{}\n    StoragePolicyName:\t{}\n", s(&x["volumePath"]), s(&x["fsType"]), s(&x["storagePolicyName"])),
        "photonPersistentDisk" => format!("Type:\tPhotonPersistentDisk (a Persistent Disk resource in photon platform)\n    PdID:\t{}\n    FSType:\t{}\n", s(&x["pdID"]), s(&x["fsType"])),
        "portworxVolume" => format!("Type:\tPortworxVolume (a Portworx Volume resource)\n    VolumeID:\t{}\n", s(&x["volumeID"])),
        "cinder" => format!("Type:\tCinder (a Persistent Disk resource in OpenStack)\n    VolumeID:\t{}\n    FSType:\t{}\n    ReadOnly:\t{}\n    SecretRef:\t{}\n", s(&x["volumeID"]), s(&x["fsType"]), b(&x["readOnly"]), ref_v(&x["secretRef"])),
        "cephfs" => format!(
            "Type:\tCephFS (a CephFS mount on the host that shares a pod's lifetime)\n    Monitors:\t{}\n    Path:\t{}\n    User:\t{}\n    SecretFile:\t{}\n    SecretRef:\t{}\n    ReadOnly:\t{}\n",
            list_v(&x["monitors"]), s(&x["path"]), s(&x["user"]), s(&x["secretFile"]), ref_v(&x["secretRef"]), b(&x["readOnly"])
        ),
        "storageos" => format!("Type:\tStorageOS (a StorageOS Persistent Disk resource)\n    VolumeName:\t{}\n    VolumeNamespace:\t{}\n    FSType:\t{}\n    ReadOnly:\t{}\n", s(&x["volumeName"]), s(&x["volumeNamespace"]), s(&x["fsType"]), b(&x["readOnly"])),
        "fc" => format!(
            "Type:\tFC (a Fibre Channel disk)\n    TargetWWNs:\t{}\n    LUN:\t{}\n    FSType:\t{}\n    ReadOnly:\t{}\n",
            arr(&x["targetWWNs"]).iter().map(s).collect::<Vec<_>>().join(", "),
            x["lun"].as_i64().map_or("<none>".to_string(), |l| l.to_string()),
            s(&x["fsType"]),
            b(&x["readOnly"])
        ),
        "azureFile" => format!("Type:\tAzureFile (an Azure File Service mount on the host and bind mount to the pod)\n    SecretName:\t{}\n    ShareName:\t{}\n    ReadOnly:\t{}\n", s(&x["secretName"]), s(&x["shareName"]), b(&x["readOnly"])),
        "flexVolume" => format!(
            "Type:\tFlexVolume (a generic volume resource that is provisioned/attached using an exec based plugin)\n    Driver:\t{}\n    FSType:\t{}\n    SecretRef:\t{}\n    ReadOnly:\t{}\n    Options:\t{}\n",
            s(&x["driver"]), s(&x["fsType"]), ref_v(&x["secretRef"]), b(&x["readOnly"]), crate::printers::jsonpath::gofmt::sprint(&if x["options"].is_object() { x["options"].clone() } else { Value::Object(Default::default()) })
        ),
        "flocker" => format!("Type:\tFlocker (a Flocker volume mounted by the Flocker agent)\n    DatasetName:\t{}\n    DatasetUUID:\t{}\n", s(&x["datasetName"]), s(&x["datasetUUID"])),
        "azureDisk" => format!(
            "Type:\tAzureDisk (an Azure Data Disk mount on the host and bind mount to the pod)\n    DiskName:\t{}\n    DiskURI:\t{}\n    Kind: \t{}\n    FSType:\t{}\n    CachingMode:\t{}\n    ReadOnly:\t{}\n",
            s(&x["diskName"]), s(&x["diskURI"]), s(&x["kind"]), s(&x["fsType"]), s(&x["cachingMode"]), b(&x["readOnly"])
        ),
        "scaleIO" => format!(
            "Type:\tScaleIO (a persistent volume backed by a block device in ScaleIO)\n    Gateway:\t{}\n    System:\t{}\n    Protection Domain:\t{}\n    Storage Pool:\t{}\n    Storage Mode:\t{}\n    VolumeName:\t{}\n    FSType:\t{}\n    ReadOnly:\t{}\n",
            s(&x["gateway"]), s(&x["system"]), s(&x["protectionDomain"]), s(&x["storagePool"]), s(&x["storageMode"]), s(&x["volumeName"]), s(&x["fsType"]), b(&x["readOnly"])
        ),
        "image" => format!("Type:\tImage (a container image or OCI artifact)\n    Reference:\t{}\n    PullPolicy:\t{}\n", s(&x["reference"]), s(&x["pullPolicy"])),
        _ => return None,
    };
    w.write(LEVEL_2, &text);
    Some(())
}

const LEGACY: &[&str] = &[
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "iscsi",
    "glusterfs",
    "rbd",
    "quobyte",
    "vsphereVolume",
    "photonPersistentDisk",
    "portworxVolume",
    "cinder",
    "cephfs",
    "storageos",
    "fc",
    "azureFile",
    "flexVolume",
    "flocker",
    "azureDisk",
    "scaleIO",
    "image",
];
