//! The typed layer's remaining corners at run time, through the embedded router: every
//! `CallError` kind produced and matched, the per-method `cancel` mode on the wire, one
//! `#[wamp(kwarg)]` parameter on the wire, and the handler counters of a handler set.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use wamp_core::message::{keys, Feature, Message, Role};
use wamp_core::session::Invocation;
use wamp_core::typed::CallError;
use wamp_core::{subscribe, wamp_service, Arguments, Value, WampError};
use wamp_router::Router;
use wamp_tests::raw::{Raw, Via};
use wamp_tests::typed::{CalcError, CalculatorClient, Computed};
use wamp_tests::{trace, within};

async fn router() -> Router {
    trace();
    Router::builder().realm("realm1").start().await.unwrap()
}

/// A raw callee of `com.typed.calc.add` answering with `answer`.
async fn add_answering(
    router: &Router,
    answer: fn() -> Result<Arguments, WampError>,
) -> wamp_core::Session {
    let callee = router.connect("realm1").await.unwrap();
    callee
        .register("com.typed.calc.add", move |_: Invocation| async move {
            answer()
        })
        .await
        .unwrap()
        .keep();
    callee
}

#[tokio::test]
async fn every_call_error_kind_is_produced_and_matched() {
    let router = router().await;
    let calc = CalculatorClient::new(router.connect("realm1").await.unwrap());

    // Service: a declared error URI decodes into the service's own type.
    let callee = add_answering(&router, || Err(WampError::new("com.typed.error.overflow"))).await;
    assert!(matches!(
        calc.add(1, 2).await,
        Err(CallError::Service(CalcError::Overflow))
    ));
    drop(callee);

    // UnknownError: a URI the error type does not declare.
    let callee = add_answering(&router, || Err(WampError::new("com.other.error.strange"))).await;
    match calc.add(1, 2).await {
        Err(CallError::UnknownError(e)) => assert_eq!(e.uri, "com.other.error.strange"),
        other => panic!("expected UnknownError, got {other:?}"),
    }
    drop(callee);

    // InvalidArgument: the callee refused the arguments.
    let callee = add_answering(&router, || {
        Err(WampError::with_message("wamp.error.invalid_argument", "no"))
    })
    .await;
    match calc.add(1, 2).await {
        Err(CallError::InvalidArgument(e)) => assert_eq!(e.uri, "wamp.error.invalid_argument"),
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
    drop(callee);

    // Decode: a result that is not the declared type.
    let callee = add_answering(&router, || Ok(Arguments::value(&"forty-two").unwrap())).await;
    assert!(
        matches!(calc.add(1, 2).await, Err(CallError::Decode(_))),
        "a string for an i64"
    );
    drop(callee);

    // Canceled: the callee leaves while the call runs; the dealer answers `canceled`.
    let leaving = router.connect("realm1").await.unwrap();
    leaving
        .register("com.typed.calc.add", |_: Invocation| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(Arguments::default())
        })
        .await
        .unwrap()
        .keep();
    let pending = tokio::spawn({
        let calc = calc.clone();
        async move { calc.add(1, 2).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    leaving.leave().await;
    assert!(matches!(
        within(pending).await.unwrap(),
        Err(CallError::Canceled)
    ));

    // NoSuchProcedure: nobody serves it now.
    assert!(matches!(
        calc.add(1, 2).await,
        Err(CallError::NoSuchProcedure(_))
    ));
}

/// Three methods, one per cancel mode.
#[wamp_service(prefix = "com.cancel")]
pub trait Cancels {
    /// Cancels with `skip`.
    #[wamp(cancel = "skip")]
    async fn skip(&self);
    /// Cancels with `kill`.
    #[wamp(cancel = "kill")]
    async fn kill(&self);
    /// Cancels with `killnowait`.
    #[wamp(cancel = "killnowait")]
    async fn killnowait(&self);
}

/// The `cancel` attribute decides the CANCEL a typed client sends when its call is dropped:
/// seen by a raw callee as no INTERRUPT (skip) or an INTERRUPT with that mode.
#[tokio::test]
async fn the_per_method_cancel_mode_is_what_the_callee_is_interrupted_with() {
    let router = router().await;
    let mut callee = Raw::join(
        &router,
        Via::Memory,
        &[(Role::Callee, &[Feature::CallCanceling])],
    )
    .await;
    for p in [
        "com.cancel.skip",
        "com.cancel.kill",
        "com.cancel.killnowait",
    ] {
        callee.registered(p).await;
    }
    let client = CancelsClient::new(router.connect("realm1").await.unwrap());
    let cases: [(&str, Option<&str>); 3] = [
        ("skip", None),
        ("kill", Some("kill")),
        ("killnowait", Some("killnowait")),
    ];
    for (method, interrupt) in cases {
        let call = tokio::spawn({
            let client = client.clone();
            async move {
                match method {
                    "skip" => client.skip().await,
                    "kill" => client.kill().await,
                    _ => client.killnowait().await,
                }
            }
        });
        let inv = callee.invocation().await;
        call.abort(); // dropping the call's future cancels it
        let _ = call.await;
        match (interrupt, callee.recv().await) {
            (None, None) => {}
            (Some(mode), Some(Message::Interrupt(i))) => {
                assert_eq!(i.request, inv.request);
                assert_eq!(
                    i.options.get(keys::MODE),
                    Some(&Value::from(mode)),
                    "{method}"
                );
            }
            (want, got) => panic!("{method}: expected INTERRUPT {want:?}, got {got:?}"),
        }
        callee.yield_(inv.request, Default::default()).await;
    }
}

/// One parameter by keyword.
#[wamp_service(prefix = "com.kwarg")]
pub trait Rename {
    /// `id` by position, `name` by keyword.
    async fn rename(&self, id: u64, #[wamp(kwarg)] name: String) -> String;
}

#[tokio::test]
async fn one_kwarg_parameter_travels_by_name() {
    let router = router().await;
    let mut callee = Raw::join(&router, Via::Memory, &[(Role::Callee, &[])]).await;
    callee.registered("com.kwarg.rename").await;
    let client = RenameClient::new(router.connect("realm1").await.unwrap());
    let call = tokio::spawn(async move { client.rename(7, "Ada".into()).await });
    let inv = callee.invocation().await;
    let args = inv.payload.arguments().unwrap();
    assert_eq!(args.args, vec![Value::from(7)]);
    assert_eq!(args.kwargs.get("name"), Some(&Value::from("Ada")));
    callee
        .send(Message::Yield(wamp_core::message::Yield {
            request: inv.request,
            options: Default::default(),
            payload: Arguments::value(&"renamed").unwrap().into(),
        }))
        .await;
    assert_eq!(within(call).await.unwrap().unwrap(), "renamed");
}

static SEEN: AtomicU64 = AtomicU64::new(0);

/// Fails on odd sums.
#[subscribe]
async fn picky(event: Computed) -> Result<(), String> {
    SEEN.fetch_add(1, Ordering::Relaxed);
    // Slow enough that a flood overflows the subscriber's buffer of one.
    tokio::time::sleep(Duration::from_millis(1)).await;
    if event.sum % 2 == 1 {
        return Err(format!("odd sum {}", event.sum));
    }
    Ok(())
}

/// The counters of a handler set: handler failures, undecodable events, and events dropped
/// because a handler did not keep up.
#[tokio::test]
async fn a_handler_sets_counters_count_failures_undecodable_and_lagged_events() {
    let router = router().await;
    let subscriber = wamp_core::Client::new("memory://", "realm1")
        .event_buffer(1)
        .dial({
            let router = router.clone();
            move || {
                let router = router.clone();
                async move { Ok(Box::new(router.local_transport()) as _) }
            }
        })
        .connect()
        .await
        .unwrap();
    let set = subscriber.subscribe_handlers(picky).await.unwrap();
    let publisher = router.connect("realm1").await.unwrap();
    // One at a time, each handled before the next (the buffer holds one).
    async fn until(what: &str, done: impl Fn() -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while !done() {
            assert!(tokio::time::Instant::now() < deadline, "{what} within 5 s");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    for (n, (a, b)) in [(1, 1), (1, 2)].into_iter().enumerate() {
        publisher
            .publish_event(&Computed { a, b, sum: a + b })
            .acknowledge()
            .await
            .unwrap();
        until("the event handled", || {
            SEEN.load(Ordering::Relaxed) > n as u64
        })
        .await;
    }
    // Not a Computed: counted as undecodable.
    publisher
        .publish("com.typed.calc.computed")
        .args(&("nonsense",))
        .acknowledge()
        .await
        .unwrap();
    until("the undecodable event counted", || set.undecodable() == 1).await;
    assert_eq!(SEEN.load(Ordering::Relaxed), 2);
    assert_eq!(set.failed(), 1, "the odd sum failed");
    assert_eq!(set.undecodable(), 1);
    assert_eq!(set.lagged(), 0);
    // A flood into a buffer of one: the handler set reports what it dropped, never silently.
    for i in 0..200 {
        publisher
            .publish_event(&Computed {
                a: i,
                b: i,
                sum: 2 * i,
            })
            .await
            .unwrap();
    }
    until("every event handled or counted as dropped", || {
        SEEN.load(Ordering::Relaxed) - 2 + set.lagged() >= 200
    })
    .await;
    let seen = SEEN.load(Ordering::Relaxed) - 2;
    println!(
        "flood of 200: {seen} handled, {} reported lagged",
        set.lagged()
    );
    assert_eq!(
        seen + set.lagged(),
        200,
        "every event handled or counted as dropped"
    );
    assert!(
        set.lagged() > 0,
        "a buffer of one cannot have kept the flood"
    );
}
