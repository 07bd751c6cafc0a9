//! The Testament Meta API: testaments published when a session ends (GOODBYE or killed),
//! `detached` before `destroyed`, each in the order added; flushing; refusals; the client
//! builder's testament.

use futures::StreamExt as _;
use wamp_core::message::uris;
use wamp_core::meta::{SessionMetaClient, Testament, TestamentScope};
use wamp_core::{Client, Session};

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
