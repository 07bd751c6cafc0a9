//! The Testament Meta API: testaments published when a session ends (GOODBYE or killed),
//! `detached` before `destroyed`, each in the order added; flushing; refusals; the client
//! builder's testament, added again after a reconnect; a session the router's keepalive drops;
//! the same through Crossbar.io.

use std::time::Duration;

use futures::StreamExt as _;
use wamp_core::message::uris;
use wamp_core::meta::{SessionMetaClient, Testament, TestamentScope};
use wamp_core::session::{ReconnectPolicy, SessionState};
use wamp_core::{Client, Session};
use wamp_router::Protocol;
use wamp_tests::proxy::{Mode, Proxy};

use super::router;

async fn next_word(events: &mut wamp_core::session::Subscription) -> String {
    let event = tokio::time::timeout(std::time::Duration::from_secs(2), events.next())
        .await
        .expect("a testament event")
        .unwrap()
        .unwrap();
    event.arguments.decode_value().unwrap()
}

async fn add(session: &Session, word: &str, scope: TestamentScope) {
    Testament::new("com.app.will")
        .args(&(word,))
        .unwrap()
        .scope(scope)
        .add_to(session)
        .await
        .unwrap();
}

#[tokio::test]
async fn testaments_are_published_when_the_session_ends_detached_first_in_order() {
    let router = router().await;
    let watcher = router.connect("realm1").await.unwrap();
    let mut events = watcher.subscribe("com.app.will").await.unwrap();
    for killed in [false, true] {
        let session = router.connect("realm1").await.unwrap();
        add(&session, "destroyed 1", TestamentScope::Destroyed).await;
        add(&session, "flushed", TestamentScope::Detached).await;
        add(&session, "destroyed 2", TestamentScope::Destroyed).await;
        let meta = SessionMetaClient::new(session.clone());
        meta.flush_testaments(Some(TestamentScope::Detached))
            .await
            .unwrap();
        add(&session, "detached", TestamentScope::Detached).await;
        if killed {
            let id = session.info().id;
            SessionMetaClient::new(watcher.clone())
                .kill(id, None, None)
                .await
                .unwrap();
        } else {
            session.leave().await;
        }
        for want in ["detached", "destroyed 1", "destroyed 2"] {
            assert_eq!(next_word(&mut events).await, want, "killed: {killed}");
        }
    }
}

#[tokio::test]
async fn bad_testaments_are_refused_and_a_session_holds_a_bounded_number() {
    let router = router().await;
    let session = router.connect("realm1").await.unwrap();
    let meta = SessionMetaClient::new(session.clone());
    let reserved = Testament::new("wamp.session.on_leave")
        .add_to(&session)
        .await;
    assert_eq!(reserved.unwrap_err().uri(), Some(uris::INVALID_URI));
    let invalid = Testament::new("com..app").add_to(&session).await;
    assert_eq!(invalid.unwrap_err().uri(), Some(uris::INVALID_URI));
    for _ in 0..64 {
        Testament::new("com.app.many")
            .add_to(&session)
            .await
            .unwrap();
    }
    let over = Testament::new("com.app.many").add_to(&session).await;
    assert_eq!(over.unwrap_err().uri(), Some(uris::INVALID_ARGUMENT));
    // The other scope has its own bound, and flushing frees the first.
    meta.flush_testaments(None).await.unwrap();
    Testament::new("com.app.many")
        .add_to(&session)
        .await
        .unwrap();
    let raw = session
        .call("wamp.session.flush_testaments")
        .kwargs(&serde_json::json!({"scope": "forever"}))
        .await;
    assert_eq!(raw.unwrap_err().uri(), Some(uris::INVALID_ARGUMENT));
}

#[tokio::test]
async fn a_client_builder_testament_is_published_when_the_session_is_killed() {
    let router = router().await;
    let watcher = router.connect("realm1").await.unwrap();
    let mut events = watcher.subscribe("com.app.will").await.unwrap();
    let will = Testament::new("com.app.will").args(&("gone",)).unwrap();
    let session = Client::for_realm("realm1")
        .testament(will)
        .join(Box::new(router.local_transport()))
        .await
        .unwrap();
    SessionMetaClient::new(watcher.clone())
        .kill(session.info().id, None, None)
        .await
        .unwrap();
    assert_eq!(next_word(&mut events).await, "gone");
}

/// A router whose WebSocket listener pings idle sessions every 100 ms and drops those that
/// answer nothing within 200 ms.
async fn keepalive_router() -> wamp_router::Router {
    wamp_tests::trace();
    wamp_router::Router::builder()
        .realm("realm1")
        .listener(
            wamp_router::Listener::websocket("127.0.0.1:0")
                .keepalive(Duration::from_millis(100), Duration::from_millis(200)),
        )
        .listener(
            wamp_router::Listener::rawsocket("127.0.0.1:0")
                .keepalive(Duration::from_millis(100), Duration::from_millis(200)),
        )
        .start()
        .await
        .unwrap()
}

/// The `host:port` of the router's listener number `n` (0: WebSocket, 1: RawSocket).
fn address(router: &wamp_router::Router, n: usize) -> String {
    router.endpoints()[n].addr.unwrap().to_string()
}

/// A peer that vanishes without closing its connection is dropped by the router's keepalive
/// (a WebSocket ping, a RawSocket PING, unanswered): its registration and subscription are
/// removed and its testament is published.
#[tokio::test]
async fn a_session_the_keepalive_drops_has_its_testament_published() {
    let router = keepalive_router().await;
    let url = router.url(Protocol::WebSocket).unwrap().to_owned();
    let watcher = Client::new(&url, "realm1").connect().await.unwrap();
    let mut events = watcher.subscribe("com.app.will").await.unwrap();
    for (n, scheme) in [(0, "ws"), (1, "tcp")] {
        let proxy = Proxy::start(&address(&router, n)).await;
        let session = Client::new(format!("{scheme}://{}", proxy.addr()), "realm1")
            .no_keepalive()
            .connect()
            .await
            .unwrap();
        let echo = |inv: wamp_core::session::Invocation| async move { Ok(inv.arguments) };
        session.register("com.app.echo", echo).await.unwrap().keep();
        let _topic = session.subscribe("com.app.topic").await.unwrap();
        add(&session, "vanished", TestamentScope::Destroyed).await;
        let before = router.stats("realm1").unwrap();
        assert_eq!((before.sessions, before.registrations), (2, 1), "{scheme}");
        proxy.set_mode(Mode::Freeze);
        assert_eq!(next_word(&mut events).await, "vanished", "{scheme}");
        let after = router.stats("realm1").unwrap();
        assert_eq!(
            (after.sessions, after.registrations, after.subscriptions),
            (1, 0, 1),
            "{scheme}: only the watcher and its subscription are left"
        );
        let gone = watcher.call("com.app.echo").await.unwrap_err();
        assert!(gone.to_string().contains("no_such_procedure"), "{gone}");
    }
    // The watcher, which answers pings, is still there.
    assert!(watcher.state().borrow().is_joined());
}

/// The client builder's testament is added again on each new session after a reconnect: the
/// lost session's is published when the connection breaks, the new one's when it is killed.
#[tokio::test]
async fn the_client_builder_testament_is_added_again_after_a_reconnect() {
    let router = keepalive_router().await;
    let url = router.url(Protocol::WebSocket).unwrap().to_owned();
    let watcher = Client::new(&url, "realm1").connect().await.unwrap();
    let mut events = watcher.subscribe("com.app.will").await.unwrap();
    let proxy = Proxy::start(&address(&router, 0)).await;
    let will = Testament::new("com.app.will").args(&("gone",)).unwrap();
    let session = Client::new(format!("ws://{}", proxy.addr()), "realm1")
        .testament(will)
        .reconnect(
            ReconnectPolicy::default()
                .initial_delay(Duration::from_millis(20))
                .max_delay(Duration::from_millis(200)),
        )
        .connect()
        .await
        .unwrap();
    let first = session.info().id;
    proxy.cut_all();
    assert_eq!(next_word(&mut events).await, "gone");
    let mut state = session.state();
    tokio::time::timeout(
        Duration::from_secs(10),
        state
            .wait_for(|s| matches!(s, SessionState::Joined { connection, .. } if *connection >= 2)),
    )
    .await
    .expect("the session joined again")
    .unwrap();
    let second = session.info().id;
    assert_ne!(first, second);
    // The testament goes out on the new session as the joined state is announced; give that
    // one round trip on loopback ample time.
    tokio::time::sleep(Duration::from_millis(300)).await;
    SessionMetaClient::new(watcher.clone())
        .kill(second, None, None)
        .await
        .unwrap();
    assert_eq!(next_word(&mut events).await, "gone");
}

/// Crossbar.io 26.10.1 announces `testament_meta_api`: testaments added with the typed binding
/// are published when the session leaves, and a client builder's when it is killed.
#[tokio::test]
async fn testaments_through_crossbar() {
    let cb = wamp_tests::require_crossbar!();
    let topic = wamp_tests::unique("com.will");
    let watcher = Client::new(&cb.ws, &cb.realm).connect().await.unwrap();
    let mut events = watcher.subscribe(topic.as_str()).await.unwrap();
    let session = Client::new(&cb.ws, &cb.realm).connect().await.unwrap();
    for (word, scope) in [
        ("destroyed", TestamentScope::Destroyed),
        ("detached", TestamentScope::Detached),
    ] {
        Testament::new(topic.as_str())
            .args(&(word,))
            .unwrap()
            .scope(scope)
            .add_to(&session)
            .await
            .unwrap();
    }
    session.leave().await;
    let mut words = vec![next_word(&mut events).await, next_word(&mut events).await];
    words.sort();
    assert_eq!(words, ["destroyed", "detached"]);

    let will = Testament::new(topic.as_str()).args(&("killed",)).unwrap();
    let doomed = Client::new(&cb.ws, &cb.realm)
        .testament(will)
        .connect()
        .await
        .unwrap();
    SessionMetaClient::new(watcher.clone())
        .kill(doomed.info().id, None, None)
        .await
        .unwrap();
    assert_eq!(next_word(&mut events).await, "killed");
}
