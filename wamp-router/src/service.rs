//! The router's own in-process sessions ([`RouterCalls`](crate::calls::RouterCalls)): joined
//! on a realm when first needed, as [`ROUTER_AUTHID`], and allowed to call anything.

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use wamp_core::message::uris;
use wamp_core::transport::memory;
use wamp_core::{Arguments, Client, Dict, Session, Value};

use crate::calls::{CallFailure, ServiceCall, ROUTER_AUTHID};
use crate::shared::Shared;

/// The router's session on `realm`, joined if need be.
async fn session(shared: &Arc<Shared>, realm: &str) -> Result<Session, CallFailure> {
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
    tracing::debug!(
        realm,
        authid = ROUTER_AUTHID,
        "the router's own session joined"
    );
    sessions.insert(realm.to_owned(), session.clone());
    Ok(session)
}

async fn call(
    shared: Arc<Shared>,
    realm: &str,
    procedure: &str,
    args: Vec<Value>,
    timeout: Duration,
) -> Result<Arguments, CallFailure> {
    let session = session(&shared, realm).await?;
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

impl ServiceCall for Shared {
    fn call<'a>(
        &'a self,
        realm: &'a str,
        procedure: &'a str,
        args: Vec<Value>,
        timeout: Duration,
    ) -> BoxFuture<'a, Result<Arguments, CallFailure>> {
        let shared = self.me.upgrade();
        Box::pin(async move {
            let shared =
                shared.ok_or_else(|| CallFailure::Unavailable("the router is gone".into()))?;
            call(shared, realm, procedure, args, timeout).await
        })
    }
}
