//! The limits: calls in flight, invocations running at once, message sizes, slow consumers.

use super::*;

#[tokio::test]
async fn calls_in_flight_and_invocations_running_are_limited() {
    let rig = Rig::new().await;
    let caller = rig
        .client(&rig.ws())
        .max_pending_calls(2)
        .connect()
        .await
        .unwrap();
    let first = tokio::spawn(caller.call("com.rig.slow").args(&(500u64,)).into_future());
    let second = tokio::spawn(caller.call("com.rig.slow").args(&(500u64,)).into_future());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let third = caller
        .call("com.rig.slow")
        .args(&(1u64,))
        .await
        .unwrap_err();
    assert!(
        matches!(third, Error::TooManyPendingCalls { limit: 2 }),
        "{third:?}"
    );
    within(first).await.unwrap().unwrap();
    within(second).await.unwrap().unwrap();
    caller.call("com.rig.slow").args(&(1u64,)).await.unwrap();

    // A callee running its maximum answers `wamp.error.unavailable` (Call Reroute); the embedded
    // dealer, which implements Call Reroute, finds no other callee and answers the caller
    // `no_available_callee` as the spec says (tests/tests/advanced/reroute.rs has the rest).
    let callee = rig
        .client(&rig.tcp())
        .max_concurrent_invocations(1)
        .connect()
        .await
        .unwrap();
    callee
        .register("com.rig.busy", |_: Invocation| async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            Ok(Arguments::default())
        })
        .await
        .unwrap()
        .keep();
    let busy = tokio::spawn(caller.call("com.rig.busy").into_future());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let refused = caller.call("com.rig.busy").await.unwrap_err();
    assert_eq!(
        refused.uri(),
        Some("wamp.error.no_available_callee"),
        "{refused:?}"
    );
    within(busy).await.unwrap().unwrap();
}

#[tokio::test]
async fn message_size_limits_are_enforced_both_ways() {
    let router = Router::builder()
        .realm_config(interop_realm())
        .listener(Listener::rawsocket("127.0.0.1:0").max_message_size(4096))
        .listener(Listener::websocket("127.0.0.1:0"))
        .start()
        .await
        .unwrap();
    let tcp = router.endpoints()[0].url.clone();
    let ws = router.endpoints()[1].url.clone();
    let realm = cred("realm", "");
    let callee = router.connect(&realm).await.unwrap();
    callee
        .register("com.size.big", |inv: Invocation| async move {
            let n: usize = inv.value()?;
            Ok(Arguments::value(&"y".repeat(n))?)
        })
        .await
        .unwrap()
        .keep();

    // Too large to send (the router announced 4 KiB): fails alone, the session goes on.
    let session = Client::new(&tcp, &realm).connect().await.unwrap();
    let e = session
        .call("com.size.big")
        .args(&("z".repeat(10_000),))
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::NotSent(ref m) if m.contains("larger than")),
        "{e:?}"
    );
    let small: String = session
        .call("com.size.big")
        .args(&(3,))
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(small, "yyy");

    // A RESULT too large for a RawSocket client (it announced 1 KiB): the router answers the
    // call with `wamp.error.payload_size_exceeded` instead, and the session goes on.
    let strict = Client::new(&tcp, &realm)
        .max_message_size(1024)
        .connect()
        .await
        .unwrap();
    let e = strict
        .call("com.size.big")
        .args(&(3000,))
        .await
        .unwrap_err();
    assert_eq!(e.uri(), Some("wamp.error.payload_size_exceeded"), "{e:?}");
    let small: String = strict
        .call("com.size.big")
        .args(&(3,))
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(small, "yyy");

    // An INVOCATION too large for the callee: the caller gets the same error.
    let small_callee = Client::new(&tcp, &realm)
        .max_message_size(1024)
        .connect()
        .await
        .unwrap();
    small_callee
        .register("com.size.len", |inv: Invocation| async move {
            let text: String = inv.value()?;
            Ok(Arguments::value(&text.len())?)
        })
        .await
        .unwrap()
        .keep();
    let e = session
        .call("com.size.len")
        .args(&("w".repeat(2000),))
        .await
        .unwrap_err();
    assert_eq!(e.uri(), Some("wamp.error.payload_size_exceeded"), "{e:?}");
    let len: usize = session
        .call("com.size.len")
        .args(&("w",))
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(len, 1);

    // Over WebSocket the router does not know the client's limit: the client refuses the
    // message, and the connection ends with a typed reason.
    let strict = Client::new(&ws, &realm)
        .max_message_size(1024)
        .connect()
        .await
        .unwrap();
    let e = strict
        .call("com.size.big")
        .args(&(3000,))
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::SessionClosed(CloseReason::TransportError(ref m)) if m.contains("larger than the maximum")),
        "{e:?}"
    );
}

#[tokio::test]
async fn slow_consumers_lose_the_newest_items_and_are_told_how_many() {
    let rig = Rig::new().await;
    let realm = cred("realm", "");
    let subscriber = rig
        .client(&rig.ws())
        .event_buffer(8)
        .connect()
        .await
        .unwrap();
    let mut slow = subscriber.subscribe("com.rig.flood").await.unwrap();
    let mut fast_sub = subscriber.subscribe("com.rig.flood").await.unwrap();
    let publisher = rig.router.connect(&realm).await.unwrap();
    let drain = tokio::spawn(async move {
        let mut n = 0;
        while n < 200 {
            if let Some(Ok(_)) = fast_sub.next().await {
                n += 1;
            }
        }
        n
    });
    for i in 0..200u32 {
        publisher
            .publish("com.rig.flood")
            .args(&(i,))
            .acknowledge()
            .await
            .unwrap();
    }
    // The subscriber that reads keeps up; the one that does not lost all but its buffer.
    assert_eq!(within(drain).await.unwrap(), 200);
    let first = within(slow.next()).await.unwrap();
    assert!(
        matches!(
            first,
            Err(wamp_core::session::SubscriptionError::Lagged(192))
        ),
        "{first:?}"
    );
    assert_eq!(slow.dropped(), 192);
    let kept: u32 = within(slow.next()).await.unwrap().unwrap().value().unwrap();
    assert_eq!(kept, 0, "the oldest events are kept, the newest dropped");

    // A call stream not read while 100 progressive results arrive.
    let callee = rig.router.connect(&realm).await.unwrap();
    callee
        .register("com.rig.many", |inv: Invocation| async move {
            for i in 0..100u32 {
                inv.progress(Arguments::value(&i)?).await.map_err(|e| {
                    wamp_core::WampError::with_message("com.rig.failed", e.to_string())
                })?;
            }
            Ok(Arguments::value(&"done")?)
        })
        .await
        .unwrap()
        .keep();
    let mut stream = subscriber.call("com.rig.many").stream().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut progress = 0;
    let mut lagged = 0;
    let mut last = None;
    while let Some(item) = within(stream.next()).await {
        match item {
            Ok(r) if r.progress => progress += 1,
            Ok(r) => last = Some(r.value::<String>().unwrap()),
            Err(Error::Lagged(n)) => lagged += n,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!((progress, lagged), (8, 92));
    assert_eq!(
        last.as_deref(),
        Some("done"),
        "the final result always arrives"
    );
}
