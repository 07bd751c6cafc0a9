//! Bytes on a real socket: malformed bytes, oversized RawSocket frames, RawSocket PING/PONG,
//! handshake refusals, and a WebSocket server that accepts no WAMP subprotocol.

use super::*;

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
