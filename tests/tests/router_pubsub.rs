//! The embedded router's broker and meta API, through in-process sessions: pattern
//! subscriptions, black/white listing, publisher exclusion and identification, acknowledgement,
//! retention, and the session, registration and subscription meta procedures and events.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::Duration;

use futures::StreamExt as _;
use serde_json::{json, Value as Json};
use wamp_core::session::{Event, Invocation, Subscription};
use wamp_core::{Arguments, MatchPolicy, Session};
use wamp_router::Router;
use wamp_tests::trace;

async fn router() -> Router {
    trace();
    Router::builder().realm("realm1").start().await.unwrap()
}

async fn next(sub: &mut Subscription) -> Event {
    tokio::time::timeout(Duration::from_secs(5), sub.next())
        .await
        .expect("an event within 5 s")
        .unwrap()
        .unwrap()
}

async fn nothing(sub: &mut Subscription) {
    assert!(
        tokio::time::timeout(Duration::from_millis(200), sub.next())
            .await
            .is_err(),
        "no event expected"
    );
}

#[tokio::test]
async fn exact_prefix_and_wildcard_subscriptions_all_receive_with_the_concrete_topic() {
    let router = router().await;
    let sub = router.connect("realm1").await.unwrap();
    let publisher = router.connect("realm1").await.unwrap();
    let mut exact = sub.subscribe("com.a.b.c").await.unwrap();
    let mut prefix = sub
        .subscribe("com.a")
        .match_policy(MatchPolicy::Prefix)
        .await
        .unwrap();
    let mut wildcard = sub
        .subscribe("com..b.c")
        .match_policy(MatchPolicy::Wildcard)
        .await
        .unwrap();
    publisher
        .publish("com.a.b.c")
        .args(&(1,))
        .acknowledge()
        .await
        .unwrap();
    for s in [&mut exact, &mut prefix, &mut wildcard] {
        let e = next(s).await;
        assert_eq!(e.topic, "com.a.b.c");
        assert_eq!(e.value::<i32>().unwrap(), 1);
    }
    publisher.publish("com.a.x").acknowledge().await.unwrap();
    assert_eq!(next(&mut prefix).await.topic, "com.a.x");
    nothing(&mut exact).await;
    nothing(&mut wildcard).await;
}

#[tokio::test]
async fn black_and_white_listing_by_session_authid_and_authrole() {
    let router = router().await;
    let publisher = router.connect("realm1").await.unwrap();
    let a = router.connect("realm1").await.unwrap();
    let b = router.connect("realm1").await.unwrap();
    let mut sa = a.subscribe("com.list").await.unwrap();
    let mut sb = b.subscribe("com.list").await.unwrap();
    let b_authid = b.info().authid.clone().unwrap();
    let cases: Vec<(wamp_core::session::PublishBuilder, bool, bool)> = vec![
        (publisher.publish("com.list").exclude([a.id()]), false, true),
        (
            publisher.publish("com.list").eligible([a.id()]),
            true,
            false,
        ),
        (
            publisher
                .publish("com.list")
                .exclude_authid([b_authid.clone()]),
            true,
            false,
        ),
        (
            publisher
                .publish("com.list")
                .eligible_authid([b_authid.clone()]),
            false,
            true,
        ),
        (
            publisher
                .publish("com.list")
                .exclude_authrole(["anonymous"]),
            false,
            false,
        ),
        (
            publisher
                .publish("com.list")
                .eligible_authrole(["anonymous"]),
            true,
            true,
        ),
    ];
    for (i, (publish, to_a, to_b)) in cases.into_iter().enumerate() {
        publish.args(&(i,)).acknowledge().await.unwrap();
        for (sub, expected) in [(&mut sa, to_a), (&mut sb, to_b)] {
            if expected {
                assert_eq!(next(sub).await.value::<usize>().unwrap(), i, "case {i}");
            }
        }
    }
    nothing(&mut sa).await;
    nothing(&mut sb).await;
}

#[tokio::test]
async fn publisher_exclusion_identification_and_acknowledgement() {
    let router = router().await;
    let session = router.connect("realm1").await.unwrap();
    let mut own = session.subscribe("com.self").await.unwrap();
    // exclude_me defaults to true.
    let id = session.publish("com.self").acknowledge().await.unwrap();
    assert!(id.is_some());
    nothing(&mut own).await;
    session
        .publish("com.self")
        .exclude_me(false)
        .disclose_me()
        .acknowledge()
        .await
        .unwrap();
    let e = next(&mut own).await;
    assert_eq!(e.publisher(), Some(session.id()));
    assert_eq!(e.publisher_authrole(), Some("anonymous"));
    assert_eq!(e.publisher_authid(), session.info().authid.as_deref());
    session
        .publish("com.self")
        .exclude_me(false)
        .acknowledge()
        .await
        .unwrap();
    assert_eq!(
        next(&mut own).await.publisher(),
        None,
        "not disclosed unless asked"
    );
    // A refused publication is answered only when acknowledged.
    assert_eq!(
        session
            .publish("wamp.session.on_join")
            .acknowledge()
            .await
            .unwrap_err()
            .uri(),
        Some("wamp.error.invalid_uri")
    );
}

#[tokio::test]
async fn retained_events_are_delivered_on_subscribe_with_get_retained() {
    let router = router().await;
    let publisher = router.connect("realm1").await.unwrap();
    publisher
        .publish("com.state.x")
        .args(&("old",))
        .retain()
        .acknowledge()
        .await
        .unwrap();
    publisher
        .publish("com.state.x")
        .args(&("new",))
        .retain()
        .acknowledge()
        .await
        .unwrap();
    publisher
        .publish("com.state.y")
        .args(&("plain",))
        .acknowledge()
        .await
        .unwrap();
    let late = router.connect("realm1").await.unwrap();
    let mut with = late.subscribe("com.state.x").get_retained().await.unwrap();
    let e = next(&mut with).await;
    assert!(e.retained());
    assert_eq!(e.value::<String>().unwrap(), "new");
    let mut pattern = late
        .subscribe("com.state")
        .match_policy(MatchPolicy::Prefix)
        .get_retained()
        .await
        .unwrap();
    let e = next(&mut pattern).await;
    assert_eq!((e.topic.as_str(), e.retained()), ("com.state.x", true));
    nothing(&mut pattern).await;
    let other = router.connect("realm1").await.unwrap();
    let mut without = other.subscribe("com.state.x").await.unwrap();
    nothing(&mut without).await;
}

async fn meta(session: &Session, procedure: &str, args: Json) -> Json {
    let args: Vec<Json> = serde_json::from_value(args).unwrap();
    session
        .call(procedure)
        .args(&args)
        .await
        .unwrap_or_else(|e| panic!("{procedure}: {e}"))
        .value()
        .unwrap()
}

#[tokio::test]
async fn session_registration_and_subscription_meta_procedures() {
    let router = router().await;
    let admin = router.connect("realm1").await.unwrap();
    let other = router.connect("realm1").await.unwrap();
    assert_eq!(
        meta(&admin, "wamp.session.count", json!([])).await,
        json!(2)
    );
    assert_eq!(
        meta(&admin, "wamp.session.count", json!([["nobody"]])).await,
        json!(0)
    );
    let mut list: Vec<u64> =
        serde_json::from_value(meta(&admin, "wamp.session.list", json!([])).await).unwrap();
    list.sort_unstable();
    let mut expected = vec![admin.id(), other.id()];
    expected.sort_unstable();
    assert_eq!(list, expected);
    let got = meta(&admin, "wamp.session.get", json!([other.id()])).await;
    assert_eq!(got["session"], json!(other.id()));
    assert_eq!(got["authrole"], json!("anonymous"));
    assert_eq!(got["authmethod"], json!("anonymous"));
    assert_eq!(got["transport"]["type"], json!("memory"));
    let missing = admin
        .call("wamp.session.get")
        .args(&(1u64,))
        .await
        .unwrap_err();
    assert_eq!(missing.uri(), Some("wamp.error.no_such_session"));

    let reg = other
        .register("com.meta", |_inv: Invocation| async {
            Ok(Arguments::default())
        })
        .match_policy(MatchPolicy::Prefix)
        .await
        .unwrap();
    let lists = meta(&admin, "wamp.registration.list", json!([])).await;
    assert_eq!(
        lists,
        json!({"exact": [], "prefix": [reg.id()], "wildcard": []})
    );
    assert_eq!(
        meta(
            &admin,
            "wamp.registration.lookup",
            json!(["com.meta", {"match": "prefix"}])
        )
        .await,
        json!(reg.id())
    );
    assert_eq!(
        meta(&admin, "wamp.registration.lookup", json!(["com.meta"])).await,
        Json::Null
    );
    assert_eq!(
        meta(&admin, "wamp.registration.match", json!(["com.meta.x"])).await,
        json!(reg.id())
    );
    assert_eq!(
        meta(&admin, "wamp.registration.match", json!(["org.x"])).await,
        Json::Null
    );
    let details = meta(&admin, "wamp.registration.get", json!([reg.id()])).await;
    assert_eq!(
        (
            details["uri"].clone(),
            details["match"].clone(),
            details["invoke"].clone()
        ),
        (json!("com.meta"), json!("prefix"), json!("single"))
    );
    assert!(details["created"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        meta(&admin, "wamp.registration.list_callees", json!([reg.id()])).await,
        json!([other.id()])
    );
    assert_eq!(
        meta(&admin, "wamp.registration.count_callees", json!([reg.id()])).await,
        json!(1)
    );

    let sub = other.subscribe("com.meta.topic").await.unwrap();
    assert_eq!(
        meta(&admin, "wamp.subscription.list", json!([])).await["exact"],
        json!([sub.id()])
    );
    assert_eq!(
        meta(
            &admin,
            "wamp.subscription.lookup",
            json!(["com.meta.topic"])
        )
        .await,
        json!(sub.id())
    );
    assert_eq!(
        meta(&admin, "wamp.subscription.match", json!(["com.meta.topic"])).await,
        json!([sub.id()])
    );
    assert_eq!(
        meta(&admin, "wamp.subscription.match", json!(["com.none"])).await,
        Json::Null
    );
    assert_eq!(
        meta(&admin, "wamp.subscription.get", json!([sub.id()])).await["uri"],
        json!("com.meta.topic")
    );
    assert_eq!(
        meta(
            &admin,
            "wamp.subscription.list_subscribers",
            json!([sub.id()])
        )
        .await,
        json!([other.id()])
    );
    assert_eq!(
        meta(
            &admin,
            "wamp.subscription.count_subscribers",
            json!([sub.id()])
        )
        .await,
        json!(1)
    );
    let missing = admin
        .call("wamp.subscription.get")
        .args(&(1u64,))
        .await
        .unwrap_err();
    assert_eq!(missing.uri(), Some("wamp.error.no_such_subscription"));

    // kill: the other session is closed with GOODBYE wamp.close.killed.
    admin
        .call("wamp.session.kill")
        .args(&(other.id(),))
        .await
        .unwrap();
    let reason = tokio::time::timeout(Duration::from_secs(5), other.closed())
        .await
        .unwrap();
    assert!(reason.to_string().contains("wamp.close.killed"), "{reason}");
    assert_eq!(
        meta(&admin, "wamp.session.count", json!([])).await,
        json!(1)
    );
}

#[tokio::test]
async fn meta_events_follow_the_lifecycle_of_sessions_registrations_and_subscriptions() {
    let router = router().await;
    let watcher = router.connect("realm1").await.unwrap();
    // One prefix subscription keeps every meta event in the order the router published them.
    let mut all = watcher
        .subscribe("wamp.")
        .match_policy(MatchPolicy::Prefix)
        .await
        .unwrap();
    let actor = router.connect("realm1").await.unwrap();
    let reg = actor
        .register("com.life", |_inv: Invocation| async {
            Ok(Arguments::default())
        })
        .await
        .unwrap();
    let sub = actor.subscribe("com.life.topic").await.unwrap();
    let (reg_id, sub_id, actor_id) = (reg.id(), sub.id(), actor.id());
    reg.unregister().await.unwrap();
    sub.unsubscribe().await.unwrap();
    actor.leave().await;
    let mut seen = Vec::new();
    while seen.len() < 10 {
        let e = next(&mut all).await;
        let about_actor = match e.arguments.args.first() {
            Some(wamp_core::Value::Map(_)) => e.topic == "wamp.session.on_join",
            Some(v) => *v == wamp_core::Value::Integer(actor_id.into()),
            None => false,
        };
        if !about_actor {
            continue; // the watcher's own subscription, for example
        }
        seen.push((e.topic.clone(), e.arguments.args.len()));
        let first: Json = e.arguments.decode_arg(0).unwrap();
        match e.topic.as_str() {
            "wamp.session.on_join" => assert_eq!(first["session"], json!(actor_id)),
            "wamp.registration.on_create" => assert_eq!(
                e.arguments.decode_arg::<Json>(1).unwrap()["id"],
                json!(reg_id)
            ),
            "wamp.subscription.on_create" => assert_eq!(
                e.arguments.decode_arg::<Json>(1).unwrap()["id"],
                json!(sub_id)
            ),
            "wamp.registration.on_register"
            | "wamp.registration.on_unregister"
            | "wamp.registration.on_delete" => {
                assert_eq!(
                    (first, e.arguments.decode_arg::<u64>(1).unwrap()),
                    (json!(actor_id), reg_id)
                )
            }
            "wamp.subscription.on_subscribe"
            | "wamp.subscription.on_unsubscribe"
            | "wamp.subscription.on_delete" => {
                assert_eq!(
                    (first, e.arguments.decode_arg::<u64>(1).unwrap()),
                    (json!(actor_id), sub_id)
                )
            }
            "wamp.session.on_leave" => assert_eq!(first, json!(actor_id)),
            other => panic!("unexpected {other}"),
        }
    }
    let order: Vec<&str> = seen.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        order,
        [
            "wamp.session.on_join",
            "wamp.registration.on_create",
            "wamp.registration.on_register",
            "wamp.subscription.on_create",
            "wamp.subscription.on_subscribe",
            "wamp.registration.on_unregister",
            "wamp.registration.on_delete",
            "wamp.subscription.on_unsubscribe",
            "wamp.subscription.on_delete",
            "wamp.session.on_leave",
        ]
    );
}
