//! Authentication on the router side: an [`Authenticator`] per `authmethod`, chosen by the
//! client's `HELLO.Details.authmethods` in the client's order of preference.
//!
//! | method | type | principals |
//! |---|---|---|
//! | `anonymous` | [`Anonymous`] | none: every client gets the configured role |
//! | `ticket` | [`TicketAuth`] | authid, ticket, role |
//! | `wampcra` | [`WampCraAuth`] | authid, secret (plain or salted), role |
//! | `cryptosign` | [`CryptosignAuth`] | authid, Ed25519 public key, role |
//! | `scram`, `wamp-scram` | [`ScramAuth`] | authid, salt, KDF, stored and server keys, role |
//! | `tls` | [`TlsAuth`] | authid, the SHA-1 fingerprint of the client's TLS certificate, role |
//!
//! A WAMP procedure can decide instead, as Crossbar.io's dynamic authenticators and
//! authorizers do: [`DynamicAuth`], [`DynamicAuthorizer`]. To check credentials elsewhere (a
//! database, an HTTP service), implement [`Authenticator`]:
//!
//! ```
//! use futures::future::BoxFuture;
//! use wamp_router::auth::{AuthDenied, Authenticator, HelloInfo, Identity, Step};
//!
//! /// Accepts any ticket that is the authid reversed.
//! struct Reversed;
//!
//! impl Authenticator for Reversed {
//!     fn method(&self) -> &str {
//!         "ticket"
//!     }
//!
//!     fn begin<'a>(&'a self, hello: &'a HelloInfo) -> BoxFuture<'a, Result<Step, AuthDenied>> {
//!         let authid = hello.authid.clone();
//!         Box::pin(async move {
//!             let authid = authid.ok_or_else(|| AuthDenied::failed("an authid is required"))?;
//!             Ok(Step::challenge(Default::default(), move |response| async move {
//!                 if response.signature.chars().rev().collect::<String>() == authid {
//!                     Ok(Identity::new(authid, "user"))
//!                 } else {
//!                     Err(AuthDenied::failed("wrong ticket"))
//!                 }
//!             }))
//!         })
//!     }
//! }
//! ```

mod anonymous;
mod cra;
#[cfg(feature = "cryptosign")]
mod cryptosign;
mod dynamic;
#[cfg(feature = "scram")]
mod scram;
mod ticket;
#[cfg(feature = "tls")]
mod tls;

use std::future::Future;

use futures::future::BoxFuture;
use wamp_core::message::uris;
use wamp_core::message::Authenticate;
use wamp_core::{Dict, Id};

pub use crate::authorization::DynamicAuthorizer;
pub use crate::cache::Cache;
pub use crate::calls::{CallFailure, RouterCalls, ROUTER_AUTHID};
pub use anonymous::Anonymous;
pub use cra::WampCraAuth;
#[cfg(feature = "cryptosign")]
pub use cryptosign::CryptosignAuth;
pub use dynamic::DynamicAuth;
#[cfg(feature = "scram")]
pub use scram::{ScramAuth, ScramPrincipal};
pub use ticket::TicketAuth;
#[cfg(feature = "tls")]
pub use tls::TlsAuth;

/// What the client said about itself in HELLO.
#[derive(Debug, Clone)]
pub struct HelloInfo {
    /// The realm asked for.
    pub realm: String,
    /// The session ID the router will assign if the client is welcomed.
    pub session: Id,
    /// `HELLO.Details.authid`.
    pub authid: Option<String>,
    /// `HELLO.Details.authrole`.
    pub authrole: Option<String>,
    /// `HELLO.Details.authextra`.
    pub authextra: Dict,
    /// What the router knows of the connection: `type` (`websocket`, `rawsocket`, `memory`),
    /// `protocol` (the subprotocol), `peer` (the client's address), and `peer_cert` (the
    /// `sha1` and `sha256` fingerprints of a verified TLS client certificate) when there is one.
    pub transport: Dict,
    /// Calls procedures on the router's realms, as the router (what [`DynamicAuth`] uses; an
    /// authenticator of your own may too).
    pub router: RouterCalls,
}

/// Who an authenticated client is.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    /// The authenticated ID.
    pub authid: String,
    /// The role whose permissions apply.
    pub authrole: String,
    /// Who checked the credentials (`static` for configured principals).
    pub authprovider: String,
    /// Extra data returned in `WELCOME.Details.authextra`.
    pub authextra: Dict,
}

impl Identity {
    /// An identity checked by the `static` provider with no extra data.
    pub fn new(authid: impl Into<String>, authrole: impl Into<String>) -> Self {
        Self {
            authid: authid.into(),
            authrole: authrole.into(),
            authprovider: "static".into(),
            authextra: Dict::new(),
        }
    }

    /// Sets the provider.
    pub fn provider(mut self, provider: impl Into<String>) -> Self {
        self.authprovider = provider.into();
        self
    }
}

/// Why authentication failed; the client receives an ABORT with this reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}: {message}")]
pub struct AuthDenied {
    /// The ABORT reason URI.
    pub reason: String,
    /// A human-readable message for `ABORT.Details.message`.
    pub message: String,
}

impl AuthDenied {
    /// `wamp.error.authentication_failed` with a message.
    pub fn failed(message: impl Into<String>) -> Self {
        Self {
            reason: uris::AUTHENTICATION_FAILED.into(),
            message: message.into(),
        }
    }
}

/// Checks a client's answer to a challenge.
pub type Verify =
    Box<dyn FnOnce(Authenticate) -> BoxFuture<'static, Result<Identity, AuthDenied>> + Send>;

/// The first step of authentication.
pub enum Step {
    /// Welcome the client at once.
    Accept(Identity),
    /// Send `CHALLENGE` with `extra`, then check the client's `AUTHENTICATE` with `verify`.
    Challenge {
        /// `CHALLENGE.Extra`.
        extra: Dict,
        /// Checks the answer.
        verify: Verify,
    },
}

impl std::fmt::Debug for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Accept(identity) => f.debug_tuple("Accept").field(identity).finish(),
            Step::Challenge { extra, .. } => f
                .debug_struct("Challenge")
                .field("extra", extra)
                .finish_non_exhaustive(),
        }
    }
}

impl Step {
    /// A challenge whose answer `verify` checks.
    pub fn challenge<F, Fut>(extra: Dict, verify: F) -> Self
    where
        F: FnOnce(Authenticate) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Identity, AuthDenied>> + Send + 'static,
    {
        Step::Challenge {
            extra,
            verify: Box::new(move |response| Box::pin(verify(response))),
        }
    }
}

/// One authentication method on the router.
pub trait Authenticator: Send + Sync + 'static {
    /// The `authmethod` this authenticator handles (`ticket`, `wampcra`...).
    fn method(&self) -> &str;

    /// Starts authenticating a client that chose this method.
    fn begin<'a>(&'a self, hello: &'a HelloInfo) -> BoxFuture<'a, Result<Step, AuthDenied>>;

    /// Whether this authenticator still admits `authid` with `authrole`: `Some(false)` when the
    /// principal is gone or has another role. After a [`Router::reload`](crate::Router::reload),
    /// sessions it no longer admits are ended. `None` (the default): it cannot tell, and the
    /// session stays.
    fn admits(&self, _authid: &str, _authrole: &str) -> Option<bool> {
        None
    }
}

/// Compares secrets in time independent of where they differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether principals kept by key (a public key, a certificate) as `(authid, authrole)` hold
/// this one (what [`Authenticator::admits`] answers for them).
#[cfg(any(feature = "tls", feature = "cryptosign"))]
pub(crate) fn holds<'a>(
    principals: impl IntoIterator<Item = &'a (String, String)>,
    authid: &str,
    authrole: &str,
) -> bool {
    principals
        .into_iter()
        .any(|(id, role)| id == authid && role == authrole)
}

/// The authid a client must announce for methods with principals.
pub(crate) fn required_authid(hello: &HelloInfo) -> Result<String, AuthDenied> {
    hello
        .authid
        .clone()
        .ok_or_else(|| AuthDenied::failed("this authentication method needs an authid in HELLO"))
}
