//! The `wamp-router` binary: on SIGTERM and on SIGINT it shuts down gracefully (the call in
//! flight finishes, its session gets GOODBYE `wamp.close.system_shutdown`) and exits 0; with
//! `--log-format json` its log lines are JSON, one per session joined and ended; on SIGHUP it
//! reloads the principals and roles of its configuration file.
#![cfg(all(unix, feature = "config"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};
use wamp_core::message::uris;
use wamp_core::session::Invocation;
use wamp_core::{Arguments, Client, CloseReason};

/// Starts the binary on a free loopback port with `extra` arguments; answers it and its
/// WebSocket URL. Its log lines are piped when `logs`.
async fn start(extra: &[&str], logs: bool) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wamp-router"))
        .args(["--ws", "127.0.0.1:0", "--tcp", "none", "--drain-ms", "3000"])
        .args(extra)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(if logs { Stdio::piped() } else { Stdio::null() })
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

/// Sends `signal` (`TERM`, `INT`) to the process.
fn kill(child: &Child, signal: &str) {
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &pid])
        .status()
        .unwrap();
    assert!(killed.success());
}

async fn signal_drains_then_exits(signal: &str) {
    let (mut child, url) = start(&[], false).await;
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
    kill(&child, signal);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_say_who_joined_and_how_they_left() {
    let (mut child, url) = start(&["--log-format", "json"], true).await;
    let session = Client::new(&url, "realm1").connect().await.unwrap();
    let id = session.id();
    session.leave().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    kill(&child, "TERM");
    let mut stderr = child.stderr.take().unwrap();
    let mut text = String::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        tokio::io::AsyncReadExt::read_to_string(&mut stderr, &mut text),
    )
    .await
    .unwrap()
    .unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let of = |message: &str| {
        lines
            .iter()
            .find(|l| l["fields"]["message"] == message && l["fields"]["session"] == id)
            .unwrap_or_else(|| panic!("no {message:?} line for session {id} in {text}"))
    };
    let joined = &of("session joined")["fields"];
    assert_eq!(joined["realm"], "realm1");
    assert_eq!(joined["authrole"], "anonymous");
    assert_eq!(joined["authmethod"], "anonymous");
    // Our client asks for MessagePack first.
    assert_eq!(joined["transport"], "websocket wamp.2.msgpack");
    assert!(joined["authid"].is_string(), "{joined}");
    let ended = &of("session ended")["fields"];
    let left = format!("GOODBYE {} from the client", uris::CLOSE_REALM);
    assert_eq!(ended["reason"], left.as_str());
    assert_eq!(ended["authid"], joined["authid"]);
    assert!(child.wait().await.unwrap().success());
}

/// The configuration file of the reload test, with these ticket principals.
fn principals_file(principals: &[(&str, &str)]) -> String {
    let mut text = String::from(
        "[[listener]]\nprotocol = \"websocket\"\naddress = \"127.0.0.1:0\"\n\n\
         [[realm]]\nname = \"realm1\"\n\n\
         [[realm.role]]\nname = \"user\"\n\
         permissions = [{ uri = \"com.\", match = \"prefix\", call = true, register = true }]\n",
    );
    for (authid, ticket) in principals {
        text.push_str(&format!(
            "\n[[realm.ticket]]\nauthid = \"{authid}\"\nticket = \"{ticket}\"\nrole = \"user\"\n"
        ));
    }
    text
}

#[tokio::test]
async fn sighup_reloads_principals_and_keeps_the_sessions_still_admitted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("router.toml");
    std::fs::write(&path, principals_file(&[("alice", "a"), ("bob", "b")])).unwrap();
    let (child, url) = start(&["--config", path.to_str().unwrap()], false).await;
    let join = |authid: &str, ticket: &str| {
        Client::new(&url, "realm1")
            .authid(authid)
            .ticket(ticket)
            .connect()
    };
    let alice = join("alice", "a").await.unwrap();
    let echo = |inv: Invocation| async move { Ok::<_, wamp_core::WampError>(inv.arguments) };
    alice.register("com.alice.echo", echo).await.unwrap().keep();
    let bob = join("bob", "b").await.unwrap();
    assert!(
        join("carol", "c").await.is_err(),
        "carol is no principal yet"
    );

    // bob leaves the file, carol comes in; a file that does not parse changes nothing.
    std::fs::write(&path, "this is [not toml").unwrap();
    kill(&child, "HUP");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!bob.is_closed(), "a broken file reloads nothing");
    std::fs::write(&path, principals_file(&[("alice", "a"), ("carol", "c")])).unwrap();
    kill(&child, "HUP");
    let closed = tokio::time::timeout(Duration::from_secs(10), bob.closed())
        .await
        .expect("bob's session ends");
    match closed {
        CloseReason::Goodbye { reason, .. } => assert_eq!(reason, uris::KILLED),
        other => panic!("bob's session ended otherwise: {other:?}"),
    }
    // alice is still admitted: her session goes on, registration and all.
    assert!(!alice.is_closed());
    let back: String = alice
        .call("com.alice.echo")
        .args(&("still here",))
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(back, "still here");
    let carol = join("carol", "c").await.unwrap();
    assert_eq!(carol.info().authid.as_deref(), Some("carol"));
    assert!(
        join("bob", "b").await.is_err(),
        "bob is no principal any more"
    );
    kill(&child, "TERM");
}
