//! Overload: a flooded slow subscriber, a burst of calls, large payloads both ways, a full
//! listener and the outbound queue's byte bound.

use super::*;

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooded_slow_subscriber_is_disconnected_and_memory_stays_bounded() {
    const EVENTS: usize = 40_000;
    const SIZE: usize = 2048;
    const QUEUE: usize = 256;
    let router = router(1 << 20, QUEUE).await;
    // The slow subscriber joins over TCP, subscribes, then never reads again.
    let mut slow = raw_joined(&router).await;
    slow.send(Message::Subscribe(Subscribe {
        request: 1,
        options: Dict::new(),
        topic: "com.flood".into(),
    }))
    .await
    .unwrap();
    assert!(matches!(
        slow.next().await,
        Some(Ok(Message::Subscribed(_)))
    ));
    let fast = router.connect("realm1").await.unwrap();
    let mut events = fast.subscribe("com.flood").await.unwrap();
    let received = tokio::spawn(async move {
        let mut n = 0usize;
        while n < EVENTS {
            match tokio::time::timeout(Duration::from_secs(30), events.next()).await {
                Ok(Some(Ok(_))) => n += 1,
                other => panic!("fast subscriber stopped after {n} events: {other:?}"),
            }
        }
        n
    });
    let publisher = router.connect("realm1").await.unwrap();
    let payload = "x".repeat(SIZE);
    let before = rss_bytes();
    let mut after_warmup = before;
    let mut max_queued = 0;
    let started = Instant::now();
    for i in 0..EVENTS {
        publisher
            .publish("com.flood")
            .args(&(i, &payload))
            .acknowledge()
            .await
            .unwrap();
        if i % 500 == 0 {
            max_queued = max_queued.max(router.stats("realm1").unwrap().max_queued);
        }
        if i == EVENTS / 4 {
            after_warmup = rss_bytes();
        }
    }
    let delivered = received.await.unwrap();
    let end = rss_bytes();
    let mib = |b: u64| b as f64 / 1_048_576.0;
    let published_mib = (EVENTS * SIZE) as f64 / 1_048_576.0;
    println!(
        "flood: {EVENTS} events of {SIZE} B ({published_mib:.0} MiB) in {:?}; fast subscriber got \
         {delivered}; longest outbound queue {max_queued} (bound {QUEUE}); process RSS {:.1} MiB \
         before, {:.1} MiB after the first quarter, {:.1} MiB at the end",
        started.elapsed(),
        mib(before),
        mib(after_warmup),
        mib(end)
    );
    assert_eq!(delivered, EVENTS);
    assert!(max_queued <= QUEUE, "a queue held {max_queued} messages");
    assert!(
        mib(end) - mib(before) < published_mib / 4.0,
        "RSS grew from {:.1} to {:.1} MiB while {published_mib:.0} MiB were published",
        mib(before),
        mib(end)
    );
    // The slow subscriber was cut off: its queue could never hold the flood.
    assert_eq!(
        router.stats("realm1").unwrap().sessions,
        2,
        "the slow subscriber left"
    );
    // What the slow subscriber finds when it reads again: the events that were in flight, then
    // the end of the connection (ABORT slow_consumer when the router could still write it).
    let drained = tokio::time::timeout(Duration::from_secs(20), async {
        let mut events = 0usize;
        loop {
            match slow.next().await {
                Some(Ok(Message::Event(_))) => events += 1,
                Some(Ok(Message::Abort(a))) => {
                    assert_eq!(a.reason, wamp_router::SLOW_CONSUMER);
                    break events;
                }
                Some(Ok(other)) => panic!("unexpected {other:?}"),
                Some(Err(_)) | None => break events,
            }
        }
    })
    .await
    .expect("the slow subscriber's connection ends");
    assert!(
        drained < EVENTS,
        "the slow subscriber cannot have received the flood"
    );
}

/// Found by `wamp-bench`: with a queue of 1,024, a burst of 2,000 calls (the client allows
/// 65,536) aborted the callee as a slow consumer, and the errors then owed to the caller aborted
/// the caller too. With the default queue a burst well within the client's limit is routed and
/// answered in full, and neither session is disconnected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_calls_within_the_clients_limit_is_not_a_slow_consumer() {
    let (_router, url) = websocket_router().await;
    let callee = wamp_core::Client::new(url.clone(), "realm1")
        .connect()
        .await
        .unwrap();
    // Answers only once every call has arrived, so that they are all queued at once.
    let release = std::sync::Arc::new(tokio::sync::Notify::new());
    let arrived = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    // Under the callee's default max_concurrent_invocations (4,096), above the old queue (1,024).
    const CALLS: usize = 4_000;
    let (r, a) = (release.clone(), arrived.clone());
    let _reg = callee
        .register("com.burst", move |inv: Invocation| {
            let (release, arrived) = (r.clone(), a.clone());
            async move {
                let released = release.notified();
                if arrived.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == CALLS {
                    release.notify_waiters();
                } else {
                    released.await;
                }
                let n: u64 = inv.args::<(u64,)>()?.0;
                Ok(Arguments::from_args(&(n,))?)
            }
        })
        .await
        .unwrap();
    let caller = wamp_core::Client::new(url, "realm1")
        .connect()
        .await
        .unwrap();
    let calls = (0..CALLS as u64).map(|n| {
        let caller = caller.clone();
        async move { caller.call("com.burst").args(&(n,)).await }
    });
    let results = tokio::time::timeout(Duration::from_secs(60), futures::future::join_all(calls))
        .await
        .expect("every call answered within 60 s");
    for (n, r) in results.into_iter().enumerate() {
        let value: u64 = r
            .unwrap_or_else(|e| panic!("call {n}: {e:?}"))
            .value()
            .unwrap();
        assert_eq!(value, n as u64);
    }
    assert!(!callee.is_closed() && !caller.is_closed());
}

/// Large payloads both ways never deadlock: 24 calls of 1 MiB in flight to an echoing callee
/// fill every socket buffer on the way (the router writes INVOCATIONs to a callee that is busy
/// writing YIELDs). The router reads while it writes, so every call is answered; before, the
/// router and the callee each waited for the other to read (found by `wamp-bench`'s payload
/// curve at 12 calls of 1 MiB).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_payloads_both_ways_do_not_deadlock_router_and_callee() {
    let (_router, url) = websocket_router().await;
    let connect = || {
        wamp_core::Client::new(url.clone(), "realm1")
            .serializer(Serializer::MsgPack)
            .connect()
    };
    let callee = connect().await.unwrap();
    let _reg = callee
        .register(
            "com.echo",
            |inv: Invocation| async move { Ok(inv.arguments) },
        )
        .await
        .unwrap();
    let caller = connect().await.unwrap();
    const CALLS: usize = 24;
    let payload = "x".repeat(1 << 20);
    let calls = (0..CALLS).map(|n| {
        let (caller, payload) = (caller.clone(), payload.clone());
        async move {
            let back: (usize, String) =
                caller.call("com.echo").args(&(n, payload)).await?.args()?;
            Ok::<_, wamp_core::Error>(back)
        }
    });
    let results = tokio::time::timeout(Duration::from_secs(60), futures::future::join_all(calls))
        .await
        .expect("every 1 MiB call answered within 60 s: no deadlock");
    for (n, r) in results.into_iter().enumerate() {
        let (m, back) = r.unwrap_or_else(|e| panic!("call {n}: {e:?}"));
        assert_eq!((m, back.len()), (n, 1 << 20));
    }
    assert!(!callee.is_closed() && !caller.is_closed());
}

/// Hostile input: a listener holds at most its configured number of connections; one more is
/// refused in its protocol's words (RawSocket: handshake error 4; WebSocket: HTTP 503), the
/// sessions already there go on, and a freed place is taken again.
#[tokio::test]
async fn a_full_listener_refuses_more_connections_in_its_protocols_words() {
    use wamp_core::transport::rawsocket::HandshakeError;
    use wamp_core::transport::TransportError;
    use wamp_core::{Client, Error};
    trace();
    let router = Router::builder()
        .realm("realm1")
        .listener(Listener::rawsocket("127.0.0.1:0").max_connections(2))
        .listener(Listener::websocket("127.0.0.1:0").max_connections(1))
        .start()
        .await
        .unwrap();
    let tcp = router.url(Protocol::RawSocket).unwrap().to_owned();
    let ws = router.url(Protocol::WebSocket).unwrap().to_owned();
    let first = Client::new(&tcp, "realm1").connect().await.unwrap();
    let second = Client::new(&tcp, "realm1").connect().await.unwrap();
    match Client::new(&tcp, "realm1").connect().await {
        Err(Error::Transport(TransportError::RawSocketHandshake(
            HandshakeError::MaxConnectionCount,
        ))) => {}
        other => panic!("expected handshake error 4, got {other:?}"),
    }
    let only = Client::new(&ws, "realm1").connect().await.unwrap();
    match Client::new(&ws, "realm1").connect().await {
        Err(Error::Transport(e)) => assert!(e.to_string().contains("503"), "{e}"),
        other => panic!("expected HTTP 503, got {other:?}"),
    }
    // Those already joined are served.
    for s in [&first, &second, &only] {
        let n: u64 = s.call("wamp.session.count").await.unwrap().value().unwrap();
        assert_eq!(n, 3);
    }
    // A place freed is taken again.
    first.leave().await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let again = Client::new(&tcp, "realm1").connect().await.unwrap();
    assert!(!again.is_closed());
}

/// Hostile input: the outbound queue is bounded in bytes as well as in messages. Large events to
/// a subscriber that stops reading reach the byte bound long before the message bound; the
/// subscriber is then cut off as a slow consumer and no queue ever holds more than the bound.
/// The subscriber is in process (no socket buffers in between), so the point where its
/// connection stops taking messages is exact: after `QUEUE` messages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbound_queue_is_bounded_in_bytes_too() {
    const BYTES: usize = 512 * 1024;
    const SIZE: usize = 32 * 1024;
    const QUEUE: usize = 64;
    trace();
    let router = Router::builder()
        .realm("realm1")
        .outbound_queue(QUEUE)
        .outbound_bytes(BYTES)
        .start()
        .await
        .unwrap();
    let mut slow = router.local_transport();
    slow.send(hello()).await.unwrap();
    assert!(matches!(slow.next().await, Some(Ok(Message::Welcome(_)))));
    slow.send(Message::Subscribe(Subscribe {
        request: 1,
        options: Dict::new(),
        topic: "com.big".into(),
    }))
    .await
    .unwrap();
    assert!(matches!(
        slow.next().await,
        Some(Ok(Message::Subscribed(_)))
    ));
    let publisher = router.connect("realm1").await.unwrap();
    let payload = "x".repeat(SIZE);
    let mut max_bytes = 0;
    let mut max_messages = 0;
    let mut published = 0;
    for i in 0..(QUEUE * 4) {
        publisher
            .publish("com.big")
            .args(&(i, &payload))
            .acknowledge()
            .await
            .unwrap();
        published += 1;
        let stats = router.stats("realm1").unwrap();
        max_bytes = max_bytes.max(stats.max_queued_bytes);
        max_messages = max_messages.max(stats.max_queued);
        if stats.sessions == 1 {
            break;
        }
    }
    println!(
        "byte bound: cut after {published} events; at most {max_bytes} B in {max_messages} \
         messages queued (bound {BYTES} B, {QUEUE} messages)"
    );
    assert_eq!(
        router.stats("realm1").unwrap().sessions,
        1,
        "the slow subscriber was cut off"
    );
    assert!(max_bytes <= BYTES, "a queue held {max_bytes} bytes");
    assert!(
        max_messages < QUEUE,
        "the byte bound came first: {max_messages} messages"
    );
}
