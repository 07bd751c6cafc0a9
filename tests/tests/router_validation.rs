//! Payload validation on `wamp-router`: CALL arguments and PUBLISH payloads are checked against
//! the JSON Schemas of the registered services' descriptions, for our client and for
//! autobahn-python alike; a realm opts in, or a registration alone (REGISTER `_validate`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::Duration;

use serde_json::json;
use wamp_core::describe::{Document, REGISTER_INTERFACE_OPTION};
use wamp_core::session::Invocation;
use wamp_core::{Arguments, Client, Error, Session};
use wamp_router::{Listener, Protocol, RealmConfig, Router, REGISTER_VALIDATE_OPTION};
use wamp_tests::typed::{Calc, Calculator as _, CalculatorClient, Computed};
use wamp_tests::{trace, Peer, PeerKind};

async fn router(realm: RealmConfig) -> Router {
    trace();
    Router::builder()
        .realm_config(realm)
        .listener(Listener::websocket("127.0.0.1:0"))
        .start()
        .await
        .unwrap()
}

async fn session(router: &Router) -> Session {
    let url = router.url(Protocol::WebSocket).unwrap();
    Client::new(url, "realm1").connect().await.unwrap()
}

/// The error URI and message of a refused call.
fn refusal(e: Error) -> (String, String) {
    let e = e.wamp().cloned().unwrap_or_else(|| panic!("not an ERROR"));
    let message = match e.args.first() {
        Some(wamp_core::Value::Text(t)) => t.clone(),
        _ => String::new(),
    };
    (e.uri, message)
}

#[tokio::test]
async fn a_validating_realm_refuses_calls_and_publications_that_break_the_description() {
    let router = router(RealmConfig::anonymous("realm1").validate_payloads()).await;
    let callee = session(&router).await;
    let _service = Calc::named("validated").serve(&callee).await.unwrap();
    let caller = session(&router).await;

    // The first call fetches the description; it is checked like every later one.
    let (uri, message) = refusal(
        caller
            .call("com.typed.calc.add")
            .args(&("two", 3))
            .await
            .unwrap_err(),
    );
    assert_eq!(uri, "wamp.error.invalid_argument");
    assert!(message.starts_with("args/0:"), "{message}");
    let (_, message) = refusal(
        caller
            .call("com.typed.calc.add")
            .args(&(1, 2, 3))
            .await
            .unwrap_err(),
    );
    assert!(message.starts_with("args:"), "too many: {message}");
    let (_, message) = refusal(
        caller
            .call("com.typed.calc.divide")
            .kwargs(&json!({"dividend": "x", "divisor": 2}))
            .await
            .unwrap_err(),
    );
    assert!(message.starts_with("kwargs/dividend:"), "{message}");
    let (_, message) = refusal(
        caller
            .call("com.typed.calc.norm")
            .kwargs(&json!({"x": 3.0}))
            .await
            .unwrap_err(),
    );
    assert!(message.contains("\"y\""), "a required field: {message}");
    // What the description allows goes through, positional or by name.
    let calc = CalculatorClient::new(caller.clone());
    assert_eq!(calc.add(2, 3).await.unwrap(), 5);
    assert_eq!(calc.divide(7, 2).await.unwrap(), 3);
    let sum: i64 = caller
        .call("com.typed.calc.add")
        .kwargs(&json!({"a": 1, "b": 2}))
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(sum, 3);
    // A procedure no description names is not checked.
    let free = |inv: Invocation| async move { Ok(inv.arguments) };
    callee.register("com.free.echo", free).await.unwrap().keep();
    caller
        .call("com.free.echo")
        .args(&("anything", 1))
        .await
        .unwrap();

    // Publications: refused when acknowledged, dropped otherwise; good ones are delivered.
    let subscriber = session(&router).await;
    let mut events = subscriber.subscribe_event::<Computed>().await.unwrap();
    let bad = json!({"a": "one", "b": 2, "sum": 3});
    let (uri, message) = refusal(
        caller
            .publish("com.typed.calc.computed")
            .kwargs(&bad)
            .acknowledge()
            .await
            .unwrap_err(),
    );
    assert_eq!(uri, "wamp.error.invalid_argument");
    assert!(message.starts_with("kwargs/a:"), "{message}");
    caller
        .publish("com.typed.calc.computed")
        .kwargs(&bad)
        .await
        .unwrap();
    let good = Computed { a: 1, b: 2, sum: 3 };
    caller.publish_event(&good).acknowledge().await.unwrap();
    let first = tokio::time::timeout(
        Duration::from_secs(5),
        futures::StreamExt::next(&mut events),
    )
    .await
    .unwrap()
    .unwrap()
    .unwrap();
    assert_eq!(first, good, "the refused events were not delivered");
}

#[tokio::test]
async fn autobahn_python_gets_the_same_refusals() {
    let router = router(RealmConfig::anonymous("realm1").validate_payloads()).await;
    let callee = session(&router).await;
    let _service = Calc::named("validated").serve(&callee).await.unwrap();
    let url = router.url(Protocol::WebSocket).unwrap().to_owned();
    let Some(mut peer) = Peer::spawn(
        PeerKind::Python,
        "invalid_caller",
        &url,
        "json",
        "realm1",
        "com.typed.calc",
        1,
    ) else {
        return;
    };
    let result = peer.expect("RESULT").await;
    for key in ["add", "divide", "computed"] {
        assert_eq!(
            result[key]["uri"], "wamp.error.invalid_argument",
            "{key}: {result}"
        );
    }
    assert!(result["add"]["args"][0]
        .as_str()
        .unwrap()
        .starts_with("args/0:"));
    assert_eq!(result["good"], 5);
    peer.finish().await;
}

#[tokio::test]
async fn one_registration_can_ask_for_validation_alone() {
    let router = router(RealmConfig::anonymous("realm1")).await;
    let callee = session(&router).await;
    // A hand-written callee that names the calculator's description: `add` asks for
    // validation, `divide` does not.
    let document = Document::new(vec![CalculatorClient::description()]);
    let describe = move |_inv: Invocation| {
        let document = document.clone();
        async move { Ok(Arguments::value(&document)?) }
    };
    let interface = "com.typed.calc.describe";
    let echo = |inv: Invocation| async move { Ok(inv.arguments) };
    callee
        .register(interface, describe)
        .option(REGISTER_INTERFACE_OPTION, interface)
        .await
        .unwrap()
        .keep();
    callee
        .register("com.typed.calc.add", echo)
        .option(REGISTER_INTERFACE_OPTION, interface)
        .option(REGISTER_VALIDATE_OPTION, true)
        .await
        .unwrap()
        .keep();
    callee
        .register("com.typed.calc.divide", echo)
        .option(REGISTER_INTERFACE_OPTION, interface)
        .await
        .unwrap()
        .keep();
    let caller = session(&router).await;
    let (uri, _) = refusal(
        caller
            .call("com.typed.calc.add")
            .args(&("two", 3))
            .await
            .unwrap_err(),
    );
    assert_eq!(uri, "wamp.error.invalid_argument");
    caller
        .call("com.typed.calc.divide")
        .args(&("not", "checked"))
        .await
        .unwrap();
}
