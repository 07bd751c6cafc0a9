//! Bad input from a client: a malformed frame, an out-of-order message, a message over the
//! listener's limit and every other kind end only the offending session, with the spec's ABORT.

use super::*;

#[tokio::test]
async fn a_malformed_frame_aborts_only_that_session() {
    let router = router(1 << 16, 64).await;
    let bystander = router.connect("realm1").await.unwrap();
    let addr = raw_addr(&router);
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
    let addr = raw_addr(&router);
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
