//! The WAMP runtime: a complete client session, exact to the spec, for RPC and PubSub over one
//! connection to a router.
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
//! session
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
//! | module | what it holds |
//! |---|---|
//! | [`message`] | every Basic and Advanced Profile message, decoded with full validation |
//! | [`serializer`] | JSON, MessagePack and CBOR |
//! | [`transport`] | WebSocket (`ws`, `wss`), RawSocket (`tcp`, `tcps`, `unix`), in-memory |
//! | [`auth`] | ticket, WAMP-CRA, WAMP-SCRAM, WAMP-Cryptosign |
//! | [`session`] | [`Client`], [`Session`]: caller, callee, publisher, subscriber |
//! | [`uri`], [`value`], [`error`] | URI rules, dynamic values and serde bridges, error types |
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
pub mod error;
pub mod session;
pub mod transport;

pub use error::{CloseReason, Error, WampError};
pub use message::Arguments;
pub use session::{Client, Session};
pub use uri::MatchPolicy;
