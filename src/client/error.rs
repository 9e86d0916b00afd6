//! Client errors, and the exact way kubectl words each of them.

use std::fmt;

use serde::Deserialize;

/// A `meta.k8s.io/v1` Status returned by the server for a failed request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub code: u16,
    #[serde(default)]
    pub details: Option<serde_json::Value>,
}

#[derive(Debug)]
pub enum ClientError {
    /// Transport failure before a response: refused, TLS, DNS, timeout, credentials.
    /// `cause` is worded like Go's error; `refused_host` is set for a refused connection.
    Transport { cause: String, refused_host: Option<String>, method: String, url: String },
    /// The server answered with an error Status.
    Api { status: Status, http_code: u16 },
    /// The server answered with an error that is not a Status.
    Http { code: u16, body: String },
    /// Bad client configuration: unreadable CA, bad key, etc.
    Config(String),
    /// Credential plugin failures.
    Auth(String),
    /// The response could not be decoded.
    Decode(String),
}

impl ClientError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, ClientError::Api { http_code: 404, .. } | ClientError::Http { code: 404, .. })
    }

    /// Go's `*url.Error` text, `Get "https://...": cause`, which kubectl embeds in
    /// discovery errors.
    pub fn url_error(&self) -> String {
        match self {
            ClientError::Transport { cause, method, url, .. } => {
                let m = method.to_ascii_lowercase();
                let go_method = m[..1].to_ascii_uppercase() + &m[1..];
                format!("{go_method} \"{url}\": {cause}")
            }
            other => other.to_string(),
        }
    }

    pub fn is_transport(&self) -> bool {
        matches!(self, ClientError::Transport { .. })
    }

    pub fn is_forbidden(&self) -> bool {
        matches!(self, ClientError::Api { http_code: 403, .. } | ClientError::Http { code: 403, .. })
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Transport { refused_host: Some(host), .. } => write!(
                f,
                "The connection to the server {host} was refused - did you specify the right host or port?"
            ),
            ClientError::Transport { cause, .. } => write!(f, "Unable to connect to the server: {cause}"),
            ClientError::Api { status, http_code } => f.write_str(&api_error_message(status, *http_code)),
            ClientError::Http { code, body, .. } => {
                write!(f, "Error from server ({}): {}", reason_for_code(*code), body.trim_end())
            }
            ClientError::Config(m) | ClientError::Auth(m) | ClientError::Decode(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ClientError {}

/// kubectl's `Error from server (Reason): message`, with its special forms for
/// Unauthorized and for Invalid (one line per cause).
pub fn api_error_message(status: &Status, http_code: u16) -> String {
    if status.reason == "Unauthorized" || (status.reason.is_empty() && http_code == 401) {
        return format!("error: You must be logged in to the server ({})", if status.message.is_empty() { "Unauthorized" } else { &status.message });
    }
    if status.reason == "Invalid" {
        if let Some(text) = invalid_message(status) {
            return text;
        }
    }
    // A Status without a reason is printed without one; only bodies that are not
    // a Status get a reason inferred from the HTTP code (see ClientError::Http).
    let _ = http_code;
    if status.reason.is_empty() {
        format!("Error from server: {}", status.message)
    } else {
        format!("Error from server ({}): {}", status.reason, status.message)
    }
}

/// `The Deployment "x" is invalid: ` followed by the causes, one per line when
/// there are several (kubectl's MultilineError).
fn invalid_message(status: &Status) -> Option<String> {
    let details = status.details.as_ref()?;
    let kind = details["kind"].as_str().unwrap_or("");
    let name = details["name"].as_str().unwrap_or("");
    let head = if !kind.is_empty() || !name.is_empty() {
        format!("The {kind} {name:?} is invalid")
    } else {
        "The request is invalid".to_string()
    };
    let mut causes: Vec<String> = details["causes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let field = c["field"].as_str().unwrap_or("");
            let msg = c["message"].as_str().unwrap_or("");
            if field.is_empty() { msg.to_string() } else { format!("{field}: {msg}") }
        })
        .collect();
    // The server repeats causes; kubectl's aggregate error lists each once.
    let mut seen = std::collections::HashSet::new();
    causes.retain(|c| seen.insert(c.clone()));
    Some(match causes.len() {
        0 if status.message.is_empty() => head,
        0 => format!("{head}: {}", status.message),
        1 => format!("{head}: {}", causes[0]),
        _ => format!("{head}: \n{}", causes.iter().map(|c| format!("* {c}")).collect::<Vec<_>>().join("\n")),
    })
}

/// The StatusReason client-go infers from an HTTP code when the body has none.
pub fn reason_for_code(code: u16) -> &'static str {
    match code {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        409 => "Conflict",
        410 => "Expired",
        413 => "RequestEntityTooLarge",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "",
    }
}

impl From<ClientError> for crate::error::CliError {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Config(m) | ClientError::Auth(m) | ClientError::Decode(m) => crate::error::CliError::Message(m),
            other => crate::error::CliError::Raw(other.to_string()),
        }
    }
}
