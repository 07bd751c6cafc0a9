//! End-to-end encryption (WAMP-cryptobox) and custom payload codecs, against autobahn-python
//! through the embedded router and through Crossbar.io; what the router and a keyless subscriber
//! see; what a wrong key gives.

use std::sync::{Arc, Mutex};

use futures::StreamExt as _;
use serde_json::json;
use wamp_core::cryptobox::{generate_keypair, Key, KeyRing};
use wamp_core::message::{uris, Passthru};
use wamp_core::session::{Invocation, Reply, ReplyHandler, SubscriptionError};
use wamp_core::{Arguments, Client, Serializer, Session, Value, WampError};
use wamp_router::Protocol;
use wamp_tests::{target, unique, Peer, PeerKind, Target};

use super::{over, router};

/// What a sealed call's arguments say, so that finding it in clear text would show.
const MARKER: &str = "marker-7f3a9c";

/// The Rust side's key ring for the e2ee peer roles: responder under `NAME.rs` (and, with a key
/// that is not the one the peer seals for, under `NAME.bad`), originator under `NAME.py`.
fn rust_ring(name: &str, rust_private: &str, peer_public: &str) -> KeyRing {
    let (stranger, _) = generate_keypair();
    KeyRing::new()
        .with_key(
            format!("{name}.rs"),
            Key::responder(rust_private, peer_public).unwrap(),
        )
        .with_key(
            format!("{name}.bad"),
            Key::responder(&stranger, peer_public).unwrap(),
        )
        .with_key(
            format!("{name}.py"),
            Key::originator(rust_private, peer_public).unwrap(),
        )
}

/// `NAME.rs.add2` (which insists on a sealed call), `NAME.rs.fail` and `NAME.bad.add2`.
async fn serve(session: &Session, name: &str) {
    for uri in [format!("{name}.rs.add2"), format!("{name}.bad.add2")] {
        session
            .register(uri, |inv: Invocation| async move {
                if !inv.encrypted {
                    return Err(WampError::new(uris::ENCRYPTION_REQUIRED));
                }
                let (a, b): (i64, i64) = inv.arguments.decode_args()?;
                Ok(Arguments::value(&(a + b))?)
            })
            .await
            .unwrap()
            .keep();
    }
    let failure = format!("{name}.rs.error.oops");
    session
        .register(format!("{name}.rs.fail"), move |_inv: Invocation| {
            let failure = failure.clone();
            async move { Err::<Arguments, _>(WampError::with_message(failure, "sealed failure")) }
        })
        .await
        .unwrap()
        .keep();
}

async fn cryptobox_with_autobahn(via: Target, rust: Serializer, peer: &str) {
    let Some(routed) = target(via).await else {
        return;
    };
    let cb = &routed.endpoints;
    let name = unique("com.e2ee");
    let (rust_private, rust_public) = generate_keypair();
    let (peer_private, peer_public) = generate_keypair();
    let keys = json!({"y_priv": peer_private, "r_pub": rust_public}).to_string();
    let env = [("WAMP_PEER_KEYS", keys)];

    let session = Client::new(&cb.ws, &cb.realm)
        .serializer(rust)
        .key_ring(rust_ring(&name, &rust_private, &peer_public))
        .connect()
        .await
        .unwrap();
    serve(&session, &name).await;
    let mut events = session
        .subscribe(format!("{name}.rs.events"))
        .await
        .unwrap();
    // A subscriber without keys sees what the router forwards.
    let keyless = Client::new(&cb.ws, &cb.realm).connect().await.unwrap();
    let mut raw_events = keyless
        .subscribe(format!("{name}.rs.events"))
        .await
        .unwrap();

    // Rust calls and publishes to the Python peer.
    let mut server = Peer::spawn_env(
        PeerKind::Python,
        "e2ee_server",
        &cb.ws,
        peer,
        &cb.realm,
        &name,
        2,
        &env,
    )
    .unwrap();
    server.expect("READY").await;
    let sum = session
        .call(format!("{name}.py.add2"))
        .args(&(20, 22))
        .encrypted()
        .await
        .unwrap();
    assert!(sum.encrypted, "the result came back sealed");
    assert_eq!(sum.value::<i64>().unwrap(), 42);
    let error = session.call(format!("{name}.py.fail")).await.unwrap_err();
    let error = error.wamp().unwrap();
    assert_eq!(error.uri, format!("{name}.py.error.oops"));
    assert_eq!(error.args, vec![Value::from("sealed failure")]);
    assert_eq!(error.kwargs.get("code"), Some(&Value::from(7)));
    for i in 0..2 {
        session
            .publish(format!("{name}.py.events"))
            .args(&(i,))
            .kwargs(&json!({"secret": MARKER}))
            .acknowledge()
            .await
            .unwrap();
    }
    for i in 0..2 {
        let event = server.expect("EVENT").await;
        assert_eq!(
            event,
            json!({"args": [i], "kwargs": {"secret": MARKER}, "enc_algo": "cryptobox"})
        );
    }

    // The Python peer calls and publishes to Rust.
    let mut client = Peer::spawn_env(
        PeerKind::Python,
        "e2ee_client",
        &cb.ws,
        peer,
        &cb.realm,
        &name,
        2,
        &env,
    )
    .unwrap();
    let result = client.expect("RESULT").await;
    assert_eq!(result["add2"], json!(5));
    assert_eq!(
        result["fail"],
        json!({"uri": format!("{name}.rs.error.oops"), "args": ["sealed failure"], "kwargs": {}})
    );
    assert_eq!(result["bad_key"]["uri"], json!(uris::DECRYPT_ERROR));
    client.finish().await;
    for i in 0..2 {
        let event = wamp_tests::within(events.next()).await.unwrap().unwrap();
        assert!(event.encrypted);
        assert_eq!(event.arguments.args, vec![Value::from(i)]);
        assert_eq!(
            event.arguments.kwargs.get("secret"),
            Some(&Value::from(format!("event {i}")))
        );
        let raw = wamp_tests::within(raw_events.next())
            .await
            .unwrap()
            .unwrap();
        let sealed = raw
            .passthru
            .expect("the keyless subscriber gets the sealed payload");
        assert_eq!(
            (sealed.scheme.as_str(), sealed.serializer.as_deref()),
            ("cryptobox", Some("json"))
        );
        assert!(raw.arguments.is_empty());
        assert!(!contains(&sealed.payload, b"event"));
    }
    server.finish().await;
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn cryptobox_interoperates_with_autobahn_through_the_embedded_router() {
    cryptobox_with_autobahn(Target::Embedded, Serializer::Json, "cbor").await;
}

#[tokio::test]
async fn cryptobox_interoperates_with_autobahn_through_crossbar() {
    cryptobox_with_autobahn(Target::Crossbar, Serializer::Cbor, "json").await;
}

/// A `Write` into a shared buffer, for the router's log.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_router_log_and_a_keyless_subscriber_see_only_ciphertext() {
    // Everything runs on this thread (a current-thread runtime), so the router logs here.
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let router = router().await;
    let shared = Key::shared(&generate_keypair().0).unwrap();
    let ring = KeyRing::new().with_key("com.secret", shared);
    let url = router.url(Protocol::WebSocket).unwrap();
    let keyed = |s| {
        Client::new(url, "realm1")
            .serializer(s)
            .key_ring(ring.clone())
            .connect()
    };
    let publisher = keyed(Serializer::Json).await.unwrap();
    let reader = keyed(Serializer::Cbor).await.unwrap();
    let keyless = over(&router, Protocol::RawSocket, Serializer::MsgPack).await;
    let mut sealed = reader.subscribe("com.secret.feed").await.unwrap();
    let mut raw = keyless.subscribe("com.secret.feed").await.unwrap();
    publisher
        .publish("com.secret.feed")
        .args(&(MARKER,))
        .acknowledge()
        .await
        .unwrap();
    // The control: a topic no key covers goes in the clear, and the log shows it.
    publisher
        .publish("com.open.feed")
        .args(&("clear-text-control",))
        .acknowledge()
        .await
        .unwrap();

    let event = wamp_tests::within(sealed.next()).await.unwrap().unwrap();
    assert!(event.encrypted);
    assert_eq!(event.value::<String>().unwrap(), MARKER);
    let seen = wamp_tests::within(raw.next()).await.unwrap().unwrap();
    assert!(!seen.encrypted);
    let payload = seen.passthru.unwrap().payload;
    assert!(!contains(&payload, MARKER.as_bytes()));

    let log = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("clear-text-control"),
        "the router logs payloads"
    );
    assert!(log.contains("com.secret.feed"));
    assert!(
        !log.contains(MARKER),
        "the router's log shows the sealed payload"
    );
}

#[tokio::test]
async fn a_wrong_key_is_a_clear_error_not_garbage() {
    let router = router().await;
    let url = router.url(Protocol::WebSocket).unwrap();
    let (private, _) = generate_keypair();
    let (other, _) = generate_keypair();
    let with = |key: &str| {
        let ring = KeyRing::new().with_key("com.secret", Key::shared(key).unwrap());
        Client::new(url, "realm1").key_ring(ring).connect()
    };
    let callee = with(&other).await.unwrap();
    let caller = with(&private).await.unwrap();
    let subscriber = with(&other).await.unwrap();
    let ran = Arc::new(Mutex::new(false));
    let flag = ran.clone();
    callee
        .register("com.secret.add", move |_inv: Invocation| {
            *flag.lock().unwrap() = true;
            async { Ok(Arguments::default()) }
        })
        .await
        .unwrap()
        .keep();
    let error = caller
        .call("com.secret.add")
        .args(&(1, 2))
        .await
        .unwrap_err();
    assert_eq!(error.uri(), Some(uris::DECRYPT_ERROR), "{error}");
    assert!(!*ran.lock().unwrap(), "the handler never saw the payload");

    let mut events = subscriber.subscribe("com.secret.feed").await.unwrap();
    let publication = caller
        .publish("com.secret.feed")
        .args(&(MARKER,))
        .acknowledge()
        .await
        .unwrap()
        .unwrap();
    match wamp_tests::within(events.next()).await.unwrap() {
        Err(SubscriptionError::Undecryptable {
            publication: p,
            error,
        }) => {
            assert_eq!(p, publication);
            assert_eq!(error.uri, uris::DECRYPT_ERROR);
        }
        other => panic!("expected an undecryptable event, got {other:?}"),
    }

    // A call that must be sealed is refused before sending when no key covers it.
    let refused = caller.call("com.open.add").encrypted().await.unwrap_err();
    assert!(
        matches!(&refused, wamp_core::Error::NoKey { uri } if uri == "com.open.add"),
        "{refused}"
    );
}

async fn codec_with_autobahn(via: Target, rust: Serializer, peer: &str) {
    let Some(routed) = target(via).await else {
        return;
    };
    let cb = &routed.endpoints;
    let name = unique("com.codec");
    let rot = |bytes: &[u8], by: u8| bytes.iter().map(|b| b.wrapping_add(by)).collect::<Vec<_>>();
    let session = Client::new(&cb.ws, &cb.realm)
        .serializer(rust)
        .connect()
        .await
        .unwrap();
    // Rust calls the Python echo with a payload of its own codec.
    let mut server = Peer::spawn(
        PeerKind::Python,
        "codec_server",
        &cb.ws,
        peer,
        &cb.realm,
        &name,
        1,
    )
    .unwrap();
    server.expect("READY").await;
    let plain = br#"{"args": ["from rust", 1], "kwargs": {"k": true}}"#;
    let sent = Passthru::transparent("x_rot13", rot(plain, 13)).serializer("json");
    let result = session
        .call(format!("{name}.echo"))
        .passthru(sent)
        .await
        .unwrap();
    let echoed = result.passthru.expect("the echo answers in the codec");
    assert_eq!(echoed.scheme, "x_rot13");
    assert_eq!(echoed.serializer.as_deref(), Some("json"));
    let back: serde_json::Value = serde_json::from_slice(&rot(&echoed.payload, 243)).unwrap();
    assert_eq!(
        back,
        json!({"args": ["from rust", 1], "kwargs": {"k": true}})
    );

    // The Python caller calls a Rust echo that answers in the codec.
    let echo = ReplyHandler(|inv: Invocation| async move {
        let p = inv
            .passthru
            .ok_or_else(|| WampError::new("com.example.error.not_a_codec_payload"))?;
        Ok::<_, WampError>(Reply::from(p))
    });
    session
        .register(format!("{name}.rs.echo"), echo)
        .await
        .unwrap()
        .keep();
    let mut client = Peer::spawn(
        PeerKind::Python,
        "codec_client",
        &cb.ws,
        peer,
        &cb.realm,
        &format!("{name}.rs"),
        1,
    )
    .unwrap();
    let result = client.expect("RESULT").await;
    assert_eq!(
        result,
        json!({"args": ["hello", [1, 2]], "kwargs": {"key": "value"}})
    );
    client.finish().await;
    server.finish().await;
}

#[tokio::test]
async fn a_custom_codec_interoperates_with_autobahn_through_the_embedded_router() {
    codec_with_autobahn(Target::Embedded, Serializer::MsgPack, "json").await;
}

#[tokio::test]
async fn a_custom_codec_interoperates_with_autobahn_through_crossbar() {
    codec_with_autobahn(Target::Crossbar, Serializer::Json, "msgpack").await;
}
