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

/// A RawSocket JSON connection that has joined, as a raw transport.
async fn raw_joined(router: &Router) -> RawSocketTransport<TcpStream> {
    raw_joined_with(router, false).await
}

/// As [`raw_joined`]; `ignore_limit` lets it send messages over the router's announced maximum.
async fn raw_joined_with(router: &Router, ignore_limit: bool) -> RawSocketTransport<TcpStream> {
    let addr = router
        .url(Protocol::RawSocket)
        .unwrap()
        .trim_start_matches("tcp://")
        .to_owned();
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

#[tokio::test]
async fn a_malformed_frame_aborts_only_that_session() {
    let router = router(1 << 16, 64).await;
    let bystander = router.connect("realm1").await.unwrap();
    let addr = router
        .url(Protocol::RawSocket)
        .unwrap()
        .trim_start_matches("tcp://")
        .to_owned();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    client_handshake(&mut stream, Serializer::Json, 1 << 24)
        .await
        .unwrap();
    let garbage = b"[1, \"realm1\", {";
    stream
        .write_all(&[0, 0, 0, garbage.len() as u8])
        .await
        .unwrap();
    stream.write_all(garbage).await.unwrap();
    let mut reply = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut reply)).await;
    let text = String::from_utf8_lossy(&reply);
    assert!(text.contains("wamp.error.protocol_violation"), "{text}");
    assert!(!bystander.is_closed());
    others_are_served(&router).await;
}

#[tokio::test]
async fn an_out_of_order_message_aborts_with_protocol_violation() {
    let router = router(1 << 16, 64).await;
    let mut t = raw_joined(&router).await;
    t.send(hello()).await.unwrap(); // HELLO again inside a session
    assert_eq!(abort_reason(&mut t).await, "wamp.error.protocol_violation");
    let mut t = raw_joined(&router).await;
    t.send(Message::Published(wamp_core::message::Published {
        request: 1,
        publication: 2,
    }))
    .await
    .unwrap();
    assert_eq!(abort_reason(&mut t).await, "wamp.error.protocol_violation");
    others_are_served(&router).await;
}

#[tokio::test]
async fn a_message_over_the_listener_limit_is_refused() {
    let router = router(1024, 64).await;
    let mut t = raw_joined_with(&router, true).await;
    t.send(Message::Subscribe(Subscribe {
        request: 1,
        options: Dict::new(),
        topic: format!("com.{}", "x".repeat(4000)),
    }))
    .await
    .unwrap();
    assert_eq!(
        abort_reason(&mut t).await,
        "wamp.error.payload_size_exceeded"
    );
    others_are_served(&router).await;
}

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

/// How the router must end a session after what a bad client sends.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Verdict {
    /// ABORT `wamp.error.protocol_violation`, then the connection closes.
    Violation,
    /// The connection closes (nothing can be answered on it).
    Closed,
}

#[tokio::test]
async fn every_kind_of_bad_client_input_ends_only_that_session() {
    let router = router(1 << 16, 64).await;
    let bystander = router.connect("realm1").await.unwrap();
    let addr = router
        .url(Protocol::RawSocket)
        .unwrap()
        .trim_start_matches("tcp://")
        .to_owned();
    let hello = Serializer::Json.encode(&hello()).unwrap();
    // (what, joined first, bytes, verdict)
    let cases: Vec<(&str, bool, Vec<u8>, Verdict)> = vec![
        (
            "garbage instead of the handshake",
            false,
            b"GET / HTTP/1.1\r\n\r\n".to_vec(),
            Verdict::Closed,
        ),
        (
            "garbage instead of HELLO",
            false,
            frame(0, b"\xff\xfe"),
            Verdict::Violation,
        ),
        (
            "HELLO with a number for a realm",
            false,
            frame(0, b"[1, 5, {}]"),
            Verdict::Violation,
        ),
        (
            "a CALL before HELLO",
            false,
            frame(0, b"[48, 1, {}, \"com.x\"]"),
            Verdict::Violation,
        ),
        (
            "garbage",
            true,
            frame(0, b"\x00not json"),
            Verdict::Violation,
        ),
        (
            "an unknown message type",
            true,
            frame(0, b"[999, 1]"),
            Verdict::Violation,
        ),
        (
            "wrong field types",
            true,
            frame(0, b"[48, \"x\", {}, \"com.x\"]"),
            Verdict::Violation,
        ),
        (
            "a message only routers send",
            true,
            frame(0, b"[36, 1, 2, {}]"),
            Verdict::Violation,
        ),
        ("a second HELLO", true, frame(0, &hello), Verdict::Violation),
        (
            "a reserved frame type",
            true,
            frame(6, b"[48, 1, {}, \"com.x\"]"),
            Verdict::Closed,
        ),
        (
            "a frame cut short",
            true,
            frame(0, b"[48, 1, {}, \"com.x\"]")[..10].to_vec(),
            Verdict::Closed,
        ),
    ];
    for (name, join, bytes, verdict) in cases {
        let mut stream = TcpStream::connect(&addr).await.unwrap();
        if name != "garbage instead of the handshake" {
            client_handshake(&mut stream, Serializer::Json, 1 << 24)
                .await
                .unwrap();
        }
        if join {
            stream.write_all(&frame(0, &hello)).await.unwrap();
            let (_, welcome) = read_frame(&mut stream).await.unwrap();
            assert!(
                matches!(Serializer::Json.decode(&welcome), Ok(Message::Welcome(_))),
                "{name}"
            );
        }
        stream.write_all(&bytes).await.unwrap();
        if name == "a frame cut short" {
            stream.shutdown().await.unwrap();
        }
        let mut reply = Vec::new();
        let read =
            tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut reply)).await;
        assert!(read.is_ok(), "{name}: the router closed the connection");
        let text = String::from_utf8_lossy(&reply);
        assert_eq!(
            text.contains("wamp.error.protocol_violation"),
            verdict == Verdict::Violation,
            "{name}: {verdict:?} expected, got {text:?}"
        );
    }
    // Only the bystander is left, and the router serves others as before.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(router.stats("realm1").unwrap().sessions, 1);
    assert!(!bystander.is_closed());
    others_are_served(&router).await;
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
