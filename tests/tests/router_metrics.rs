//! The router's OpenMetrics endpoint: what it counts, read over HTTP from the listener, and a
//! real Prometheus server (Debian's `prometheus`, installed by `scripts/install-peers.sh`)
//! scraping a running router and answering a query with the counts this test produced.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;
use std::time::Duration;

use futures::{SinkExt as _, StreamExt as _};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use wamp_core::message::{self, uris, Hello, Message, Role, Subscribe};
use wamp_core::session::Invocation;
use wamp_core::{Arguments, Client, Dict, Session, Value, WampError};
use wamp_router::auth::TicketAuth;
use wamp_router::authorization::Role as RouterRole;
use wamp_router::{Listener, Protocol, RealmConfig, Router};
use wamp_tests::{trace, within};

/// A router with an open realm, a ticket realm, and a WebSocket listener serving `/metrics`.
async fn router() -> Router {
    trace();
    let secure = RealmConfig::new("secure")
        .authenticator(TicketAuth::new().principal("alice", "s3cret", "user"))
        .role(RouterRole::trusted("user"));
    Router::builder()
        .realm("realm1")
        .realm_config(secure)
        .listener(Listener::websocket("127.0.0.1:0").metrics())
        .outbound_queue(8)
        .start()
        .await
        .unwrap()
}

/// `com.app.add` answers the sum, `com.app.fail` the error `com.app.error.nope`.
async fn callee(router: &Router) -> Session {
    let callee = router.connect("realm1").await.unwrap();
    let add = |inv: Invocation| async move {
        let (a, b): (i64, i64) = inv.args()?;
        Ok(Arguments::value(&(a + b))?)
    };
    let fail = |_inv: Invocation| async { Err(WampError::new("com.app.error.nope")) };
    callee.register("com.app.add", add).await.unwrap().keep();
    callee.register("com.app.fail", fail).await.unwrap().keep();
    callee
}

/// `adds` calls that succeed and `fails` that fail, over WebSocket.
async fn calls(router: &Router, adds: i64, fails: usize) -> Session {
    let url = router.url(Protocol::WebSocket).unwrap().to_owned();
    let caller = Client::new(url, "realm1").connect().await.unwrap();
    for n in 0..adds {
        let sum: i64 = caller
            .call("com.app.add")
            .args(&(n, 1))
            .await
            .unwrap()
            .value()
            .unwrap();
        assert_eq!(sum, n + 1);
    }
    for _ in 0..fails {
        let refused = caller.call("com.app.fail").await.unwrap_err();
        assert!(
            refused.to_string().contains("com.app.error.nope"),
            "{refused}"
        );
    }
    caller
}

/// A plain HTTP/1.0 GET; answers the head and the body.
async fn get(addr: &str, path: &str) -> (String, String) {
    try_get(addr, path).await.expect("an HTTP answer")
}

/// As [`get`]; `None` when nothing answers (yet).
async fn try_get(addr: &str, path: &str) -> Option<(String, String)> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    let request = format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await.ok()?;
    let reply = String::from_utf8(reply).ok()?;
    let (head, body) = reply.split_once("\r\n\r\n")?;
    Some((head.to_owned(), body.to_owned()))
}

fn host(router: &Router) -> String {
    router
        .url(Protocol::WebSocket)
        .unwrap()
        .trim_start_matches("ws://")
        .trim_end_matches('/')
        .to_owned()
}

/// The value of the sample named exactly `series` (name and labels) in OpenMetrics text.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .map(|v| v.trim().parse().unwrap())
}

/// A session over an in-process connection that subscribes to `com.app.flood`, then never
/// reads again.
async fn silent_subscriber(router: &Router) -> impl Sized {
    let mut raw = router.local_transport();
    let roles = message::role_features(Role::Subscriber, &[]);
    let mut details = Dict::new();
    details.insert(
        "roles".into(),
        Value::Map(vec![(Value::Text("subscriber".into()), roles)]),
    );
    let hello = Hello {
        realm: "realm1".into(),
        details,
    };
    raw.send(Message::Hello(hello)).await.unwrap();
    assert!(matches!(raw.next().await, Some(Ok(Message::Welcome(_)))));
    let subscribe = Subscribe {
        request: 1,
        options: Dict::new(),
        topic: "com.app.flood".into(),
    };
    raw.send(Message::Subscribe(subscribe)).await.unwrap();
    assert!(matches!(raw.next().await, Some(Ok(Message::Subscribed(_)))));
    raw
}

#[tokio::test]
async fn the_endpoint_counts_sessions_calls_errors_refusals_and_slow_consumers() {
    let router = router().await;
    let _callee = callee(&router).await;
    let caller = calls(&router, 7, 3).await;
    let missing = caller.call("com.app.missing").await.unwrap_err();
    assert!(missing.to_string().contains(uris::NO_SUCH_PROCEDURE));
    // Two refused joins on the ticket realm, and one on a realm that does not exist (which is
    // no label: its name came from the client).
    let url = router.url(Protocol::WebSocket).unwrap().to_owned();
    for _ in 0..2 {
        let wrong = Client::new(url.clone(), "secure")
            .authid("alice")
            .ticket("wrong");
        assert!(wrong.connect().await.is_err());
    }
    assert!(Client::new(url, "nowhere").connect().await.is_err());
    // A subscriber that stops reading while events keep coming is cut off.
    let _silent = silent_subscriber(&router).await;
    let publisher = router.connect("realm1").await.unwrap();
    within(async {
        while router.stats("realm1").unwrap().sessions == 4 {
            publisher
                .publish("com.app.flood")
                .args(&("x".repeat(1024),))
                .acknowledge()
                .await
                .unwrap();
        }
    })
    .await;

    let (head, text) = get(&host(&router), "/metrics").await;
    println!("{text}");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.contains("Content-Type: application/openmetrics-text; version=1.0.0"),
        "{head}"
    );
    assert!(
        text.ends_with("# EOF\n"),
        "OpenMetrics text ends with # EOF"
    );
    let add = r#"{realm="realm1",procedure="com.app.add"}"#;
    assert_eq!(sample(&text, &format!("wamp_calls_total{add}")), Some(7.0));
    assert_eq!(
        sample(&text, &format!("wamp_call_duration_seconds_count{add}")),
        Some(7.0)
    );
    assert_eq!(
        sample(
            &text,
            r#"wamp_call_errors_total{realm="realm1",procedure="com.app.fail",error="com.app.error.nope"}"#
        ),
        Some(3.0)
    );
    assert_eq!(
        sample(
            &text,
            r#"wamp_call_errors_total{realm="realm1",procedure="com.app.missing",error="wamp.error.no_such_procedure"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            r#"wamp_auth_failures_total{realm="secure",reason="wamp.error.authentication_failed"}"#
        ),
        Some(2.0)
    );
    assert!(!text.contains("nowhere"), "an unknown realm is no label");
    assert_eq!(
        sample(&text, r#"wamp_slow_consumers_total{realm="realm1"}"#),
        Some(1.0)
    );
    // callee, caller and publisher remain.
    assert_eq!(sample(&text, r#"wamp_sessions{realm="realm1"}"#), Some(3.0));
    assert_eq!(
        sample(&text, r#"wamp_registrations{realm="realm1"}"#),
        Some(2.0)
    );
    assert_eq!(sample(&text, r#"wamp_sessions{realm="secure"}"#), Some(0.0));
    let calls_received = sample(&text, r#"wamp_messages_received_total{type="CALL"}"#).unwrap();
    assert_eq!(calls_received, 11.0, "7 + 3 + 1 CALLs");
    let results_sent = sample(&text, r#"wamp_messages_sent_total{type="RESULT"}"#).unwrap();
    assert_eq!(results_sent, 7.0);
    // The same text in process; other paths are not found; the WAMP endpoint still works.
    assert!(router
        .metrics()
        .unwrap()
        .contains(&format!("wamp_calls_total{add} 7")));
    let (head, _) = get(&host(&router), "/other").await;
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");
    calls(&router, 1, 0).await;
}

#[tokio::test]
async fn metrics_are_off_unless_asked_and_need_http() {
    let plain = Router::builder().realm("realm1").start().await.unwrap();
    assert_eq!(plain.metrics(), None);
    let counted = Router::builder()
        .realm("realm1")
        .metrics()
        .start()
        .await
        .unwrap();
    assert!(counted
        .metrics()
        .unwrap()
        .contains("wamp_sessions{realm=\"realm1\"} 0"));
    let raw = Router::builder()
        .realm("realm1")
        .listener(Listener::rawsocket("127.0.0.1:0").metrics())
        .start()
        .await;
    assert!(raw
        .unwrap_err()
        .to_string()
        .contains("no WebSocket listener"));
}

/// Debian's Prometheus server: `WAMP_PEERS_PROMETHEUS`, else `prometheus` on the `PATH`.
fn prometheus_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("WAMP_PEERS_PROMETHEUS") {
        return PathBuf::from(path);
    }
    let found = std::process::Command::new("sh")
        .args(["-c", "command -v prometheus"])
        .output()
        .expect("sh runs");
    let path = String::from_utf8_lossy(&found.stdout).trim().to_owned();
    assert!(
        !path.is_empty(),
        "the Prometheus scrape test needs Debian's prometheus: run scripts/install-peers.sh \
         (it installs it) or apt-get install prometheus"
    );
    PathBuf::from(path)
}

fn free_port() -> u16 {
    let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    socket.local_addr().unwrap().port()
}

/// The value of the one series a Prometheus instant query answers, once it answers one.
async fn query(prometheus: &str, promql: &str) -> Option<String> {
    let path = format!("/api/v1/query?query={}", percent_encode(promql));
    let (head, body) = try_get(prometheus, &path).await?;
    if !head.starts_with("HTTP/1.1 200") && !head.starts_with("HTTP/1.0 200") {
        return None;
    }
    let answer: serde_json::Value = serde_json::from_str(&body).ok()?;
    let result = answer.pointer("/data/result")?.as_array()?;
    Some(result.first()?.pointer("/value/1")?.as_str()?.to_owned())
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn a_real_prometheus_scrapes_the_router_and_its_queries_see_the_calls() {
    let router = router().await;
    let _callee = callee(&router).await;
    let _caller = calls(&router, 5, 2).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("prometheus.yml");
    let target = host(&router);
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: wamp-router\n    \
             metrics_path: /metrics\n    static_configs:\n      - targets: ['{target}']\n"
        ),
    )
    .unwrap();
    let web = format!("127.0.0.1:{}", free_port());
    let log = std::fs::File::create(dir.path().join("prometheus.log")).unwrap();
    let mut server = tokio::process::Command::new(prometheus_binary())
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.path().join("data").display()
        ))
        .arg(format!("--web.listen-address={web}"))
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .expect("prometheus starts");
    let calls = r#"wamp_calls_total{procedure="com.app.add",job="wamp-router"}"#;
    let errors = r#"wamp_call_errors_total{procedure="com.app.fail",error="com.app.error.nope"}"#;
    let seen = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            if let (Some(calls), Some(errors)) =
                (query(&web, calls).await, query(&web, errors).await)
            {
                return (calls, errors);
            }
            if let Ok(Some(status)) = server.try_wait() {
                panic!("prometheus exited: {status}");
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    })
    .await;
    let log = std::fs::read_to_string(dir.path().join("prometheus.log")).unwrap_or_default();
    let (calls, errors) = seen.unwrap_or_else(|_| panic!("no scrape answered in 60 s:\n{log}"));
    assert_eq!((calls.as_str(), errors.as_str()), ("5", "2"));
    let up = query(&web, r#"up{job="wamp-router"}"#).await;
    assert_eq!(up.as_deref(), Some("1"), "the scrape target is up");
    server.kill().await.unwrap();
}
