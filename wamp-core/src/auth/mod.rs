//! Client authentication: ticket, WAMP-CRA (plain and salted), WAMP-SCRAM (Argon2id and PBKDF2)
//! and WAMP-Cryptosign (Ed25519).
//!
//! Each method is an [`Authenticator`]: it adds its fields to `HELLO.Details.authextra`, answers
//! the router's CHALLENGE, and may check the router's proof in WELCOME. Anonymous authentication
//! needs no authenticator. Implement the trait to plug in another method.

mod cra;
mod cryptosign;
mod scram;
mod ticket;

pub use cra::{derive_key as wampcra_derive_key, sign as wampcra_sign, WampCra};
pub use cryptosign::Cryptosign;
pub use scram::{Scram, ScramFlavor};
pub use ticket::Ticket;

use crate::message::Authenticate;
use crate::value::{Dict, Value};

/// Why authentication could not be performed on the client side.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{method} authentication: {reason}")]
pub struct AuthError {
    /// The authentication method.
    pub method: String,
    /// What went wrong.
    pub reason: String,
}

impl AuthError {
    /// An error of `method` with a reason.
    pub fn new(method: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            method: method.into(),
            reason: reason.into(),
        }
    }
}

/// One authentication method, as seen from the client.
pub trait Authenticator: Send + Sync {
    /// The method name announced in `HELLO.Details.authmethods` (for example `"ticket"`).
    fn method(&self) -> &str;

    /// Fields this method adds to `HELLO.Details.authextra`.
    fn authextra(&mut self) -> Result<Dict, AuthError> {
        Ok(Dict::new())
    }

    /// Answers the router's challenge (`CHALLENGE.Extra`).
    fn respond(&mut self, challenge: &Dict) -> Result<Authenticate, AuthError>;

    /// Checks the router's WELCOME details (for example the SCRAM server signature).
    fn check_welcome(&mut self, _details: &Dict) -> Result<(), AuthError> {
        Ok(())
    }
}

/// Reads a string field of a challenge.
pub(crate) fn text_field<'a>(
    method: &str,
    extra: &'a Dict,
    key: &str,
) -> Result<&'a str, AuthError> {
    match extra.get(key) {
        Some(Value::Text(t)) => Ok(t),
        Some(_) => Err(AuthError::new(
            method,
            format!("challenge field {key} is not a string"),
        )),
        None => Err(AuthError::new(
            method,
            format!("challenge lacks the field {key}"),
        )),
    }
}

/// Reads an optional unsigned integer field of a challenge.
pub(crate) fn uint_field(method: &str, extra: &Dict, key: &str) -> Result<Option<u32>, AuthError> {
    match extra.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => crate::value::as_u64(v)
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| {
                AuthError::new(
                    method,
                    format!("challenge field {key} is not a valid integer"),
                )
            }),
    }
}

/// An AUTHENTICATE with a signature and no extra.
pub(crate) fn authenticate(signature: String) -> Authenticate {
    Authenticate {
        signature,
        extra: Dict::new(),
    }
}
