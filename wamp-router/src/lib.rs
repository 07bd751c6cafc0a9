//! An embedded WAMP router: run a spec-following router inside your process, for tests,
//! examples, single-binary applications and edge devices.
//!
//! ```
//! use wamp_core::session::Invocation;
//! use wamp_core::{Arguments, Client};
//! use wamp_router::{Listener, Protocol, Router};
//!
//! # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let router = Router::builder()
//!     .realm("realm1") // anonymous clients may do everything
//!     .listener(Listener::websocket("127.0.0.1:0")) // a free port
//!     .start()
//!     .await?;
//! // In process: a wamp-core Session with no socket and no serialization.
//! let callee = router.connect("realm1").await?;
//! let _add = callee
//!     .register("com.example.add", |inv: Invocation| async move {
//!         let (a, b): (i64, i64) = inv.args()?;
//!         Ok(Arguments::value(&(a + b))?)
//!     })
//!     .await?;
//! // Over WebSocket, as a client in another process would.
//! let url = router.url(Protocol::WebSocket).unwrap_or_default().to_owned();
//! let caller = Client::new(url, "realm1").connect().await?;
//! let sum: i64 = caller.call("com.example.add").args(&(2, 3)).await?.value()?;
//! assert_eq!(sum, 5);
//! # Ok(()) }
//! ```
//!
//! | module | what it holds |
//! |---|---|
//! | [`Router`], [`RouterBuilder`] | realms, listeners, in-process connections, shutdown, slow-consumer policy |
//! | [`RealmConfig`] | a realm's authentication methods and roles |
//! | [`listener`] | WebSocket, RawSocket TCP/Unix, TLS; per-listener message size limit |
//! | [`auth`] | anonymous, ticket, wampcra (plain, salted), cryptosign, and the [`auth::Authenticator`] trait |
//! | [`authorization`] | roles with permissions per URI (exact or prefix) per action |
//! | [`metrics`] | what the OpenMetrics endpoint (`/metrics`) and [`Router::metrics`] report |
//! | [`config`] | the TOML file of the `wamp-router` binary |
//!
//! What the router implements, as announced in WELCOME:
//!
//! | role | features |
//! |---|---|
//! | dealer | exact, prefix and wildcard registrations (the spec's precedence); shared registrations (single, roundrobin, random, first, last); progressive call results and invocations; call canceling (skip, kill, killnowait); call timeout (enforced, or forwarded with `forward_timeout`); caller identification; registration revocation; session and registration meta API; reflection (`wamp.reflection.*`) |
//! | broker | exact, prefix and wildcard subscriptions; subscriber black/white listing by session, authid and authrole; publisher exclusion; publisher identification; acknowledgement; event retention; subscription revocation; session and subscription meta API; reflection |

//!
//! Cargo features, all on by default (each builds alone too; CI checks each):
//!
//! | feature | what it adds |
//! |---|---|
//! | `tls` | TLS listeners ([`Listener::tls`], `tls_config_from_pem`) |
//! | `msgpack`, `cbor` | those serializers on listeners (JSON is always there) |
//! | `cryptosign` | WAMP-Cryptosign authentication of clients (`auth::CryptosignAuth`) |
//! | `config` | the TOML configuration file (`config`) and the `wamp-router` binary |
//!
//! The guide: [`guide`] (realms, authentication, roles, limits, life cycle, the binary).
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod auth;
pub mod authorization;
mod cache;
mod calls;
#[doc = include_str!("../../docs/router.md")]
pub mod guide {}
#[cfg(feature = "config")]
pub mod config;
mod connection;
pub mod cookies;
mod error;
mod explorer;
#[doc(hidden)]
pub mod fuzzing;
mod http;
mod limits;
pub mod listener;
mod matching;
pub mod metrics;
mod realm;
mod router;
mod service;
mod shared;
mod timestamp;
#[cfg(feature = "tls")]
mod tls;

pub use cookies::CookieConfig;
pub use limits::RateLimit;
pub use listener::{Listener, Protocol, SESSION_READ_BUFFER};
pub use realm::{
    HistoryRule, RealmConfig, RealmStats, RequestIds, REGISTER_VALIDATE_OPTION, SLOW_CONSUMER,
};
pub use router::{
    Reloaded, Router, RouterBuilder, RouterError, Shutdown, DEFAULT_OUTBOUND_BYTES,
    DEFAULT_OUTBOUND_QUEUE,
};
#[cfg(feature = "tls")]
pub use tls::{sha1_fingerprint, tls_config_from_pem, tls_config_with_client_auth};
