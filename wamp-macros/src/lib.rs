//! Procedural macros for typed WAMP services. Use them through `wamp_core`, which re-exports
//! them and holds the runtime their code calls (`wamp_core::typed`).
//!
//! | macro | on | generates |
//! |---|---|---|
//! | [`macro@wamp_service`] | a trait | the trait with a `serve` method registering any implementation, and a typed `FooClient` |
//! | [`derive@WampError`] | an enum or struct | `ServiceError`: variants ↔ error URIs, fields ↔ ERROR arguments |
//! | [`derive@WampEvent`] | a struct or enum | `WampEvent`: the topic and the payload mapping |
//! | [`macro@subscribe`] | an async fn | a handler set of one, subscribed with `session.subscribe_handlers(..)` |
//! | [`macro@event_handlers`] | an `impl` block | a handler set of its `#[subscribe]` methods |
//!
//! Every macro reports all its errors at once, each spanned at the offending token, and its code
//! names the runtime only through absolute paths, so it compiles under `#![no_implicit_prelude]`
//! and `#![deny(missing_docs)]` (user docs are carried over).
//!
//! ```
//! use wamp_core::prelude::*;
//!
//! #[wamp_service(prefix = "com.example.greeter")]
//! pub trait Greeter {
//!     /// Greets someone.
//!     async fn greet(&self, name: String) -> String;
//! }
//!
//! // What a served `Greeter` registers, and what its description says.
//! let description = GreeterClient::description();
//! assert_eq!(description.procedures[0].uri, "com.example.greeter.greet");
//! assert_eq!(description.procedures[0].docs, "Greets someone.");
//! ```
//!
//! The crate has no cargo features; `wamp_core`'s crate docs run a service end to end.

mod attr;
mod ctxt;
mod derive_error;
mod derive_event;
mod fields;
mod service;
mod subscribe;
mod uri;
mod vocab;

#[cfg(test)]
mod expand_tests;

use proc_macro::TokenStream;

/// Turns a trait into a WAMP service: a typed client for callers and one-call registration for
/// callees.
///
/// ```no_run
/// use wamp_core::{wamp_service, WampError};
///
/// #[derive(Debug, WampError)]
/// #[wamp(prefix = "com.example.calc.error")]
/// pub enum CalcError {
///     /// `com.example.calc.error.overflow`, no payload.
///     Overflow,
///     /// `com.example.calc.error.invalid`, `{"reason": ...}` as kwargs.
///     Invalid { reason: String },
/// }
///
/// #[wamp_service(prefix = "com.example.calc")]
/// pub trait Calculator {
///     /// Adds two numbers: `com.example.calc.add(a, b)`, the sum as `args[0]`.
///     async fn add(&self, a: i64, b: i64) -> Result<i64, CalcError>;
/// }
///
/// struct Calc;
/// impl Calculator for Calc {
///     async fn add(&self, a: i64, b: i64) -> Result<i64, CalcError> {
///         a.checked_add(b).ok_or(CalcError::Overflow)
///     }
/// }
///
/// # async fn demo(session: wamp_core::Session) -> Result<(), Box<dyn std::error::Error>> {
/// let _service = Calc.serve(&session).await?; // registered until dropped
/// let calc = CalculatorClient::new(session.clone());
/// assert_eq!(calc.add(2, 3).await?, 5);
/// # Ok(()) }
/// ```
///
/// What it generates from the trait above:
///
/// ```text
/// pub trait Calculator: Send + Sync + 'static {
///     fn add(&self, a: i64, b: i64) -> impl Future<Output = Result<i64, CalcError>> + Send;
///     fn serve(self, session: &Session) -> impl Future<Output = Result<ServiceHandle, Error>> + Send;
/// }
/// pub struct CalculatorClient { .. }
/// impl CalculatorClient {
///     pub fn new(session: Session) -> Self;
///     pub fn with_timeout(self, timeout: Duration) -> Self;
///     pub async fn add(&self, a: i64, b: i64) -> Result<i64, CallError<CalcError>>;
/// }
/// impl ServiceClient for CalculatorClient { /* PREFIX, PROCEDURES, TOPICS */ }
/// ```
///
/// # The macro's arguments
/// - `prefix = "com.example.calc"` (required): each method `m` is the procedure `prefix.m`.
/// - `events(TypeA, TypeB)`: event types (`#[derive(WampEvent)]`) the service publishes, listed in
///   `ServiceClient::TOPICS`.
/// - `describe = false`: `serve` does not answer `<prefix>.describe`.
/// - `uri_check = "loose"`: hold the prefix and every procedure URI to the spec's loose rule
///   instead of the strict one (below).
/// - `encrypted`: every method is end-to-end encrypted (the `encrypted` method key, below).
///
/// # URIs
/// URIs are checked at compile time. By default they must be *strict* (the spec's SHOULD):
/// components of lower-case letters, digits and `_`. A service that already exists under other
/// URIs (`com.legacy.getUser`, common with Autobahn and Crossbar) opts in to the *loose* rule
/// (the spec's MUST: no empty component, no `#` or whitespace) explicitly, for the whole service
/// (`#[wamp_service(prefix = "com.legacy", uri_check = "loose")]`) or for one method
/// (`#[wamp(uri = "com.legacy.getUser", uri_check = "loose")]`). [`derive@WampError`],
/// [`derive@WampEvent`] and [`macro@subscribe`] take the same `uri_check` key.
///
/// # What the types must implement
/// Every parameter, result, progressive item and event type is `serde::Serialize +
/// serde::de::DeserializeOwned + schemars::JsonSchema`, **schemars 1.x**: the service describes
/// itself with each type's JSON Schema. Add `#[derive(Serialize, Deserialize, JsonSchema)]` to
/// your own types (`schemars` from crates.io, or the re-export `wamp_core::schemars` with
/// `#[schemars(crate = "wamp_core::schemars")]`). Error types derive [`derive@WampError`] (or
/// use `wamp_core::WampError` for untyped errors).
///
/// # Methods
/// Every method is `async fn name(&self, ...)`. It returns `T` (sent as `args[0]`; `()` sends
/// nothing), `Result<T, E>` with `E` a [`derive@WampError`] type (or `wamp_core::WampError` for
/// untyped errors), or `impl Stream<Item = T>` / `impl Stream<Item = Result<T, E>>` for a
/// progressive procedure: each item is a progressive result, the client gets a typed stream and
/// dropping it cancels the call.
///
/// A method whose only parameter (besides a `Context`) is `items: impl Stream<Item = T>` takes
/// a stream: the client sends it item by item as progressive call invocations (one CALL with
/// `progress = true` per item, then an empty last one) and the method reads the items as they
/// come. Every positional argument of every CALL is one item, so a caller that sends all items
/// in one plain CALL is served too, and the client does exactly that when the dealer does not
/// announce `progressive_call_invocations` (Crossbar.io). The trait's parameter is made `Send`:
/// write `impl Stream<Item = T> + Send` in the implementation. An item that does not decode ends
/// the stream and fails the call with `wamp.error.invalid_argument`.
///
/// Parameters travel positionally, in order. A parameter of type `Context`
/// (`wamp_core::typed::Context`) is filled in by the callee with the invocation's details and is
/// not part of the client's signature. Who called is in it only when the method has
/// `#[wamp(disclose_caller)]` (and the dealer agrees); `Context::disclosure()` says whether the
/// caller is `Disclosed`, `Withheld` by the dealer or `NotRequested`. The callee accepts each parameter positionally or by its
/// name in `kwargs`, and decodes a missing one from `null` (so `Option` parameters are optional).
///
/// Method attributes, `#[wamp(...)]`:
///
/// | key | effect |
/// |---|---|
/// | `name = "x"` | the procedure is `prefix.x` |
/// | `uri = "a.b.c"` | the procedure is `a.b.c` (absolute) |
/// | `kwargs` | the client sends every parameter in `kwargs`, by name |
/// | `match = "prefix"` / `"wildcard"` | a pattern registration; the client method then takes the concrete `procedure: &str` first |
/// | `invoke = "roundrobin"` (`single`, `random`, `first`, `last`) | a shared registration |
/// | `timeout_ms = 5000` | the client's call timeout (sent to the dealer too) |
/// | `disclose_caller` | asks the dealer for the caller's identity (see `Context`) |
/// | `cancel = "kill"` (`skip`, `killnowait`) | how the client cancels on timeout or drop (default `kill`) |
/// | `uri_check = "loose"` (`strict`) | the rule this method's URI is held to (default: the service's) |
/// | `encrypted` | end-to-end encrypted (WAMP-cryptobox, `wamp_core::cryptobox`): the client seals each call or fails with `Error::NoKey` and refuses a result in the clear; the callee refuses calls in the clear with `wamp_rs.error.encryption_required`; the description says so. The keys are the session's key ring |
///
/// Parameter attributes: `#[wamp(kwarg)]` sends that one parameter by name; `#[wamp(kwargs)]` makes
/// a struct parameter the whole `kwargs` dictionary.
#[proc_macro_attribute]
pub fn wamp_service(args: TokenStream, input: TokenStream) -> TokenStream {
    service::expand(args.into(), input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Maps an error type to WAMP error URIs, so a service method can return `Result<T, Self>` and
/// a caller gets `Self` back.
///
/// ```no_run
/// use wamp_core::WampError;
///
/// #[derive(Debug, WampError)]
/// #[wamp(prefix = "com.example.shop.error")]
/// pub enum ShopError {
///     /// `com.example.shop.error.sold_out`: no arguments.
///     SoldOut,
///     /// `com.example.shop.error.too_many`: `args = [max]`.
///     TooMany(u32),
///     /// `com.example.shop.error.unknown_item`: `kwargs = {"item": ...}`.
///     UnknownItem { item: String },
///     /// An explicit URI.
///     #[wamp(uri = "com.example.errors.closed")]
///     Closed,
/// }
///
/// #[derive(Debug, WampError)]
/// #[wamp(uri = "com.example.error.not_found")]
/// pub struct NotFound {
///     pub id: u64,
/// }
/// ```
///
/// Tuple fields travel as the ERROR's `args`, named fields as its `kwargs` (each field's serde
/// form). URIs are strict unless `#[wamp(uri_check = "loose")]` is on the type or a variant. A received ERROR with one of these URIs becomes the variant; any other URI becomes a
/// distinct `CallError` kind. Generates `impl wamp_core::typed::ServiceError`.
#[proc_macro_derive(WampError, attributes(wamp))]
pub fn derive_wamp_error(input: TokenStream) -> TokenStream {
    syn::parse(input)
        .and_then(derive_error::expand)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Binds a type to a topic for typed publishing and subscribing.
///
/// ```no_run
/// use serde::{Deserialize, Serialize};
/// use wamp_core::WampEvent;
///
/// /// Sent as `kwargs = {"user": ..., "score": ...}` (its serde form).
/// #[derive(Serialize, Deserialize, schemars::JsonSchema, WampEvent)]
/// #[wamp(topic = "com.example.game.scored")]
/// pub struct Scored {
///     pub user: String,
///     pub score: u32,
/// }
///
/// /// Sent as `args = ["hello"]`.
/// #[derive(WampEvent)]
/// #[wamp(topic = "com.example.chat.said")]
/// pub struct Said(pub String);
///
/// # async fn demo(session: wamp_core::Session) -> Result<(), wamp_core::Error> {
/// session.publish_event(&Said("hello".into())).await?;
/// let mut said = session.subscribe_event::<Said>().await?;
/// # Ok(()) }
/// ```
///
/// `#[wamp(payload = "...")]` picks the mapping: `"kwargs"` (the serde form as `kwargs`; the
/// default for named fields), `"args"` (each field positionally, in order; the default for tuple
/// and unit structs) or `"value"` (the serde form as `args[0]`; the default for enums).
/// The topic is strict unless `#[wamp(uri_check = "loose")]`. With `#[wamp(encrypted)]` the event
/// travels end-to-end encrypted (WAMP-cryptobox): `publish_event` seals it or fails with
/// `Error::NoKey`, typed subscriptions refuse events in the clear, and the description says so.
/// Generates `impl wamp_core::typed::WampEvent`.
#[proc_macro_derive(WampEvent, attributes(wamp))]
pub fn derive_wamp_event(input: TokenStream) -> TokenStream {
    syn::parse(input)
        .and_then(derive_event::expand)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Makes an async function an event handler: it takes a `#[derive(WampEvent)]` type and
/// optionally `EventDetails` (the concrete topic, the publisher...).
///
/// ```no_run
/// use wamp_core::typed::EventDetails;
/// use wamp_core::{subscribe, WampEvent};
///
/// #[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema, WampEvent)]
/// #[wamp(topic = "com.example.game.scored")]
/// pub struct Scored { pub user: String, pub score: u32 }
///
/// /// Every score.
/// #[subscribe]
/// async fn on_scored(event: Scored) {
///     println!("{} scored {}", event.user, event.score);
/// }
///
/// /// Any event under `com.example.game`, decoded as `Scored`; the topic is in the details.
/// #[subscribe(topic = "com.example.game", match = "prefix")]
/// async fn on_game(event: Scored, details: EventDetails) -> Result<(), String> {
///     println!("{}: {}", details.topic, event.user);
///     Ok(())
/// }
///
/// # async fn demo(session: wamp_core::Session) -> Result<(), wamp_core::Error> {
/// let _running = session.subscribe_handlers((on_scored, on_game)).await?;
/// # Ok(()) }
/// ```
///
/// The function becomes a unit struct of the same name implementing `HandlerSet` (its body stays
/// callable as `on_scored::handle(..)`); tuples of handler sets subscribe together. Arguments:
/// `topic = "..."` (default: the event type's topic), `match = "prefix" | "wildcard"` and
/// `uri_check = "loose"` (the topic is strict by default).
/// Handlers run in order per subscription; an event that does not decode, a lag and a handler's
/// `Err` are logged and counted in `Subscriptions`.
///
/// On methods, put [`macro@event_handlers`] on the `impl` block.
#[proc_macro_attribute]
pub fn subscribe(args: TokenStream, input: TokenStream) -> TokenStream {
    syn::parse(input)
        .and_then(|function| subscribe::expand_fn(args.into(), function))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Makes the `#[subscribe]` methods of an `impl` block one handler set.
///
/// ```no_run
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use wamp_core::{event_handlers, WampEvent};
///
/// #[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema, WampEvent)]
/// #[wamp(topic = "com.example.game.scored")]
/// pub struct Scored { pub user: String, pub score: u32 }
///
/// #[derive(Default)]
/// struct Stats { total: AtomicU64 }
///
/// #[event_handlers]
/// impl Stats {
///     #[subscribe]
///     async fn on_scored(&self, event: Scored) {
///         self.total.fetch_add(event.score.into(), Ordering::Relaxed);
///     }
/// }
///
/// # async fn demo(session: wamp_core::Session) -> Result<(), wamp_core::Error> {
/// let running = session.subscribe_handlers(Stats::default()).await?;
/// # Ok(()) }
/// ```
#[proc_macro_attribute]
pub fn event_handlers(args: TokenStream, input: TokenStream) -> TokenStream {
    syn::parse(input)
        .and_then(|item| subscribe::expand_impl(args.into(), item))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
