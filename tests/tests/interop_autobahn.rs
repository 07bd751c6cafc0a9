//! Interop with real Autobahn peers, through Crossbar.io (`crossbar::...`) and through the embedded
//! `wamp-router` (`embedded::...`): a Rust caller calls autobahn-python and autobahn-js callees,
//! their callers call a Rust callee, and events flow both ways, over WebSocket (json, msgpack,
//! cbor), RawSocket TCP and RawSocket Unix.
//!
//! autobahn-js speaks only JSON over RawSocket, so its RawSocket cases use JSON; the Python ones
//! use MessagePack over TCP and CBOR over Unix sockets.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::Duration;

use futures::StreamExt as _;
use serde_json::json;
use wamp_core::session::{Invocation, Registration};
use wamp_core::{Arguments, Client, Serializer, Session, WampError};
use wamp_tests::{trace, unique, Crossbar, Peer, PeerKind, Target};

/// Which listener and serializer a case uses.
#[derive(Clone, Copy)]
enum Transport {
    WsJson,
    WsMsgPack,
    WsCbor,
    Tcp,
    Unix,
}

impl Transport {
    fn resolve(self, cb: &Crossbar, kind: PeerKind) -> (String, Serializer) {
        let rawsocket = if kind == PeerKind::Js {
            [Serializer::Json, Serializer::Json]
        } else {
            [Serializer::MsgPack, Serializer::Cbor]
        };
        match self {
            Transport::WsJson => (cb.ws.clone(), Serializer::Json),
            Transport::WsMsgPack => (cb.ws.clone(), Serializer::MsgPack),
            Transport::WsCbor => (cb.ws.clone(), Serializer::Cbor),
            Transport::Tcp => (cb.tcp.clone(), rawsocket[0]),
            Transport::Unix => (cb.unix.clone(), rawsocket[1]),
        }
    }
}

fn short(s: Serializer) -> &'static str {
    match s {
        Serializer::Json => "json",
        Serializer::MsgPack => "msgpack",
        Serializer::Cbor => "cbor",
    }
}

/// What the peers' callers and our caller expect from the callee procedures.
fn expected_results() -> serde_json::Value {
    json!({
        "add": 5,
        "echo": {"args": [1, "two", [3]], "kwargs": {"key": "value"}},
        "progress": {"seen": [0, 1, 2], "final": 3},
        "error": {"uri": "com.example.error.custom", "args": ["custom failure"], "kwargs": {"code": 7}}
    })
}

async fn connect(cb: &Crossbar, url: &str, serializer: Serializer) -> Session {
    Client::new(url, &cb.realm)
        .serializer(serializer)
        .connect()
        .await
        .unwrap()
}

/// The same procedures the peers register, implemented in Rust.
async fn register_rust_callee(session: &Session, name: &str) -> Vec<Registration> {
    let mut registrations = Vec::new();
    registrations.push(
        session
            .register(format!("{name}.add"), |inv: Invocation| async move {
                let (a, b): (i64, i64) = inv.args()?;
                Ok(Arguments::value(&(a + b))?)
            })
            .await
            .unwrap(),
    );
    registrations.push(
        session
            .register(format!("{name}.echo"), |inv: Invocation| async move {
                Ok(inv.arguments)
            })
            .await
            .unwrap(),
    );
    registrations.push(
        session
            .register(format!("{name}.progress"), |inv: Invocation| async move {
                let n: u32 = inv.value()?;
                for i in 0..n {
                    if inv.receive_progress() {
                        inv.progress(Arguments::from_args(&(i,))?)
                            .await
                            .map_err(|e| {
                                WampError::with_message("com.example.error.progress", e.to_string())
                            })?;
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                Ok(Arguments::value(&n)?)
            })
            .await
            .unwrap(),
    );
    registrations.push(
        session
            .register(format!("{name}.error"), |_inv: Invocation| async move {
                Err(
                    WampError::with_message("com.example.error.custom", "custom failure")
                        .kwargs(&json!({"code": 7}))?,
                )
            })
            .await
            .unwrap(),
    );
    registrations
}

/// Calls a callee's procedures from Rust and reports what came back, in the peers' format.
async fn rust_caller_results(session: &Session, name: &str) -> serde_json::Value {
    let add: i64 = session
        .call(format!("{name}.add"))
        .args(&(2, 3))
        .await
        .unwrap()
        .value()
        .unwrap();
    let echo = session
        .call(format!("{name}.echo"))
        .args(&(1, "two", [3]))
        .kwargs(&json!({"key": "value"}))
        .await
        .unwrap();
    let mut stream = session
        .call(format!("{name}.progress"))
        .args(&(3,))
        .stream()
        .await
        .unwrap();
    let mut seen = Vec::new();
    let mut last = None;
    while let Some(item) = stream.next().await {
        let result = item.unwrap();
        if result.progress {
            seen.push(result.value::<i64>().unwrap());
        } else {
            last = Some(result.value::<i64>().unwrap());
        }
    }
    let error = session.call(format!("{name}.error")).await.unwrap_err();
    let error = error.wamp().expect("a WAMP error");
    json!({
        "add": add,
        "echo": {"args": echo.args::<serde_json::Value>().unwrap(), "kwargs": echo.kwargs::<serde_json::Value>().unwrap()},
        "progress": {"seen": seen, "final": last},
        "error": {"uri": error.uri, "args": error.arguments().decode_args::<serde_json::Value>().unwrap(), "kwargs": error.decode_kwargs::<serde_json::Value>().unwrap()},
    })
}

async fn rust_calls_autobahn(target: Target, kind: PeerKind, transport: Transport) {
    trace();
    let Some(routed) = wamp_tests::target(target).await else {
        return;
    };
    let cb = &routed.endpoints;
    let (url, serializer) = transport.resolve(cb, kind);
    let name = unique("com.interop.callee");
    let Some(mut peer) = Peer::spawn(kind, "callee", &url, short(serializer), &cb.realm, &name, 1)
    else {
        return;
    };
    peer.expect("READY").await;
    let session = connect(cb, &url, serializer).await;
    assert_eq!(
        rust_caller_results(&session, &name).await,
        expected_results()
    );
    session.leave().await;
    peer.finish().await;
}

async fn autobahn_calls_rust(target: Target, kind: PeerKind, transport: Transport) {
    trace();
    let Some(routed) = wamp_tests::target(target).await else {
        return;
    };
    let cb = &routed.endpoints;
    let (url, serializer) = transport.resolve(cb, kind);
    let name = unique("com.interop.rust");
    let session = connect(cb, &url, serializer).await;
    let _registrations = register_rust_callee(&session, &name).await;
    let Some(mut peer) = Peer::spawn(kind, "caller", &url, short(serializer), &cb.realm, &name, 1)
    else {
        return;
    };
    assert_eq!(peer.expect("RESULT").await, expected_results());
    peer.finish().await;
    session.leave().await;
}

async fn rust_publishes_to_autobahn(target: Target, kind: PeerKind, transport: Transport) {
    trace();
    let Some(routed) = wamp_tests::target(target).await else {
        return;
    };
    let cb = &routed.endpoints;
    let (url, serializer) = transport.resolve(cb, kind);
    let topic = unique("com.interop.topic");
    let Some(mut peer) = Peer::spawn(
        kind,
        "subscriber",
        &url,
        short(serializer),
        &cb.realm,
        &topic,
        3,
    ) else {
        return;
    };
    peer.expect("READY").await;
    let session = connect(cb, &url, serializer).await;
    for i in 0..3 {
        let id = session
            .publish(&topic)
            .args(&(i, format!("event {i}")))
            .kwargs(&json!({"n": i}))
            .acknowledge()
            .await
            .unwrap();
        assert!(id.is_some(), "acknowledged publications answer an ID");
    }
    for i in 0..3 {
        assert_eq!(
            peer.expect("EVENT").await,
            json!({"args": [i, format!("event {i}")], "kwargs": {"n": i}})
        );
    }
    peer.finish().await;
    session.leave().await;
}

async fn autobahn_publishes_to_rust(target: Target, kind: PeerKind, transport: Transport) {
    trace();
    let Some(routed) = wamp_tests::target(target).await else {
        return;
    };
    let cb = &routed.endpoints;
    let (url, serializer) = transport.resolve(cb, kind);
    let topic = unique("com.interop.topic");
    let session = connect(cb, &url, serializer).await;
    let mut events = session.subscribe(&topic).await.unwrap();
    let Some(mut peer) = Peer::spawn(
        kind,
        "publisher",
        &url,
        short(serializer),
        &cb.realm,
        &topic,
        3,
    ) else {
        return;
    };
    peer.expect("DONE").await;
    for i in 0..3i64 {
        let event = tokio::time::timeout(Duration::from_secs(10), events.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        let (n, text): (i64, String) = event.args().unwrap();
        assert_eq!((n, text), (i, format!("event {i}")));
        assert_eq!(
            event.kwargs::<serde_json::Value>().unwrap(),
            json!({"n": i})
        );
        assert_eq!(event.topic, topic);
    }
    peer.finish().await;
    session.leave().await;
}

macro_rules! matrix {
    ($($target:ident: $t:expr => { $($peer:ident: $kind:expr => { $($transport:ident: $variant:expr),* $(,)? })* })*) => {
        $(mod $target {
            use super::*;
            $(mod $peer {
                use super::*;
                $(mod $transport {
                    use super::*;
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn rust_caller_to_autobahn_callee() { rust_calls_autobahn($t, $kind, $variant).await }
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn autobahn_caller_to_rust_callee() { autobahn_calls_rust($t, $kind, $variant).await }
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn rust_publisher_to_autobahn_subscriber() { rust_publishes_to_autobahn($t, $kind, $variant).await }
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn autobahn_publisher_to_rust_subscriber() { autobahn_publishes_to_rust($t, $kind, $variant).await }
                })*
            })*
        })*
    };
}

matrix! {
    crossbar: Target::Crossbar => {
        python: PeerKind::Python => {
            ws_json: Transport::WsJson,
            ws_msgpack: Transport::WsMsgPack,
            ws_cbor: Transport::WsCbor,
            rawsocket_tcp: Transport::Tcp,
            rawsocket_unix: Transport::Unix,
        }
        js: PeerKind::Js => {
            ws_json: Transport::WsJson,
            ws_msgpack: Transport::WsMsgPack,
            ws_cbor: Transport::WsCbor,
            rawsocket_tcp: Transport::Tcp,
            rawsocket_unix: Transport::Unix,
        }
    }
    embedded: Target::Embedded => {
        python: PeerKind::Python => {
            ws_json: Transport::WsJson,
            ws_msgpack: Transport::WsMsgPack,
            ws_cbor: Transport::WsCbor,
            rawsocket_tcp: Transport::Tcp,
            rawsocket_unix: Transport::Unix,
        }
        js: PeerKind::Js => {
            ws_json: Transport::WsJson,
            ws_msgpack: Transport::WsMsgPack,
            ws_cbor: Transport::WsCbor,
            rawsocket_tcp: Transport::Tcp,
            rawsocket_unix: Transport::Unix,
        }
    }
}
