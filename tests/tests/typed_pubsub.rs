//! Typed events at run time through the embedded router and Crossbar.io: `publish_event` and
//! `subscribe_event` with kwargs and positional payloads, `#[subscribe]` functions and an
//! `#[event_handlers]` set subscribed at once, a pattern handler given the concrete topic, and
//! undecodable events counted rather than lost silently; topics with typed URI captures.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::Mutex;
use std::time::Duration;

use futures::StreamExt as _;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::mpsc;
use wamp_core::typed::{EventDetails, EventError, WampEvent as _};
use wamp_core::{event_handlers, subscribe, WampEvent};
use wamp_tests::typed::{Computed, Logged};
use wamp_tests::{anonymous, trace, within, Crossbar, Target};

/// Where the handlers below report what they received.
static RECEIVED: Mutex<Option<mpsc::UnboundedSender<String>>> = Mutex::new(None);

fn report(line: String) {
    if let Some(tx) = RECEIVED.lock().unwrap().as_ref() {
        let _ = tx.send(line);
    }
}

/// Every `Computed` event.
#[subscribe]
async fn on_computed(event: Computed) {
    report(format!("computed {}+{}={}", event.a, event.b, event.sum));
}

/// Every positional `Logged` event under `com.typed`, with its concrete topic.
#[subscribe(topic = "com.typed", match = "prefix")]
async fn on_anything(event: Logged, details: EventDetails) -> Result<(), String> {
    report(format!("prefix {} {} {}", details.topic, event.0, event.1));
    Ok(())
}

/// Said in a room, from a seat: both are components of the topic (typed URI captures) and
/// fields of the event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, WampEvent)]
#[wamp(topic = "com.typed.room.{room}.seat.{seat}.said")]
struct Said {
    room: String,
    seat: u16,
    text: String,
}

/// Every `Said`, in any room.
#[subscribe]
async fn on_said(event: Said, details: EventDetails) {
    report(format!(
        "said {} {} {} at {}",
        event.room, event.seat, event.text, details.topic
    ));
}

/// A handler set with state.
struct Audit {
    tag: String,
}

#[event_handlers]
impl Audit {
    #[subscribe]
    async fn on_log(&self, event: Logged) {
        report(format!("{} log {}", self.tag, event.0));
    }

    #[subscribe(topic = "com.typed..computed", match = "wildcard")]
    async fn on_any_computed(&self, event: Computed, details: EventDetails) {
        report(format!(
            "{} wildcard {} {}",
            self.tag, details.topic, event.sum
        ));
    }
}

async fn typed_streams(cb: &Crossbar) {
    let publisher = anonymous(cb).await;
    let subscriber = anonymous(cb).await;
    let mut computed = subscriber.subscribe_event::<Computed>().await.unwrap();
    let mut logged = subscriber.subscribe_event::<Logged>().await.unwrap();
    let mut raw = subscriber.subscribe("com.typed.log").await.unwrap();
    let event = Computed { a: 1, b: 2, sum: 3 };
    publisher.publish_event(&event).acknowledge().await.unwrap();
    publisher
        .publish_event(&Logged("hello".into(), 2))
        .acknowledge()
        .await
        .unwrap();
    assert_eq!(within(computed.next()).await.unwrap().unwrap(), event);
    let (log, details) = within(logged.next_with_details()).await.unwrap().unwrap();
    assert_eq!(log, Logged("hello".into(), 2));
    assert_eq!(details.topic, "com.typed.log");
    // The wire: a tuple struct travels as positional args.
    let raw_event = within(raw.next()).await.unwrap().unwrap();
    assert_eq!(
        raw_event.args::<(String, u8)>().unwrap(),
        ("hello".into(), 2)
    );
    // And a struct with named fields as kwargs, so an untyped publisher reaches a typed stream.
    publisher
        .publish("com.typed.calc.computed")
        .kwargs(&json!({"a": 5, "b": 6, "sum": 11}))
        .acknowledge()
        .await
        .unwrap();
    assert_eq!(within(computed.next()).await.unwrap().unwrap().sum, 11);
    // A payload of the wrong shape is reported, and the stream goes on.
    publisher
        .publish("com.typed.calc.computed")
        .args(&("not a computation",))
        .acknowledge()
        .await
        .unwrap();
    match within(computed.next()).await.unwrap() {
        Err(EventError::Decode { topic, .. }) => assert_eq!(topic, "com.typed.calc.computed"),
        other => panic!("expected a decode error, got {other:?}"),
    }
    publisher.publish_event(&event).acknowledge().await.unwrap();
    assert_eq!(within(computed.next()).await.unwrap().unwrap(), event);
}

/// Handler sets of different tests share `RECEIVED`, so they take turns.
static HANDLER_TESTS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn handler_sets(cb: &Crossbar) {
    let _turn = HANDLER_TESTS.lock().await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    *RECEIVED.lock().unwrap() = Some(tx);
    let publisher = anonymous(cb).await;
    let subscriber = anonymous(cb).await;
    let running = subscriber
        .subscribe_handlers((
            on_computed,
            on_anything,
            Audit {
                tag: "audit".into(),
            },
        ))
        .await
        .unwrap();
    assert_eq!(
        running.topics().collect::<Vec<_>>(),
        vec![
            "com.typed.calc.computed",
            "com.typed",
            "com.typed.log",
            "com.typed..computed"
        ]
    );
    publisher
        .publish_event(&Computed { a: 2, b: 2, sum: 4 })
        .acknowledge()
        .await
        .unwrap();
    publisher
        .publish_event(&Logged("up".into(), 1))
        .acknowledge()
        .await
        .unwrap();
    let mut lines = Vec::new();
    // computed: on_computed, audit wildcard, and on_anything (prefix) which cannot decode it as
    // Logged (counted); logged: on_anything and audit log.
    for _ in 0..4 {
        lines.push(within(rx.recv()).await.unwrap());
    }
    lines.sort();
    assert_eq!(
        lines,
        vec![
            "audit log up",
            "audit wildcard com.typed.calc.computed 4",
            "computed 2+2=4",
            "prefix com.typed.log up 1",
        ]
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while running.undecodable() < 1 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        running.undecodable(),
        1,
        "the Computed event the Logged handler could not read"
    );
    // Dropping the handle unsubscribes every handler.
    drop(running);
    publisher
        .publish_event(&Logged("after".into(), 1))
        .acknowledge()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let late = rx.try_recv();
    assert!(late.is_err(), "no handler runs after the drop: {late:?}");
}

async fn captured_topics(cb: &Crossbar) {
    let _turn = HANDLER_TESTS.lock().await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    *RECEIVED.lock().unwrap() = Some(tx);
    let publisher = anonymous(cb).await;
    let subscriber = anonymous(cb).await;
    // A typed stream and a handler subscribe the wildcard pattern; a raw subscriber one room.
    let mut said = subscriber.subscribe_event::<Said>().await.unwrap();
    let handlers = subscriber.subscribe_handlers(on_said).await.unwrap();
    assert_eq!(
        handlers.topics().collect::<Vec<_>>(),
        ["com.typed.room..seat..said"]
    );
    let mut lobby = subscriber
        .subscribe("com.typed.room.lobby.seat.3.said")
        .await
        .unwrap();
    let hello = Said {
        room: "lobby".into(),
        seat: 3,
        text: "hello".into(),
    };
    assert_eq!(hello.topic().unwrap(), "com.typed.room.lobby.seat.3.said");
    publisher.publish_event(&hello).acknowledge().await.unwrap();
    let (event, details) = within(said.next_with_details()).await.unwrap().unwrap();
    assert_eq!(event, hello);
    assert_eq!(details.topic, "com.typed.room.lobby.seat.3.said");
    assert_eq!(
        within(rx.recv()).await.unwrap(),
        "said lobby 3 hello at com.typed.room.lobby.seat.3.said"
    );
    // On the wire the captures are in the topic, and in the payload too, so a subscriber of
    // one concrete topic reads the whole event.
    let raw = within(lobby.next()).await.unwrap().unwrap();
    assert_eq!(
        raw.kwargs::<serde_json::Value>().unwrap(),
        json!({"room": "lobby", "seat": 3, "text": "hello"})
    );
    // A publisher that sends only the rest: the captures come from the topic, typed.
    publisher
        .publish("com.typed.room.attic.seat.7.said")
        .kwargs(&json!({"text": "up here"}))
        .acknowledge()
        .await
        .unwrap();
    let event = within(said.next()).await.unwrap().unwrap();
    assert_eq!(
        event,
        Said {
            room: "attic".into(),
            seat: 7,
            text: "up here".into()
        }
    );
    assert_eq!(
        within(rx.recv()).await.unwrap(),
        "said attic 7 up here at com.typed.room.attic.seat.7.said"
    );
    // A payload that disagrees with its topic, or a component that is no `u16`, is an error.
    for (topic, kwargs) in [
        (
            "com.typed.room.hall.seat.1.said",
            json!({"room": "attic", "text": "?"}),
        ),
        ("com.typed.room.hall.seat.many.said", json!({"text": "?"})),
    ] {
        publisher
            .publish(topic)
            .kwargs(&kwargs)
            .acknowledge()
            .await
            .unwrap();
        match within(said.next()).await.unwrap() {
            Err(EventError::Decode { topic: at, error }) => {
                assert_eq!(at, topic);
                assert!(error.to_string().contains("capture"), "{error}");
            }
            other => panic!("{topic}: expected a decode error, got {other:?}"),
        }
    }
    // A value that is no URI component is not published.
    let bad = Said {
        room: "a.b".into(),
        seat: 1,
        text: "x".into(),
    };
    let error = publisher
        .publish_event(&bad)
        .acknowledge()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("capture `room`"), "{error}");
    drop(handlers);
}

mod embedded {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn captured_topics() {
        super::trace();
        let routed = wamp_tests::target(super::Target::Embedded).await.unwrap();
        super::captured_topics(&routed.endpoints).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn typed_streams() {
        super::trace();
        let routed = wamp_tests::target(super::Target::Embedded).await.unwrap();
        super::typed_streams(&routed.endpoints).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn handler_sets() {
        super::trace();
        let routed = wamp_tests::target(super::Target::Embedded).await.unwrap();
        super::handler_sets(&routed.endpoints).await;
        super::captured_topics(&routed.endpoints).await;
    }
}

mod crossbar {
    /// In sequence: the handlers share one report channel and the realm is shared.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_check() {
        super::trace();
        let Some(routed) = wamp_tests::target(super::Target::Crossbar).await else {
            return;
        };
        super::typed_streams(&routed.endpoints).await;
        super::handler_sets(&routed.endpoints).await;
        super::captured_topics(&routed.endpoints).await;
    }
}
