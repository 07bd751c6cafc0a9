//! The router calling procedures itself, as dynamic authenticators and authorizers need
//! ([`RouterCalls`]): from an in-process session of its own on the procedure's realm (authid and
//! authrole [`ROUTER_AUTHID`], allowed to call anything, listed by the session meta API like
//! any session), with a timeout.

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;

use futures::future::BoxFuture;
use wamp_core::{Arguments, Session, Value};

/// The authid and authrole of the router's own sessions.
pub const ROUTER_AUTHID: &str = "wamp-router";

/// Why a call of the router's failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallFailure {
    /// The procedure answered an ERROR (or the dealer did: `no_such_procedure`...).
    #[error("{uri}: {message}")]
    Error {
        /// The error URI.
        uri: String,
        /// Its first argument, when it is text.
        message: String,
    },
    /// No answer within the timeout (the call is canceled).
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The router is shutting down, or the realm does not exist.
    #[error("the router cannot call: {0}")]
    Unavailable(String),
}

/// What can call procedures as the router (the router's shared state, [`crate::service`]).
pub(crate) trait ServiceCall: Send + Sync {
    /// Calls `procedure` on `realm` with positional `args`, within `timeout`.
    fn call<'a>(
        &'a self,
        realm: &'a str,
        procedure: &'a str,
        args: Vec<Value>,
        timeout: Duration,
    ) -> BoxFuture<'a, Result<Arguments, CallFailure>>;
}

/// The router's own sessions, one per realm, joined when first needed.
#[derive(Default)]
pub(crate) struct ServiceSessions {
    pub(crate) sessions: tokio::sync::Mutex<HashMap<String, Session>>,
}

/// Calls procedures on the router's realms as the router itself. Given to authenticators in
/// [`HelloInfo::router`](crate::auth::HelloInfo::router).
#[derive(Clone)]
pub struct RouterCalls {
    inner: Option<Weak<dyn ServiceCall>>,
}

impl std::fmt::Debug for RouterCalls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RouterCalls")
    }
}

impl RouterCalls {
    pub(crate) fn new<T: ServiceCall + 'static>(router: &Arc<T>) -> Self {
        let weak: Weak<T> = Arc::downgrade(router);
        Self {
            inner: Some(weak as Weak<dyn ServiceCall>),
        }
    }

    /// A handle that can call nothing (for authenticators used outside a router).
    pub fn detached() -> Self {
        Self { inner: None }
    }

    /// Calls `procedure` on `realm` with positional `args`; answers its result, or why not
    /// within `timeout` (then the call is canceled).
    pub async fn call(
        &self,
        realm: &str,
        procedure: &str,
        args: Vec<Value>,
        timeout: Duration,
    ) -> Result<Arguments, CallFailure> {
        let router = self
            .inner
            .as_ref()
            .and_then(Weak::upgrade)
            .ok_or_else(|| CallFailure::Unavailable("the router is gone".into()))?;
        router.call(realm, procedure, args, timeout).await
    }
}
