//! Authentication and authorization decided by WAMP procedures that a trusted session
//! registers, as Crossbar.io's dynamic authenticators and authorizers: [`DynamicAuth`] and
//! [`DynamicAuthorizer`]. The router calls them itself, from an in-process session of its own
//! on the procedure's realm ([`RouterCalls`]; authid and authrole `wamp-router`, allowed to
//! call anything, listed by the session meta API like any session), with a timeout, and keeps
//! answers in a bounded cache where asked.
//!
//! The spec leaves dynamic authentication unwritten ("Write me") and defines no authorizer
//! API; the procedures' signatures are Crossbar.io's, so a Crossbar authenticator or authorizer
//! serves this router too:
//!
//! - authenticator: `(realm, authid, details)` answering a role (a string) or a principal
//!   (`{"role", "authid", "extra", "secret", "salt", "iterations", "keylen", "pubkey"}`);
//!   an error answered ends the join with ABORT of that error's URI;
//! - authorizer: `(session, uri, action, options)` answering `true`/`false` or
//!   `{"allow": bool, "cache": bool}`; a denial answers `wamp.error.not_authorized`, a failure
//!   (an error, a timeout, a malformed answer) `wamp.error.authorization_failed`.

mod authenticator;
mod authorizer;
mod cache;

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;

use futures::future::BoxFuture;
use wamp_core::message::uris;
use wamp_core::transport::memory;
use wamp_core::{Arguments, Client, Dict, Session, Value};

pub use authenticator::DynamicAuth;
pub use authorizer::DynamicAuthorizer;
pub(crate) use authorizer::{Authorize, Decision, Verdict};
pub use cache::Cache;

use crate::shared::Shared;

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

/// Calls procedures on the router's realms as the router itself. Given to authenticators in
/// [`HelloInfo::router`](crate::auth::HelloInfo::router).
#[derive(Clone)]
pub struct RouterCalls {
    shared: Weak<Shared>,
}

impl std::fmt::Debug for RouterCalls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RouterCalls")
    }
}

/// The router's own sessions, one per realm, joined when first needed.
#[derive(Default)]
pub(crate) struct ServiceSessions {
    sessions: tokio::sync::Mutex<HashMap<String, Session>>,
}

impl RouterCalls {
    pub(crate) fn new(shared: &Arc<Shared>) -> Self {
        Self {
            shared: Arc::downgrade(shared),
        }
    }

    /// A handle that can call nothing (for authenticators used outside a router).
    pub fn detached() -> Self {
        Self {
            shared: Weak::new(),
        }
    }

    async fn session(&self, realm: &str) -> Result<Session, CallFailure> {
        let shared = self
            .shared
            .upgrade()
            .ok_or_else(|| CallFailure::Unavailable("the router is gone".into()))?;
        if !shared.realms.contains_key(realm) {
            return Err(CallFailure::Unavailable(format!("no realm {realm:?}")));
        }
        let mut sessions = shared.services.sessions.lock().await;
        if let Some(session) = sessions.get(realm).filter(|s| !s.is_closed()) {
            return Ok(session.clone());
        }
        let (client, router_end) = memory::pair(shared.outbound_queue);
        let mut info = Dict::new();
        info.insert("type".into(), Value::Text("memory".into()));
        tokio::spawn(crate::connection::serve_service(
            shared.clone(),
            Box::new(router_end),
            info,
        ));
        let session = Client::for_realm(realm)
            .join(Box::new(client))
            .await
            .map_err(|e| CallFailure::Unavailable(e.to_string()))?;
        sessions.insert(realm.to_owned(), session.clone());
        Ok(session)
    }

    /// Calls `procedure` on `realm` with positional `args`; answers its result, or why not
    /// within `timeout`.
    // Boxed (and so `Send` by its type): the router's session is served by the connection
    // code that calls this, a cycle the compiler cannot prove `Send` through.
    pub fn call<'a>(
        &'a self,
        realm: &'a str,
        procedure: &'a str,
        args: Vec<Value>,
        timeout: Duration,
    ) -> BoxFuture<'a, Result<Arguments, CallFailure>> {
        Box::pin(self.call_now(realm, procedure, args, timeout))
    }

    async fn call_now(
        &self,
        realm: &str,
        procedure: &str,
        args: Vec<Value>,
        timeout: Duration,
    ) -> Result<Arguments, CallFailure> {
        let session = self.session(realm).await?;
        let call = session
            .call(procedure)
            .arguments(Arguments::new(args, Dict::new()));
        match tokio::time::timeout(timeout, call).await {
            Err(_) => Err(CallFailure::Timeout(timeout)),
            Ok(Ok(result)) => Ok(result.arguments),
            Ok(Err(wamp_core::Error::Wamp(e))) => Err(CallFailure::Error {
                message: match e.args.first() {
                    Some(Value::Text(t)) => t.clone(),
                    _ => e.uri.clone(),
                },
                uri: e.uri,
            }),
            Ok(Err(e)) => Err(CallFailure::Error {
                uri: uris::AUTHORIZATION_FAILED.into(),
                message: e.to_string(),
            }),
        }
    }
}
