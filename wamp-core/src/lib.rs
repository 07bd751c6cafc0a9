//! The WAMP runtime: messages, serializers, transports, session, authentication, RPC and PubSub.
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
