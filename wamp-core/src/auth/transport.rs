//! Methods the transport settles before HELLO, with no challenge: `tls` (the client's TLS
//! certificate, [`TlsConfig::client_certificate_pem`](crate::transport::TlsConfig::client_certificate_pem))
//! and `cookie` (the cookie the router set on an earlier WebSocket connection).

use super::{AuthError, Authenticator};
use crate::message::Authenticate;
use crate::value::Dict;

/// Offers an authmethod the router decides from the connection itself (`tls`, `cookie`): the
/// router welcomes or refuses the client without a challenge.
#[derive(Debug, Clone)]
pub struct TransportAuth {
    method: &'static str,
}

impl TransportAuth {
    /// Authmethod `tls`: the router knows the client by its TLS client certificate.
    pub fn tls() -> Self {
        Self { method: "tls" }
    }

    /// Authmethod `cookie`: the router knows the client by a cookie it set on an earlier
    /// connection, once the client authenticated otherwise (offer that method too).
    pub fn cookie() -> Self {
        Self { method: "cookie" }
    }
}

impl Authenticator for TransportAuth {
    fn method(&self) -> &str {
        self.method
    }

    fn respond(&mut self, _challenge: &Dict) -> Result<Authenticate, AuthError> {
        Err(AuthError::new(
            self.method,
            "the router challenged a method that has no challenge",
        ))
    }
}
