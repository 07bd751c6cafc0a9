//! Descriptions served live: a service registered through the generated glue answers
//! `<prefix>.describe` with its document, and `wamp-codegen fetch` reads it back; through the
//! embedded router and through Crossbar, which must also accept the `_description` and
//! `_interface` REGISTER options (implementation-specific keys by the spec's rule). Through
//! the embedded router, the spec's `wamp.reflection.*` procedures describe what is registered;
//! `wamp-codegen fetch --all` gets every described service of a realm through both.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use wamp_core::describe::Document;
use wamp_tests::typed::{Calc, Calculator as _, CalculatorClient};
use wamp_tests::{anonymous, Crossbar, Target};

/// Bounds a whole check; it runs `cargo run` for the command line, which may build it first.
async fn bounded(f: impl std::future::Future<Output = ()>) {
    tokio::time::timeout(std::time::Duration::from_secs(300), f)
        .await
        .expect("the check did not finish in 300 s");
}

async fn served_and_fetched(cb: &Crossbar) {
    let callee = anonymous(cb).await;
    // Registering succeeds with the custom options on every procedure.
    let service = Calc::named("described").serve(&callee).await.unwrap();
    let caller = anonymous(cb).await;
    let expected = Document::new(vec![CalculatorClient::description()]);

    // The raw call answers the document as args[0].
    let raw = caller.call("com.typed.calc.describe").await.unwrap();
    let json: serde_json::Value = raw.arguments.decode_value().unwrap();
    assert_eq!(Document::from_json_value(json).unwrap(), expected);
    // The library's fetch reads the same.
    let fetched = wamp_codegen::fetch::fetch(&caller, "com.typed.calc")
        .await
        .unwrap();
    assert_eq!(fetched, expected);
    // The procedures still work with the options attached.
    assert_eq!(
        CalculatorClient::new(caller.clone())
            .add(1, 2)
            .await
            .unwrap(),
        3
    );

    // The command line: `wamp-codegen fetch` prints the document, equal to the golden file.
    let output = tokio::process::Command::new(env!("CARGO"))
        .args(["run", "--quiet", "-p", "wamp-codegen", "--", "fetch"])
        .args([
            "--url",
            &cb.ws,
            "--realm",
            &cb.realm,
            "--service",
            "com.typed.calc",
        ])
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let golden = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../interfaces/com.typed.calc.json"),
    )
    .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), golden);

    // Every described service of the realm: through reflection (the embedded router) or the
    // registration meta API (Crossbar, which has no reflection). Other tests may have services
    // of their own on the shared realm: ours is among them.
    let all = wamp_codegen::fetch::fetch_all(&caller).await.unwrap();
    assert!(all.services.contains(&expected.services[0]), "{all:?}");
    let output = tokio::process::Command::new(env!("CARGO"))
        .args([
            "run",
            "--quiet",
            "-p",
            "wamp-codegen",
            "--",
            "fetch",
            "--all",
        ])
        .args(["--url", &cb.ws, "--realm", &cb.realm])
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = Document::from_json(&String::from_utf8_lossy(&output.stdout)).unwrap();
    assert!(printed.services.contains(&expected.services[0]));

    // A service that is gone answers no description: a clear error.
    service.unregister().await.unwrap();
    let e = wamp_codegen::fetch::fetch(&caller, "com.typed.calc")
        .await
        .unwrap_err();
    // The message names the call; the cause is the error's source (said once, not twice).
    assert!(e.to_string().contains("com.typed.calc.describe"), "{e}");
    let cause = std::error::Error::source(&e).unwrap().to_string();
    assert!(cause.contains("no_such_procedure"), "{cause}");
    assert!(!e.to_string().contains("no_such_procedure"), "{e}");
}

/// The spec's reflection procedures, answered by `wamp-router` from the descriptions of the
/// services registered now.
async fn reflected(cb: &Crossbar) {
    let caller = anonymous(cb).await;
    let features = caller.info().details.get("roles").cloned();
    let announced = format!("{features:?}");
    assert!(announced.contains("reflection"), "{announced}");
    let list = |procedure: &'static str| {
        let caller = caller.clone();
        async move {
            let result = caller.call(procedure).await.unwrap();
            result.value::<Vec<String>>().unwrap()
        }
    };
    assert!(list("wamp.reflection.procedure.list").await.is_empty());
    let callee = anonymous(cb).await;
    let service = Calc::named("reflected").serve(&callee).await.unwrap();
    let procedures = list("wamp.reflection.procedure.list").await;
    assert!(
        procedures.contains(&"com.typed.calc.add".to_owned()),
        "{procedures:?}"
    );
    assert!(procedures.windows(2).all(|w| w[0] < w[1]), "sorted");
    let topics = list("wamp.reflection.topic.list").await;
    assert!(
        topics.contains(&"com.typed.calc.computed".to_owned()),
        "{topics:?}"
    );
    let errors = list("wamp.reflection.error.list").await;
    assert!(
        errors.contains(&"com.typed.error.overflow".to_owned()),
        "{errors:?}"
    );

    let describe = |procedure: &'static str, uri: &'static str| {
        let caller = caller.clone();
        async move {
            let result = caller.call(procedure).args(&(uri,)).await?;
            Ok::<serde_json::Value, wamp_core::Error>(result.value().unwrap())
        }
    };
    let add = describe("wamp.reflection.procedure.describe", "com.typed.calc.add")
        .await
        .unwrap();
    let expected = CalculatorClient::description();
    assert_eq!(add["service"], expected.name.as_str());
    assert_eq!(add["interface"], "com.typed.calc.describe");
    let described = serde_json::to_value(expected.procedure("add").unwrap()).unwrap();
    assert_eq!(add["procedure"], described);
    let computed = describe("wamp.reflection.topic.describe", "com.typed.calc.computed")
        .await
        .unwrap();
    assert_eq!(computed["topic"]["uri"], "com.typed.calc.computed");
    assert!(computed["$defs"].is_object());
    let overflow = describe("wamp.reflection.error.describe", "com.typed.error.overflow")
        .await
        .unwrap();
    assert_eq!(overflow["error"]["uri"], "com.typed.error.overflow");
    let unknown = describe("wamp.reflection.procedure.describe", "com.typed.nothing")
        .await
        .unwrap_err();
    assert_eq!(unknown.wamp().unwrap().uri, "wamp.error.invalid_argument");

    // Gone with the service.
    service.unregister().await.unwrap();
    assert!(list("wamp.reflection.procedure.list").await.is_empty());
}

mod embedded {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reflection_describes_what_is_registered() {
        let routed = wamp_tests::target(Target::Embedded).await.unwrap();
        bounded(reflected(&routed.endpoints)).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn describe_is_served_and_fetched() {
        let routed = wamp_tests::target(Target::Embedded).await.unwrap();
        bounded(served_and_fetched(&routed.endpoints)).await;
    }
}

mod crossbar {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn describe_is_served_and_fetched() {
        let Some(routed) = wamp_tests::target(Target::Crossbar).await else {
            return;
        };
        bounded(served_and_fetched(&routed.endpoints)).await;
    }
}
