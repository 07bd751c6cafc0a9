//! Payload Passthru Mode through the embedded router: bytes and attributes arrive unchanged in
//! both dialects and across serializers; the spec's refusals.

use futures::StreamExt as _;
use wamp_core::message::{self, keys, uris, Dialect, Feature, Message, Passthru, Role};
use wamp_core::session::{Invocation, Reply, ReplyHandler};
use wamp_core::{Dict, Serializer, Value, WampError};
use wamp_router::Protocol;
use wamp_tests::raw::{opts, Raw, Via};

use super::{over, router};

/// Every byte value, so that a serializer that touched the payload would show.
fn bytes() -> Vec<u8> {
    (0..=255u8).rev().collect()
}

fn samples() -> [Passthru; 2] {
    [
        Passthru::new("x_test", bytes())
            .serializer("cbor")
            .cipher("xsalsa20poly1305")
            .keyid("key-1"),
        Passthru::transparent("x_test", bytes()).serializer("json"),
    ]
}

#[tokio::test]
async fn passthru_payloads_cross_serializers_unchanged_in_both_dialects() {
    let router = router().await;
    // Callee on WebSocket JSON (binary as \0-base64 text), caller on RawSocket MessagePack,
    // subscriber on WebSocket CBOR.
    let callee = over(&router, Protocol::WebSocket, Serializer::Json).await;
    let caller = over(&router, Protocol::RawSocket, Serializer::MsgPack).await;
    let subscriber = over(&router, Protocol::WebSocket, Serializer::Cbor).await;
    let echo = ReplyHandler(|inv: Invocation| async move {
        let p = inv.passthru.expect("a passthru payload");
        if p.scheme == "x_fail" {
            return Err(WampError::with_passthru("com.app.refused", p));
        }
        Ok(Reply::from(p))
    });
    callee.register("com.app.echo", echo).await.unwrap().keep();
    let mut events = subscriber.subscribe("com.app.feed").await.unwrap();
    for sample in samples() {
        let result = caller
            .call("com.app.echo")
            .passthru(sample.clone())
            .await
            .unwrap();
        assert_eq!(result.passthru.as_ref(), Some(&sample));
        assert!(result.arguments.is_empty());

        let failing = Passthru {
            scheme: "x_fail".into(),
            ..sample.clone()
        };
        let error = caller
            .call("com.app.echo")
            .passthru(failing.clone())
            .await
            .unwrap_err();
        let wamp = error.wamp().expect("a WAMP error");
        assert_eq!(wamp.uri, "com.app.refused");
        assert_eq!(wamp.passthru.as_deref(), Some(&failing));

        caller
            .publish("com.app.feed")
            .passthru(sample.clone())
            .acknowledge()
            .await
            .unwrap();
        let event = events.next().await.unwrap().unwrap();
        assert_eq!(event.passthru.as_ref(), Some(&sample));
        assert_eq!(Dialect::of(&event.details), Some(sample.dialect));
    }
}

const PPT: &[Feature] = &[Feature::PayloadPassthruMode];

fn passthru_call(request: u64, dialect_key: &str) -> Message {
    Message::Call(message::Call {
        request,
        options: opts(&[(dialect_key, "x_test".into())]),
        procedure: "com.app.ppt".into(),
        payload: message::Payload::Passthru(vec![1, 2, 3]),
    })
}

/// A YIELD with the passthru payload `[9]` in the spec's dialect.
fn passthru_yield(request: u64) -> Message {
    Message::Yield(message::Yield {
        request,
        options: opts(&[(keys::PPT_SCHEME, "x_test".into())]),
        payload: message::Payload::Passthru(vec![9]),
    })
}

/// A caller that did not announce the dialect is aborted; a callee that did not announce it
/// is never invoked, and the caller gets `feature_not_supported`.
#[tokio::test]
async fn the_router_enforces_the_spec_rules_on_every_transport() {
    let router = router().await;
    for via in [
        Via::Memory,
        Via::WebSocket(Serializer::Json),
        Via::RawSocket(Serializer::Cbor),
    ] {
        // The callee announced only the spec's dialect.
        let mut callee = Raw::join(&router, via, &[(Role::Callee, PPT)]).await;
        callee.registered("com.app.ppt").await;

        // Autobahn's dialect to a callee that announced only the spec's.
        let transparent = [Feature::PayloadTransparency];
        let mut caller = Raw::join(&router, via, &[(Role::Caller, &transparent)]).await;
        let request = caller.request();
        caller.send(passthru_call(request, keys::ENC_ALGO)).await;
        match caller.recv().await {
            Some(Message::Error(e)) => assert_eq!(e.error, uris::FEATURE_NOT_SUPPORTED, "{e:?}"),
            other => panic!("{via:?}: expected ERROR, got {other:?}"),
        }
        callee.silent().await;

        // The spec's dialect from a caller that announced only Autobahn's: ABORT.
        let request = caller.request();
        caller.send(passthru_call(request, keys::PPT_SCHEME)).await;
        let why = caller.expect_abort(uris::PROTOCOL_VIOLATION).await;
        assert!(why.contains("payload_passthru_mode"), "{via:?}: {why}");

        // A caller that announced it: the callee gets the bytes and the attributes.
        let mut caller = Raw::join(&router, via, &[(Role::Caller, PPT)]).await;
        let request = caller.request();
        caller.send(passthru_call(request, keys::PPT_SCHEME)).await;
        let inv = callee.invocation().await;
        assert_eq!(inv.payload, message::Payload::Passthru(vec![1, 2, 3]));
        assert_eq!(
            inv.details.get(keys::PPT_SCHEME),
            Some(&Value::from("x_test"))
        );

        // A passthru YIELD to that caller goes through; to a caller without the dialect it
        // ends the call with feature_not_supported.
        callee.send(passthru_yield(inv.request)).await;
        match caller.recv().await {
            Some(Message::Result(r)) => {
                assert_eq!(r.payload, message::Payload::Passthru(vec![9]));
                assert_eq!(
                    r.details.get(keys::PPT_SCHEME),
                    Some(&Value::from("x_test"))
                );
            }
            other => panic!("{via:?}: expected RESULT, got {other:?}"),
        }
        let mut plain = Raw::join(&router, via, &[(Role::Caller, &[])]).await;
        let request = plain.call("com.app.ppt", Dict::new()).await;
        let inv = callee.invocation().await;
        callee.send(passthru_yield(inv.request)).await;
        match plain.recv().await {
            Some(Message::Error(e)) => {
                assert_eq!(
                    (e.request, e.error.as_str()),
                    (request, uris::FEATURE_NOT_SUPPORTED)
                )
            }
            other => panic!("{via:?}: expected ERROR, got {other:?}"),
        }
    }
}

/// Crossbar.io 26.10.1 forwards only Autobahn's dialect (it drops `ppt_*` keys) and announces
/// only `payload_transparency`: a payload in the spec's dialect is refused before it is sent,
/// and one in Autobahn's goes through.
#[tokio::test]
async fn the_spec_dialect_is_refused_before_sending_to_crossbar() {
    let cb = wamp_tests::require_crossbar!();
    let session = wamp_core::Client::new(&cb.ws, &cb.realm)
        .connect()
        .await
        .unwrap();
    let echo = ReplyHandler(|inv: Invocation| async move {
        Ok::<_, WampError>(Reply::from(inv.passthru.expect("a passthru payload")))
    });
    let procedure = wamp_tests::unique("com.ppt.echo");
    session
        .register(procedure.as_str(), echo)
        .await
        .unwrap()
        .keep();
    let refused = session
        .call(procedure.as_str())
        .passthru(Passthru::new("x_test", bytes()))
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            wamp_core::Error::Unsupported {
                role: Role::Dealer,
                feature: Feature::PayloadPassthruMode
            }
        ),
        "{refused}"
    );
    let transparent = Passthru::transparent("x_test", bytes()).serializer("json");
    let echoed = session
        .call(procedure.as_str())
        .passthru(transparent.clone())
        .await
        .unwrap();
    assert_eq!(echoed.passthru, Some(transparent));
}
