//! The generated TypeScript clients: every committed golden compiles strictly; generated from
//! the committed `com.typed.calc` and
//! `com.typed.shapes` descriptions, compiled with `tsc --strict` next to
//! `interop/ts/calc_run.ts` and `interop/ts/calc_main.ts`, or `interop/ts/shapes_main.ts`, and
//! run by node (autobahn-js) against the Rust services through the embedded router. Needs the
//! npm folder that `scripts/install-peers.sh` fills (autobahn, ws, typescript); under the
//! README's test command a missing one is a failure.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;
use wamp_tests::shapes::{Echo, Shapes as _};
use wamp_tests::typed::{Calc, Calculator as _};
use wamp_tests::{anonymous, missing_peer, within, Crossbar as Endpoints, Target};

/// Generates `name.ts` from `interfaces/<description>.json`, compiles it strictly with
/// `interop/ts/<name>_run.ts` (when there is one) and `interop/ts/<name>_main.ts`, and gives
/// back the folder (`out/<name>_main.js` is the program); `None` when the npm peers are missing
/// (reported by `missing_peer`).
fn compile(description: &str, name: &str) -> Option<(tempfile::TempDir, PathBuf)> {
    let node_modules = wamp_tests::peer::node_path();
    let tsc = node_modules.join(".bin/tsc");
    if !tsc.exists() || !node_modules.join("autobahn").exists() {
        missing_peer(&format!(
            "{} (typescript, autobahn)",
            node_modules.display()
        ));
        return None;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    let document =
        wamp_codegen::read_document(root.join(format!("interfaces/{description}.json"))).unwrap();
    std::fs::write(
        dir.path().join(format!("{name}.ts")),
        wamp_codegen::typescript::generate(&document),
    )
    .unwrap();
    let mut files = vec![format!("{name}.ts")];
    // The calls themselves, when the program keeps them apart (`calc_run.ts`, shared with the
    // browser entry `calc_browser.ts`).
    let run = format!("{name}_run.ts");
    if root.join("interop/ts").join(&run).exists() {
        std::fs::copy(root.join("interop/ts").join(&run), dir.path().join(&run)).unwrap();
        files.push(run);
    }
    let main = format!("{name}_main.ts");
    std::fs::copy(root.join("interop/ts").join(&main), dir.path().join(&main)).unwrap();
    files.push(main);
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
        "files": files
    });
    tsc_strict(&tsc, dir.path(), &tsconfig);
    let program = dir.path().join(format!("out/{name}_main.js"));
    Some((dir, program))
}

/// Writes `tsconfig` into `dir` and compiles it, failing with tsc's words.
fn tsc_strict(tsc: &Path, dir: &Path, tsconfig: &serde_json::Value) {
    std::fs::write(dir.join("tsconfig.json"), tsconfig.to_string()).unwrap();
    let compiled = Command::new(tsc).arg("-p").arg(dir).output().unwrap();
    assert!(
        compiled.status.success(),
        "tsc --strict failed:\n{}{}",
        String::from_utf8_lossy(&compiled.stdout),
        String::from_utf8_lossy(&compiled.stderr)
    );
}

/// Every committed TypeScript golden (`interfaces/generated/*.ts`: the examples' services, the
/// meta API, the test services) compiles under `tsc --strict` with `noUnusedLocals`, as a
/// module of its own.
#[test]
fn every_generated_module_compiles_strict() {
    let node_modules = wamp_tests::peer::node_path();
    let tsc = node_modules.join(".bin/tsc");
    if !tsc.exists() {
        missing_peer(&format!("{} (typescript)", node_modules.display()));
        return;
    }
    let generated = Path::new(env!("CARGO_MANIFEST_DIR")).join("../interfaces/generated");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&generated)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ts"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "the goldens are missing: {files:?}");
    let tsconfig = json!({
        "compilerOptions": {
            "strict": true,
            "noUnusedLocals": true,
            "noImplicitReturns": true,
            "target": "es2020",
            "module": "commonjs",
            "types": [],
            "noEmit": true
        },
        "files": files
    });
    let dir = tempfile::tempdir().unwrap();
    tsc_strict(&tsc, dir.path(), &tsconfig);
}

/// Runs a compiled program against the router and gives back its `RESULT` line, parsed.
async fn run(program: &Path, cb: &Endpoints) -> serde_json::Value {
    let output = tokio::process::Command::new("node")
        .arg(program)
        .arg(&cb.ws)
        .arg(&cb.realm)
        .env("NODE_PATH", wamp_tests::peer::node_path())
        .output()
        .await
        .unwrap();
    wamp_tests::peer::result_line("node", &output)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typescript_client_compiles_strict_and_calls_the_rust_service() {
    let Some((_dir, program)) = compile("com.typed.calc", "calc") else {
        return;
    };
    within(async {
        let routed = wamp_tests::target(Target::Embedded).await.unwrap();
        let cb = &routed.endpoints;
        let callee = anonymous(cb).await;
        let calc = Calc::named("ts");
        let _service = calc.clone().serve(&callee).await.unwrap();
        let result = run(&program, cb).await;
        // Both endless streams were canceled at the callee (by leaving the loop, by the
        // signal): no tick is produced any more.
        let ticks = calc.ticks.load(std::sync::atomic::Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        assert_eq!(
            calc.ticks.load(std::sync::atomic::Ordering::SeqCst),
            ticks,
            "ticks after the cancels"
        );
        assert_eq!(result, wamp_tests::typed::calc_program_result());
    })
    .await;
}

/// Every serde enum representation, typed in TypeScript, sent to the Rust service and read
/// back equal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typescript_client_round_trips_every_enum_representation() {
    let Some((_dir, program)) = compile("com.typed.shapes", "shapes") else {
        return;
    };
    within(async {
        let routed = wamp_tests::target(Target::Embedded).await.unwrap();
        let cb = &routed.endpoints;
        let callee = anonymous(cb).await;
        let _service = Echo.serve(&callee).await.unwrap();
        let result = run(&program, cb).await;
        assert_eq!(result["same"], json!(true), "{result}");
        assert_eq!(result["texts"], json!(["-", "hi", "bob"]));
        assert_eq!(result["counts"], json!([0, 7, 0, 0]));
        assert_eq!(result["shelved"], json!("top/3/jam"));
        assert_eq!(
            result["puts"],
            json!([
                {"shelf": "top", "slot": 4, "label": "tea"},
                {"shelf": "low", "slot": 9, "label": "jam"},
            ])
        );
        assert_eq!(
            result["refused"],
            json!("capture `shelf`: \"a.b\" cannot be a URI component")
        );
    })
    .await;
}
