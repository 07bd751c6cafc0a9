//! Typed services (`#[wamp_service]`) at run time, through the embedded `wamp-router`
//! (`embedded::...`, one router per test) and through Crossbar.io (`crossbar::every_check`, in
//! sequence, since the procedures have fixed URIs in one shared realm): typed calls with
//! positional and keyword arguments, typed errors kept apart from the other failures,
//! progressive streams with cancel on drop, timeouts, pattern and shared registrations, caller
//! disclosure, typed URI captures, middleware, and unregistration on drop. Raw `session.call`s check the wire mapping.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::atomic::Ordering;
use std::time::Duration;

use futures::StreamExt as _;
use serde_json::json;
use wamp_core::typed::{CallError, ServiceClient as _};
use wamp_core::{Client, Session};
use wamp_tests::typed::{Calc, CalcError, Calculator as _, CalculatorClient, Point};
use wamp_tests::{anonymous, cred, trace, Crossbar, Routed, Target};

mod captures;
mod middleware;

async fn ticket(cb: &Crossbar, section: &str) -> Session {
    Client::new(&cb.ws_auth, &cb.realm)
        .authid(cred(section, "authid"))
        .ticket(cred(section, "ticket"))
        .connect()
        .await
        .unwrap()
}

/// A callee session serving `Calc`, and a caller session with its typed client.
struct Fixture {
    callee: Session,
    service: wamp_core::typed::ServiceHandle,
    calc: Calc,
    caller: Session,
    client: CalculatorClient,
}

async fn fixture(cb: &Crossbar) -> Fixture {
    let callee = anonymous(cb).await;
    let calc = Calc::named("first");
    let service = calc.clone().serve(&callee).await.unwrap();
    let caller = ticket(cb, "ticket").await;
    let client = CalculatorClient::new(caller.clone());
    Fixture {
        callee,
        service,
        calc,
        caller,
        client,
    }
}

async fn typed_calls_and_errors(cb: &Crossbar) {
    let f = fixture(cb).await;
    let c = &f.client;
    assert_eq!(c.add(2, 3).await.unwrap(), 5);
    assert_eq!(c.divide(7, 2).await.unwrap(), 3);
    assert_eq!(c.norm(Point { x: 3.0, y: 4.0 }).await.unwrap(), 5.0);
    c.nothing().await.unwrap();
    assert_eq!(c.echo(None).await.unwrap(), None);
    assert_eq!(c.echo(Some("hi".into())).await.unwrap(), Some("hi".into()));

    // Typed errors come back as the service's own type, payload included.
    match c.add(i64::MAX, 1).await {
        Err(CallError::Service(CalcError::Overflow)) => {}
        other => panic!("expected Overflow, got {other:?}"),
    }
    match c.divide(9, 0).await {
        Err(CallError::Service(CalcError::DivideByZero { dividend: 9 })) => {}
        other => panic!("expected DivideByZero, got {other:?}"),
    }

    // The wire: positional args, result as args[0], kwargs mode, errors with URI and payload.
    let s = &f.caller;
    let r = s.call("com.typed.calc.add").args(&(20, 22)).await.unwrap();
    assert_eq!(r.args::<Vec<i64>>().unwrap(), vec![42]);
    let r = s
        .call("com.typed.calc.add")
        .kwargs(&json!({"a": 1, "b": 2}))
        .await
        .unwrap();
    assert_eq!(
        r.value::<i64>().unwrap(),
        3,
        "a callee also takes parameters by name"
    );
    let r = s
        .call("com.typed.calc.divide")
        .kwargs(&json!({"dividend": 8, "divisor": 2}))
        .await
        .unwrap();
    assert_eq!(r.value::<i64>().unwrap(), 4);
    let r = s
        .call("com.typed.calc.norm")
        .kwargs(&json!({"x": 6.0, "y": 8.0}))
        .await
        .unwrap();
    assert_eq!(r.value::<f64>().unwrap(), 10.0);
    let r = s.call("com.typed.calc.nothing").await.unwrap();
    assert!(r.arguments.is_empty(), "() travels as no arguments");
    let e = s
        .call("com.typed.calc.divide")
        .args(&(5, 0))
        .await
        .unwrap_err();
    let e = e.wamp().unwrap();
    assert_eq!(e.uri, "com.typed.error.divide_by_zero");
    assert_eq!(e.kwargs.get("dividend"), Some(&wamp_core::Value::from(5)));
    let e = s
        .call("com.typed.calc.count")
        .args(&(5000,))
        .stream()
        .await
        .unwrap();
    let items: Vec<_> = e.collect().await;
    let err = items
        .last()
        .unwrap()
        .as_ref()
        .unwrap_err()
        .wamp()
        .unwrap()
        .clone();
    assert_eq!(err.uri, "com.typed.error.too_long");
    assert_eq!(err.args, vec![wamp_core::Value::from(1000)]);

    // Bad arguments are refused by the callee with invalid_argument, kept apart from E.
    let e = s
        .call("com.typed.calc.add")
        .args(&("x", 1))
        .await
        .unwrap_err();
    assert_eq!(e.uri(), Some("wamp.error.invalid_argument"));
    let e = s
        .call("com.typed.calc.add")
        .args(&(1, 2, 3))
        .await
        .unwrap_err();
    assert_eq!(e.uri(), Some("wamp.error.invalid_argument"));
    let e = s.call("com.typed.calc.add").args(&(1,)).await.unwrap_err();
    assert_eq!(e.uri(), Some("wamp.error.invalid_argument"), "b is missing");
}

async fn other_failures_are_distinct(cb: &Crossbar) {
    let f = fixture(cb).await;
    // Timeout: the method's timeout_ms (300 ms), and the client's override.
    match f.client.sleep(2_000).await {
        Err(CallError::Timeout) => {}
        other => panic!("expected Timeout, got {other:?}"),
    }
    match f
        .client
        .clone()
        .with_timeout(Duration::from_millis(100))
        .add(1, 1)
        .await
    {
        Ok(2) => {}
        other => panic!("a quick call within the override: {other:?}"),
    }
    // No such procedure: dropping the handle unregisters, while the callee's session lives on.
    let orphan = f.client.clone();
    drop(f.service);
    assert!(!f.callee.is_closed());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match orphan.add(1, 1).await {
            Err(CallError::NoSuchProcedure(e)) => {
                assert_eq!(e.uri, "wamp.error.no_such_procedure");
                break;
            }
            Ok(_) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            other => panic!("dropping the handle unregisters: {other:?}"),
        }
    }
    // Not authorized: the restricted role may only use com.allowed.*.
    drop(f.callee);
    let f = fixture(cb).await;
    let restricted = CalculatorClient::new(ticket(cb, "restricted").await);
    match restricted.add(1, 2).await {
        Err(CallError::NotAuthorized(e)) => assert_eq!(e.uri, "wamp.error.not_authorized"),
        other => panic!("expected NotAuthorized, got {other:?}"),
    }
    // Disconnected: the caller's session ends while the call runs.
    let leaving = anonymous(cb).await;
    let client = CalculatorClient::new(leaving.clone());
    let pending = tokio::spawn(async move { client.sleep(250).await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    leaving.leave().await;
    match pending.await.unwrap() {
        Err(CallError::Disconnected(_)) => {}
        other => panic!("expected Disconnected, got {other:?}"),
    }
    drop(f);
}

async fn progressive_streams_and_cancel_on_drop(cb: &Crossbar) {
    let f = fixture(cb).await;
    let items: Vec<u32> = f
        .client
        .count(5)
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(items, vec![1, 2, 3, 4, 5]);
    let mut failing = f.client.count(5000).await.unwrap();
    match failing.next().await {
        Some(Err(CallError::Service(CalcError::TooLong(1000)))) => {}
        other => panic!("expected TooLong, got {other:?}"),
    }
    assert!(failing.next().await.is_none());

    // A caller that does not ask for progress gets every item as one list.
    let r = f
        .caller
        .call("com.typed.calc.count")
        .args(&(3,))
        .await
        .unwrap();
    assert_eq!(r.value::<Vec<u32>>().unwrap(), vec![1, 2, 3]);

    // Dropping the stream cancels the call; the callee stops producing.
    let mut ticks = f.client.ticks(20).await.unwrap();
    for expected in 0..3u32 {
        let tick = tokio::time::timeout(Duration::from_secs(5), ticks.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!(tick, expected);
    }
    drop(ticks);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after_cancel = f.calc.ticks.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let later = f.calc.ticks.load(Ordering::SeqCst);
    assert_eq!(
        after_cancel, later,
        "the callee was interrupted: {after_cancel} ticks, then {later}"
    );
    assert!(
        after_cancel < 20,
        "{after_cancel} ticks before the cancel took effect"
    );
}

async fn patterns_shared_registrations_and_disclosure(cb: &Crossbar) {
    let f = fixture(cb).await;
    assert_eq!(
        f.client
            .any("com.typed.any.kitchen", "t".into())
            .await
            .unwrap(),
        "com.typed.any.kitchen:t"
    );
    assert_eq!(
        f.client.whoami().await.unwrap().as_deref(),
        Some(cred("ticket", "authid").as_str()),
        "disclose_caller gives the caller's authid"
    );

    // A second callee joins the round-robin registration of `worker`. Its other procedures are
    // single registrations already taken, so only `worker` can be shared: serve a service that
    // registers it alone.
    let second = anonymous(cb).await;
    let raw_second = second
        .register(
            "com.typed.calc.worker",
            |_inv: wamp_core::session::Invocation| async {
                Ok(wamp_core::Arguments::value(&"second")?)
            },
        )
        .invoke(wamp_core::session::InvokePolicy::RoundRobin)
        .await
        .unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..6 {
        seen.insert(f.client.worker().await.unwrap());
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        vec!["first".to_owned(), "second".to_owned()]
    );
    raw_second.unregister().await.unwrap();

    // A second whole service on the same URIs is refused, the error naming every procedure
    // refused (all but the shared `worker` and `describe`), and leaves nothing registered.
    let third = anonymous(cb).await;
    let e = Calc::named("third").serve(&third).await.unwrap_err();
    let refused: Vec<&str> = e.refused().iter().map(|r| r.procedure.as_str()).collect();
    let expected: Vec<&str> = CalculatorClient::PROCEDURES
        .iter()
        .copied()
        .filter(|p| *p != "com.typed.calc.worker")
        .collect();
    assert_eq!(refused, expected, "{e}");
    assert!(e
        .refused()
        .iter()
        .all(|r| r.error.uri == "wamp.error.procedure_already_exists"));
    assert!(
        e.to_string()
            .contains("com.typed.calc.echo_opt (wamp.error.procedure_already_exists)"),
        "{e}"
    );
    assert_eq!(f.client.worker().await.unwrap(), "first");
    assert_eq!(CalculatorClient::PROCEDURES.len(), 11);
    assert_eq!(
        CalculatorClient::TOPICS,
        &["com.typed.calc.computed", "com.typed.log"]
    );
}

/// Per-call options on a generated client's call: a timeout shorter or longer than the
/// method's, the cancel mode, `disclose_me`; the same on a progressive call.
async fn per_call_options(cb: &Crossbar) {
    let f = fixture(cb).await;
    let c = &f.client;
    // `sleep` times out after 300 ms by its `timeout_ms`; this call may take two seconds.
    c.sleep(450).timeout(Duration::from_secs(2)).await.unwrap();
    let short = c.sleep(400).timeout(Duration::from_millis(50)).await;
    assert!(matches!(short, Err(CallError::Timeout)), "{short:?}");
    assert_eq!(
        c.add(20, 22)
            .cancel_mode(wamp_core::message::CancelMode::Skip)
            .disclose_me()
            .await
            .unwrap(),
        42
    );
    let items: Vec<u32> = c
        .count(3)
        .timeout(Duration::from_secs(5))
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(items, [1, 2, 3]);
}

/// A second service for composing: its state is the implementation's own fields, shared with
/// every handler without any `Arc` in user code.
#[wamp_core::wamp_service(prefix = "com.typed.greeter")]
trait Greeter {
    /// Greets.
    async fn greet(&self, name: String) -> String;
}

struct Greetings {
    greeting: String,
}

impl Greeter for Greetings {
    async fn greet(&self, name: String) -> String {
        format!("{}, {name}", self.greeting)
    }
}

/// Several services on one session with one handle, and a part of a service: the rest is not
/// registered, its `describe` says only what is served, and dropping the handle unregisters
/// all of it.
async fn composed_services(cb: &Crossbar) {
    let callee = anonymous(cb).await;
    let caller = anonymous(cb).await;
    let missing = Calc::named("x")
        .service()
        .only(&["add", "nonexistent"])
        .serve(&callee)
        .await;
    assert!(
        matches!(&missing, Err(wamp_core::typed::ServeError::NoSuchMethod(m)) if m == &["nonexistent"]),
        "{missing:?}"
    );
    let bundle = Calc::named("part").service().only(&["add", "divide"]).and(
        Greetings {
            greeting: "hello".into(),
        }
        .service(),
    );
    let served: Vec<String> = bundle.procedures().map(str::to_owned).collect();
    assert_eq!(
        served,
        [
            "com.typed.calc.add",
            "com.typed.calc.divide",
            "com.typed.greeter.greet"
        ]
    );
    let handle = bundle.serve(&callee).await.unwrap();
    let calc = CalculatorClient::new(caller.clone());
    assert_eq!(calc.add(1, 2).await.unwrap(), 3);
    assert!(matches!(
        calc.nothing().await,
        Err(CallError::NoSuchProcedure(_))
    ));
    let greeter = GreeterClient::new(caller.clone());
    assert_eq!(greeter.greet("you".into()).await.unwrap(), "hello, you");
    let described: wamp_core::describe::Document = caller
        .call("com.typed.calc.describe")
        .await
        .unwrap()
        .value()
        .unwrap();
    let names: Vec<_> = described.services[0]
        .procedures
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["add", "divide"]);
    drop(handle);
    let gone = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Err(CallError::NoSuchProcedure(_)) = greeter.greet("x".into()).await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(
        gone.is_ok(),
        "dropping the handle unregisters every service"
    );
}

mod embedded {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn composed_services() {
        super::composed_services(&router().await.endpoints).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn per_call_options() {
        super::per_call_options(&router().await.endpoints).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn typed_uri_captures() {
        super::captures::typed_captures(&router().await.endpoints).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn middleware_callee_layers() {
        super::middleware::callee_layers(&router().await.endpoints).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn middleware_caller_layers() {
        super::middleware::caller_layers(&router().await.endpoints).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn middleware_event_layers() {
        super::middleware::event_layers(&router().await.endpoints).await;
    }

    async fn router() -> Routed {
        trace();
        wamp_tests::target(Target::Embedded).await.unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn typed_calls_and_errors() {
        super::typed_calls_and_errors(&router().await.endpoints).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn other_failures_are_distinct() {
        super::other_failures_are_distinct(&router().await.endpoints).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn progressive_streams_and_cancel_on_drop() {
        super::progressive_streams_and_cancel_on_drop(&router().await.endpoints).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn patterns_shared_registrations_and_disclosure() {
        super::patterns_shared_registrations_and_disclosure(&router().await.endpoints).await;
    }
}

mod crossbar {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_check() {
        super::trace();
        let Some(routed) = wamp_tests::target(wamp_tests::Target::Crossbar).await else {
            return;
        };
        let cb = &routed.endpoints;
        super::typed_calls_and_errors(cb).await;
        super::other_failures_are_distinct(cb).await;
        super::progressive_streams_and_cancel_on_drop(cb).await;
        super::patterns_shared_registrations_and_disclosure(cb).await;
        super::per_call_options(cb).await;
        super::composed_services(cb).await;
        super::middleware::callee_layers(cb).await;
        super::middleware::caller_layers(cb).await;
        super::middleware::event_layers(cb).await;
        super::captures::typed_captures(cb).await;
    }
}
