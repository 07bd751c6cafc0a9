//! The embedded router against the spec, message by message, from raw clients: what a peer sends
//! that the spec rules on, over every transport where the transport could make a difference.
//! Each test names the spec deviation of issue 15 it pins down.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use wamp_core::message::{self, code, keys, uris, Feature, Message, Role};
use wamp_core::{Arguments, Dict, Serializer};
use wamp_router::{Listener, RealmConfig, RequestIds, Router};
use wamp_tests::raw::{opts, Raw, Via, EVERY_TRANSPORT};
use wamp_tests::trace;

async fn router() -> Router {
    trace();
    Router::builder()
        .realm("realm1")
        .listener(Listener::websocket("127.0.0.1:0"))
        .listener(Listener::rawsocket("127.0.0.1:0"))
        .start()
        .await
        .unwrap()
}

const CALLER: &[(Role, &[Feature])] = &[(Role::Caller, &[])];
const PROGRESSIVE_CALLER: &[(Role, &[Feature])] =
    &[(Role::Caller, &[Feature::ProgressiveCallInvocations])];
const CALLEE: &[(Role, &[Feature])] = &[(
    Role::Callee,
    &[Feature::CallCanceling, Feature::ProgressiveCallInvocations],
)];

/// Deviation 1: INVOCATION request IDs are in each callee's session scope, 1, 2, 3...
#[tokio::test]
async fn invocation_request_ids_count_from_one_for_each_callee() {
    let router = router().await;
    let mut a = Raw::join(&router, Via::Memory, CALLEE).await;
    let mut b = Raw::join(&router, Via::Memory, CALLEE).await;
    a.registered("com.a").await;
    b.registered("com.b").await;
    let mut caller = Raw::join(&router, Via::Memory, CALLER).await;
    let mut seen = Vec::new();
    for (procedure, callee) in [("com.a", 0), ("com.a", 0), ("com.b", 1), ("com.a", 0)] {
        caller.call(procedure, Dict::new()).await;
        let callee = if callee == 0 { &mut a } else { &mut b };
        let inv = callee.invocation().await;
        seen.push((procedure, inv.request));
        callee.yield_(inv.request, Dict::new()).await;
        assert!(matches!(caller.recv().await, Some(Message::Result(_))));
    }
    assert_eq!(
        seen,
        [("com.a", 1), ("com.a", 2), ("com.b", 1), ("com.a", 3)]
    );
}

/// Deviation 2: an implementation-specific option value (`x_...`) that the router does not
/// implement fails the request with `invalid_argument` (or, for a CANCEL, which has no ERROR, is
/// ignored), on every transport alike; the session goes on.
#[tokio::test]
async fn unknown_option_values_fail_the_request_on_every_transport() {
    let router = router().await;
    for via in EVERY_TRANSPORT {
        let mut callee = Raw::join(&router, via, CALLEE).await;
        for options in [
            opts(&[(keys::INVOKE, "x_sharded".into())]),
            opts(&[(keys::MATCH, "x_regex".into())]),
        ] {
            match callee.register("com.unknown.values", options).await {
                Message::Error(e) => {
                    assert_eq!(
                        (e.request_type, e.error.as_str()),
                        (code::REGISTER, uris::INVALID_ARGUMENT),
                        "{via:?}"
                    );
                }
                other => panic!("{via:?}: expected ERROR, got {other:?}"),
            }
        }
        let request = callee.request();
        callee
            .send(Message::Subscribe(message::Subscribe {
                request,
                options: opts(&[(keys::MATCH, "x_regex".into())]),
                topic: "com.unknown.values".into(),
            }))
            .await;
        match callee.recv().await {
            Some(Message::Error(e)) => assert_eq!(e.error, uris::INVALID_ARGUMENT, "{via:?}"),
            other => panic!("{via:?}: expected ERROR, got {other:?}"),
        }
        // The session is still there: a plain registration works.
        callee.registered("com.unknown.values").await;
        let mut caller = Raw::join(&router, via, CALLER).await;
        let call = caller.call("com.unknown.values", Dict::new()).await;
        let inv = callee.invocation().await;
        caller
            .send(Message::Cancel(message::Cancel {
                request: call,
                options: opts(&[(keys::MODE, "x_gently".into())]),
            }))
            .await;
        // The spec has no ERROR for a CANCEL: the router ignores it (no INTERRUPT, no answer).
        callee.silent().await;
        caller.silent().await;
        // The call went on and ends normally.
        callee.yield_(inv.request, Dict::new()).await;
        assert!(matches!(caller.recv().await, Some(Message::Result(r)) if r.request == call));
    }
}

/// Deviation 2, the other half: a value that is neither the spec's nor `x_...` is malformed, a
/// protocol violation as the spec's conformance vectors, Crossbar and Autobahn have it; the same
/// on every transport (in process too, where nothing decodes the message).
#[tokio::test]
async fn a_malformed_option_value_is_a_protocol_violation_on_every_transport() {
    let router = router().await;
    for via in EVERY_TRANSPORT {
        for (key, value) in [(keys::INVOKE, "sharded"), (keys::MATCH, "regex")] {
            let mut callee = Raw::join(&router, via, CALLEE).await;
            let request = callee.request();
            callee
                .send(Message::Register(message::Register {
                    request,
                    options: opts(&[(key, value.into())]),
                    procedure: "com.malformed".into(),
                }))
                .await;
            let why = callee.expect_abort(uris::PROTOCOL_VIOLATION).await;
            assert!(why.contains(key), "{via:?}: {why}");
        }
    }
}

/// Deviation 3: a progressive CALL from a caller that did not announce the feature is a
/// protocol violation.
#[tokio::test]
async fn a_progressive_call_from_a_caller_that_did_not_announce_it_is_aborted() {
    let router = router().await;
    let mut callee = Raw::join(&router, Via::Memory, CALLEE).await;
    callee.registered("com.upload").await;
    let mut caller = Raw::join(&router, Via::Memory, CALLER).await;
    caller
        .call("com.upload", opts(&[(keys::PROGRESS, true.into())]))
        .await;
    let why = caller.expect_abort(uris::PROTOCOL_VIOLATION).await;
    assert!(why.contains("progressive_call_invocations"), "{why}");
    callee.silent().await;
}

/// Deviation 3: a continuation CALL after its call ended is discarded, not started anew.
#[tokio::test]
async fn a_continuation_after_its_call_ended_is_discarded() {
    let router = router().await;
    let mut callee = Raw::join(&router, Via::Memory, CALLEE).await;
    callee.registered("com.upload").await;
    let mut caller = Raw::join(&router, Via::Memory, PROGRESSIVE_CALLER).await;
    let call = caller
        .call("com.upload", opts(&[(keys::PROGRESS, true.into())]))
        .await;
    let inv = callee.invocation().await;
    // The callee answers before the caller is done sending: the call is over.
    callee.yield_(inv.request, Dict::new()).await;
    assert!(matches!(caller.recv().await, Some(Message::Result(r)) if r.request == call));
    // The caller's last chunk comes too late: nobody is invoked, nobody is answered.
    caller
        .send(Message::Call(message::Call {
            request: call,
            options: Dict::new(),
            procedure: "com.upload".into(),
            payload: Arguments::default().into(),
        }))
        .await;
    callee.silent().await;
    caller.silent().await;
    // A new call (the next request ID) is served.
    caller.call("com.upload", Dict::new()).await;
    let next = callee.invocation().await;
    assert_eq!(next.request, inv.request + 1);
}

/// Deviation 5: a YIELD or ERROR for an INVOCATION that was never issued is a protocol violation.
#[tokio::test]
async fn an_answer_to_an_invocation_never_issued_is_a_protocol_violation() {
    let router = router().await;
    let mut callee = Raw::join(&router, Via::Memory, CALLEE).await;
    callee.yield_(7, Dict::new()).await;
    let why = callee.expect_abort(uris::PROTOCOL_VIOLATION).await;
    assert!(why.contains("never issued"), "{why}");

    let mut callee = Raw::join(&router, Via::Memory, CALLEE).await;
    callee
        .send(Message::Error(message::Error {
            request_type: code::INVOCATION,
            request: 3,
            details: Dict::new(),
            error: "com.error".into(),
            payload: Arguments::default().into(),
        }))
        .await;
    callee.expect_abort(uris::PROTOCOL_VIOLATION).await;
}

/// Deviation 5: a late answer to a canceled invocation is still dropped quietly.
#[tokio::test]
async fn a_late_answer_to_a_canceled_invocation_is_dropped_quietly() {
    let router = router().await;
    let mut callee = Raw::join(&router, Via::Memory, CALLEE).await;
    callee.registered("com.slow").await;
    let mut caller = Raw::join(&router, Via::Memory, CALLER).await;
    let call = caller.call("com.slow", Dict::new()).await;
    let inv = callee.invocation().await;
    caller
        .send(Message::Cancel(message::Cancel {
            request: call,
            options: opts(&[(keys::MODE, "killnowait".into())]),
        }))
        .await;
    assert!(matches!(callee.recv().await, Some(Message::Interrupt(i)) if i.request == inv.request));
    assert!(matches!(caller.recv().await, Some(Message::Error(e)) if e.error == uris::CANCELED));
    callee.yield_(inv.request, Dict::new()).await;
    callee.silent().await;
    caller.silent().await;
    // Both sessions go on.
    caller.call("com.slow", Dict::new()).await;
    let next = callee.invocation().await;
    callee.yield_(next.request, Dict::new()).await;
    assert!(matches!(caller.recv().await, Some(Message::Result(_))));
}

/// Deviation 6 (fixed by implementing Payload Passthru Mode): a passthru payload from a caller
/// that did not announce the feature is a protocol violation, as the spec says, on every
/// transport; it is never forwarded (with or without its `ppt_*` options).
#[tokio::test]
async fn a_passthru_payload_from_a_caller_that_did_not_announce_it_is_aborted() {
    let router = router().await;
    for via in EVERY_TRANSPORT {
        let mut callee = Raw::join(&router, via, CALLEE).await;
        callee.registered("com.ppt").await;
        let mut caller = Raw::join(&router, via, CALLER).await;
        let request = caller.request();
        caller
            .send(Message::Call(message::Call {
                request,
                options: opts(&[
                    (keys::PPT_SCHEME, "x_custom".into()),
                    (keys::PPT_SERIALIZER, "native".into()),
                ]),
                procedure: "com.ppt".into(),
                payload: message::Payload::Passthru(vec![1, 2, 3]),
            }))
            .await;
        let why = caller.expect_abort(uris::PROTOCOL_VIOLATION).await;
        assert!(why.contains("payload_passthru_mode"), "{via:?}: {why}");
        callee.silent().await;
    }
}

/// Deviation 4: over RawSocket the router announces at most what it accepts, so a message of
/// exactly the announced maximum goes through (it announced the power of two above its limit
/// and then refused messages between the two).
#[tokio::test]
async fn rawsocket_never_refuses_a_message_within_the_length_it_announced() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    use wamp_tests::rawframe::{read_frame, write_frame};
    trace();
    let limit = 100_000;
    let router = Router::builder()
        .realm("realm1")
        .listener(Listener::rawsocket("127.0.0.1:0").max_message_size(limit))
        .start()
        .await
        .unwrap();
    let addr = router.endpoints()[0].addr.unwrap();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    // JSON (serializer 1), and the largest length this client accepts.
    stream.write_all(&[0x7F, 0xF1, 0, 0]).await.unwrap();
    let mut reply = [0u8; 4];
    stream.read_exact(&mut reply).await.unwrap();
    assert_eq!((reply[0], reply[1] & 0x0F), (0x7F, 1), "{reply:?}");
    let announced = 1usize << (9 + (reply[1] >> 4));
    assert!(
        announced <= limit,
        "announced {announced} over the limit {limit}"
    );
    let hello = r#"[1,"realm1",{"roles":{"publisher":{}}}]"#;
    write_frame(&mut stream, 0, hello.as_bytes()).await;
    let (_, welcome) = read_frame(&mut stream).await.unwrap();
    assert!(
        welcome.starts_with(b"[2,"),
        "{}",
        String::from_utf8_lossy(&welcome)
    );
    // A PUBLISH (acknowledged) padded to exactly the announced length.
    let bare = r#"[16,1,{"acknowledge":true},"com.pad",[""]]"#;
    let padding = "x".repeat(announced - bare.len());
    let publish = format!(r#"[16,1,{{"acknowledge":true}},"com.pad",["{padding}"]]"#);
    assert_eq!(publish.len(), announced);
    write_frame(&mut stream, 0, publish.as_bytes()).await;
    let (_, answer) = read_frame(&mut stream).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("[17,1,"),
        "expected PUBLISHED, got {answer}"
    );
}

/// Deviation 8: the spec makes request IDs sequential in the session scope (1, 2, 3..., one
/// sequence for every request a client sends) and a gap or a repeat a protocol violation.
/// autobahn-python and autobahn-js (and this client) send exactly that (one counter from 1, see
/// `tests/tests/interop_autobahn.rs`, which runs them through this router with the check on);
/// a progressive CALL's continuations reuse their call's ID, as the spec allows.
#[tokio::test]
async fn request_ids_from_a_client_are_one_sequence_from_one() {
    let router = router().await;
    // Every kind of request, in one sequence, is served.
    let mut c = Raw::join(&router, Via::WebSocket(Serializer::Json), CALLEE).await;
    c.registered("com.seq.a").await;
    let request = c.request();
    c.send(Message::Subscribe(message::Subscribe {
        request,
        options: Dict::new(),
        topic: "com.seq.t".into(),
    }))
    .await;
    assert!(matches!(c.recv().await, Some(Message::Subscribed(_))));
    let request = c.request();
    c.send(Message::Publish(message::Publish {
        request,
        options: opts(&[(keys::ACKNOWLEDGE, true.into())]),
        topic: "com.seq.t".into(),
        payload: Arguments::default().into(),
    }))
    .await;
    assert!(matches!(c.recv().await, Some(Message::Published(_))));
    c.call("wamp.session.count", Dict::new()).await;
    assert!(matches!(c.recv().await, Some(Message::Result(_))));
    // A gap.
    c.next_request += 1;
    let request = c.request();
    c.send(Message::Unregister(message::Unregister {
        request,
        registration: 1,
    }))
    .await;
    let why = c.expect_abort(uris::PROTOCOL_VIOLATION).await;
    assert!(why.contains("sequential"), "{why}");
    // A repeat.
    let mut c = Raw::join(&router, Via::Memory, CALLER).await;
    c.call("wamp.session.count", Dict::new()).await;
    assert!(matches!(c.recv().await, Some(Message::Result(_))));
    c.next_request = 1;
    c.call("wamp.session.count", Dict::new()).await;
    c.expect_abort(uris::PROTOCOL_VIOLATION).await;
}

/// A realm can let a client's request IDs be anything (for clients older than the rule).
#[tokio::test]
async fn a_realm_can_accept_request_ids_in_any_order() {
    trace();
    let router = Router::builder()
        .realm_config(RealmConfig::anonymous("realm1").request_ids(RequestIds::Any))
        .start()
        .await
        .unwrap();
    let mut c = Raw::join(&router, Via::Memory, CALLER).await;
    for request in [7, 3, 3] {
        c.next_request = request;
        c.call("wamp.session.count", Dict::new()).await;
        assert!(matches!(c.recv().await, Some(Message::Result(r)) if r.request == request));
    }
}

/// RFC 7692: a server may decline permessage-deflate. tungstenite 0.30 (our WebSocket crate)
/// has no compression, so the router answers an offer (autobahn-js's `ws` makes one by default)
/// without the extension, and the session runs uncompressed.
#[tokio::test]
async fn a_permessage_deflate_offer_is_declined_and_the_session_runs() {
    use futures::{SinkExt as _, StreamExt as _};
    use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
    use tokio_tungstenite::tungstenite::Message as Frame;
    let router = router().await;
    let url = router.url(wamp_router::Protocol::WebSocket).unwrap();
    let mut request = url.into_client_request().unwrap();
    let headers = request.headers_mut();
    headers.insert("Sec-WebSocket-Protocol", "wamp.2.json".parse().unwrap());
    headers.insert(
        "Sec-WebSocket-Extensions",
        "permessage-deflate; client_max_window_bits"
            .parse()
            .unwrap(),
    );
    let (mut ws, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert!(
        response.headers().get("Sec-WebSocket-Extensions").is_none(),
        "no extension accepted"
    );
    let hello = r#"[1,"realm1",{"roles":{"caller":{}}}]"#;
    ws.send(Frame::Text(hello.into())).await.unwrap();
    match ws.next().await {
        Some(Ok(Frame::Text(welcome))) => assert!(welcome.starts_with("[2,"), "{welcome}"),
        other => panic!("expected WELCOME, got {other:?}"),
    }
}
