//! The WAMP runtime: typed services, and a complete client session exact to the spec, for RPC
//! and PubSub over one connection to a router.
//!
//! A service is a trait; `#[wamp_service]` gives the glue that serves any implementation and a
//! typed client. Here it runs on the embedded router (`wamp-router`), with a realm that
//! authenticates by ticket and gives two roles, the service joined in process and a client
//! over WebSocket:
//!
//! ```
//! use wamp_core::prelude::*;
//! use wamp_router::auth::TicketAuth;
//! use wamp_router::authorization::{Permission, Role};
//! use wamp_router::{Listener, Protocol, RealmConfig, Router};
//!
//! #[derive(Debug, WampError)]
//! #[wamp(prefix = "com.example.calc.error")]
//! pub enum CalcError {
//!     /// `com.example.calc.error.overflow`
//!     Overflow,
//! }
//!
//! #[wamp_service(prefix = "com.example.calc")]
//! pub trait Calculator {
//!     /// The procedure `com.example.calc.add`.
//!     async fn add(&self, a: i64, b: i64) -> Result<i64, CalcError>;
//! }
//!
//! struct Calc;
//!
//! impl Calculator for Calc {
//!     async fn add(&self, a: i64, b: i64) -> Result<i64, CalcError> {
//!         a.checked_add(b).ok_or(CalcError::Overflow)
//!     }
//! }
//!
//! # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // The router: realm `realm1`; the service is trusted, users may use `com.example.*`.
//! let router = Router::builder()
//!     .realm_config(
//!         RealmConfig::new("realm1")
//!             .authenticator(
//!                 TicketAuth::new()
//!                     .principal("backend", "s3cret", "service")
//!                     .principal("alice", "pa55", "user"),
//!             )
//!             .role(Role::trusted("service"))
//!             .role(Role::new("user").permission(Permission::all("com.example."))),
//!     )
//!     .listener(Listener::websocket("127.0.0.1:0"))
//!     .start()
//!     .await?;
//!
//! // The service joins in process and registers every procedure.
//! let backend = router
//!     .connect_with(Client::for_realm("realm1").authid("backend").ticket("s3cret"))
//!     .await?;
//! let _service = Calc.serve(&backend).await?;
//!
//! // A user joins over WebSocket and calls through the generated client.
//! let url = router.url(Protocol::WebSocket).unwrap_or_default().to_owned();
//! let alice = Client::new(url, "realm1").authid("alice").ticket("pa55").connect().await?;
//! let calc = CalculatorClient::new(alice);
//! assert_eq!(calc.add(2, 3).await?, 5);
//! assert!(matches!(
//!     calc.add(i64::MAX, 1).await,
//!     Err(CallError::Service(CalcError::Overflow))
//! ));
//! # Ok(()) }
//! ```
//!
//! The session underneath is there to use directly (a router anywhere, any peer):
//!
//! ```no_run
//! use futures::StreamExt as _;
//! use wamp_core::session::Invocation;
//! use wamp_core::{Arguments, Client};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let session = Client::new("ws://127.0.0.1:8080/ws", "realm1").connect().await?;
//!
//! // Callee: a handler per procedure; arguments decode into any serde type.
//! let _add = session
//!     .register("com.example.add", |inv: Invocation| async move {
//!         let (a, b): (i64, i64) = inv.args()?;
//!         Ok(Arguments::value(&(a + b))?)
//!     })
//!     .await?;
//!
//! // Caller: a builder you await; results decode into any serde type.
//! let sum: i64 = session.call("com.example.add").args(&(2, 3)).await?.value()?;
//!
//! // Subscriber: a stream of events; dropping it unsubscribes.
//! let mut events = session.subscribe("com.example.news").await?;
//! session.publish("com.example.news").args(&("hello",)).exclude_me(false).await?;
//! let headline: String = events.next().await.expect("open")?.value()?;
//! # Ok(()) }
//! ```
//!
//! Guides: [typed services](guide::typed_services) and [reconnecting](guide::reconnect); the
//! router's and the code generator's are in `wamp_router::guide` and `wamp_codegen::guide`.
//!
//! | module | what it holds |
//! |---|---|
//! | [`message`] | every Basic and Advanced Profile message, decoded with full validation |
//! | [`serializer`] | JSON, MessagePack and CBOR |
//! | [`transport`] | WebSocket (`ws`, `wss`), RawSocket (`tcp`, `tcps`, `unix`), in-memory |
//! | [`auth`] | ticket, WAMP-CRA, WAMP-SCRAM, WAMP-Cryptosign |
//! | [`session`] | [`Client`], [`Session`]: caller, callee, publisher, subscriber |
//! | [`typed`], [`prelude`] | typed services, clients, errors and events; the one-line import |
//! | [`describe`], [`meta`] | interface descriptions; typed bindings of the meta API |
//! | [`uri`], [`value`], [`error`] | URI rules, dynamic values and serde bridges, error types |
//!
//! Cargo features, all on by default (each builds alone too; CI checks each):
//!
//! | feature | what it adds |
//! |---|---|
//! | `tls` | `wss://` and `tcps://` with rustls and the Mozilla roots (`Client::tls`, `transport::TlsConfig`) |
//! | `msgpack` | the MessagePack serializer (`wamp.2.msgpack`) |
//! | `cbor` | the CBOR serializer (`wamp.2.cbor`) |
//! | `scram` | WAMP-SCRAM authentication, Argon2id and PBKDF2 (`Client::scram`) |
//! | `cryptosign` | WAMP-Cryptosign authentication, Ed25519 (`Client::cryptosign`) |
//!
//! JSON, ticket, WAMP-CRA, WebSocket, RawSocket (TCP, Unix) and in-memory transports, typed
//! services and descriptions are always there. A serializer left out is still named by
//! [`Serializer`] but is not offered, and using it is a typed error.
//!
//! Nothing here panics on input from the network: malformed or out-of-order messages become a
//! [`message::ProtocolViolation`] and the session is aborted with `wamp.error.protocol_violation`.
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod message;
pub mod serializer;
pub mod uri;
pub mod value;

pub use message::{Id, Message};
pub use serializer::Serializer;
pub use value::{Dict, Value};
pub mod auth;
pub mod cryptobox;
pub mod describe;
pub mod error;
pub mod meta;
pub mod session;
pub mod trace;
pub mod transport;
pub mod typed;

#[doc(hidden)]
pub mod __private;
/// The guides, longer than an item's docs.
pub mod guide {
    #[doc = include_str!("../../docs/typed-services.md")]
    pub mod typed_services {}
    #[doc = include_str!("../../docs/reconnect.md")]
    pub mod reconnect {}
}
pub mod prelude;

// The meta API bindings below are generated by our own macros, whose code names `::wamp_core`.
extern crate self as wamp_core;

pub use wamp_macros::{event_handlers, subscribe, wamp_service, WampError, WampEvent};

pub use error::{CloseReason, Error, WampError};
pub use message::Arguments;
pub use message::MatchPolicy;
pub use session::{Client, Session};

/// The schemars crate, so that generated clients and users' schema derives need no direct
/// dependency (`#[schemars(crate = "wamp_core::schemars")]`).
pub use schemars;
/// The serde crate, so that generated clients need no direct dependency
/// (`#[serde(crate = "wamp_core::serde")]`).
pub use serde;
/// The serde_json crate: generated clients type untyped JSON values as `serde_json::Value`.
pub use serde_json;
