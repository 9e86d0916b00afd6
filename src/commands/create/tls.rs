//! Go's `tls.X509KeyPair` checks for `create secret tls`: PEM blocks of the
//! right types, a parsable certificate and key, and a key that belongs to
//! the certificate.

use base64::Engine;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer};

struct Block {
    kind: String,
    der: Vec<u8>,
}

/// Go's `pem.Decode`, repeatedly: every well-formed block in order.
fn pem_blocks(data: &[u8]) -> Vec<Block> {
    let text = String::from_utf8_lossy(data);
    let mut out = Vec::new();
    let mut rest: &str = &text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start + 11..];
        let Some(type_end) = after.find("-----") else { break };
        let kind = after[..type_end].to_string();
        let body_start = &after[type_end + 5..];
        let end_marker = format!("-----END {kind}-----");
        let Some(end) = body_start.find(&end_marker) else {
            rest = body_start;
            continue;
        };
        let body: String = body_start[..end].lines().filter(|l| !l.contains(':')).collect::<Vec<_>>().join("");
        let body: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(body.as_bytes()) {
            out.push(Block { kind, der });
        }
        rest = &body_start[end + end_marker.len()..];
    }
    out
}

/// The checks of `tls.X509KeyPair`, worded as Go words them.
pub fn check_key_pair(cert_pem: &[u8], key_pem: &[u8]) -> Result<(), String> {
    let mut certs = Vec::new();
    let mut skipped = Vec::new();
    for b in pem_blocks(cert_pem) {
        if b.kind == "CERTIFICATE" {
            certs.push(b.der);
        } else {
            skipped.push(b.kind);
        }
    }
    if certs.is_empty() {
        if skipped.is_empty() {
            return Err("tls: failed to find any PEM data in certificate input".into());
        }
        if skipped.len() == 1 && skipped[0].ends_with("PRIVATE KEY") {
            return Err("tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched".into());
        }
        return Err(format!(
            "tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: [{}]",
            skipped.join(" ")
        ));
    }
    let mut skipped = Vec::new();
    let mut key = None;
    for b in pem_blocks(key_pem) {
        if b.kind == "PRIVATE KEY" || b.kind.ends_with(" PRIVATE KEY") {
            key = Some(b.der);
            break;
        }
        skipped.push(b.kind);
    }
    let Some(key_der) = key else {
        if skipped.is_empty() {
            return Err("tls: failed to find any PEM data in key input".into());
        }
        if skipped.len() == 1 && skipped[0] == "CERTIFICATE" {
            return Err("tls: found a certificate rather than a key in the PEM for the private key".into());
        }
        return Err(format!(
            "tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: [{}]",
            skipped.join(" ")
        ));
    };
    let cert_der = CertificateDer::from(certs[0].clone());
    let parsed_ok = rustls::server::ParsedCertificate::try_from(&cert_der).is_ok();
    if !parsed_ok {
        return Err("x509: malformed certificate".into());
    }
    // Go tries PKCS #1, PKCS #8, then SEC 1, whatever the block says.
    let candidates = [
        PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(key_der.clone())),
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_der.clone())),
        PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(key_der.clone())),
    ];
    let Some(signing) = candidates.iter().find_map(|k| rustls::crypto::ring::sign::any_supported_type(k).ok()) else {
        return Err("tls: failed to parse private key".into());
    };
    let certified = rustls::sign::CertifiedKey::new(vec![cert_der.into_owned()], signing.clone());
    match certified.keys_match() {
        Ok(()) => Ok(()),
        Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) => {
            let key_alg = signing.public_key().map(|s| spki_algorithm(s.as_ref()));
            let cert_alg = spki_of_cert(&certs[0]).map(|s| spki_algorithm(&s));
            if key_alg.is_some() && cert_alg.is_some() && key_alg != cert_alg {
                Err("tls: private key type does not match public key type".into())
            } else {
                Err("tls: private key does not match public key".into())
            }
        }
        Err(_) => Ok(()),
    }
}

/// One DER element: (tag, content, rest).
fn der_next(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *b.first()?;
    let first = *b.get(1)? as usize;
    let (len, hdr) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *b.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let content = b.get(hdr..hdr + len)?;
    Some((tag, content, &b[hdr + len..]))
}

/// The SubjectPublicKeyInfo element of a certificate.
fn spki_of_cert(cert: &[u8]) -> Option<Vec<u8>> {
    let (_, cert_body, _) = der_next(cert)?;
    let (_, tbs, _) = der_next(cert_body)?;
    let mut rest = tbs;
    // [0] version (optional), serial, signature, issuer, validity, subject, spki
    let (tag, _, r) = der_next(rest)?;
    if tag == 0xa0 {
        rest = r;
    }
    for _ in 0..5 {
        rest = der_next(rest)?.2;
    }
    let (_, _, after) = der_next(rest)?;
    Some(rest[..rest.len() - after.len()].to_vec())
}

/// The algorithm OID of a SubjectPublicKeyInfo.
fn spki_algorithm(spki: &[u8]) -> Vec<u8> {
    // A SubjectPublicKeyInfoDer from rustls is the SEQUENCE's content or the whole element.
    let inner = match der_next(spki) {
        Some((0x30, content, _)) => content,
        _ => spki,
    };
    der_next(inner).and_then(|(_, alg, _)| der_next(alg)).map(|(_, oid, _)| oid.to_vec()).unwrap_or_default()
}
