//! The router's administrative surface, seen from raw clients where the order of messages is
//! the point: killing sessions by authid, authrole or all, removing a subscriber, a
//! user-written authenticator, shutdown (at once, and gracefully: calls in flight drain, new
//! ones are refused, reconnecting clients move to the next router), and the dealer's three
//! cancel modes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use futures::future::BoxFuture;
use std::future::IntoFuture as _;
use std::time::Duration;
use wamp_core::message::{self, keys, uris, CancelMode, Feature, Message, Role};

use wamp_core::session::{Invocation, ReconnectPolicy, Registration};
use wamp_core::{Arguments, Client, CloseReason, Dict, Error, Value};
use wamp_router::auth::{AuthDenied, Authenticator, HelloInfo, Identity, Step};
use wamp_router::authorization::Role as RouterRole;
use wamp_router::{RealmConfig, Router};
use wamp_tests::raw::{opts, Raw, Via};
use wamp_tests::{trace, within};

/// A ticket method that accepts the authid reversed, and gives the role its authid names after
/// `as-` (`alice` -> role `user`; `as-admin` -> role `admin`).
struct Reversed;

impl Authenticator for Reversed {
    fn method(&self) -> &str {
        "ticket"
    }

    fn begin<'a>(&'a self, hello: &'a HelloInfo) -> BoxFuture<'a, Result<Step, AuthDenied>> {
        let authid = hello.authid.clone();
        Box::pin(async move {
            let authid = authid.ok_or_else(|| AuthDenied::failed("an authid is required"))?;
            Ok(Step::challenge(Dict::new(), move |response| async move {
                if response.signature.chars().rev().collect::<String>() != authid {
                    return Err(AuthDenied::failed("wrong ticket"));
                }
                let role = authid.strip_prefix("as-").unwrap_or("user").to_owned();
                Ok(Identity::new(authid, role).provider("reversed"))
            }))
        })
    }
}

async fn router() -> Router {
    trace();
    let realm = RealmConfig::new("realm1")
        .authenticator(Reversed)
        .role(RouterRole::trusted("user"))
        .role(RouterRole::trusted("admin"));
    Router::builder()
        .realm_config(realm)
        .listener(wamp_router::Listener::websocket("127.0.0.1:0"))
        .start()
        .await
        .unwrap()
}

async fn join(router: &Router, authid: &str) -> wamp_core::Session {
    let url = router.url(wamp_router::Protocol::WebSocket).unwrap();
    let ticket: String = authid.chars().rev().collect();
    Client::new(url, "realm1")
        .authid(authid)
        .ticket(ticket)
        .connect()
        .await
        .unwrap()
}

async fn closed(session: &wamp_core::Session) -> CloseReason {
    within(session.closed()).await
}

fn goodbye_reason(reason: &CloseReason) -> &str {
    match reason {
        CloseReason::Goodbye { reason, .. } => reason,
        other => panic!("expected GOODBYE, got {other:?}"),
    }
}

#[tokio::test]
async fn a_user_written_authenticator_decides_who_joins_and_as_what() {
    let router = router().await;
    let alice = join(&router, "alice").await;
    assert_eq!(alice.info().authrole.as_deref(), Some("user"));
    assert_eq!(alice.info().authprovider.as_deref(), Some("reversed"));
    let admin = join(&router, "as-admin").await;
    assert_eq!(admin.info().authrole.as_deref(), Some("admin"));
    let url = router.url(wamp_router::Protocol::WebSocket).unwrap();
    let refused = Client::new(url, "realm1")
        .authid("carol")
        .ticket("carol")
        .connect()
        .await
        .unwrap_err();
    match refused {
        Error::Refused { reason, .. } => assert_eq!(reason, uris::AUTHENTICATION_FAILED),
        other => panic!("expected a refusal, got {other}"),
    }
}

#[tokio::test]
async fn sessions_are_killed_by_authid_by_authrole_and_all_but_the_caller() {
    let router = router().await;
    let admin = join(&router, "as-admin").await;
    let alice = join(&router, "alice").await;
    let alice2 = join(&router, "alice").await;
    let bob = join(&router, "bob").await;
    let other_admin = join(&router, "as-admin").await;

    // By authid: both of alice's sessions, with the reason given; answers their IDs.
    let killed: Vec<u64> = admin
        .call("wamp.session.kill_by_authid")
        .args(&("alice",))
        .kwargs(&serde_json::json!({"reason": "com.example.kicked", "message": "bye"}))
        .await
        .unwrap()
        .value()
        .unwrap();
    let mut expected = vec![alice.id(), alice2.id()];
    expected.sort_unstable();
    let mut killed = killed;
    killed.sort_unstable();
    assert_eq!(killed, expected);
    for s in [&alice, &alice2] {
        let reason = closed(s).await;
        assert_eq!(goodbye_reason(&reason), "com.example.kicked");
    }
    assert!(!bob.is_closed());

    // By authrole: answers the count; the caller itself (an admin) is spared.
    let count: u64 = admin
        .call("wamp.session.kill_by_authrole")
        .args(&("admin",))
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(count, 1);
    assert_eq!(goodbye_reason(&closed(&other_admin).await), uris::KILLED);
    assert!(!admin.is_closed());

    // All: everyone but the caller.
    let count: u64 = admin
        .call("wamp.session.kill_all")
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(count, 1);
    assert_eq!(goodbye_reason(&closed(&bob).await), uris::KILLED);
    assert!(!admin.is_closed());
    let sessions: u64 = admin
        .call("wamp.session.count")
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(sessions, 1);
}

#[tokio::test]
async fn a_removed_subscriber_is_told_and_gets_no_more_events() {
    let router = router().await;
    let admin = join(&router, "as-admin").await;
    let alice = join(&router, "alice").await;
    let mut events = alice.subscribe("com.news").await.unwrap();
    let subscription: u64 = admin
        .call("wamp.subscription.lookup")
        .args(&("com.news",))
        .await
        .unwrap()
        .value()
        .unwrap();
    admin
        .call("wamp.subscription.remove_subscriber")
        .args(&(subscription, alice.id()))
        .kwargs(&serde_json::json!({"reason": "com.example.enough"}))
        .await
        .unwrap();
    use futures::StreamExt as _;
    match within(events.next()).await {
        Some(Err(wamp_core::session::SubscriptionError::Revoked { reason })) => {
            assert_eq!(reason, "com.example.enough");
        }
        other => panic!("expected the revocation, got {other:?}"),
    }
    // Removing it again: no such subscriber.
    let again = admin
        .call("wamp.subscription.remove_subscriber")
        .args(&(subscription, alice.id()))
        .await
        .unwrap_err();
    assert_eq!(again.uri(), Some(uris::NO_SUCH_SUBSCRIPTION));
}

#[tokio::test]
async fn shutdown_says_goodbye_system_shutdown_to_every_session() {
    let router = router().await;
    let sessions = [
        join(&router, "alice").await,
        join(&router, "bob").await,
        join(&router, "as-admin").await,
    ];
    router.shutdown();
    for s in &sessions {
        let reason = closed(s).await;
        assert_eq!(goodbye_reason(&reason), uris::SYSTEM_SHUTDOWN);
        assert!(matches!(
            reason,
            CloseReason::Goodbye {
                by_router: true,
                ..
            }
        ));
    }
}

/// A router on a fixed WebSocket address (again after the previous one on it is gone).
async fn anonymous_router(address: &str) -> Router {
    for _ in 0..100 {
        let started = Router::builder()
            .realm("realm1")
            .listener(wamp_router::Listener::websocket(address))
            .start()
            .await;
        if let Ok(router) = started {
            return router;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{address} stayed busy");
}

/// Registers `uri`, answering `"done"` after `ms` milliseconds.
async fn slow_procedure(session: &wamp_core::Session, uri: &str, ms: u64) -> Registration {
    session
        .register(uri, move |_inv: Invocation| async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Ok(Arguments::value(&"done")?)
        })
        .await
        .unwrap()
}

/// A graceful shutdown: the call in flight finishes, a new call is refused with
/// `wamp_rs.error.shutting_down`, new connections are refused, then every session gets GOODBYE
/// `wamp.close.system_shutdown`; a client with a reconnect policy joins the next router on the
/// same address, registrations and all. A call longer than the drain time fails at its caller
/// with the GOODBYE that closed its session (or `wamp.error.canceled` when its callee's session
/// was closed first).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_drains_calls_refuses_new_ones_and_clients_move_on() {
    trace();
    let first = anonymous_router("127.0.0.1:0").await;
    let url = first
        .url(wamp_router::Protocol::WebSocket)
        .unwrap()
        .to_owned();
    let address = url
        .trim_start_matches("ws://")
        .trim_end_matches('/')
        .to_owned();
    let callee = Client::new(&url, "realm1").connect().await.unwrap();
    let _slow = slow_procedure(&callee, "com.slow", 400).await;
    let caller = Client::new(&url, "realm1").connect().await.unwrap();
    let policy = ReconnectPolicy::default()
        .initial_delay(Duration::from_millis(50))
        .max_delay(Duration::from_millis(200))
        .request_wait(Duration::from_secs(10));
    let mover = Client::new(&url, "realm1")
        .reconnect(policy)
        .connect()
        .await
        .unwrap();
    let _ping = slow_procedure(&mover, "com.mover.ping", 0).await;

    let in_flight = tokio::spawn({
        let caller = caller.clone();
        async move { caller.call("com.slow").await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let shutdown = tokio::spawn({
        let first = first.clone();
        async move { first.shutdown_gracefully(Duration::from_secs(5)).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let refused = caller.call("com.slow").await.unwrap_err();
    assert_eq!(refused.uri(), Some(uris::SHUTTING_DOWN), "{refused:?}");
    assert!(
        Client::new(&url, "realm1").connect().await.is_err(),
        "no new connection while shutting down"
    );
    let done: String = within(in_flight).await.unwrap().unwrap().value().unwrap();
    assert_eq!(done, "done", "the call in flight finished");
    let report = within(shutdown).await.unwrap();
    assert_eq!(report.abandoned_calls, 0);
    assert_eq!(report.lingering_sessions, 0, "{report:?}");
    assert_eq!(
        goodbye_reason(&closed(&caller).await),
        uris::SYSTEM_SHUTDOWN
    );
    drop(first);

    // The next router on the same address: the reconnecting client is back, registered.
    let second = anonymous_router(&address).await;
    let check = Client::new(&url, "realm1").connect().await.unwrap();
    let moved = within(async {
        loop {
            match check.call("com.mover.ping").await {
                Ok(answer) => break answer,
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    })
    .await;
    assert_eq!(moved.value::<String>().unwrap(), "done");

    // A call longer than the drain time: its caller is disconnected, with a clear error.
    let callee = Client::new(&url, "realm1").connect().await.unwrap();
    let _long = slow_procedure(&callee, "com.long", 5_000).await;
    let in_flight = tokio::spawn({
        let check = check.clone();
        async move { check.call("com.long").await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let report = within(second.shutdown_gracefully(Duration::from_millis(200))).await;
    assert_eq!(report.abandoned_calls, 1);
    // The caller learns why: the router said GOODBYE system_shutdown with its call in flight,
    // or, when the router closed the callee's session first, the dealer canceled the call
    // because its callee left (which of the two sessions is closed first is a race).
    match within(in_flight).await.unwrap().unwrap_err() {
        Error::SessionClosed(reason) => {
            assert_eq!(goodbye_reason(&reason), uris::SYSTEM_SHUTDOWN)
        }
        Error::Wamp(e) if e.uri == uris::CANCELED => {}
        other => panic!(
            "expected the session closed by the shutdown (or the call canceled), got {other:?}"
        ),
    }
    mover.leave().await;
}

/// A realm's session limit: one more HELLO is aborted with `wamp_rs.error.realm_full`; a
/// session leaving makes room.
#[tokio::test]
async fn a_full_realm_refuses_the_next_session_until_one_leaves() {
    trace();
    let router = Router::builder()
        .realm_config(RealmConfig::anonymous("realm1").max_sessions(2))
        .listener(wamp_router::Listener::websocket("127.0.0.1:0"))
        .start()
        .await
        .unwrap();
    let url = router.url(wamp_router::Protocol::WebSocket).unwrap();
    let first = Client::new(url, "realm1").connect().await.unwrap();
    let _second = Client::new(url, "realm1").connect().await.unwrap();
    match Client::new(url, "realm1").connect().await.unwrap_err() {
        Error::Refused { reason, .. } => assert_eq!(reason, uris::REALM_FULL),
        other => panic!("expected ABORT realm_full, got {other:?}"),
    }
    first.leave().await;
    within(async {
        while Client::new(url, "realm1").connect().await.is_err() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
}

/// Connections per client address: the third from 127.0.0.1 is refused (HTTP 503) while two
/// are open; one closing makes room.
#[tokio::test]
async fn connections_per_address_are_limited() {
    trace();
    let router = Router::builder()
        .realm("realm1")
        .listener(wamp_router::Listener::websocket("127.0.0.1:0").max_connections_per_ip(2))
        .start()
        .await
        .unwrap();
    let url = router.url(wamp_router::Protocol::WebSocket).unwrap();
    let first = Client::new(url, "realm1").connect().await.unwrap();
    let _second = Client::new(url, "realm1").connect().await.unwrap();
    assert!(Client::new(url, "realm1").connect().await.is_err());
    first.leave().await;
    within(async {
        while Client::new(url, "realm1").connect().await.is_err() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
}

/// A session over its message rate is paced, not refused: 60 calls at 50 a second with a burst
/// of 5 all succeed and take at least (60 - 5) / 50 s; another session on the same listener,
/// with its own budget, is answered while the flood is still being paced.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooding_session_is_paced_and_the_others_are_not() {
    trace();
    let router = Router::builder()
        .realm("realm1")
        .listener(
            wamp_router::Listener::websocket("127.0.0.1:0")
                .rate_limit(wamp_router::RateLimit::per_second(50).burst(5)),
        )
        .start()
        .await
        .unwrap();
    let url = router
        .url(wamp_router::Protocol::WebSocket)
        .unwrap()
        .to_owned();
    // The callee joins in process: no listener, no limit.
    let callee = router.connect("realm1").await.unwrap();
    let _echo = slow_procedure(&callee, "com.echo", 0).await;
    let flooder = Client::new(&url, "realm1").connect().await.unwrap();
    let other = Client::new(&url, "realm1").connect().await.unwrap();
    let started = std::time::Instant::now();
    let flood = tokio::spawn(async move {
        let calls = (0..60).map(|_| flooder.call("com.echo").into_future());
        futures::future::join_all(calls).await
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let answer: String = other.call("com.echo").await.unwrap().value().unwrap();
    assert_eq!(answer, "done");
    assert!(
        !flood.is_finished(),
        "the other session was answered during the flood"
    );
    let answers = within(flood).await.unwrap();
    assert!(answers.iter().all(Result::is_ok), "paced, never refused");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1_000),
        "60 messages at 50/s with a burst of 5 took {took:?}"
    );
}

/// Sends one HTTP request over TCP and answers the whole reply.
async fn http(address: &str, request: &str) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut reply = Vec::new();
    within(stream.read_to_end(&mut reply)).await.unwrap();
    String::from_utf8_lossy(&reply).into_owned()
}

/// One port serves a browser app and its WAMP endpoint: files under the directory (index.html
/// for `/`), 404 for what is missing or outside it, and WAMP sessions over the same port.
#[tokio::test]
async fn a_websocket_listener_serves_static_files_and_wamp_on_one_port() {
    trace();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<h1>app</h1>").unwrap();
    std::fs::create_dir(dir.path().join("js")).unwrap();
    std::fs::write(dir.path().join("js/app.js"), "console.log(1)").unwrap();
    let secret = dir.path().parent().unwrap().join("outside.txt");
    let router = Router::builder()
        .realm("realm1")
        .listener(wamp_router::Listener::websocket("127.0.0.1:0").static_files(dir.path()))
        .start()
        .await
        .unwrap();
    let url = router.url(wamp_router::Protocol::WebSocket).unwrap();
    let address = url.trim_start_matches("ws://").trim_end_matches('/');
    let get = |path: &str| format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n");
    let index = http(address, &get("/")).await;
    assert!(index.starts_with("HTTP/1.1 200 OK"), "{index}");
    assert!(
        index.contains("text/html") && index.ends_with("<h1>app</h1>"),
        "{index}"
    );
    let script = http(address, &get("/js/app.js?v=2")).await;
    assert!(script.contains("text/javascript") && script.ends_with("console.log(1)"));
    for path in [
        "/missing.html",
        "/../outside.txt",
        "/%2e%2e/outside.txt",
        &secret.display().to_string(),
    ] {
        let reply = http(address, &get(path)).await;
        assert!(reply.starts_with("HTTP/1.1 404"), "{path}: {reply}");
    }
    let post = http(
        address,
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
    )
    .await;
    assert!(post.starts_with("HTTP/1.1 405"), "{post}");
    // The WAMP endpoint on the same port.
    let session = Client::new(url, "realm1").connect().await.unwrap();
    let count: u64 = session
        .call("wamp.session.count")
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(count, 1);
}

const CALLER: &[(Role, &[Feature])] = &[(Role::Caller, &[Feature::CallCanceling])];
const CALLEE: &[(Role, &[Feature])] = &[(Role::Callee, &[Feature::CallCanceling])];

/// The three cancel modes, told apart by what each side sees and in which order.
#[tokio::test]
async fn skip_kill_and_killnowait_are_told_apart_by_ordering() {
    trace();
    let router = Router::builder().realm("realm1").start().await.unwrap();
    let mut callee = Raw::join(&router, Via::Memory, CALLEE).await;
    callee.registered("com.slow").await;
    let mut caller = Raw::join(&router, Via::Memory, CALLER).await;
    let cancel = |request, mode: CancelMode| {
        Message::Cancel(message::Cancel {
            request,
            options: opts(&[(keys::MODE, mode.name().into())]),
        })
    };

    // skip: the router itself answers the caller at once; the callee hears nothing and its late
    // answer goes nowhere.
    let call = caller.call("com.slow", Dict::new()).await;
    let inv = callee.invocation().await;
    caller.send(cancel(call, CancelMode::Skip)).await;
    assert!(
        matches!(caller.recv().await, Some(Message::Error(e)) if e.request == call && e.error == uris::CANCELED)
    );
    callee.silent().await;
    callee.yield_(inv.request, Dict::new()).await;
    caller.silent().await;

    // kill: INTERRUPT first; the caller waits for the callee, and gets the callee's answer.
    let call = caller.call("com.slow", Dict::new()).await;
    let inv = callee.invocation().await;
    caller.send(cancel(call, CancelMode::Kill)).await;
    assert!(matches!(callee.recv().await, Some(Message::Interrupt(i)) if i.request == inv.request));
    caller.silent().await;
    callee
        .send(Message::Error(message::Error {
            request_type: message::code::INVOCATION,
            request: inv.request,
            details: Dict::new(),
            error: "com.example.stopped".into(),
            payload: Arguments::default().into(),
        }))
        .await;
    assert!(
        matches!(caller.recv().await, Some(Message::Error(e)) if e.request == call && e.error == "com.example.stopped")
    );

    // killnowait: INTERRUPT and the caller's ERROR both at once; the callee's answer is dropped.
    let call = caller.call("com.slow", Dict::new()).await;
    let inv = callee.invocation().await;
    caller.send(cancel(call, CancelMode::KillNoWait)).await;
    assert!(
        matches!(caller.recv().await, Some(Message::Error(e)) if e.request == call && e.error == uris::CANCELED)
    );
    match callee.recv().await {
        Some(Message::Interrupt(i)) => {
            assert_eq!(i.request, inv.request);
            assert_eq!(i.options.get(keys::MODE), Some(&Value::from("killnowait")));
        }
        other => panic!("expected INTERRUPT, got {other:?}"),
    }
    callee.yield_(inv.request, Dict::new()).await;
    caller.silent().await;
}

/// Dropping the last handle of a router ends its sessions as `shutdown()` does, so that no
/// unreachable router keeps sessions alive beside a new one on the same address.
#[tokio::test]
async fn dropping_the_last_router_handle_ends_its_sessions() {
    trace();
    let router = Router::builder()
        .realm("realm1")
        .listener(wamp_router::Listener::websocket("127.0.0.1:0"))
        .start()
        .await
        .unwrap();
    let url = router
        .url(wamp_router::Protocol::WebSocket)
        .unwrap()
        .to_owned();
    let remote = Client::new(url, "realm1").connect().await.unwrap();
    let local = router.connect("realm1").await.unwrap();
    let clone = router.clone();
    drop(router);
    // A clone keeps it running.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(!remote.is_closed() && !local.is_closed());
    drop(clone);
    for s in [&remote, &local] {
        let reason = closed(s).await;
        assert_eq!(goodbye_reason(&reason), uris::SYSTEM_SHUTDOWN);
    }
}
