//! A method marked idempotent, a bundle and a client behind `tower` layers: the layer bounds
//! the generated `layer` methods state are met by tower's own layers and ours.
#![deny(missing_docs, warnings)]

use std::time::Duration;

use wamp_core::typed::middleware::{RequireRoleLayer, RetryIdempotent};
use wamp_core::wamp_service;

/// A store.
#[wamp_service(prefix = "com.mw")]
pub trait Store {
    /// Reads a key: safe to retry.
    #[wamp(idempotent)]
    async fn get(&self, key: String) -> String;
    /// Deletes a key.
    async fn delete(&self, key: String);
}

/// The implementation.
pub struct Impl;

impl Store for Impl {
    async fn get(&self, key: String) -> String {
        key
    }
    async fn delete(&self, _key: String) {}
}

/// Layers on both sides, never run.
pub async fn layered(session: wamp_core::Session) {
    let _bundle = Impl.service().disclose_caller().layer(
        tower::ServiceBuilder::new()
            .layer(RequireRoleLayer::new(["admin"]).methods(["delete"]))
            .layer(tower::timeout::TimeoutLayer::new(Duration::from_secs(1))),
    );
    let _client = StoreClient::new(session).layer(RetryIdempotent::new(2).layer());
}

fn main() {
    let d = StoreClient::description();
    assert!(d.procedures[0].idempotent);
    assert!(!d.procedures[1].idempotent);
}
