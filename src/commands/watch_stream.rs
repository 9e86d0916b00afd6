//! A watch response as a stream of decoded events (`{"type":…,"object":…}`,
//! one JSON document per line).

use serde_json::Value;

use crate::client::{Client, ClientError, Request};

pub struct WatchStream {
    resp: reqwest::Response,
    buf: Vec<u8>,
    req: Request,
}

impl WatchStream {
    /// Opens the watch; API errors (e.g. 410 Gone) come back as errors.
    pub async fn open(client: &Client, req: Request) -> Result<WatchStream, ClientError> {
        let resp = client.stream(&req).await?;
        Ok(WatchStream { resp, buf: Vec::new(), req })
    }

    /// The next event, or `None` when the server closed the watch.
    pub async fn next(&mut self, client: &Client) -> Result<Option<Value>, ClientError> {
        loop {
            if let Some(pos) = self.buf.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=pos).collect();
                match serde_json::from_slice::<Value>(&line) {
                    Ok(ev) => return Ok(Some(ev)),
                    Err(_) => continue,
                }
            }
            match self.resp.chunk().await {
                Ok(Some(chunk)) => self.buf.extend_from_slice(&chunk),
                Err(e) => return Err(client.stream_error(&self.req, &e)),
                Ok(None) => {
                    let rest = std::mem::take(&mut self.buf);
                    return Ok(serde_json::from_slice::<Value>(&rest).ok());
                }
            }
        }
    }
}

/// The Status of a watch `ERROR` event as an API error.
pub fn error_event(ev: &Value) -> ClientError {
    let status: crate::client::Status = serde_json::from_value(ev["object"].clone()).unwrap_or_default();
    let code = status.code;
    ClientError::Api { status, http_code: code }
}
