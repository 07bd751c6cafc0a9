//! `tls`: a client is who its TLS client certificate says, as Crossbar.io's `tls` method: the
//! router asks for certificates ([`tls_config_with_client_auth`](crate::tls_config_with_client_auth)),
//! a principal names the certificate by its SHA-1 fingerprint, and the client offers authmethod
//! `tls` with no challenge.
//!
//! A client with no certificate, or one no principal names, is refused with
//! `wamp.error.authentication_failed` (the spec's URI for failed authentication; Crossbar.io
//! answers `wamp.error.not_authorized` there).

use std::collections::HashMap;

use futures::future::BoxFuture;
use wamp_core::Value;

use super::{AuthDenied, Authenticator, HelloInfo, Identity, Step};

/// Authenticates clients by their TLS client certificate.
#[derive(Debug, Clone, Default)]
pub struct TlsAuth {
    /// SHA-1 fingerprint (upper-case, colon-separated) -> (authid, authrole).
    principals: HashMap<String, (String, String)>,
}

/// A fingerprint in one spelling: upper-case hex with colons.
fn normalized(fingerprint: &str) -> String {
    let hex: String = fingerprint
        .chars()
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    hex.as_bytes()
        .chunks(2)
        .map(|pair| String::from_utf8_lossy(pair).into_owned())
        .collect::<Vec<_>>()
        .join(":")
}

impl TlsAuth {
    /// No principals yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a principal: the client whose certificate has this SHA-1 fingerprint (as
    /// [`sha1_fingerprint`](crate::sha1_fingerprint) or `openssl x509 -fingerprint -sha1`
    /// writes it; case and colons do not matter) is `authid` with `authrole`.
    pub fn principal(
        mut self,
        authid: impl Into<String>,
        certificate_sha1: &str,
        authrole: impl Into<String>,
    ) -> Self {
        self.principals.insert(
            normalized(certificate_sha1),
            (authid.into(), authrole.into()),
        );
        self
    }
}

impl Authenticator for TlsAuth {
    fn method(&self) -> &str {
        "tls"
    }

    fn admits(&self, authid: &str, authrole: &str) -> Option<bool> {
        Some(super::holds(self.principals.values(), authid, authrole))
    }

    fn begin<'a>(&'a self, hello: &'a HelloInfo) -> BoxFuture<'a, Result<Step, AuthDenied>> {
        let fingerprint = match hello.transport.get("peer_cert") {
            Some(Value::Map(cert)) => cert.iter().find_map(|(k, v)| match (k, v) {
                (Value::Text(k), Value::Text(v)) if k == "sha1" => Some(v.clone()),
                _ => None,
            }),
            _ => None,
        };
        let found = match fingerprint {
            None => Err(AuthDenied::failed(
                "the client sent no TLS client certificate",
            )),
            Some(sha1) => self
                .principals
                .get(&normalized(&sha1))
                .map(|(authid, role)| Identity::new(authid.clone(), role.clone()))
                .ok_or_else(|| {
                    AuthDenied::failed(format!("no principal has the certificate {sha1}"))
                }),
        };
        Box::pin(async move { Ok(Step::Accept(found?)) })
    }
}

#[cfg(test)]
mod tests {
    use super::normalized;

    #[test]
    fn fingerprints_are_read_in_any_spelling() {
        assert_eq!(normalized("ab:cd:0f"), "AB:CD:0F");
        assert_eq!(normalized("ABCD0F"), "AB:CD:0F");
    }
}
