//! PubSub features through Crossbar.io: publisher exclusion, subscriber black/white listing by
//! session, authid and authrole, publisher disclosure, pattern subscriptions, retained events,
//! revocation, unsubscribe on drop, several local subscriptions to one topic, and lag reporting.
//!
//! "Not delivered" is shown by order: after the event under test, the publisher sends a marker
//! to everyone; a subscriber that gets the marker first never got the excluded event.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::Duration;

use futures::StreamExt as _;
use wamp_core::session::{Event, Subscription, SubscriptionError};
use wamp_core::{Client, MatchPolicy, Session};
use wamp_tests::{anonymous, cred, require_crossbar, ticket_user, trace, unique, Crossbar};

async fn cra_user(cb: &Crossbar) -> Session {
    Client::new(&cb.ws_auth, &cb.realm)
        .authid(cred("wampcra", "authid"))
        .wampcra(cred("wampcra", "secret"))
        .connect()
        .await
        .unwrap()
}

async fn next(sub: &mut Subscription) -> Event {
    tokio::time::timeout(Duration::from_secs(5), sub.next())
        .await
        .expect("an event within 5 s")
        .expect("stream open")
        .expect("an event")
}

/// The value of the next event: the event under test, or the marker.
async fn next_value(sub: &mut Subscription) -> String {
    next(sub).await.value().unwrap()
}

/// Publishes `payload` with `configure`, then a marker to everyone; answers who got `payload`.
async fn delivered_to(
    publisher: &Session,
    topic: &str,
    subscribers: &mut [&mut Subscription],
    configure: impl FnOnce(wamp_core::session::PublishBuilder) -> wamp_core::session::PublishBuilder,
) -> Vec<bool> {
    configure(publisher.publish(topic).args(&("payload",)).acknowledge())
        .await
        .unwrap();
    publisher
        .publish(topic)
        .args(&("marker",))
        .acknowledge()
        .exclude_me(false)
        .await
        .unwrap();
    let mut got = Vec::new();
    for sub in subscribers.iter_mut() {
        let first = next_value(sub).await;
        if first == "payload" {
            assert_eq!(next_value(sub).await, "marker");
        }
        got.push(first == "payload");
    }
    got
}

#[tokio::test]
async fn publisher_exclusion_is_the_default_and_can_be_disabled() {
    trace();
    let cb = require_crossbar!();
    let session = anonymous(&cb).await;
    let topic = unique("com.pubsub.self");
    let mut own = session.subscribe(&topic).await.unwrap();
    assert_eq!(
        delivered_to(&session, &topic, &mut [&mut own], |p| p).await,
        vec![false]
    );
    assert_eq!(
        delivered_to(&session, &topic, &mut [&mut own], |p| p.exclude_me(false)).await,
        vec![true]
    );
    session.leave().await;
}

#[tokio::test]
async fn black_and_white_listing_by_session_id() {
    trace();
    let cb = require_crossbar!();
    let topic = unique("com.pubsub.listing");
    let (a, b, c) = (
        anonymous(&cb).await,
        anonymous(&cb).await,
        anonymous(&cb).await,
    );
    let (mut sa, mut sb, mut sc) = (
        a.subscribe(&topic).await.unwrap(),
        b.subscribe(&topic).await.unwrap(),
        c.subscribe(&topic).await.unwrap(),
    );
    let publisher = anonymous(&cb).await;
    let b_id = b.id();
    assert_eq!(
        delivered_to(&publisher, &topic, &mut [&mut sa, &mut sb, &mut sc], |p| p
            .exclude([b_id]))
        .await,
        vec![true, false, true]
    );
    let a_id = a.id();
    assert_eq!(
        delivered_to(&publisher, &topic, &mut [&mut sa, &mut sb, &mut sc], |p| p
            .eligible([a_id]))
        .await,
        vec![true, false, false]
    );
    for s in [a, b, c, publisher] {
        s.leave().await;
    }
}

#[tokio::test]
async fn black_and_white_listing_by_authid_and_authrole() {
    trace();
    let cb = require_crossbar!();
    let topic = unique("com.pubsub.auth_listing");
    let (ticket, cra, anon) = (
        ticket_user(&cb).await,
        cra_user(&cb).await,
        anonymous(&cb).await,
    );
    let (mut st, mut sc, mut sa) = (
        ticket.subscribe(&topic).await.unwrap(),
        cra.subscribe(&topic).await.unwrap(),
        anon.subscribe(&topic).await.unwrap(),
    );
    let publisher = anonymous(&cb).await;
    let subs = &mut [&mut st, &mut sc, &mut sa];
    let ticket_id = cred("ticket", "authid");
    assert_eq!(
        delivered_to(&publisher, &topic, subs, |p| p
            .exclude_authid([ticket_id.clone()]))
        .await,
        vec![false, true, true]
    );
    assert_eq!(
        delivered_to(&publisher, &topic, subs, |p| p.eligible_authid([ticket_id])).await,
        vec![true, false, false]
    );
    assert_eq!(
        delivered_to(&publisher, &topic, subs, |p| p.exclude_authrole(["user"])).await,
        vec![false, false, true]
    );
    assert_eq!(
        delivered_to(&publisher, &topic, subs, |p| p.eligible_authrole(["user"])).await,
        vec![true, true, false]
    );
    for s in [ticket, cra, anon, publisher] {
        s.leave().await;
    }
}

/// As for callers, Crossbar discloses publishers by role permission only: `disclose_me` from an
/// anonymous publisher (role without `disclose.publisher`) is ignored.
#[tokio::test]
async fn publisher_disclosure_follows_crossbar_role_permissions() {
    trace();
    let cb = require_crossbar!();
    let topic = unique("com.pubsub.disclosure");
    let subscriber = anonymous(&cb).await;
    let mut events = subscriber.subscribe(&topic).await.unwrap();
    let anon = anonymous(&cb).await;
    anon.publish(&topic)
        .args(&("anon",))
        .disclose_me()
        .acknowledge()
        .await
        .unwrap();
    let event = next(&mut events).await;
    assert_eq!(event.publisher(), None);
    let user = ticket_user(&cb).await;
    user.publish(&topic)
        .args(&("user",))
        .acknowledge()
        .await
        .unwrap();
    let event = next(&mut events).await;
    assert_eq!(event.publisher(), Some(user.id()));
    assert_eq!(
        event.publisher_authid(),
        Some(cred("ticket", "authid").as_str())
    );
    assert_eq!(event.publisher_authrole(), Some("user"));
    for s in [subscriber, anon, user] {
        s.leave().await;
    }
}

#[tokio::test]
async fn prefix_and_wildcard_subscriptions_report_the_actual_topic() {
    trace();
    let cb = require_crossbar!();
    let base = unique("com.pubsub.pattern");
    let subscriber = anonymous(&cb).await;
    let mut prefix = subscriber
        .subscribe(format!("{base}.p"))
        .match_policy(MatchPolicy::Prefix)
        .await
        .unwrap();
    let mut wildcard = subscriber
        .subscribe(format!("{base}.w..end"))
        .match_policy(MatchPolicy::Wildcard)
        .await
        .unwrap();
    let publisher = anonymous(&cb).await;
    publisher
        .publish(format!("{base}.p.x.y"))
        .args(&(1,))
        .acknowledge()
        .await
        .unwrap();
    publisher
        .publish(format!("{base}.w.any.end"))
        .args(&(2,))
        .acknowledge()
        .await
        .unwrap();
    assert_eq!(next(&mut prefix).await.topic, format!("{base}.p.x.y"));
    assert_eq!(next(&mut wildcard).await.topic, format!("{base}.w.any.end"));
    subscriber.leave().await;
    publisher.leave().await;
}

#[tokio::test]
async fn retained_events_are_delivered_on_subscribe() {
    trace();
    let cb = require_crossbar!();
    let topic = unique("com.pubsub.retained");
    let publisher = anonymous(&cb).await;
    publisher
        .publish(&topic)
        .args(&("kept",))
        .retain()
        .acknowledge()
        .await
        .unwrap();
    let subscriber = anonymous(&cb).await;
    let mut events = subscriber.subscribe(&topic).get_retained().await.unwrap();
    let event = next(&mut events).await;
    assert!(event.retained());
    assert_eq!(event.value::<String>().unwrap(), "kept");
    subscriber.leave().await;
    publisher.leave().await;
}

async fn subscriber_count(session: &Session, topic: &str) -> u64 {
    let id: Option<u64> = session
        .call("wamp.subscription.lookup")
        .args(&(topic,))
        .await
        .unwrap()
        .value()
        .unwrap();
    match id {
        None => 0,
        // The subscription may vanish between the two calls: that is a count of zero.
        Some(id) => match session
            .call("wamp.subscription.count_subscribers")
            .args(&(id,))
            .await
        {
            Ok(result) => result.value().unwrap(),
            Err(e) if e.uri() == Some("wamp.error.no_such_subscription") => 0,
            Err(e) => panic!("{e}"),
        },
    }
}

#[tokio::test]
async fn dropping_a_subscription_unsubscribes_and_local_sharing_works() {
    trace();
    let cb = require_crossbar!();
    let topic = unique("com.pubsub.drop");
    let session = anonymous(&cb).await;
    let admin = anonymous(&cb).await;
    let mut first = session.subscribe(&topic).await.unwrap();
    let mut second = session.subscribe(&topic).await.unwrap();
    assert_eq!(
        first.id(),
        second.id(),
        "one router subscription serves both"
    );
    assert_eq!(subscriber_count(&admin, &topic).await, 1);
    admin
        .publish(&topic)
        .args(&("both",))
        .acknowledge()
        .await
        .unwrap();
    assert_eq!(next_value(&mut first).await, "both");
    assert_eq!(next_value(&mut second).await, "both");

    drop(first);
    admin
        .publish(&topic)
        .args(&("second only",))
        .acknowledge()
        .await
        .unwrap();
    assert_eq!(next_value(&mut second).await, "second only");
    assert_eq!(
        subscriber_count(&admin, &topic).await,
        1,
        "still subscribed for the second"
    );

    drop(second);
    let mut count = 1;
    for _ in 0..50 {
        count = subscriber_count(&admin, &topic).await;
        if count == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(count, 0, "dropping the last subscription sent UNSUBSCRIBE");
    // Subscribing again after the UNSUBSCRIBE works.
    let mut again = session.subscribe(&topic).await.unwrap();
    admin
        .publish(&topic)
        .args(&("again",))
        .acknowledge()
        .await
        .unwrap();
    assert_eq!(next_value(&mut again).await, "again");
    session.leave().await;
    admin.leave().await;
}

#[tokio::test]
async fn explicit_unsubscribe_and_session_end_are_reported() {
    trace();
    let cb = require_crossbar!();
    let topic = unique("com.pubsub.end");
    let session = anonymous(&cb).await;
    let sub = session.subscribe(&topic).await.unwrap();
    sub.unsubscribe().await.unwrap();
    let mut events = session.subscribe(&topic).await.unwrap();
    session.leave().await;
    let end = tokio::time::timeout(Duration::from_secs(5), events.next())
        .await
        .unwrap();
    assert!(
        matches!(end, Some(Err(SubscriptionError::SessionClosed(_)))),
        "{end:?}"
    );
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn a_subscriber_that_falls_behind_is_told_how_many_events_it_lost() {
    trace();
    let cb = require_crossbar!();
    let topic = unique("com.pubsub.lag");
    let subscriber = Client::new(&cb.ws, &cb.realm)
        .event_buffer(4)
        .connect()
        .await
        .unwrap();
    let mut events = subscriber.subscribe(&topic).await.unwrap();
    let publisher = anonymous(&cb).await;
    for i in 0..20 {
        publisher
            .publish(&topic)
            .args(&(i,))
            .acknowledge()
            .await
            .unwrap();
    }
    // Let the last events reach the subscriber's session before reading.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (mut received, mut lost) = (0u64, 0u64);
    while received + lost < 20 {
        match tokio::time::timeout(Duration::from_secs(5), events.next())
            .await
            .unwrap()
            .unwrap()
        {
            Ok(_) => received += 1,
            Err(SubscriptionError::Lagged(n)) => lost += n,
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!(received + lost, 20);
    assert!(
        lost > 0 && received >= 4,
        "received {received}, lost {lost}"
    );
    subscriber.leave().await;
    publisher.leave().await;
}

/// Crossbar revokes a subscription with `wamp.subscription.remove_subscriber`, sending
/// `UNSUBSCRIBED(0, {subscription, reason})`. (autobahn-python 26.10.2 treats that message as a
/// protocol error and drops its connection; this client reports it on the stream.)
#[tokio::test]
async fn subscription_revocation_by_crossbar_is_reported_on_the_stream() {
    trace();
    let cb = require_crossbar!();
    let topic = unique("com.pubsub.revoked");
    let subscriber = anonymous(&cb).await;
    let mut events = subscriber.subscribe(&topic).await.unwrap();
    let admin = anonymous(&cb).await;
    admin
        .call("wamp.subscription.remove_subscriber")
        .args(&(events.id(), subscriber.id(), "wamp.error.revoked_by_test"))
        .await
        .unwrap();
    let end = tokio::time::timeout(Duration::from_secs(5), events.next())
        .await
        .unwrap();
    assert!(
        matches!(end, Some(Err(SubscriptionError::Revoked { .. }))),
        "{end:?}"
    );
    assert!(events.next().await.is_none());
    // The session goes on and can subscribe again.
    let mut again = subscriber.subscribe(&topic).await.unwrap();
    admin
        .publish(&topic)
        .args(&("back",))
        .acknowledge()
        .await
        .unwrap();
    assert_eq!(next_value(&mut again).await, "back");
    subscriber.leave().await;
    admin.leave().await;
}
