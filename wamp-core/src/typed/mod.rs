//! Typed services and events: the runtime under `#[wamp_service]`, `#[derive(WampError)]`,
//! `#[derive(WampEvent)]` and `#[subscribe]`.
//!
//! The macros turn a Rust trait into a WAMP service; this module holds what their code uses and
//! what users meet in signatures:
//!
//! | item | role |
//! |---|---|
//! | [`CallError`] | a failed typed call: the service's own error `E`, or timeout, canceled, disconnected, not authorized, an undeclared URI... |
//! | [`ServiceError`] | an error type mapped to error URIs (`#[derive(WampError)]`) |
//! | [`TypedCall`], [`TypedStreamCall`] | what a generated client method answers: await it, or set per-call options first (`timeout`, `disclose_me`, `cancel_mode`) |
//! | [`ProgressStream`] | the caller's typed stream of a progressive procedure; dropping it cancels |
//! | [`Context`] | invocation details a service method may take as a parameter |
//! | [`ServiceHandle`] | a registered service; dropping it unregisters |
//! | [`ServiceBundle`] | services before registering: `impl.service()`, a part with `only`, several with `and`, then `serve` |
//! | [`ServiceClient`] | what every generated client implements |
//! | [`WampEvent`], [`EventStream`], [`EventDetails`] | typed events (`#[derive(WampEvent)]`) |
//! | [`HandlerSet`], [`Subscriptions`] | `#[subscribe]` handlers and their running subscriptions |
//! | [`middleware`] | `tower` layers around a service's methods, a client's calls, event handlers |
//!
//! The wire mapping, in both directions (so Autobahn and other untyped peers interoperate):
//!
//! | Rust | WAMP |
//! |---|---|
//! | method parameters | positional `args`, in order; with `#[wamp(kwargs)]` keyword `kwargs` by name; a `#[wamp(kwargs)]` parameter is the whole `kwargs` dict. A callee accepts either form for every parameter, and a missing one decodes from `null` (so `Option` parameters may be left out) |
//! | a return value `T` | `args[0]` (`()`: no arguments); a caller also accepts a kwargs-only result as `T` |
//! | `Err(e)` with `e: #[derive(WampError)]` | ERROR with the variant's URI; tuple fields as `args`, named fields as `kwargs` |
//! | a stream of `T` | one progressive RESULT per item, then an empty final RESULT; a caller that did not ask for progress gets `[items...]` as `args[0]` |
//! | an event struct with named fields | `kwargs` (by its serde form); tuple fields: `args`; `#[wamp(payload = "value")]`: the whole value as `args[0]` |

mod bundle;
mod call;
mod error;
mod event;
pub mod middleware;
pub(crate) mod progress;
mod service;

pub use bundle::ServiceBundle;
pub use call::{TypedCall, TypedStreamCall};
pub use error::{CallError, ServiceError};
pub use event::{EventDetails, EventError, EventStream, HandlerSet, Subscriptions, WampEvent};
pub use progress::{decode_result, serve_stream, ProgressStream};
pub use service::{Context, Disclosure, Refused, ServeError, ServiceClient, ServiceHandle};

/// The `Stream` trait progressive methods return (`impl Stream<Item = T>`), re-exported so that
/// service traits (generated ones included) need no `futures` dependency.
pub use futures::stream::Stream;
