//! `-f https://…`: cli-runtime's `URLVisitor` — a plain GET with the system's
//! trust roots, up to three attempts one second apart for transport errors and
//! 5xx answers, anything but 200 is an error.

use std::time::Duration;

use crate::client::tls::{client_config, TlsInputs};

const ATTEMPTS: usize = 3;

/// The body of `url`, or the message kubectl prints for the failure.
pub(super) fn get(url: &str) -> Result<Vec<u8>, String> {
    let url = url.to_string();
    // A private runtime on its own thread works whether or not the caller is in one.
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("unable to read URL {url:?}: {e}"))?;
        rt.block_on(get_with_retries(&url))
    })
    .join()
    .unwrap_or_else(|_| Err("unable to read URL: the request panicked".into()))
}

async fn get_with_retries(url: &str) -> Result<Vec<u8>, String> {
    let client = http_client()?;
    let mut err = String::new();
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let resp = match client.get(url).send().await {
            Ok(r) => r,
            Err(e) => {
                err = transport_message(url, &e);
                continue;
            }
        };
        let status = resp.status();
        if status.as_u16() == 200 {
            return resp.bytes().await.map(|b| b.to_vec()).map_err(|e| format!("error parsing {url}: {e}"));
        }
        let reason = status.canonical_reason().map(|r| format!(" {r}")).unwrap_or_default();
        err = format!(
            "unable to read URL {}, server reported {}{reason}, status code={}",
            crate::yaml::go_quote(url),
            status.as_u16(),
            status.as_u16()
        );
        if !status.is_server_error() {
            break;
        }
    }
    Err(err)
}

fn http_client() -> Result<reqwest::Client, String> {
    // Always preconfigured: reqwest has no default crypto provider to fall back on.
    let tls = client_config(&TlsInputs {
        ca_pem: None,
        insecure: false,
        server_name: None,
        client_cert_pem: None,
        client_key_pem: None,
    })
    .map_err(|e| e.to_string())?;
    reqwest::Client::builder()
        .user_agent(concat!("kctl/v", env!("CARGO_PKG_VERSION")))
        .tls_backend_preconfigured(tls)
        .build().map_err(|e| format!("Unable to connect to the server: {e}"))
}

/// kubectl's `StandardErrorMessage` for a `*url.Error`.
fn transport_message(url: &str, err: &reqwest::Error) -> String {
    let parsed = url::Url::parse(url).ok();
    let host = parsed.as_ref().and_then(|u| u.host_str()).unwrap_or("").to_string();
    let host_port = match parsed.as_ref().and_then(|u| u.port()) {
        Some(p) => format!("{host}:{p}"),
        None => host.clone(),
    };
    let mut refused = false;
    let mut tls: Option<String> = None;
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(err);
    let mut innermost = err.to_string();
    while let Some(e) = src {
        if let Some(r) = e.downcast_ref::<rustls::Error>() {
            tls = Some(describe_tls(r));
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                refused = true;
            }
            if let Some(inner) = io.get_ref() {
                innermost = inner.to_string();
                src = Some(inner as &(dyn std::error::Error + 'static));
                continue;
            }
        }
        innermost = e.to_string();
        src = e.source();
    }
    if refused {
        return format!("The connection to the server {host_port} was refused - did you specify the right host or port?");
    }
    if let Some(t) = tls {
        return format!("Unable to connect to the server: {t}");
    }
    if innermost.contains("dns error") || innermost.contains("failed to lookup") || innermost.contains("Name or service not known") {
        return format!("Unable to connect to the server: dial tcp: lookup {host}: no such host");
    }
    if err.is_timeout() {
        return "Unable to connect to the server: net/http: timeout awaiting response headers".into();
    }
    format!("Unable to connect to the server: {innermost}")
}

fn describe_tls(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => "x509: certificate signed by unknown authority".into(),
        rustls::Error::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
            "x509: certificate has expired or is not yet valid".into()
        }
        rustls::Error::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => {
            "x509: certificate is not valid for the requested name".into()
        }
        rustls::Error::InvalidMessage(_) => "tls: first record does not look like a TLS handshake".into(),
        other => format!("tls: {other}"),
    }
}
