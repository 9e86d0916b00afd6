//! rustls configuration from a RestConfig: the cluster CA only (never the system
//! roots when a CA is given), optional client identity, `tls-server-name`, and
//! explicit insecure mode. Nothing ever falls back to insecure silently.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::error::ClientError;

pub struct TlsInputs<'a> {
    pub ca_pem: Option<&'a [u8]>,
    pub insecure: bool,
    pub server_name: Option<&'a str>,
    pub client_cert_pem: Option<&'a [u8]>,
    pub client_key_pem: Option<&'a [u8]>,
}

pub fn client_config(inp: &TlsInputs<'_>) -> Result<rustls::ClientConfig, ClientError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Config(format!("tls: {e}")))?;

    let verifier: Arc<dyn ServerCertVerifier> = if inp.insecure {
        Arc::new(Insecure { provider: provider.clone() })
    } else {
        let mut roots = RootCertStore::empty();
        match inp.ca_pem {
            Some(pem) => {
                let certs = parse_certs(pem)?;
                if certs.is_empty() {
                    return Err(ClientError::Config(
                        "unable to load root certificates: unable to parse bytes as PEM block".into(),
                    ));
                }
                for c in certs {
                    roots
                        .add(c)
                        .map_err(|e| ClientError::Config(format!("unable to load root certificates: {e}")))?;
                }
            }
            None => {
                // Like Go's crypto/x509: the system's trust store when no CA is configured.
                let found = rustls_native_certs::load_native_certs();
                roots.add_parsable_certificates(found.certs);
            }
        }
        let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| ClientError::Config(format!("tls: {e}")))?;
        match inp.server_name {
            Some(name) => {
                let name = ServerName::try_from(name.to_string())
                    .map_err(|_| ClientError::Config(format!("invalid tls-server-name {name:?}")))?;
                Arc::new(FixedName { inner, name })
            }
            None => inner,
        }
    };

    let builder = builder.dangerous().with_custom_certificate_verifier(verifier);
    let config = match (inp.client_cert_pem, inp.client_key_pem) {
        (Some(cert), Some(key)) => {
            let chain = parse_certs(cert)?;
            if chain.is_empty() {
                return Err(ClientError::Config("tls: failed to find any PEM data in certificate input".into()));
            }
            let key = parse_key(key)?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| ClientError::Config(format!("tls: {e}")))?
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err(ClientError::Config(
                "client-key-data or client-key must be specified for to use the clientCert authentication method."
                    .into(),
            ))
        }
        (None, None) => builder.with_no_client_auth(),
    };
    let mut config = config;
    // reqwest leaves ALPN to a preconfigured client: offer HTTP/2 like client-go,
    // so concurrent requests share one connection instead of opening hundreds.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

fn parse_certs(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, ClientError> {
    rustls_pemfile::certs(&mut &pem[..])
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ClientError::Config(format!("tls: failed to parse certificate: {e}")))
}

/// PKCS#1 (RSA), SEC1 (EC) and PKCS#8 keys are all accepted.
fn parse_key(pem: &[u8]) -> Result<PrivateKeyDer<'static>, ClientError> {
    match rustls_pemfile::private_key(&mut &pem[..]) {
        Ok(Some(k)) => Ok(k),
        Ok(None) => Err(ClientError::Config("tls: failed to find any PEM data in key input".into())),
        Err(e) => Err(ClientError::Config(format!("tls: failed to parse private key: {e}"))),
    }
}

/// Verifies the chain against the CA but checks the certificate for a configured
/// name instead of the URL's host (kubeconfig `tls-server-name`).
#[derive(Debug)]
struct FixedName {
    inner: Arc<WebPkiServerVerifier>,
    name: ServerName<'static>,
}

impl ServerCertVerifier for FixedName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.inner.verify_server_cert(end_entity, intermediates, &self.name, ocsp, now)
    }
    fn verify_tls12_signature(&self, m: &[u8], c: &CertificateDer<'_>, d: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(m, c, d)
    }
    fn verify_tls13_signature(&self, m: &[u8], c: &CertificateDer<'_>, d: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(m, c, d)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// `insecure-skip-tls-verify: true`, only when the user asked for it.
#[derive(Debug)]
struct Insecure {
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ServerCertVerifier for Insecure {
    fn verify_server_cert(
        &self,
        _e: &CertificateDer<'_>,
        _i: &[CertificateDer<'_>],
        _n: &ServerName<'_>,
        _o: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(&self, m: &[u8], c: &CertificateDer<'_>, d: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(m, c, d, &self.provider.signature_verification_algorithms)
    }
    fn verify_tls13_signature(&self, m: &[u8], c: &CertificateDer<'_>, d: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(m, c, d, &self.provider.signature_verification_algorithms)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}
