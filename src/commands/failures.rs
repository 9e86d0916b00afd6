//! Errors collected while visiting several objects, reported as kubectl's
//! `CheckErr` prints an aggregate: one error as `error: …` (API errors as
//! `Error from server …`), several one per line without the prefix.

use crate::client::ClientError;
use crate::error::CliError;

#[derive(Debug)]
pub enum Failure {
    Api(ClientError),
    Msg(String),
}

impl Failure {
    /// The error's own text (a Status message without kubectl's prefix).
    pub fn plain(&self) -> String {
        match self {
            Failure::Api(ClientError::Api { status, .. }) => status.message.clone(),
            Failure::Api(e) => e.to_string(),
            Failure::Msg(m) => m.clone(),
        }
    }
}

impl From<ClientError> for Failure {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Api { .. } => Failure::Api(e),
            other => Failure::Msg(CliError::from(other).to_string().trim_start_matches("error: ").to_string()),
        }
    }
}

pub fn report(mut errors: Vec<Failure>) -> Result<(), CliError> {
    match errors.len() {
        0 => Ok(()),
        1 => Err(match errors.remove(0) {
            Failure::Api(e) => e.into(),
            Failure::Msg(m) => CliError::Message(m),
        }),
        _ => Err(CliError::Raw(
            errors
                .into_iter()
                .map(|f| match f {
                    Failure::Api(e) => e.to_string(),
                    Failure::Msg(m) => m,
                })
                .collect::<Vec<_>>()
                .join("\n"),
        )),
    }
}
