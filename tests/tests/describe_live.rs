//! Descriptions served live: a service registered through the generated glue answers
//! `<prefix>.describe` with its document, and `wamp-codegen fetch` reads it back; through the
//! embedded router and through Crossbar, which must also accept the `_description` and
//! `_interface` REGISTER options (implementation-specific keys by the spec's rule).
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

mod embedded {
    use super::*;

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
