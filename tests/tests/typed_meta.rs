//! The typed meta API bindings (`wamp_core::meta`) through the embedded router and Crossbar.io:
//! session, registration and subscription procedures, a declared meta error, and meta events.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use futures::StreamExt as _;
use wamp_core::meta::{
    CalleeRegistered, LookupOptions, MetaError, RegistrationMetaClient, SessionJoined,
    SessionMetaClient, SubscriptionMetaClient,
};
use wamp_core::session::Invocation;
use wamp_core::typed::CallError;
use wamp_core::Arguments;
use wamp_tests::{anonymous, trace, unique, within, Crossbar, Target};

async fn meta_api(cb: &Crossbar) {
    let observer = anonymous(cb).await;
    let sessions = SessionMetaClient::new(observer.clone());
    let registrations = RegistrationMetaClient::new(observer.clone());
    let subscriptions = SubscriptionMetaClient::new(observer.clone());
    let mut joins = observer.subscribe_event::<SessionJoined>().await.unwrap();

    let other = anonymous(cb).await;
    let joined = within(joins.next()).await.unwrap().unwrap();
    assert_eq!(joined.0.session, other.id());

    assert!(sessions.count(None).await.unwrap() >= 2);
    let listed = sessions.list(None).await.unwrap();
    assert!(listed.contains(&observer.id()) || listed.contains(&other.id()));
    let details = sessions.get(other.id()).await.unwrap();
    assert_eq!(details.session, other.id());
    assert_eq!(details.authrole.as_deref(), Some("anonymous"));
    match sessions.get(1).await {
        Err(CallError::Service(MetaError::NoSuchSession(_))) => {}
        other => panic!("expected NoSuchSession, got {other:?}"),
    }

    // Registrations: the other session registers a procedure.
    let mut registered = observer
        .subscribe_event::<CalleeRegistered>()
        .await
        .unwrap();
    let procedure = unique("com.meta");
    let _registration = other
        .register(procedure.clone(), |_: Invocation| async {
            Ok(Arguments::default())
        })
        .await
        .unwrap();
    let event = within(registered.next()).await.unwrap().unwrap();
    assert_eq!(event.0, other.id());
    let id = registrations
        .lookup(procedure.clone(), None)
        .await
        .unwrap()
        .expect("the registration is found");
    assert_eq!(event.1, id);
    assert_eq!(
        registrations
            .lookup(procedure.clone(), Some(LookupOptions::default()))
            .await
            .unwrap(),
        Some(id)
    );
    assert_eq!(
        registrations.best_match(procedure.clone()).await.unwrap(),
        Some(id)
    );
    assert_eq!(registrations.get(id).await.unwrap().uri, procedure);
    assert_eq!(
        registrations.list_callees(id).await.unwrap(),
        vec![other.id()]
    );
    assert_eq!(registrations.count_callees(id).await.unwrap(), 1);
    assert!(registrations.list().await.unwrap().exact.contains(&id));

    // Subscriptions.
    let topic = unique("com.meta");
    let _subscription = other.subscribe(topic.clone()).await.unwrap();
    let sub = subscriptions
        .lookup(topic.clone(), None)
        .await
        .unwrap()
        .expect("the subscription is found");
    assert_eq!(
        subscriptions.matching(topic.clone()).await.unwrap(),
        Some(vec![sub])
    );
    assert_eq!(subscriptions.get(sub).await.unwrap().uri, topic);
    assert_eq!(
        subscriptions.list_subscribers(sub).await.unwrap(),
        vec![other.id()]
    );
    assert_eq!(subscriptions.count_subscribers(sub).await.unwrap(), 1);

    // Killing a session ends it with the given reason.
    sessions
        .kill(
            other.id(),
            Some("com.meta.kicked".into()),
            Some("bye".into()),
        )
        .await
        .unwrap();
    let reason = within(other.closed()).await;
    assert!(
        reason.to_string().contains("com.meta.kicked"),
        "the killed session closed with {reason}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded() {
    trace();
    let routed = wamp_tests::target(Target::Embedded).await.unwrap();
    meta_api(&routed.endpoints).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crossbar() {
    trace();
    let Some(routed) = wamp_tests::target(Target::Crossbar).await else {
        return;
    };
    meta_api(&routed.endpoints).await;
}
