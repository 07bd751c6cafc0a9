//! Races, timeouts and hostile input: a subscribe racing an unsubscribe, the callee's timeout,
//! every kind of bad router input, features the router did not announce, and the bounded command
//! queue.

use super::*;

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
