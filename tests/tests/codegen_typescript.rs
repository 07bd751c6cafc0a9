//! The generated TypeScript client: generated from the committed `com.typed.calc` description,
//! compiled with `tsc --strict` next to `interop/ts/calc_main.ts`, and run by node (autobahn-js)
//! against the Rust service through the embedded router. Needs the npm folder that
//! `scripts/install-peers.sh` fills (autobahn, ws, typescript); under the README's test command
//! a missing one is a failure.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::process::Command;

use serde_json::json;
use wamp_tests::typed::{Calc, Calculator as _};
use wamp_tests::{anonymous, missing_peer, within, Target};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typescript_client_compiles_strict_and_calls_the_rust_service() {
    let node_modules = wamp_tests::peer::node_path();
    let tsc = node_modules.join(".bin/tsc");
    if !tsc.exists() || !node_modules.join("autobahn").exists() {
        missing_peer(&format!(
            "{} (typescript, autobahn)",
            node_modules.display()
        ));
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    let document =
        wamp_codegen::read_document(root.join("interfaces/com.typed.calc.json")).unwrap();
    std::fs::write(
        dir.path().join("calc.ts"),
        wamp_codegen::typescript::generate(&document),
    )
    .unwrap();
    std::fs::copy(
        root.join("interop/ts/calc_main.ts"),
        dir.path().join("calc_main.ts"),
    )
    .unwrap();
    let tsconfig = json!({
        "compilerOptions": {
            "strict": true,
            "noUnusedLocals": true,
            "noImplicitReturns": true,
            "target": "es2020",
            "module": "commonjs",
            "types": [],
            "outDir": "out"
        },
        "files": ["calc.ts", "calc_main.ts"]
    });
    std::fs::write(dir.path().join("tsconfig.json"), tsconfig.to_string()).unwrap();
    let compiled = Command::new(&tsc)
        .arg("-p")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        compiled.status.success(),
        "tsc --strict failed:\n{}{}",
        String::from_utf8_lossy(&compiled.stdout),
        String::from_utf8_lossy(&compiled.stderr)
    );

    within(async {
        let routed = wamp_tests::target(Target::Embedded).await.unwrap();
        let cb = &routed.endpoints;
        let callee = anonymous(cb).await;
        let _service = Calc::named("ts").serve(&callee).await.unwrap();
        let output = tokio::process::Command::new("node")
            .arg(dir.path().join("out/calc_main.js"))
            .arg(&cb.ws)
            .arg(&cb.realm)
            .env("NODE_PATH", &node_modules)
            .output()
            .await
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let line = stdout
            .lines()
            .find_map(|l| l.strip_prefix("RESULT "))
            .unwrap_or_else(|| panic!("node said:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr)));
        let result: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(
            result,
            json!({
                "add": 5,
                "divide": 3,
                "norm": 5,
                "echoNone": null,
                "echoSome": "hi",
                "any": "com.typed.any.ts:t",
                "seen": [1, 2, 3],
                "counted": [1, 2, 3],
                "collected": [1, 2],
                "error": {"uri": "com.typed.error.divide_by_zero", "name": "DivideByZero", "dividend": 9},
                "undeclared": {"uri": "wamp.error.no_such_procedure", "declared": false},
                "event": {"a": 40, "b": 2, "sum": 42}
            })
        );
    })
    .await;
}
