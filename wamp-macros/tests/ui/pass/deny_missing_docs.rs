//! Generated items carry the user's docs: this crate denies missing docs and warnings.
#![deny(missing_docs, warnings)]

use futures::Stream;
use serde::{Deserialize, Serialize};
use wamp_core::typed::{Context, EventDetails};
use wamp_core::{event_handlers, subscribe, wamp_service, WampError, WampEvent};

/// Errors.
#[derive(Debug, WampError)]
#[wamp(prefix = "com.docs.error")]
pub enum DocError {
    /// Bad.
    Bad,
    /// Worse, with a reason.
    Worse {
        /// Why.
        reason: String,
    },
}

/// An event.
#[derive(Serialize, Deserialize, schemars::JsonSchema, WampEvent)]
#[wamp(topic = "com.docs.changed")]
pub struct Changed {
    /// What changed.
    pub what: String,
}

/// A documented service.
#[wamp_service(prefix = "com.docs", events(Changed))]
pub trait Documented {
    /// Adds.
    async fn add(&self, a: i64, b: i64) -> Result<i64, DocError>;
    /// Streams.
    async fn stream(&self, n: u32) -> impl Stream<Item = u32>;
    /// With context, by keyword.
    #[wamp(kwargs, disclose_caller, timeout_ms = 1000, cancel = "killnowait")]
    async fn who(&self, ctx: Context, greeting: String) -> String;
    /// A pattern.
    #[wamp(uri = "com.docs.any", match = "prefix", invoke = "roundrobin")]
    async fn any(&self, ctx: Context);
}

/// A handler.
#[subscribe]
pub async fn on_changed(event: Changed, details: EventDetails) {
    let _ = (event.what, details.topic);
}

/// Handlers.
pub struct Handlers;

#[event_handlers]
impl Handlers {
    /// A handler method.
    #[subscribe(topic = "com.docs", match = "prefix")]
    pub async fn on_any(&self, event: Changed) -> Result<(), String> {
        let _ = event;
        Ok(())
    }
}

fn main() {}
