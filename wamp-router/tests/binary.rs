//! The `wamp-router` binary: on SIGTERM and on SIGINT it shuts down gracefully (the call in
//! flight finishes, its session gets GOODBYE `wamp.close.system_shutdown`) and exits 0.
#![cfg(all(unix, feature = "config"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};
use wamp_core::message::uris;
use wamp_core::session::Invocation;
use wamp_core::{Arguments, Client, CloseReason};

/// Starts the binary on a free loopback port; answers it and its WebSocket URL.
async fn start() -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wamp-router"))
        .args(["--ws", "127.0.0.1:0", "--tcp", "none", "--drain-ms", "3000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let url = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let line = lines
                .next_line()
                .await
                .unwrap()
                .expect("the router prints its URL");
            if let Some(url) = line.strip_prefix("listening on ") {
                return url.to_owned();
            }
        }
    })
    .await
    .expect("the router started");
    (child, url)
}

async fn signal_drains_then_exits(signal: &str) {
    let (mut child, url) = start().await;
    let callee = Client::new(&url, "realm1").connect().await.unwrap();
    let _reg = callee
        .register("com.slow", |_inv: Invocation| async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            Ok(Arguments::value(&"done")?)
        })
        .await
        .unwrap();
    let caller = Client::new(&url, "realm1").connect().await.unwrap();
    let in_flight = tokio::spawn({
        let caller = caller.clone();
        async move { caller.call("com.slow").await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let answer = tokio::time::timeout(Duration::from_secs(10), in_flight)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(answer.value::<String>().unwrap(), "done", "{signal}");
    let reason = tokio::time::timeout(Duration::from_secs(10), caller.closed())
        .await
        .unwrap();
    match reason {
        CloseReason::Goodbye { reason, .. } => assert_eq!(reason, uris::SYSTEM_SHUTDOWN),
        other => panic!("{signal}: expected GOODBYE, got {other:?}"),
    }
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{signal}: {status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_then_exits() {
    signal_drains_then_exits("TERM").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_drains_then_exits() {
    signal_drains_then_exits("INT").await;
}
