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
    let Some(chromium) = wamp_tests::peer::chromium() else {
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
    let result = wamp_tests::peer::result_line("the page", &output);
    // Both endless streams were canceled at the callee (by leaving the loop, by the signal).
    let ticks = calc.ticks.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(
        calc.ticks.load(Ordering::SeqCst),
        ticks,
        "ticks after the cancels"
    );
    assert_eq!(result, wamp_tests::typed::calc_program_result());
}

/// One plain HTTP GET: the status line and the head.
async fn get(base: &str, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("ws://").trim_end_matches('/');
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    answer.split("\r\n\r\n").next().unwrap().to_owned()
}

/// The service explorer (`Listener::explorer`) in headless Chromium: `interop/browser/
/// explorer_check.js` asserts the page's DOM: joined, the sessions and registrations of the
/// realm listed, `com.typed.calc.add` called from its form (5), `divide` by zero shown as
/// the declared error, and an event of `com.typed.calc.computed` shown once subscribed. Its
/// screenshot goes to `$WAMP_EXPLORER_SCREENSHOT` when set (docs/explorer.png is one).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_explorer_browses_calls_and_listens_in_headless_chromium() {
    let node_modules = wamp_tests::peer::node_path();
    let Some(chromium) = wamp_tests::peer::chromium() else {
        missing_peer("chromium (Debian's package)");
        return;
    };
    if !node_modules.join("puppeteer-core").exists() {
        missing_peer(&format!("{} (puppeteer-core)", node_modules.display()));
        return;
    }
    let router = Router::builder()
        .realm_config(RealmConfig::anonymous("com.explorer"))
        .listener(Listener::websocket("127.0.0.1:0").explorer())
        .listener(Listener::websocket("127.0.0.1:0"))
        .start()
        .await
        .unwrap();
    let (ws, plain) = (
        router.endpoints()[0].url.clone(),
        router.endpoints()[1].url.clone(),
    );
    // The page is where it is asked for, and only there.
    let head = get(&ws, "/explorer?realm=com.explorer").await;
    assert!(head.starts_with("HTTP/1.1 308"), "{head}");
    assert!(
        head.contains("\r\nLocation: /explorer/?realm=com.explorer\r\n"),
        "{head}"
    );
    for (path, kind) in [
        ("/explorer/", "text/html"),
        ("/explorer/index.html", "text/html"),
        ("/explorer/wamp.js", "text/javascript"),
        ("/explorer/explorer.js", "text/javascript"),
        ("/explorer/explorer.css", "text/css"),
    ] {
        let head = get(&ws, path).await;
        assert!(head.starts_with("HTTP/1.1 200"), "{path}: {head}");
        assert!(
            head.contains(&format!("Content-Type: {kind}")),
            "{path}: {head}"
        );
    }
    assert!(get(&ws, "/explorer/other")
        .await
        .starts_with("HTTP/1.1 404"));
    // A WebSocket-only listener answers no plain GET: it closes the connection.
    assert_eq!(get(&plain, "/explorer/").await, "");

    let callee = wamp_core::Client::new(&ws, "com.explorer")
        .connect()
        .await
        .unwrap();
    let _service = Calc::named("explorer").serve(&callee).await.unwrap();
    let publishing =
        wamp_tests::typed::keep_publishing_computed(callee, Duration::from_millis(200));
    let shots = tempfile::tempdir().unwrap();
    let shot = std::env::var_os("WAMP_EXPLORER_SCREENSHOT")
        .map_or_else(|| shots.path().join("explorer.png"), PathBuf::from);
    let http = ws.replacen("ws://", "http://", 1);
    let checked = tokio::process::Command::new("node")
        .arg(root().join("interop/browser/explorer_check.js"))
        .arg(&chromium)
        .arg(format!("{http}explorer/?realm=com.explorer"))
        .arg(&shot)
        .env("NODE_PATH", &node_modules)
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(90), checked)
        .await
        .expect("the check finishes within 90 s")
        .unwrap();
    publishing.abort();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success() && said.lines().any(|l| l == "OK"),
        "{said}"
    );
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{} bytes",
        png.len()
    );
}
