//! The generated TypeScript client in a web page: generated from `com.typed.calc`, type-checked
//! for the browser (`tsc --strict`, lib `dom`), bundled with autobahn-js by esbuild
//! (`interop/browser/bundle.sh`), served by `wamp-router` itself (static files) and run in
//! Debian's headless Chromium, driven by puppeteer-core (`interop/browser/drive.js`), against
//! the Rust typed calculator over WebSocket: results, 64-bit integers, progressive results, a
//! typed error, cancel, timeouts and a typed event. Needs chromium and the npm folder that
//! `scripts/install-peers.sh` fills; under the README's test command a missing one is a
//! failure.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::json;
use wamp_router::{Listener, RealmConfig, Router};
use wamp_tests::missing_peer;
use wamp_tests::typed::{Calc, Calculator as _};

/// Debian's chromium: `WAMP_PEERS_CHROMIUM`, else `chromium` on the `PATH`.
pub fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("WAMP_PEERS_CHROMIUM").filter(|p| !p.is_empty()) {
        return Some(path.into());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("chromium"))
            .find(|p| p.exists())
    })
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `program` and fails with what it said unless it succeeds.
fn run(program: &mut Command) -> String {
    let output = program.output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{program:?} failed:\n{said}");
    said
}

/// The page's folder: calc.html and calc_bundle.js, built from the generated client.
fn site(node_modules: &Path) -> tempfile::TempDir {
    let ts = root().join("interop/ts");
    let src = tempfile::tempdir().unwrap();
    let document =
        wamp_codegen::read_document(root().join("interfaces/com.typed.calc.json")).unwrap();
    std::fs::write(
        src.path().join("calc.ts"),
        wamp_codegen::typescript::generate(&document),
    )
    .unwrap();
    for file in ["calc_run.ts", "calc_browser.ts"] {
        std::fs::copy(ts.join(file), src.path().join(file)).unwrap();
    }
    // esbuild does not type-check: tsc does, for a browser (lib dom, no node types).
    let tsconfig = json!({
        "compilerOptions": {
            "strict": true, "noUnusedLocals": true, "noImplicitReturns": true,
            "target": "es2020", "module": "commonjs", "lib": ["es2020", "dom"],
            "types": [], "noEmit": true
        },
        "files": ["calc.ts", "calc_run.ts", "calc_browser.ts"]
    });
    std::fs::write(src.path().join("tsconfig.json"), tsconfig.to_string()).unwrap();
    run(Command::new(node_modules.join(".bin/tsc"))
        .arg("-p")
        .arg(src.path()));
    let site = tempfile::tempdir().unwrap();
    run(Command::new("bash")
        .arg(root().join("interop/browser/bundle.sh"))
        .arg(src.path())
        .arg(site.path().join("calc_bundle.js"))
        .env("WAMP_PEERS_NODE_PATH", node_modules));
    std::fs::copy(
        root().join("interop/browser/calc.html"),
        site.path().join("calc.html"),
    )
    .unwrap();
    site
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_generated_client_runs_in_headless_chromium_against_the_router() {
    let node_modules = wamp_tests::peer::node_path();
    let Some(chromium) = chromium() else {
        missing_peer("chromium (Debian's package)");
        return;
    };
    for package in ["esbuild", "puppeteer-core", "autobahn", "typescript"] {
        if !node_modules.join(package).exists() {
            missing_peer(&format!("{} ({package})", node_modules.display()));
            return;
        }
    }
    let site = site(&node_modules);
    let router = Router::builder()
        .realm_config(RealmConfig::anonymous("com.browser"))
        .listener(Listener::websocket("127.0.0.1:0").static_files(site.path()))
        .start()
        .await
        .unwrap();
    let ws = router.endpoints()[0].url.clone();
    let callee = wamp_core::Client::new(&ws, "com.browser")
        .connect()
        .await
        .unwrap();
    let calc = Calc::named("browser");
    let _service = calc.clone().serve(&callee).await.unwrap();
    let http = ws.replacen("ws://", "http://", 1);
    let page = format!("{http}calc.html?url={ws}&realm=com.browser");
    let driven = tokio::process::Command::new("node")
        .arg(root().join("interop/browser/drive.js"))
        .arg(&chromium)
        .arg(&page)
        .arg("30000")
        .env("NODE_PATH", &node_modules)
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(90), driven)
        .await
        .expect("the browser finishes within 90 s")
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .unwrap_or_else(|| {
            panic!(
                "the page said:\n{stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
    let result: serde_json::Value = serde_json::from_str(line).unwrap();
    // Both endless streams were canceled at the callee (by leaving the loop, by the signal).
    let ticks = calc.ticks.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(
        calc.ticks.load(Ordering::SeqCst),
        ticks,
        "ticks after the cancels"
    );
    assert_eq!(
        result,
        json!({
            "serializer": {
                "parsed": [0.12345678901234568, "12345678901234567890", "12345678901234567890n", "-9007199254740993n", 5],
                "text": "[18446744073709551615,7,\"x\"]"
            },
            "add": 5,
            "divide": 3,
            "big": "9007199254740994",
            "norm": 5,
            "echoNone": null,
            "echoSome": "hi",
            "any": "com.typed.any.ts:t",
            "seen": [1, 2, 3],
            "collected": [1, 2],
            "early": [0, 1],
            "aborted": "wamp.error.canceled",
            "abortedStream": "wamp.error.canceled",
            "timedOut": "wamp.error.timeout",
            "longer": "finished",
            "error": {"uri": "com.typed.error.divide_by_zero", "name": "DivideByZero", "dividend": 9},
            "undeclared": {"uri": "wamp.error.no_such_procedure", "declared": false},
            "event": {"a": 40, "b": 2, "sum": 42}
        })
    );
}
