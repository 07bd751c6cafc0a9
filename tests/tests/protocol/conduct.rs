//! The session's conduct with a scripted router: announcements, request IDs, ABORT on a second
//! WELCOME, answers to no request, revocation, progressive call invocations, invocations it
//! cannot serve, and the router's GOODBYE.

use super::*;

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
