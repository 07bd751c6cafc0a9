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
use wamp_core::typed::CallError;
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

/// Every serde enum representation, as generated types, sent to the original service (which
/// decodes them into its own types) and read back equal.
#[tokio::test]
async fn generated_types_round_trip_every_enum_representation() {
    use std::collections::BTreeMap;
    use wamp_generated_client::shapes::shapes::{
        Adjacent, Bundle, External, Internal, Member, ShapesClient, Untagged,
    };
    use wamp_tests::shapes::{Echo, Shapes as _};
    within(async {
        let routed = wamp_tests::target(Target::Embedded).await.unwrap();
        let cb = &routed.endpoints;
        let callee = anonymous(cb).await;
        let _service = Echo.serve(&callee).await.unwrap();
        let client = ShapesClient::new(anonymous(cb).await);

        for v in [
            External::Empty,
            External::Circle(1.5),
            External::Line(-1, 2),
            External::Rect { w: 3, h: 4 },
        ] {
            assert_eq!(client.external(v.clone()).await.unwrap(), v);
        }
        let bob = Member {
            name: "bob".into(),
            moderator: true,
        };
        for v in [
            Internal::Ping,
            Internal::Message {
                from: "ann".into(),
                text: "hi".into(),
            },
            Internal::Joined(bob.clone()),
        ] {
            assert_eq!(client.internal(v.clone()).await.unwrap(), v);
        }
        let adjacent = vec![
            Adjacent::Idle,
            Adjacent::Count(7),
            Adjacent::Pair("x".into(), false),
            Adjacent::Named { label: "l".into() },
        ];
        for v in &adjacent {
            assert_eq!(client.adjacent(v.clone()).await.unwrap(), *v);
        }
        for v in [
            Untagged::Integer(5),
            Untagged::Text("five".into()),
            Untagged::Object { x: 1, y: -1 },
            Untagged::List(vec![true, false]),
        ] {
            assert_eq!(client.untagged(v.clone()).await.unwrap(), v);
        }
        let bundle = Bundle {
            external: External::Circle(2.0),
            internal: Some(Internal::Ping),
            adjacent,
            untagged: BTreeMap::from([
                ("n".to_owned(), Untagged::Integer(1)),
                ("s".to_owned(), Untagged::Text("s".into())),
            ]),
            owner: bob,
        };
        assert_eq!(client.bundle(bundle.clone()).await.unwrap(), bundle);
        // URI captures: the generated client fills in the URI the original callee reads.
        assert_eq!(
            client
                .shelved("top".into(), 3, Some("jam".into()))
                .await
                .unwrap(),
            "top/3/jam"
        );
    })
    .await;
}

/// The generated shapes client describes exactly the original interface: no change at all,
/// so every representation survives generation.
#[test]
fn generated_shapes_describe_the_same_interface() {
    use wamp_core::describe::Document;
    let original = Document::new(vec![wamp_tests::shapes::ShapesClient::description()]);
    let generated = Document::new(vec![
        wamp_generated_client::shapes::shapes::ShapesClient::description(),
    ]);
    let report = wamp_codegen::diff::diff(&original, &generated);
    assert!(report.changes.is_empty(), "{report}");
}

/// A generated client of a service under loose URIs (`com.legacy.getUser`) compiles (the
/// generator writes `uri_check = "loose"` where a URI needs it) and calls the live service.
#[tokio::test]
async fn a_generated_client_calls_a_service_under_loose_uris() {
    use wamp_generated_client::legacy::legacy::LegacyClient;
    use wamp_tests::legacy::{Legacy as _, Users};
    within(async {
        let routed = wamp_tests::target(Target::Embedded).await.unwrap();
        let cb = &routed.endpoints;
        let callee = anonymous(cb).await;
        let _service = Users.serve(&callee).await.unwrap();
        let client = LegacyClient::new(anonymous(cb).await);
        assert_eq!(client.get_user(7).await.unwrap(), "user-7");
    })
    .await;
}
