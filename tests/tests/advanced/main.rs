//! The Advanced Profile features of issue 17 through the embedded router: payload passthru in
//! both dialects, end-to-end encryption, call reroute, progressive call invocations on the callee side, testaments.
//! One test binary, one module per feature.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod e2ee;
mod history;
mod passthru;
mod progressive;
mod reroute;
mod testament;
mod typed_e2ee;
mod typed_input;

use wamp_core::{Client, Serializer, Session};
use wamp_router::{Protocol, Router};

/// A router with realm `realm1` and a WebSocket and a RawSocket listener.
async fn router() -> Router {
    wamp_tests::trace();
    Router::builder()
        .realm("realm1")
        .listener(wamp_router::Listener::websocket("127.0.0.1:0"))
        .listener(wamp_router::Listener::rawsocket("127.0.0.1:0"))
        .start()
        .await
        .unwrap()
}

/// A session over a socket with one serializer.
async fn over(router: &Router, protocol: Protocol, serializer: Serializer) -> Session {
    Client::new(router.url(protocol).unwrap(), "realm1")
        .serializer(serializer)
        .connect()
        .await
        .unwrap()
}
