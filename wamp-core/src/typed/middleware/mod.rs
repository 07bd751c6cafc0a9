//! Middleware for typed services, typed clients and event handlers: [`tower`] layers.
//!
//! Three pipelines take layers, each a `tower::Service` with its own request type:
//!
//! | pipeline | set with | request | response |
//! |---|---|---|---|
//! | callee | [`ServiceBundle::layer`](crate::typed::ServiceBundle::layer) | [`Invocation`](crate::session::Invocation) | [`Reply`](crate::session::Reply) |
//! | caller | the generated client's `layer` | [`OutgoingCall`] | [`Answer`] |
//! | events | [`Session::subscribe_handlers_layered`](crate::Session::subscribe_handlers_layered) | [`Delivery`] | `()` |
//!
//! A layer sees the procedure or topic, the arguments and the details (who called or published,
//! when disclosed), and the method's Rust name as the [`Method`] request extension. It can
//! refuse (answer an error without calling on), time, log and count, or put a value into the
//! request's extensions that the method reads with [`Context::extensions`](crate::typed::Context::extensions)
//! (or an event handler with [`EventDetails::extensions`](crate::typed::EventDetails::extensions)).
//!
//! Layers from `tower` work as they are: `tower::timeout::TimeoutLayer` (a timed-out invocation
//! is answered `wamp.error.timeout`), `tower::limit::ConcurrencyLimitLayer` (the limit holds
//! across every procedure of the bundle), `tower::load_shed::LoadShedLayer` (a shed invocation
//! is answered `wamp.error.unavailable`, which a dealer with Call Reroute takes as "try another
//! callee"). This module adds [`RequireRole`] (authorization by the caller's authrole),
//! [`RetryIdempotent`] (a caller retry policy for methods marked `#[wamp(idempotent)]`); trace
//! context propagation needs no layer (see [`trace`](crate::trace)). Several layers at once:
//! pass a `tower::ServiceBuilder`.
//!
//! Nothing is paid where no layer is set: the handlers and calls are then the same code as
//! without this module.

mod authorize;
mod callee;
pub(crate) mod caller;
pub(crate) mod events;
mod retry;

pub use authorize::{RequireRole, RequireRoleLayer};
pub(crate) use callee::layer_procedures;
pub use callee::{Handlers, Method};
pub use caller::{Answer, CallStack, Caller, OutgoingCall};
pub use events::{Delivery, EventHandlers, EventStack};
pub use retry::RetryIdempotent;

pub use tower::{BoxError, Layer, Service};

use crate::error::{Error, WampError};
use crate::message::uris;

/// A layer's error as the WAMP error a callee answers: a [`WampError`] as it is,
/// `tower`'s timeout as `wamp.error.timeout`, its load shedding as `wamp.error.unavailable`,
/// anything else as `wamp.error.runtime_error` with the error's text.
pub fn wamp_error(error: BoxError) -> WampError {
    match error.downcast::<WampError>() {
        Ok(e) => *e,
        Err(e) if e.is::<tower::timeout::error::Elapsed>() => {
            WampError::with_message(uris::TIMEOUT, e.to_string())
        }
        Err(e) if e.is::<tower::load_shed::error::Overloaded>() => {
            WampError::with_message(uris::UNAVAILABLE, e.to_string())
        }
        Err(e) => WampError::with_message(uris::RUNTIME_ERROR, e.to_string()),
    }
}

/// A caller layer's error as the [`Error`] a call answers: an [`Error`] or [`WampError`] as it
/// is, anything else as [`wamp_error`] makes it.
pub fn call_error(error: BoxError) -> Error {
    match error.downcast::<Error>() {
        Ok(e) => *e,
        Err(e) => Error::Wamp(wamp_error(e)),
    }
}
