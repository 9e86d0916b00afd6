//! The micro-cluster's PKI: a CA, a serving certificate for 127.0.0.1/localhost
//! and a client certificate (`O=system:masters`, as minikube's admin user),
//! all ECDSA P-256 made with rcgen on ring. Generated once, on the first `up`.

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    SanType,
};

pub struct Pki {
    pub ca_cert: String,
    pub server_cert: String,
    pub server_key: String,
    pub client_cert: String,
    pub client_key: String,
}

const FILES: [&str; 5] = ["ca.crt", "server.crt", "server.key", "client.crt", "client.key"];

fn pki_dir(state: &Path) -> PathBuf {
    state.join("pki")
}

fn err(e: rcgen::Error) -> String {
    format!("generating certificates: {e}")
}

fn generate() -> Result<Pki, String> {
    let ca_key = KeyPair::generate().map_err(err)?;
    let mut ca = CertificateParams::default();
    ca.distinguished_name.push(DnType::CommonName, "kctl-local-ca");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let ca_cert = ca.self_signed(&ca_key).map_err(err)?;
    let issuer = Issuer::new(ca, ca_key);

    let server_key = KeyPair::generate().map_err(err)?;
    let mut server = CertificateParams::new(vec!["localhost".to_string(), "kubernetes.default.svc".to_string()]).map_err(err)?;
    server.subject_alt_names.push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    server.distinguished_name.push(DnType::CommonName, "kube-apiserver");
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = server.signed_by(&server_key, &issuer).map_err(err)?;

    let client_key = KeyPair::generate().map_err(err)?;
    let mut client = CertificateParams::default();
    client.distinguished_name.push(DnType::CommonName, "kctl-local-admin");
    client.distinguished_name.push(DnType::OrganizationName, "system:masters");
    client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client_cert = client.signed_by(&client_key, &issuer).map_err(err)?;

    Ok(Pki {
        ca_cert: ca_cert.pem(),
        server_cert: server_cert.pem(),
        server_key: server_key.serialize_pem(),
        client_cert: client_cert.pem(),
        client_key: client_key.serialize_pem(),
    })
}

/// Load the PKI of `state`, generating it when absent.
pub fn ensure(state: &Path) -> Result<Pki, String> {
    let dir = pki_dir(state);
    if let Ok(pki) = load(state) {
        return Ok(pki);
    }
    let pki = generate()?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let contents = [&pki.ca_cert, &pki.server_cert, &pki.server_key, &pki.client_cert, &pki.client_key];
    for (name, data) in FILES.iter().zip(contents) {
        let path = dir.join(name);
        crate::kubeconfig::write::write_atomic(&path, data.as_bytes())?;
    }
    Ok(pki)
}

pub fn load(state: &Path) -> Result<Pki, String> {
    let dir = pki_dir(state);
    let read = |n: &str| std::fs::read_to_string(dir.join(n)).map_err(|e| format!("{}: {e}", dir.join(n).display()));
    Ok(Pki {
        ca_cert: read(FILES[0])?,
        server_cert: read(FILES[1])?,
        server_key: read(FILES[2])?,
        client_cert: read(FILES[3])?,
        client_key: read(FILES[4])?,
    })
}
