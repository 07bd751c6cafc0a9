//! The generated Rust clients against live services through the embedded router: the service
//! is `wamp_tests::typed::Calc` (the original trait), the caller uses only the generated module
//! (its own `CalculatorClient`, `Point`, `CalcError`, `Computed`); the generated meta API
//! client talks to the router itself. Also: a generated client describes itself the way the
//! original does, with no breaking difference.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use futures::StreamExt as _;
use wamp_core::typed::{CallError, ServiceClient};
use wamp_generated_client::session_meta::session_meta::SessionMetaClient;
use wamp_generated_client::typed_calc::calculator::{CalcError, CalculatorClient, Computed, Point};
use wamp_tests::typed::{Calc, Calculator as _};
use wamp_tests::{anonymous, within, Target};

#[tokio::test]
async fn generated_client_calls_the_live_service() {
    within(async {
        let routed = wamp_tests::target(Target::Embedded).await.unwrap();
        let cb = &routed.endpoints;
        let callee = anonymous(cb).await;
        let _service = Calc::named("live").serve(&callee).await.unwrap();
        let caller = anonymous(cb).await;
        let client = CalculatorClient::new(caller.clone());

        assert_eq!(client.add(20, 22).await.unwrap(), 42);
        assert_eq!(client.divide(7, 2).await.unwrap(), 3);
        assert_eq!(client.norm(Point { x: 3.0, y: 4.0 }).await.unwrap(), 5.0);
        assert_eq!(client.echo(None).await.unwrap(), None);
        assert_eq!(
            client.echo(Some("hi".into())).await.unwrap(),
            Some("hi".into())
        );
        assert_eq!(
            client.any("com.typed.any.thing", "t".into()).await.unwrap(),
            "com.typed.any.thing:t"
        );
        client.nothing().await.unwrap();

        // Typed errors decode into the generated error type, payload included.
        match client.divide(9, 0).await {
            Err(CallError::Service(CalcError::DivideByZero { dividend: 9 })) => {}
            other => panic!("expected DivideByZero, got {other:?}"),
        }
        match client.add(i64::MAX, 1).await {
            Err(CallError::Service(CalcError::Overflow)) => {}
            other => panic!("expected Overflow, got {other:?}"),
        }
        // The timeout the description carries is applied by the generated client.
        assert!(matches!(client.sleep(2_000).await, Err(CallError::Timeout)));

        // Progressive results arrive one by one; a typed error ends the stream.
        let items: Vec<u32> = client
            .count(4)
            .await
            .unwrap()
            .map(|item| item.unwrap())
            .collect()
            .await;
        assert_eq!(items, vec![1, 2, 3, 4]);
        let mut too_long = client.count(5_000).await.unwrap();
        match too_long.next().await {
            Some(Err(CallError::Service(CalcError::TooLong(1000)))) => {}
            other => panic!("expected TooLong, got {other:?}"),
        }

        // Events published with the original type arrive as the generated one.
        let mut events = caller.subscribe_event::<Computed>().await.unwrap();
        callee
            .publish_event(&wamp_tests::typed::Computed { a: 1, b: 2, sum: 3 })
            .await
            .unwrap();
        let event = events.next().await.unwrap().unwrap();
        assert_eq!(event, Computed { a: 1, b: 2, sum: 3 });

        // The generated meta API client talks to the router.
        let meta = SessionMetaClient::new(caller.clone());
        assert!(meta.count(None).await.unwrap() >= 2);
    })
    .await;
}

#[test]
fn a_generated_client_describes_the_same_interface() {
    use wamp_core::describe::Document;
    let original = Document::new(vec![wamp_tests::typed::CalculatorClient::description()]);
    let generated = Document::new(vec![CalculatorClient::description()]);
    let report = wamp_codegen::diff::diff(&original, &generated);
    assert!(!report.is_breaking(), "{report}");
}
