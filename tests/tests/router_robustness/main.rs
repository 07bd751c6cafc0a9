//! The embedded router under bad input and overload: a malformed frame, an out-of-order message
//! and an oversized message each end only the offending session with the spec's ABORT, and a
//! flood towards one subscriber that stops reading disconnects it as a slow consumer while the
//! router's memory stays bounded and every other session is served; a burst of calls within the
//! client's limit is not mistaken for a slow consumer; large payloads both ways do not deadlock.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::{Duration, Instant};

use futures::{SinkExt as _, StreamExt as _};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use wamp_core::message::{Hello, Message, Subscribe};
use wamp_core::session::Invocation;
use wamp_core::transport::rawsocket::{client_handshake, RawSocketTransport};
use wamp_core::{Arguments, Dict, Serializer, Value};
use wamp_router::{Listener, Protocol, Router};
use wamp_tests::rawframe::{frame, read_frame};
use wamp_tests::trace;

mod input;
mod load;

/// A router with realm `realm1` on one WebSocket listener, and its URL.
async fn websocket_router() -> (Router, String) {
    trace();
    let router = Router::builder()
        .realm("realm1")
        .listener(Listener::websocket("127.0.0.1:0"))
        .start()
        .await
        .unwrap();
    let url = router.endpoints()[0].url.clone();
    (router, url)
}

async fn router(max_message_size: usize, outbound_queue: usize) -> Router {
    trace();
    Router::builder()
        .realm("realm1")
        .listener(Listener::rawsocket("127.0.0.1:0").max_message_size(max_message_size))
        .outbound_queue(outbound_queue)
        .start()
        .await
        .unwrap()
}

fn hello() -> Message {
    let subscriber = wamp_core::message::role_features(wamp_core::message::Role::Subscriber, &[]);
    let mut details = Dict::new();
    details.insert(
        "roles".into(),
        Value::Map(vec![(Value::Text("subscriber".into()), subscriber)]),
    );
    Message::Hello(Hello {
        realm: "realm1".into(),
        details,
    })
}

/// The `host:port` of the router's RawSocket listener.
fn raw_addr(router: &Router) -> String {
    router
        .url(Protocol::RawSocket)
        .unwrap()
        .trim_start_matches("tcp://")
        .to_owned()
}

/// A RawSocket JSON connection that has joined, as a raw transport.
async fn raw_joined(router: &Router) -> RawSocketTransport<TcpStream> {
    raw_joined_with(router, false).await
}

/// As [`raw_joined`]; `ignore_limit` lets it send messages over the router's announced maximum.
async fn raw_joined_with(router: &Router, ignore_limit: bool) -> RawSocketTransport<TcpStream> {
    let addr = raw_addr(router);
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let peer_max = client_handshake(&mut stream, Serializer::Json, 1 << 24)
        .await
        .unwrap();
    let max_out = if ignore_limit { 1 << 24 } else { peer_max };
    let mut t = RawSocketTransport::new(stream, Serializer::Json, 1 << 24, max_out);
    t.send(hello()).await.unwrap();
    assert!(matches!(t.next().await, Some(Ok(Message::Welcome(_)))));
    t
}

/// Reads until an ABORT; answers its reason.
async fn abort_reason(t: &mut RawSocketTransport<TcpStream>) -> String {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), t.next())
            .await
            .expect("ABORT within 10 s")
        {
            Some(Ok(Message::Abort(a))) => return a.reason,
            Some(Ok(_)) => continue,
            other => panic!("expected ABORT, got {other:?}"),
        }
    }
}

/// Another session on the router still calls a procedure.
async fn others_are_served(router: &Router) {
    let callee = router.connect("realm1").await.unwrap();
    let uri = wamp_tests::unique("com.still");
    let _reg = callee
        .register(&uri, |_inv: Invocation| async {
            Ok(Arguments::value(&"alive")?)
        })
        .await
        .unwrap();
    let caller = router.connect("realm1").await.unwrap();
    let answer: String = caller.call(&uri).await.unwrap().value().unwrap();
    assert_eq!(answer, "alive");
}
