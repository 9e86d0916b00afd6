//! The client: pure request building ([`request`]), and one transport that sends
//! every request with the configured TLS, credentials, retries and logging.

pub mod error;
pub mod exec;
pub mod log;
pub mod request;
pub mod tls;
mod transport;
pub mod warnings;

pub use error::{ClientError, Status};
pub use request::{Request, ResourcePath};
pub use transport::Client;
