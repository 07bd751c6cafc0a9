//! Client authentication: ticket, WAMP-CRA (plain and salted), WAMP-SCRAM (Argon2id and PBKDF2)
//! and WAMP-Cryptosign (Ed25519).
//!
//! Each method is an [`Authenticator`]: it adds its fields to `HELLO.Details.authextra`, answers
//! the router's CHALLENGE, and may check the router's proof in WELCOME. Anonymous authentication
//! needs no authenticator. Implement the trait to plug in another method.

mod cra;
#[cfg(feature = "cryptosign")]
mod cryptosign;
#[cfg(feature = "scram")]
pub mod scram;
mod ticket;
mod transport;

pub use cra::{derive_key as wampcra_derive_key, sign as wampcra_sign, WampCra};
#[cfg(feature = "cryptosign")]
pub use cryptosign::Cryptosign;
#[cfg(feature = "scram")]
pub use scram::{Scram, ScramFlavor};
pub use ticket::Ticket;
pub use transport::TransportAuth;

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

/// Bounds on the key-derivation work a router may ask of this client in a challenge.
///
/// WAMP-SCRAM and salted WAMP-CRA let the router choose the KDF's cost; a hostile or broken
/// router could ask for gigabytes of memory or billions of iterations. Each parameter is checked
/// against these bounds before any work, and over a bound is a clear [`AuthError`]. The defaults
/// leave room for every setting in use (Autobahn's and Crossbar's SCRAM credentials are argon2id
/// with 512 KiB and 4,096 passes, PBKDF2 with 4,096 iterations; salted WAMP-CRA 1,000).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfLimits {
    /// The most memory argon2id may use, in KiB (default 262,144: 256 MiB).
    pub argon2_memory_kib: u32,
    /// The most argon2id work, as memory in KiB times passes (default 2^24: 8 times Autobahn's
    /// default credential).
    pub argon2_work: u64,
    /// The most PBKDF2 iterations for WAMP-SCRAM (default 5,000,000).
    pub pbkdf2_iterations: u32,
    /// The most PBKDF2 iterations for salted WAMP-CRA (default 5,000,000).
    pub wampcra_iterations: u32,
}

impl Default for KdfLimits {
    fn default() -> Self {
        Self {
            argon2_memory_kib: 256 * 1024,
            argon2_work: 1 << 24,
            pbkdf2_iterations: 5_000_000,
            wampcra_iterations: 5_000_000,
        }
    }
}

impl KdfLimits {
    /// Fails with an [`AuthError`] naming the parameter when `value` is over `bound`.
    pub(crate) fn check(method: &str, what: &str, value: u64, bound: u64) -> Result<(), AuthError> {
        if value > bound {
            return Err(AuthError::new(
                method,
                format!(
                    "the router asks for {what} {value}, over this client's limit of {bound} \
                     (see KdfLimits)"
                ),
            ));
        }
        Ok(())
    }
}

/// One authentication method, as seen from the client.
pub trait Authenticator: Send + Sync + 'static {
    /// The method name announced in `HELLO.Details.authmethods` (for example `"ticket"`).
    fn method(&self) -> &str;

    /// Fields this method adds to `HELLO.Details.authextra`.
    fn authextra(&mut self) -> Result<Dict, AuthError> {
        Ok(Dict::new())
    }

    /// Answers the router's challenge (`CHALLENGE.Extra`). It runs on a blocking thread, so a
    /// slow key derivation does not hold up the runtime (and the join timeout holds).
    fn respond(&mut self, challenge: &Dict) -> Result<Authenticate, AuthError>;

    /// Sets the bounds on the key-derivation work a challenge may ask for; called before
    /// [`respond`](Self::respond). Methods without a router-chosen cost ignore it.
    fn limit(&mut self, _limits: &KdfLimits) {}

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
