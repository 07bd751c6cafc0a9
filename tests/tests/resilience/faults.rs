//! Cut, frozen and refused connections, through a loopback TCP proxy.

use super::*;

#[tokio::test]
async fn a_cut_in_the_middle_of_a_frame_fails_calls_in_flight_and_recovers() {
    trace();
    let rig = Rig::new().await;
    let session = rig
        .client(&rig.tcp())
        .serializer(Serializer::Json)
        .reconnect(fast())
        .connect()
        .await
        .unwrap();
    let mut events = session.events();
    let first_id = session.id();
    let mut subscription = session.subscribe("com.rig.news").await.unwrap();
    let first_subscription = subscription.id();
    let registration = session
        .register("com.rig.mine", |_: Invocation| async {
            Ok(Arguments::value(&"mine")?)
        })
        .await
        .unwrap();

    // Five calls in flight that the callee answers in 2 s.
    let slow: Vec<_> = (0..5)
        .map(|_| {
            let call = session.call("com.rig.slow").args(&(2000u64,));
            tokio::spawn(call.into_future())
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The next frame from the router is cut after half of it: the RESULT of a large echo.
    rig.tcp_proxy.cut_mid_frame();
    let big = "x".repeat(20_000);
    let echo = session.call("com.rig.echo").args(&(big.clone(),)).await;
    assert!(
        matches!(
            echo,
            Err(Error::Disconnected(
                CloseReason::ConnectionLost | CloseReason::TransportError(_)
            ))
        ),
        "{echo:?}"
    );
    for call in slow {
        let outcome = within(call).await.unwrap();
        assert!(
            matches!(outcome, Err(Error::Disconnected(_))),
            "{outcome:?}"
        );
    }

    let report = wait_event(&mut events, Duration::from_secs(10), restored).await;
    assert_eq!((report.registrations, report.subscriptions), (1, 1));
    assert_ne!(
        session.id(),
        first_id,
        "a new session ID after the reconnect"
    );
    assert_eq!(session.info().id, session.id());
    assert_eq!(rig.tcp_proxy.accepted(), 2);
    // Everything works again, with the same handles.
    let echoed: String = session
        .call("com.rig.echo")
        .args(&(big.clone(),))
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(echoed, big);
    let mine: String = session.call("com.rig.mine").await.unwrap().value().unwrap();
    assert_eq!(mine, "mine");
    assert_ne!(subscription.id(), first_subscription);
    rig.inside
        .publish("com.rig.news")
        .args(&("after the cut",))
        .acknowledge()
        .await
        .unwrap();
    let news: String = within(subscription.next())
        .await
        .unwrap()
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(news, "after the cut");
    registration.unregister().await.unwrap();
    let gone = session.call("com.rig.mine").await.unwrap_err();
    assert_eq!(gone.uri(), Some("wamp.error.no_such_procedure"));
}

async fn keepalive_finds_a_frozen_connection(url: String, proxy: &Proxy, serializer: Serializer) {
    let session = Client::new(&url, cred("realm", ""))
        .serializer(serializer)
        .keepalive(Duration::from_millis(150), Duration::from_millis(300))
        .reconnect(fast())
        .connect()
        .await
        .unwrap();
    let mut events = session.events();
    // An idle but healthy connection is kept: pings are answered.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(session.state().borrow().is_joined());
    assert_eq!(events.try_recv(), None, "no state change while idle");

    proxy.set_mode(Mode::Freeze);
    let lost = wait_event(&mut events, Duration::from_secs(5), |e| match e {
        SessionEvent::State(SessionState::Disconnected { reason, .. }) => Some(reason.clone()),
        _ => None,
    })
    .await;
    assert!(
        matches!(&lost, CloseReason::TransportError(m) if m.contains("keepalive")),
        "{lost:?}"
    );
    proxy.set_mode(Mode::Forward);
    wait_event(&mut events, Duration::from_secs(10), restored).await;
    let echoed: u32 = session
        .call("com.rig.echo")
        .args(&(7,))
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(echoed, 7);
}

#[tokio::test]
async fn the_keepalive_finds_a_frozen_websocket_and_rawsocket() {
    trace();
    let rig = Rig::new().await;
    keepalive_finds_a_frozen_connection(rig.ws(), &rig.ws_proxy, Serializer::Json).await;
    keepalive_finds_a_frozen_connection(rig.tcp(), &rig.tcp_proxy, Serializer::Cbor).await;
}

#[tokio::test]
async fn requests_made_while_reconnecting_wait_within_the_bound() {
    trace();
    let rig = Rig::new().await;
    let session = rig
        .client(&rig.ws())
        .reconnect(
            fast()
                .max_delay(Duration::from_millis(100))
                .request_wait(Duration::from_secs(1)),
        )
        .connect()
        .await
        .unwrap();
    let mut events = session.events();
    rig.ws_proxy.set_mode(Mode::Refuse);
    rig.ws_proxy.cut_all();
    wait_state(&session, |s| matches!(s, SessionState::Disconnected { .. })).await;

    // Made while the router is unreachable: fails once the bound is over.
    let started = Instant::now();
    let waited = session.call("com.rig.echo").args(&(1,)).await;
    assert!(matches!(waited, Err(Error::Disconnected(_))), "{waited:?}");
    assert!(started.elapsed() >= Duration::from_millis(900));
    let failed = wait_event(&mut events, Duration::from_secs(5), |e| match e {
        SessionEvent::AttemptFailed { attempt, error } => Some((*attempt, error.clone())),
        _ => None,
    })
    .await;
    assert!(failed.0 >= 1, "{failed:?}");

    // Made while reconnecting, answered once joined again: a call, a subscription, a register.
    let call = tokio::spawn(session.call("com.rig.echo").args(&(2,)).into_future());
    let subscribe = tokio::spawn(session.subscribe("com.rig.later").into_future());
    tokio::time::sleep(Duration::from_millis(50)).await;
    rig.ws_proxy.set_mode(Mode::Forward);
    let echoed: u32 = within(call).await.unwrap().unwrap().value().unwrap();
    assert_eq!(echoed, 2);
    let subscription = within(subscribe).await.unwrap().unwrap();
    assert!(subscription.id() > 0);
    assert!(session.state().borrow().is_joined());
}

#[tokio::test]
async fn a_session_gives_up_after_its_attempts_and_can_be_left_while_reconnecting() {
    trace();
    let rig = Rig::new().await;
    let policy = fast()
        .max_attempts(3)
        .initial_delay(Duration::from_millis(10));
    let session = rig
        .client(&rig.tcp())
        .reconnect(policy)
        .connect()
        .await
        .unwrap();
    let mut events = session.events();
    rig.tcp_proxy.set_mode(Mode::Refuse);
    rig.tcp_proxy.cut_all();
    let reason = within(session.closed()).await;
    assert_eq!(reason, CloseReason::ConnectionLost);
    let mut failed = 0;
    while let Some(event) = events.recv().await {
        if matches!(event, SessionEvent::AttemptFailed { .. }) {
            failed += 1;
        }
    }
    assert_eq!(failed, 3, "three attempts, then the session closed");
    let after = session.call("com.rig.echo").await.unwrap_err();
    assert!(
        matches!(after, Error::SessionClosed(CloseReason::ConnectionLost)),
        "{after:?}"
    );

    // Leaving while reconnecting ends the session at once, as the client's own close.
    let session = rig
        .client(&rig.ws())
        .reconnect(fast())
        .connect()
        .await
        .unwrap();
    rig.ws_proxy.set_mode(Mode::Refuse);
    rig.ws_proxy.cut_all();
    wait_state(&session, |s| !s.is_joined()).await;
    let left = within(session.leave()).await;
    assert!(
        matches!(
            left,
            CloseReason::Goodbye {
                by_router: false,
                ..
            }
        ),
        "{left:?}"
    );
    assert!(session.state().borrow().is_closed());
}

#[tokio::test]
async fn without_a_policy_a_lost_connection_closes_the_session() {
    let rig = Rig::new().await;
    let session = rig.client(&rig.tcp()).connect().await.unwrap();
    let slow = tokio::spawn(session.call("com.rig.slow").args(&(2000u64,)).into_future());
    tokio::time::sleep(Duration::from_millis(100)).await;
    rig.tcp_proxy.cut_all();
    let outcome = within(slow).await.unwrap();
    assert!(
        matches!(
            outcome,
            Err(Error::SessionClosed(CloseReason::ConnectionLost))
        ),
        "{outcome:?}"
    );
    assert_eq!(
        *session.state().borrow(),
        SessionState::Closed(CloseReason::ConnectionLost)
    );
}
