//! Typed services against real Autobahn peers, through the embedded router and Crossbar.io:
//! autobahn-python and autobahn-js callers call the generated callee of
//! `wamp_tests::typed::Calculator` (positional and keyword arguments, a typed error, progressive
//! results), and a generated client (`PeerCalleeClient`) calls their callees, with per-call
//! options (`disclose_me`, `timeout`). Typed URI captures: the peers call the concrete URIs of
//! a Rust procedure with captures and publish to a captured topic that a typed Rust subscription
//! reads; a peer subscribed to one concrete topic gets a typed Rust publication whole.
//!
//! The procedures have fixed URIs, so on the shared Crossbar realm the cases run in sequence.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::Duration;

use futures::StreamExt as _;
use serde_json::json;
use wamp_core::typed::{CallError, ServiceClient as _};
use wamp_core::Client;
use wamp_tests::shapes::{Echo, Put, Shapes as _};
use wamp_tests::typed::{Calc, Calculator as _, PeerCalleeClient, PeerError};
use wamp_tests::{trace, within, Crossbar, Peer, PeerKind, Target};

/// A peer caller calls the Rust typed callee.
async fn autobahn_caller_to_typed_callee(cb: &Crossbar, kind: PeerKind) {
    let callee = Client::new(&cb.ws, &cb.realm).connect().await.unwrap();
    let service = Calc::named("rust").serve(&callee).await.unwrap();
    let Some(mut peer) = Peer::spawn(
        kind,
        "typed_caller",
        &cb.ws,
        "json",
        &cb.realm,
        "com.typed.calc",
        1,
    ) else {
        return;
    };
    let mut result = peer.expect("RESULT").await;
    peer.finish().await;
    // JavaScript prints 5.0 as 5: compare the float as a number.
    let norm = result["norm"].take();
    assert_eq!(norm.as_f64(), Some(5.0), "{kind:?} caller: norm");
    assert_eq!(
        result,
        json!({
            "add": 5,
            "divide": 3,
            "norm": null,
            "echo_opt": null,
            "error": {"uri": "com.typed.error.divide_by_zero", "args": [], "kwargs": {"dividend": 9}},
            "progress": {"seen": [1, 2, 3, 4], "final": null},
            "collected": [1, 2, 3]
        }),
        "{kind:?} caller"
    );
    service.unregister().await.unwrap();
}

/// The generated client calls a peer callee. `honours_disclose_me`: whether the router
/// discloses a caller that asks (Crossbar.io 26.10.1 ignores `disclose_me` and discloses by the
/// role's configuration only, see `crossbar_rpc`).
async fn typed_client_to_autobahn_callee(cb: &Crossbar, kind: PeerKind, honours_disclose_me: bool) {
    let Some(mut peer) = Peer::spawn(kind, "callee", &cb.ws, "json", &cb.realm, "com.peer", 1)
    else {
        return;
    };
    peer.expect("READY").await;
    let session = Client::new(&cb.ws, &cb.realm).connect().await.unwrap();
    let client = PeerCalleeClient::new(session);
    assert_eq!(client.add(2, 3).await.unwrap(), 5);
    let items: Vec<u32> = client
        .progress(3)
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(
        items,
        vec![0, 1, 2, 3],
        "{kind:?}: progressive items, then the final result"
    );
    match client.error().await {
        Err(CallError::Service(PeerError::Custom { code: 7 })) => {}
        other => panic!("{kind:?}: expected the typed error, got {other:?}"),
    }
    assert_eq!(client.slow(0.01).await.unwrap(), "finished");
    // Per-call options: the caller disclosed for this call only; a timeout for this call only
    // (sent as CALL.Options.timeout, and the call canceled here when it passes).
    assert_eq!(client.whoami().await.unwrap(), None, "{kind:?}");
    let me = client.whoami().disclose_me().await.unwrap();
    let expected = honours_disclose_me.then(|| client.session().id());
    assert_eq!(me, expected, "{kind:?}");
    match client.slow(5.0).timeout(Duration::from_millis(200)).await {
        Err(CallError::Timeout) => {}
        other => panic!("{kind:?}: expected a timeout, got {other:?}"),
    }
    // Dropping a progressive stream early cancels the call at the peer's end too; the peer
    // goes on serving.
    let mut stream = client.progress(50).await.unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap(), 0);
    drop(stream);
    assert_eq!(client.add(1, 1).await.unwrap(), 2);
    peer.finish().await;
}

/// A peer calls a procedure with URI captures by its concrete URIs and publishes to a captured
/// topic; a typed publication reaches a peer subscribed to one concrete topic.
async fn autobahn_and_captures(cb: &Crossbar, kind: PeerKind) {
    let session = Client::new(&cb.ws, &cb.realm).connect().await.unwrap();
    let _service = Echo.serve(&session).await.unwrap();
    let mut puts = session.subscribe_event::<Put>().await.unwrap();
    let Some(mut peer) = Peer::spawn(
        kind,
        "captures",
        &cb.ws,
        "json",
        &cb.realm,
        "com.typed.shapes",
        1,
    ) else {
        return;
    };
    let result = peer.expect("RESULT").await;
    peer.finish().await;
    assert_eq!(
        result,
        json!({"shelved": "top/3/jam", "bad": "wamp.error.invalid_argument"}),
        "{kind:?}"
    );
    let put = within(puts.next()).await.unwrap().unwrap();
    let from = match kind {
        PeerKind::Python => "from python",
        PeerKind::Js => "from js",
    };
    assert_eq!(
        put,
        Put {
            shelf: "low".into(),
            slot: 9,
            label: from.into()
        },
        "{kind:?}: the captures read from the topic"
    );
    // The other way: a typed publication to a peer subscribed to the concrete topic.
    let topic = "com.typed.shapes.shelf.top.slot.4.put";
    let Some(mut subscriber) = Peer::spawn(kind, "subscriber", &cb.ws, "json", &cb.realm, topic, 1)
    else {
        return;
    };
    subscriber.expect("READY").await;
    let put = Put {
        shelf: "top".into(),
        slot: 4,
        label: "tea".into(),
    };
    session.publish_event(&put).acknowledge().await.unwrap();
    let event = subscriber.expect("EVENT").await;
    assert_eq!(
        event["kwargs"],
        json!({"shelf": "top", "slot": 4, "label": "tea"}),
        "{kind:?}"
    );
    subscriber.finish().await;
}

mod embedded {
    use super::*;

    async fn router() -> wamp_tests::Routed {
        trace();
        wamp_tests::target(Target::Embedded).await.unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn python_caller_to_typed_callee() {
        autobahn_caller_to_typed_callee(&router().await.endpoints, PeerKind::Python).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn js_caller_to_typed_callee() {
        autobahn_caller_to_typed_callee(&router().await.endpoints, PeerKind::Js).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn typed_client_to_python_callee() {
        typed_client_to_autobahn_callee(&router().await.endpoints, PeerKind::Python, true).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn typed_client_to_js_callee() {
        typed_client_to_autobahn_callee(&router().await.endpoints, PeerKind::Js, true).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn python_and_captures() {
        autobahn_and_captures(&router().await.endpoints, PeerKind::Python).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn js_and_captures() {
        autobahn_and_captures(&router().await.endpoints, PeerKind::Js).await;
    }
}

mod crossbar {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_peer_in_turn() {
        trace();
        let Some(routed) = wamp_tests::target(Target::Crossbar).await else {
            return;
        };
        let cb = &routed.endpoints;
        for kind in [PeerKind::Python, PeerKind::Js] {
            autobahn_caller_to_typed_callee(cb, kind).await;
            typed_client_to_autobahn_callee(cb, kind, false).await;
            autobahn_and_captures(cb, kind).await;
        }
    }
}
