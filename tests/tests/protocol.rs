//! The client against a scripted router that follows or breaks the protocol on purpose: what it
//! announces, request ID order, ABORT on violations, revocation, progressive call invocations,
//! and, over a RawSocket on 127.0.0.1, malformed bytes, oversized frames, PING/PONG and
//! handshake refusals. No external peer is needed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::Duration;

use futures::{SinkExt as _, StreamExt as _};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use wamp_core::message::{
    self, features, Feature, InvokePolicy, MatchPolicy, Message, Payload, Role,
};
use wamp_core::session::{Invocation, SubscriptionError};
use wamp_core::transport::memory::{self, MemoryTransport};
use wamp_core::transport::rawsocket;
use wamp_core::transport::TransportError;
use wamp_core::{Arguments, Client, CloseReason, Dict, Error, Serializer, Session, Value};
use wamp_tests::rawframe::{frame, read_frame, write_frame};

fn dict(pairs: &[(&str, Value)]) -> Dict {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn router_roles(dealer: &[Feature]) -> Dict {
    let roles = features::roles(&[
        (Role::Dealer, dealer),
        (Role::Broker, &[Feature::SubscriptionRevocation]),
    ]);
    dict(&[("roles", roles)])
}

struct FakeRouter {
    end: MemoryTransport,
}

impl FakeRouter {
    async fn recv(&mut self) -> Message {
        tokio::time::timeout(Duration::from_secs(5), self.end.next())
            .await
            .expect("a message within 5 s")
            .expect("open")
            .expect("valid")
    }

    async fn send(&mut self, message: impl Into<Message>) {
        self.end.send(message.into()).await.unwrap();
    }
}

async fn joined(dealer_features: &[Feature]) -> (Session, FakeRouter, Dict) {
    let (client_end, router_end) = memory::pair(16);
    let join = tokio::spawn(Client::new("memory://", "realm1").join(Box::new(client_end)));
    let mut router = FakeRouter { end: router_end };
    let Message::Hello(hello) = router.recv().await else {
        panic!("expected HELLO")
    };
    assert_eq!(hello.realm, "realm1");
    router
        .send(message::Welcome {
            session: 42,
            details: router_roles(dealer_features),
        })
        .await;
    (join.await.unwrap().unwrap(), router, hello.details)
}

/// Spec deviation 7: the client announces `call_reroute` as callee (it answers
/// `wamp.error.unavailable` when its invocation limit is reached) and nothing under a role the
/// spec does not define it for (`call_timeout` is a dealer and callee feature, not a caller's).
#[tokio::test]
async fn hello_announces_the_roles_and_features_the_client_implements() {
    let (session, _router, details) = joined(&[]).await;
    let expected: Vec<(String, String)> = [
        ("callee", "call_canceling"),
        ("callee", "call_reroute"),
        ("callee", "call_timeout"),
        ("callee", "caller_identification"),
        ("callee", "pattern_based_registration"),
        ("callee", "payload_encryption_cryptobox"),
        ("callee", "payload_passthru_mode"),
        ("callee", "payload_transparency"),
        ("callee", "progressive_call_invocations"),
        ("callee", "progressive_call_results"),
        ("callee", "registration_revocation"),
        ("callee", "shared_registration"),
        ("caller", "call_canceling"),
        ("caller", "caller_identification"),
        ("caller", "payload_encryption_cryptobox"),
        ("caller", "payload_passthru_mode"),
        ("caller", "payload_transparency"),
        ("caller", "progressive_call_invocations"),
        ("caller", "progressive_call_results"),
        ("publisher", "payload_encryption_cryptobox"),
        ("publisher", "payload_passthru_mode"),
        ("publisher", "payload_transparency"),
        ("publisher", "publisher_exclusion"),
        ("publisher", "publisher_identification"),
        ("publisher", "subscriber_blackwhite_listing"),
        ("subscriber", "pattern_based_subscription"),
        ("subscriber", "payload_encryption_cryptobox"),
        ("subscriber", "payload_passthru_mode"),
        ("subscriber", "payload_transparency"),
        ("subscriber", "publisher_identification"),
        ("subscriber", "subscription_revocation"),
    ]
    .iter()
    .map(|(r, f)| ((*r).to_owned(), (*f).to_owned()))
    .collect();
    assert_eq!(features::announced(&details), expected);
    for (role, feature) in &expected {
        let role = Role::parse(role).unwrap();
        let feature = Feature::ALL.iter().find(|f| f.name() == feature).unwrap();
        assert!(feature.roles().contains(&role), "{feature} under {role}");
    }
    assert_eq!(session.id(), 42);
}

#[tokio::test]
async fn request_ids_start_at_one_and_increase_by_one() {
    let (session, mut router, _) = joined(&[]).await;
    let s = session.clone();
    tokio::spawn(async move {
        let _ = s.publish("com.a").await;
        let _ = s.publish("com.b").await;
        let _ = s.call("com.c").await;
    });
    let mut ids = Vec::new();
    for _ in 0..3 {
        match router.recv().await {
            Message::Publish(p) => ids.push(p.request),
            Message::Call(c) => ids.push(c.request),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(ids, vec![1, 2, 3]);
}

#[tokio::test]
async fn a_second_welcome_is_a_protocol_violation_answered_with_abort() {
    let (session, mut router, _) = joined(&[]).await;
    router
        .send(message::Welcome {
            session: 43,
            details: router_roles(&[]),
        })
        .await;
    let Message::Abort(abort) = router.recv().await else {
        panic!("expected ABORT")
    };
    assert_eq!(abort.reason, "wamp.error.protocol_violation");
    let reason = tokio::time::timeout(Duration::from_secs(5), session.closed())
        .await
        .unwrap();
    assert!(
        matches!(reason, CloseReason::ProtocolViolation(ref m) if m.contains("WELCOME")),
        "{reason:?}"
    );
    assert!(matches!(
        session.call("com.x").await,
        Err(Error::SessionClosed(_))
    ));
}

#[tokio::test]
async fn an_answer_to_no_pending_request_is_a_violation_but_a_late_result_is_not() {
    let (session, mut router, _) = joined(&[]).await;
    // A RESULT for a call this client no longer waits for (canceled, timed out) is ignored.
    router
        .send(message::Result {
            request: 99,
            details: Dict::new(),
            payload: Payload::default(),
        })
        .await;
    let s = session.clone();
    let call = tokio::spawn(async move { s.call("com.still.works").await });
    let Message::Call(c) = router.recv().await else {
        panic!()
    };
    router
        .send(message::Result {
            request: c.request,
            details: Dict::new(),
            payload: Arguments::value(&1).unwrap().into(),
        })
        .await;
    assert_eq!(call.await.unwrap().unwrap().value::<i32>().unwrap(), 1);
    // A SUBSCRIBED nobody asked for is not.
    router
        .send(message::Subscribed {
            request: 77,
            subscription: 5,
        })
        .await;
    let Message::Abort(abort) = router.recv().await else {
        panic!("expected ABORT")
    };
    assert_eq!(abort.reason, "wamp.error.protocol_violation");
}

#[tokio::test]
async fn subscription_revocation_ends_the_stream_with_the_reason() {
    let (session, mut router, _) = joined(&[]).await;
    let s = session.clone();
    let subscribe = tokio::spawn(async move { s.subscribe("com.topic").await });
    let Message::Subscribe(sub) = router.recv().await else {
        panic!()
    };
    router
        .send(message::Subscribed {
            request: sub.request,
            subscription: 5,
        })
        .await;
    let mut events = subscribe.await.unwrap().unwrap();
    router
        .send(message::Event {
            subscription: 5,
            publication: 9,
            details: Dict::new(),
            payload: Arguments::value(&"hi").unwrap().into(),
        })
        .await;
    assert_eq!(
        events
            .next()
            .await
            .unwrap()
            .unwrap()
            .value::<String>()
            .unwrap(),
        "hi"
    );
    let details = dict(&[
        ("subscription", Value::from(5)),
        ("reason", Value::from("wamp.error.revoked")),
    ]);
    router
        .send(message::Unsubscribed {
            request: 0,
            details: Some(details),
        })
        .await;
    let end = events.next().await.unwrap();
    assert_eq!(
        end,
        Err(SubscriptionError::Revoked {
            reason: "wamp.error.revoked".into()
        })
    );
    assert!(events.next().await.is_none());
    // The revoked subscription is gone: dropping the stream sends no UNSUBSCRIBE.
    drop(events);
    session.publish("com.after").await.unwrap();
    assert!(matches!(router.recv().await, Message::Publish(_)));
}

#[tokio::test]
async fn progressive_call_invocations_send_several_calls_with_one_request_id() {
    let (session, mut router, _) = joined(&[Feature::ProgressiveCallInvocations]).await;
    let s = session.clone();
    let upload = tokio::spawn(async move {
        let mut call = s
            .call("com.upload")
            .args(&("part 1",))
            .progressive()
            .await?;
        call.send(Arguments::from_args(&("part 2",)).unwrap())
            .await?;
        call.finish(Arguments::from_args(&("part 3",)).unwrap())
            .await
    });
    let mut parts = Vec::new();
    let mut request = None;
    loop {
        let Message::Call(c) = router.recv().await else {
            panic!("expected CALL")
        };
        assert_eq!(
            *request.get_or_insert(c.request),
            c.request,
            "one request ID for every part"
        );
        assert_eq!(c.procedure, "com.upload");
        let progress = c.options.get("progress") == Some(&Value::Bool(true));
        parts.push(
            c.payload
                .arguments()
                .unwrap()
                .decode_value::<String>()
                .unwrap(),
        );
        if !progress {
            break;
        }
    }
    assert_eq!(parts, ["part 1", "part 2", "part 3"]);
    router
        .send(message::Result {
            request: request.unwrap(),
            details: Dict::new(),
            payload: Arguments::value(&3).unwrap().into(),
        })
        .await;
    assert_eq!(upload.await.unwrap().unwrap().value::<i32>().unwrap(), 3);
}

#[tokio::test]
async fn invocations_for_unknown_registrations_and_panicking_handlers_get_errors() {
    let (session, mut router, _) = joined(&[]).await;
    router
        .send(message::Invocation {
            request: 1,
            registration: 1234,
            details: Dict::new(),
            payload: Payload::default(),
        })
        .await;
    let Message::Error(e) = router.recv().await else {
        panic!()
    };
    assert_eq!(
        (e.request_type, e.request, e.error.as_str()),
        (
            message::code::INVOCATION,
            1,
            "wamp.error.no_such_registration"
        )
    );

    let s = session.clone();
    let register = tokio::spawn(async move {
        s.register("com.panics", |_inv: Invocation| async move {
            if true {
                panic!("handler bug");
            }
            Ok(Arguments::default())
        })
        .await
    });
    let Message::Register(r) = router.recv().await else {
        panic!()
    };
    router
        .send(message::Registered {
            request: r.request,
            registration: 7,
        })
        .await;
    let _registration = register.await.unwrap().unwrap();
    router
        .send(message::Invocation {
            request: 2,
            registration: 7,
            details: Dict::new(),
            payload: Payload::default(),
        })
        .await;
    let Message::Error(e) = router.recv().await else {
        panic!()
    };
    assert_eq!(e.error, "wamp.error.runtime_error");
    // The session survived the panic.
    router
        .send(message::Invocation {
            request: 3,
            registration: 7,
            details: Dict::new(),
            payload: Payload::default(),
        })
        .await;
    assert!(matches!(router.recv().await, Message::Error(_)));
}

#[tokio::test]
async fn router_goodbye_is_answered_and_closes_the_session() {
    let (session, mut router, _) = joined(&[]).await;
    router
        .send(message::Goodbye {
            details: Dict::new(),
            reason: "wamp.close.system_shutdown".into(),
        })
        .await;
    let Message::Goodbye(answer) = router.recv().await else {
        panic!()
    };
    assert_eq!(answer.reason, "wamp.close.goodbye_and_out");
    let reason = session.closed().await;
    assert!(
        matches!(reason, CloseReason::Goodbye { by_router: true, ref reason, .. } if reason == "wamp.close.system_shutdown")
    );
}

/// A RawSocket router on 127.0.0.1 that runs `script` on the raw connection after the handshake
/// and the WELCOME.
async fn raw_router<F, Fut>(script: F) -> String
where
    F: FnOnce(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("tcp://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let (serializer, _) =
            rawsocket::server_handshake(&mut stream, &[Serializer::Json], 1 << 16)
                .await
                .unwrap();
        let (_, hello) = read_frame(&mut stream).await.unwrap();
        assert!(matches!(
            serializer.decode(&hello).unwrap(),
            Message::Hello(_)
        ));
        let welcome = serializer
            .encode(&Message::Welcome(message::Welcome {
                session: 7,
                details: router_roles(&[]),
            }))
            .unwrap();
        write_frame(&mut stream, 0, &welcome).await;
        script(stream).await;
    });
    url
}

#[tokio::test]
async fn malformed_bytes_from_the_router_are_answered_with_abort() {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let url = raw_router(|mut stream| async move {
        write_frame(&mut stream, 0, b"[36, \"not an id\", {}").await;
        let (_, abort) = read_frame(&mut stream).await.unwrap();
        let _ = tx.send(Serializer::Json.decode(&abort).unwrap());
    })
    .await;
    let session = Client::new(url, "realm1")
        .serializer(Serializer::Json)
        .connect()
        .await
        .unwrap();
    let reason = tokio::time::timeout(Duration::from_secs(5), session.closed())
        .await
        .unwrap();
    assert!(
        matches!(reason, CloseReason::ProtocolViolation(_)),
        "{reason:?}"
    );
    let Message::Abort(abort) = rx.await.unwrap() else {
        panic!("expected ABORT")
    };
    assert_eq!(abort.reason, "wamp.error.protocol_violation");
}

#[tokio::test]
async fn an_oversized_rawsocket_frame_closes_the_session_before_it_is_read() {
    let url = raw_router(|mut stream| async move {
        // Announce 2^20 octets, more than the client's 2^12, and send none of them.
        stream.write_all(&[0, 0x10, 0, 0]).await.unwrap();
        tokio::time::sleep(Duration::from_secs(5)).await;
    })
    .await;
    let session = Client::new(url, "realm1")
        .serializer(Serializer::Json)
        .max_message_size(4096)
        .connect()
        .await
        .unwrap();
    let reason = tokio::time::timeout(Duration::from_secs(2), session.closed())
        .await
        .unwrap();
    assert!(
        matches!(&reason, CloseReason::TransportError(m) if m.contains("1048576") && m.contains("4096")),
        "{reason:?}"
    );
}

#[tokio::test]
async fn rawsocket_pings_are_answered_with_the_same_payload() {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let url = raw_router(|mut stream| async move {
        write_frame(&mut stream, 1, b"are you there").await;
        let _ = tx.send(read_frame(&mut stream).await.unwrap());
    })
    .await;
    let _session = Client::new(url, "realm1")
        .serializer(Serializer::Json)
        .connect()
        .await
        .unwrap();
    let (kind, payload) = tokio::time::timeout(Duration::from_secs(5), rx)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((kind, payload.as_slice()), (2, &b"are you there"[..]));
}

#[tokio::test]
async fn rawsocket_handshake_refusals_are_typed() {
    for (code, expected) in [
        (1u8, rawsocket::HandshakeError::SerializerUnsupported),
        (2, rawsocket::HandshakeError::MaxLengthUnacceptable),
        (4, rawsocket::HandshakeError::MaxConnectionCount),
    ] {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("tcp://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 4];
            stream.read_exact(&mut request).await.unwrap();
            stream.write_all(&[0x7F, code << 4, 0, 0]).await.unwrap();
        });
        match Client::new(url, "realm1").connect().await {
            Err(Error::Transport(TransportError::RawSocketHandshake(e))) => assert_eq!(e, expected),
            other => panic!("code {code}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_websocket_server_that_accepts_no_wamp_subprotocol_is_refused() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/ws", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        // Accepts the upgrade but names no subprotocol.
        let _ws = tokio_tungstenite::accept_async(stream).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    });
    match Client::new(url, "realm1").connect().await {
        Err(Error::Transport(e)) => {
            assert!(e.to_string().to_lowercase().contains("subprotocol"), "{e}")
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
}

/// A SUBSCRIBE that races an in-flight UNSUBSCRIBE gets the same subscription ID, which the
/// router then removes: the client subscribes again on its own so the new subscriber keeps
/// receiving events.
#[tokio::test]
async fn a_subscribe_racing_an_unsubscribe_is_renewed() {
    let (session, mut router, _) = joined(&[]).await;
    let s = session.clone();
    let first = tokio::spawn(async move { s.subscribe("com.race").await });
    let Message::Subscribe(sub) = router.recv().await else {
        panic!()
    };
    router
        .send(message::Subscribed {
            request: sub.request,
            subscription: 5,
        })
        .await;
    drop(first.await.unwrap().unwrap());
    let Message::Unsubscribe(unsub) = router.recv().await else {
        panic!("expected UNSUBSCRIBE")
    };
    assert_eq!(unsub.subscription, 5);

    // Before the router answers the UNSUBSCRIBE, a new subscriber arrives.
    let s = session.clone();
    let second = tokio::spawn(async move { s.subscribe("com.race").await });
    let Message::Subscribe(sub) = router.recv().await else {
        panic!()
    };
    router
        .send(message::Subscribed {
            request: sub.request,
            subscription: 5,
        })
        .await;
    let mut events = second.await.unwrap().unwrap();
    router
        .send(message::Unsubscribed {
            request: unsub.request,
            details: None,
        })
        .await;

    // The router dropped subscription 5 for this session; the client renews it.
    let Message::Subscribe(renewed) = router.recv().await else {
        panic!("expected a renewed SUBSCRIBE")
    };
    assert_eq!(renewed.topic, "com.race");
    router
        .send(message::Subscribed {
            request: renewed.request,
            subscription: 6,
        })
        .await;
    router
        .send(message::Event {
            subscription: 6,
            publication: 1,
            details: Dict::new(),
            payload: Arguments::value(&"still here").unwrap().into(),
        })
        .await;
    let event = tokio::time::timeout(Duration::from_secs(5), events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(event.value::<String>().unwrap(), "still here");
}

#[tokio::test]
async fn the_callee_enforces_a_timeout_the_dealer_forwards() {
    let (session, mut router, _) = joined(&[]).await;
    let s = session.clone();
    let register = tokio::spawn(async move {
        s.register("com.slow", |_inv: Invocation| async move {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(Arguments::default())
        })
        .await
    });
    let Message::Register(r) = router.recv().await else {
        panic!()
    };
    router
        .send(message::Registered {
            request: r.request,
            registration: 3,
        })
        .await;
    let _registration = register.await.unwrap().unwrap();
    let details = dict(&[("timeout", Value::from(100))]);
    router
        .send(message::Invocation {
            request: 1,
            registration: 3,
            details,
            payload: Payload::default(),
        })
        .await;
    let Message::Error(e) = router.recv().await else {
        panic!("expected ERROR")
    };
    assert_eq!((e.request, e.error.as_str()), (1, "wamp.error.timeout"));
}

/// How the session must end after what a bad router sends after WELCOME.
#[derive(Clone, Copy)]
enum Ending {
    /// ABORT `wamp.error.protocol_violation` sent, the session closed with that reason.
    Violation,
    /// The connection is unusable: a transport error or a lost connection.
    Broken,
    /// Ignored: the session goes on (checked with a call that the router then answers).
    Ignored,
}

#[tokio::test]
async fn every_kind_of_bad_router_input_ends_typed_never_in_a_panic() {
    let cases: Vec<(&str, Vec<u8>, Ending)> = vec![
        (
            "garbage bytes",
            frame(0, b"\x00\xffnot json at all"),
            Ending::Violation,
        ),
        (
            "an unknown message type",
            frame(0, b"[999, 1]"),
            Ending::Violation,
        ),
        (
            "wrong field types",
            frame(0, b"[50, \"x\", {}]"),
            Ending::Violation,
        ),
        ("a field missing", frame(0, b"[50]"), Ending::Violation),
        (
            "an ID above 2^53",
            frame(0, b"[50, 9007199254740993, {}]"),
            Ending::Violation,
        ),
        (
            "a message only clients send",
            frame(0, b"[1, \"realm1\", {}]"),
            Ending::Violation,
        ),
        (
            "a second WELCOME",
            frame(0, b"[2, 7, {}]"),
            Ending::Violation,
        ),
        (
            "SUBSCRIBED for no request",
            frame(0, b"[33, 99, 5]"),
            Ending::Violation,
        ),
        (
            "ERROR for an INVOCATION",
            frame(0, b"[8, 68, 1, {}, \"x.y\"]"),
            Ending::Violation,
        ),
        (
            "a reserved frame type",
            frame(5, b"[36, 1, {}]"),
            Ending::Broken,
        ),
        (
            "reserved header bits",
            frame(0x80, b"[36, 1, {}]"),
            Ending::Broken,
        ),
        (
            "a frame cut short",
            frame(0, b"[36, 1, {}]")[..9].to_vec(),
            Ending::Broken,
        ),
        (
            "an EVENT for no subscription",
            frame(0, b"[36, 5, 6, {}, [1]]"),
            Ending::Ignored,
        ),
        (
            "a RESULT for no call",
            frame(0, b"[50, 77, {}, [1]]"),
            Ending::Ignored,
        ),
    ];
    for (name, bytes, ending) in cases {
        let (done_tx, done_rx) = tokio::sync::oneshot::channel::<Option<Message>>();
        let url = raw_router(move |mut stream| async move {
            stream.write_all(&bytes).await.unwrap();
            if matches!(ending, Ending::Ignored) {
                // Answer the client's next CALL, to show the session went on.
                let (_, call) = read_frame(&mut stream).await.unwrap();
                let Message::Call(call) = Serializer::Json.decode(&call).unwrap() else {
                    panic!("expected CALL");
                };
                let result = Message::Result(message::Result {
                    request: call.request,
                    details: Dict::new(),
                    payload: Payload::Arguments(Arguments::value(&"still here").unwrap()),
                });
                write_frame(&mut stream, 0, &Serializer::Json.encode(&result).unwrap()).await;
                let _ = done_tx.send(None);
                let mut rest = Vec::new();
                let _ = stream.read_to_end(&mut rest).await;
                return;
            }
            // A truncated frame ends with the connection closing.
            if name == "a frame cut short" {
                drop(stream);
                let _ = done_tx.send(None);
                return;
            }
            let answer = read_frame(&mut stream)
                .await
                .ok()
                .and_then(|(_, payload)| Serializer::Json.decode(&payload).ok());
            let _ = done_tx.send(answer);
        })
        .await;
        // A reconnect policy must not retry a protocol violation; a broken connection would
        // be retried, so those cases run without one.
        let mut client = Client::new(url, "realm1").serializer(Serializer::Json);
        if matches!(ending, Ending::Violation | Ending::Ignored) {
            client = client.reconnect(wamp_core::session::ReconnectPolicy::default());
        }
        let session = client.connect().await.unwrap();
        match ending {
            Ending::Ignored => {
                let answer: String =
                    tokio::time::timeout(Duration::from_secs(5), session.call("com.x.y"))
                        .await
                        .unwrap()
                        .unwrap()
                        .value()
                        .unwrap();
                assert_eq!(answer, "still here", "{name}");
                assert!(done_rx.await.unwrap().is_none());
            }
            Ending::Violation => {
                let reason = tokio::time::timeout(Duration::from_secs(5), session.closed())
                    .await
                    .unwrap();
                assert!(
                    matches!(reason, CloseReason::ProtocolViolation(_)),
                    "{name}: {reason:?}"
                );
                let abort = done_rx.await.unwrap();
                assert!(
                    matches!(&abort, Some(Message::Abort(a)) if a.reason == "wamp.error.protocol_violation"),
                    "{name}: {abort:?}"
                );
                assert!(session.state().borrow().is_closed(), "{name}: not retried");
            }
            Ending::Broken => {
                let reason = tokio::time::timeout(Duration::from_secs(5), session.closed())
                    .await
                    .unwrap();
                assert!(
                    matches!(
                        reason,
                        CloseReason::TransportError(_) | CloseReason::ConnectionLost
                    ),
                    "{name}: {reason:?}"
                );
                let _ = done_rx.await;
            }
        }
    }
}

/// Spec deviation 10: before it uses an Advanced Profile feature, the client checks that the
/// router announced it, and fails at once with a clear error instead of waiting for an answer
/// that will never come. Nothing reaches the router.
#[tokio::test]
async fn advanced_features_the_router_did_not_announce_fail_before_sending() {
    let (session, mut router, _) = joined(&[]).await;
    let unsupported = |e: Error, role: Role, feature: Feature| match e {
        Error::Unsupported {
            role: r,
            feature: f,
        } => {
            assert_eq!((r, f), (role, feature));
            assert!(Error::Unsupported {
                role: r,
                feature: f
            }
            .to_string()
            .contains(feature.name()));
        }
        other => panic!("expected Unsupported {role} {feature}, got {other}"),
    };
    let e = session
        .subscribe("com.app.")
        .match_policy(MatchPolicy::Prefix)
        .await
        .unwrap_err();
    unsupported(e, Role::Broker, Feature::PatternBasedSubscription);
    let e = session
        .subscribe("com.app")
        .get_retained()
        .await
        .unwrap_err();
    unsupported(e, Role::Broker, Feature::EventRetention);
    let e = session
        .register("com..add", |_| async { Ok(Arguments::default()) })
        .match_policy(MatchPolicy::Wildcard)
        .await
        .unwrap_err();
    unsupported(e, Role::Dealer, Feature::PatternBasedRegistration);
    let e = session
        .register("com.add", |_| async { Ok(Arguments::default()) })
        .invoke(InvokePolicy::RoundRobin)
        .await
        .unwrap_err();
    unsupported(e, Role::Dealer, Feature::SharedRegistration);
    let e = session
        .register("com.add", |_| async { Ok(Arguments::default()) })
        .disclose_caller()
        .await
        .unwrap_err();
    unsupported(e, Role::Dealer, Feature::CallerIdentification);
    let e = session.call("com.add").disclose_me().await.unwrap_err();
    unsupported(e, Role::Dealer, Feature::CallerIdentification);
    let e = session
        .publish("com.news")
        .exclude_me(false)
        .await
        .unwrap_err();
    unsupported(e, Role::Broker, Feature::PublisherExclusion);
    let e = session.publish("com.news").eligible([7]).await.unwrap_err();
    unsupported(e, Role::Broker, Feature::SubscriberBlackwhiteListing);
    let e = session.publish("com.news").retain().await.unwrap_err();
    unsupported(e, Role::Broker, Feature::EventRetention);
    // None of the above was sent; a plain publication is.
    session.publish("com.news").await.unwrap();
    match router.recv().await {
        Message::Publish(p) => assert_eq!(p.topic, "com.news"),
        other => panic!("expected the plain PUBLISH first, got {other:?}"),
    }
    // `invoke: single` is the spec's default: it is left out of REGISTER and needs no
    // `shared_registration` (a typed service registers with it, on any dealer).
    let single = session.clone();
    let register = tokio::spawn(async move {
        single
            .register("com.single", |_| async { Ok(Arguments::default()) })
            .invoke(InvokePolicy::Single)
            .await
    });
    match router.recv().await {
        Message::Register(r) => {
            assert_eq!(r.procedure, "com.single");
            assert!(!r.options.contains_key("invoke"), "{:?}", r.options);
        }
        other => panic!("expected REGISTER com.single, got {other:?}"),
    }
    register.abort();
}

/// The client's command queue is bounded: while its driver cannot write (the router stopped
/// reading), at most `COMMAND_QUEUE` requests wait for it and the rest wait for room, taking no
/// memory in the session; once the router reads again, every one of them is sent.
#[tokio::test]
async fn the_command_queue_is_bounded_while_the_driver_cannot_write() {
    use wamp_core::session::COMMAND_QUEUE;
    let (session, mut router, _) = joined(&[]).await;
    // The pair holds 16 messages: the driver blocks on the 17th; then the queue fills.
    let total = COMMAND_QUEUE + 500;
    let mut publications = Vec::new();
    for i in 0..total {
        let session = session.clone();
        publications.push(tokio::spawn(async move {
            session.publish("com.queue").args(&(i,)).await
        }));
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while session.queued_commands() < COMMAND_QUEUE && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // A while longer: it stays at the bound.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(session.queued_commands(), COMMAND_QUEUE);
    // The router reads again: every publication goes out.
    let mut seen = 0;
    while seen < total {
        match router.recv().await {
            Message::Publish(_) => seen += 1,
            other => panic!("expected PUBLISH, got {other:?}"),
        }
    }
    for p in publications {
        p.await.unwrap().unwrap();
    }
    assert_eq!(session.queued_commands(), 0);
}
