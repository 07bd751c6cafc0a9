//! Event History: the router keeps what its realm configuration says, answers
//! `wamp.subscription.get_events` as the spec says, and agrees with retained events; a
//! subscription replays the last events before the live ones with no gap and no duplicate,
//! through `wamp-router` and through Crossbar.io.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;
use serde_json::json;
use tokio::sync::Notify;
use wamp_core::message::uris;
use wamp_core::meta::{HistoryEvent, HistoryQuery, MetaError, SubscriptionMetaClient};
use wamp_core::session::Subscription;
use wamp_core::typed::CallError;
use wamp_core::{Client, MatchPolicy, Session};
use wamp_router::{HistoryRule, Protocol, RealmConfig, Router};
use wamp_tests::{require_crossbar, unique};

async fn router() -> Router {
    wamp_tests::trace();
    let realm = RealmConfig::anonymous("realm1")
        .event_history(HistoryRule::new("com.hist.log", 5))
        .event_history(HistoryRule::new("com.hist.feed", 1000))
        .event_history(HistoryRule::new("com.hist.tree", 100).match_policy(MatchPolicy::Prefix))
        .event_history(HistoryRule::new("com.hist.brief", 100).max_age(Duration::from_millis(50)));
    Router::builder()
        .realm_config(realm)
        .listener(wamp_router::Listener::websocket("127.0.0.1:0"))
        .start()
        .await
        .unwrap()
}

async fn session(router: &Router) -> Session {
    Client::new(router.url(Protocol::WebSocket).unwrap(), "realm1")
        .connect()
        .await
        .unwrap()
}

async fn publish(session: &Session, topic: &str, n: u64) -> u64 {
    session
        .publish(topic)
        .kwargs(&json!({ "n": n }))
        .acknowledge()
        .await
        .unwrap()
        .unwrap()
}

/// A listed event's `n`.
fn n_of(event: &HistoryEvent) -> u64 {
    let n = event.kwargs.as_ref().unwrap()["n"].as_integer().unwrap();
    u64::try_from(n).unwrap()
}

/// The next event's `n`, and whether it was replayed.
async fn next(events: &mut Subscription) -> (u64, bool) {
    let event = wamp_tests::within(events.next()).await.unwrap().unwrap();
    let n = event.arguments.kwargs["n"].as_integer().unwrap();
    (u64::try_from(n).unwrap(), event.from_history)
}

#[tokio::test]
async fn a_subscription_replays_the_last_events_then_live_ones() {
    let router = router().await;
    let publisher = session(&router).await;
    let subscriber = session(&router).await;
    // Nobody is subscribed yet: the router keeps them anyway, the last five.
    for n in 0..8 {
        publish(&publisher, "com.hist.log", n).await;
    }
    let mut events = subscriber
        .subscribe("com.hist.log")
        .history(3)
        .await
        .unwrap();
    for n in 5..8 {
        assert_eq!(next(&mut events).await, (n, true));
    }
    publish(&publisher, "com.hist.log", 8).await;
    assert_eq!(next(&mut events).await, (8, false));
    // Asking for more than is kept gives what is kept.
    let mut all = subscriber
        .subscribe("com.hist.log")
        .history(100)
        .await
        .unwrap();
    for n in 4..9 {
        assert_eq!(next(&mut all).await, (n, true));
    }
    // A topic without history refuses.
    let error = subscriber
        .subscribe("com.hist.none")
        .history(3)
        .await
        .unwrap_err();
    assert_eq!(error.uri(), Some(uris::HISTORY_UNAVAILABLE));
}

/// The race the gap comes from: events keep coming while the subscriber subscribes and asks.
/// Every event from the first replayed one on arrives once, in order. The feed is paced only
/// where the check needs it, whatever the machine's load: ten events are kept before the
/// subscriber asks (so the first is replayed), the bulk goes out while it subscribes, and the
/// last twenty wait until it has subscribed (so some come live).
#[tokio::test]
async fn no_gap_and_no_duplicate_while_events_keep_coming() {
    let router = router().await;
    let publisher = session(&router).await;
    let subscriber = session(&router).await;
    const TOTAL: u64 = 300;
    let kept = Arc::new(Notify::new());
    let subscribed = Arc::new(Notify::new());
    let feed = tokio::spawn({
        let (kept, subscribed) = (kept.clone(), subscribed.clone());
        async move {
            for n in 0..TOTAL {
                let publish = publisher
                    .publish("com.hist.feed")
                    .kwargs(&json!({ "n": n }));
                if n < 10 {
                    publish.acknowledge().await.unwrap();
                } else {
                    // Unacknowledged: as fast as the session takes them.
                    publish.await.unwrap();
                }
                match n {
                    9 => kept.notify_one(),
                    n if n == TOTAL - 21 => subscribed.notified().await,
                    n if n % 16 == 0 => tokio::task::yield_now().await,
                    _ => {}
                }
            }
            publisher
        }
    });
    kept.notified().await;
    let mut events = subscriber
        .subscribe("com.hist.feed")
        .history(50)
        .await
        .unwrap();
    subscribed.notify_one();
    let (first, replayed) = next(&mut events).await;
    assert!(replayed, "the first event is a replayed one");
    let mut expected = first + 1;
    let mut live = 0;
    while expected < TOTAL {
        let (n, from_history) = next(&mut events).await;
        assert_eq!(n, expected, "a gap or a duplicate");
        live += u64::from(!from_history);
        expected += 1;
    }
    assert!(live > 0, "some events came live (first replayed: {first})");
    feed.await.unwrap();
}

#[tokio::test]
async fn get_events_filters_as_the_spec_says() {
    let router = router().await;
    let publisher = session(&router).await;
    let reader = session(&router).await;
    let meta = SubscriptionMetaClient::new(reader.clone());
    let mut publications = Vec::new();
    for (n, leaf) in ["a", "b", "a", "c"].iter().enumerate() {
        let topic = format!("com.hist.tree.{leaf}");
        publications.push(publish(&publisher, &topic, n as u64).await);
    }
    // Events published to sessions by ID are not kept (session IDs do not outlive sessions).
    publisher
        .publish("com.hist.tree.a")
        .kwargs(&json!({"n": 99}))
        .eligible([reader.id()])
        .acknowledge()
        .await
        .unwrap();
    // Events for other roles are kept but not shown to this one.
    publisher
        .publish("com.hist.tree.a")
        .kwargs(&json!({"n": 98}))
        .exclude_authrole(["anonymous"])
        .acknowledge()
        .await
        .unwrap();
    let tree = reader
        .subscribe("com.hist.tree")
        .match_policy(MatchPolicy::Prefix)
        .await
        .unwrap();
    let ns = |events: &[HistoryEvent]| -> Vec<u64> { events.iter().map(n_of).collect() };
    let all = meta
        .get_events(tree.id(), HistoryQuery::default())
        .await
        .unwrap();
    assert_eq!(ns(&all), [0, 1, 2, 3]);
    let first = &all[0];
    assert_eq!(first.publication, publications[0]);
    assert_eq!(first.subscription, Some(tree.id()));
    assert_eq!(first.details["topic"], json!("com.hist.tree.a"));
    assert!(first.timestamp.as_ref().unwrap().ends_with('Z'));

    let query = |q: HistoryQuery| meta.get_events(tree.id(), q);
    assert_eq!(ns(&query(HistoryQuery::last(2)).await.unwrap()), [3, 2]);
    let only_a = HistoryQuery {
        topic: Some("com.hist.tree.a".into()),
        ..Default::default()
    };
    assert_eq!(ns(&query(only_a).await.unwrap()), [0, 2]);
    let page = HistoryQuery {
        after_publication: Some(publications[1]),
        limit: Some(1),
        ..Default::default()
    };
    assert_eq!(ns(&query(page).await.unwrap()), [2]);
    let until = HistoryQuery {
        until_publication: Some(publications[1]),
        reverse: Some(true),
        ..Default::default()
    };
    assert_eq!(ns(&query(until).await.unwrap()), [1, 0]);
    let later = HistoryQuery {
        after_time: Some(first.timestamp.clone().unwrap()),
        before_time: Some("2999-01-01T00:00:00Z".into()),
        ..Default::default()
    };
    assert!(ns(&query(later).await.unwrap()).len() <= 3);
    let future = HistoryQuery {
        from_time: Some("2999-01-01T00:00:00+02:00".into()),
        ..Default::default()
    };
    assert!(query(future).await.unwrap().is_empty());

    // Refusals: a bad value, an unknown subscription, a topic without history.
    let bad = HistoryQuery {
        from_time: Some("yesterday".into()),
        ..Default::default()
    };
    match query(bad).await {
        Err(CallError::InvalidArgument(_)) => {}
        other => panic!("expected invalid_argument, got {other:?}"),
    }
    let unknown = meta.get_events(1, HistoryQuery::default()).await;
    assert!(matches!(
        unknown,
        Err(CallError::Service(MetaError::NoSuchSubscription(_)))
    ));
    let plain = reader.subscribe(unique("com.plain")).await.unwrap();
    let none = meta.get_events(plain.id(), HistoryQuery::default()).await;
    assert!(matches!(
        none,
        Err(CallError::Service(MetaError::HistoryUnavailable(_)))
    ));
}

#[tokio::test]
async fn history_and_retained_events_agree_and_old_events_expire() {
    let router = router().await;
    let publisher = session(&router).await;
    let reader = session(&router).await;
    publish(&publisher, "com.hist.log", 1).await;
    let retained = publisher
        .publish("com.hist.log")
        .kwargs(&json!({"n": 2}))
        .retain()
        .acknowledge()
        .await
        .unwrap()
        .unwrap();
    let mut events = reader
        .subscribe("com.hist.log")
        .get_retained()
        .await
        .unwrap();
    let kept = wamp_tests::within(events.next()).await.unwrap().unwrap();
    assert!(kept.retained());
    let meta = SubscriptionMetaClient::new(reader.clone());
    let last = meta
        .get_events(events.id(), HistoryQuery::last(1))
        .await
        .unwrap();
    assert_eq!(last[0].publication, retained);
    assert_eq!(last[0].publication, kept.publication);
    assert_eq!(n_of(&last[0]), 2);

    // `com.hist.brief` keeps events for 50 ms.
    publish(&publisher, "com.hist.brief", 1).await;
    let brief = reader.subscribe("com.hist.brief").await.unwrap();
    let now = meta
        .get_events(brief.id(), HistoryQuery::default())
        .await
        .unwrap();
    assert_eq!(now.len(), 1);
    tokio::time::sleep(Duration::from_millis(120)).await;
    let later = meta
        .get_events(brief.id(), HistoryQuery::default())
        .await
        .unwrap();
    assert!(later.is_empty(), "expired events are gone: {later:?}");
}

/// Crossbar.io keeps history for `com.history.crossbar` (`interop/crossbar/make_config.py`) and
/// only for events it delivered, once per subscriber: one subscriber stays, another comes later
/// and replays.
#[tokio::test]
async fn history_through_crossbar() {
    let cb = require_crossbar!();
    let connect = || Client::new(&cb.ws, &cb.history_realm).connect();
    let publisher = connect().await.unwrap();
    let first = connect().await.unwrap();
    let later = connect().await.unwrap();
    const TOPIC: &str = "com.history.crossbar";
    let run = unique("run");
    let mut keeper = first.subscribe(TOPIC).await.unwrap();
    for n in 0..4u64 {
        publisher
            .publish(TOPIC)
            .kwargs(&json!({"n": n, "run": run}))
            .acknowledge()
            .await
            .unwrap();
        wamp_tests::within(keeper.next()).await.unwrap().unwrap();
    }
    let meta = SubscriptionMetaClient::new(later.clone());
    let listed = meta
        .get_events(
            keeper.id(),
            HistoryQuery {
                limit: Some(2),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // Crossbar.io's own fields, newest first.
    assert!(listed.iter().all(|e| e.time_ns.is_some()));
    let ns: Vec<_> = listed.iter().map(n_of).collect();
    assert_eq!(ns, [3, 2]);

    let mut replayed = later.subscribe(TOPIC).history(2).await.unwrap();
    assert_eq!(replayed.id(), keeper.id());
    for n in [2, 3] {
        assert_eq!(next(&mut replayed).await, (n, true));
    }
    publisher
        .publish(TOPIC)
        .kwargs(&json!({"n": 4, "run": run}))
        .acknowledge()
        .await
        .unwrap();
    assert_eq!(next(&mut replayed).await, (4, false));
}
