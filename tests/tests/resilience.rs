//! Faults on the connection, and what the client does about them.
//!
//! - The router (embedded, then a private Crossbar node) is stopped and started again while
//!   calls and events flow. Every registration (raw and typed) and subscription (stream and
//!   `#[event_handlers]`) is restored, every call ends in a result or a typed error within a bound,
//!   and no task panics. The measured recovery figures are printed as `RESILIENCE ...` lines.
//! - A TCP proxy on loopback cuts the connection in the middle of a RawSocket frame, freezes it
//!   (a peer that vanished without a close, found by the keepalive), or refuses connections (a
//!   router that is down) to test the waiting bound, giving up, and leaving while reconnecting.
//! - The limits: calls in flight, invocations running at once, message sizes, a slow subscriber
//!   and a slow progressive-call consumer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;
use std::future::IntoFuture as _;
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use tokio::sync::mpsc;
use wamp_core::session::{
    Invocation, ReconnectPolicy, RestoreReport, SessionEvent, SessionEvents, SessionState,
};
use wamp_core::typed::{CallError, EventDetails};
use wamp_core::{event_handlers, Arguments, Client, CloseReason, Error, Serializer, Session};
use wamp_router::{Listener, Router};
use wamp_tests::embedded::interop_realm;
use wamp_tests::proxy::{Mode, Proxy};
use wamp_tests::typed::{Calc, Calculator as _, CalculatorClient, Computed};
use wamp_tests::{cred, missing_peer, trace, within};

/// Prints a measured figure where the README's test command shows it (not captured).
fn report(line: &str) {
    let _ = writeln!(std::io::stderr(), "RESILIENCE {line}");
}

/// A policy that retries fast, for tests.
fn fast() -> ReconnectPolicy {
    ReconnectPolicy::default()
        .initial_delay(Duration::from_millis(50))
        .max_delay(Duration::from_millis(500))
        .request_wait(Duration::from_secs(10))
}

/// Waits (at most `limit`) for the next event matching `want`.
async fn wait_event<T>(
    events: &mut SessionEvents,
    limit: Duration,
    mut want: impl FnMut(&SessionEvent) -> Option<T>,
) -> T {
    tokio::time::timeout(limit, async {
        loop {
            let event = events.recv().await.expect("the session's events go on");
            if let Some(found) = want(&event) {
                return found;
            }
        }
    })
    .await
    .expect("the awaited session event came in time")
}

fn restored(event: &SessionEvent) -> Option<RestoreReport> {
    match event {
        SessionEvent::Restored(report) => Some(report.clone()),
        _ => None,
    }
}

/// Waits until the state watch satisfies `want`.
async fn wait_state(session: &Session, want: impl Fn(&SessionState) -> bool) -> SessionState {
    let mut state = session.state();
    let found = tokio::time::timeout(Duration::from_secs(10), state.wait_for(|s| want(s)))
        .await
        .expect("the awaited state came in time")
        .expect("the state channel is open");
    found.clone()
}

// ---------------------------------------------------------------------------------------------
// Router restart under load
// ---------------------------------------------------------------------------------------------

/// The `host:port` of a router's TCP listener `i`.
fn host(router: &Router, i: usize) -> String {
    router.endpoints()[i]
        .addr
        .expect("a TCP listener")
        .to_string()
}

/// A router the test can stop and start again on the same addresses.
trait Restartable {
    /// `(ws url, tcp url, realm)`.
    fn endpoints(&self) -> (String, String, String);
    /// Stops the router (its sessions see the connection end).
    async fn stop(&mut self);
    /// Starts it again on the same addresses.
    async fn start(&mut self);
}

/// The embedded router on fixed loopback ports.
struct EmbeddedRouter {
    router: Option<Router>,
    ws: String,
    tcp: String,
}

impl EmbeddedRouter {
    async fn launch(ws: &str, tcp: &str) -> Router {
        // The old listener's port may take a moment to be free again.
        for _ in 0..100 {
            let started = Router::builder()
                .realm_config(interop_realm())
                .listener(Listener::websocket(ws))
                .listener(Listener::rawsocket(tcp))
                .start()
                .await;
            match started {
                Ok(router) => return router,
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        panic!("the embedded router could not listen on {ws} and {tcp} again");
    }

    async fn new() -> Self {
        let router = Self::launch("127.0.0.1:0", "127.0.0.1:0").await;
        let (ws, tcp) = (host(&router, 0), host(&router, 1));
        Self {
            router: Some(router),
            ws,
            tcp,
        }
    }
}

impl Restartable for EmbeddedRouter {
    fn endpoints(&self) -> (String, String, String) {
        (
            format!("ws://{}/ws", self.ws),
            format!("tcp://{}", self.tcp),
            cred("realm", ""),
        )
    }

    async fn stop(&mut self) {
        if let Some(router) = self.router.take() {
            router.shutdown();
        }
    }

    async fn start(&mut self) {
        self.router = Some(Self::launch(&self.ws, &self.tcp).await);
    }
}

/// A private Crossbar node (its own directory and ports), started and stopped by
/// `scripts/crossbar.sh` so the shared node of the other tests is not disturbed.
struct CrossbarNode {
    dir: std::path::PathBuf,
    endpoints: Option<(String, String, String)>,
}

impl CrossbarNode {
    const PORT_BASE: &'static str = "18380";

    /// `scripts/crossbar.sh <action>` for this node.
    fn command(&self, action: &str) -> std::process::Command {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/crossbar.sh");
        let mut command = std::process::Command::new("bash");
        command
            .arg(script)
            .arg(action)
            .env("WAMP_CROSSBAR_DIR", &self.dir)
            .env("WAMP_CROSSBAR_PORT_BASE", Self::PORT_BASE);
        command
    }

    fn script(&self, action: &str) -> bool {
        self.command(action).status().is_ok_and(|s| s.success())
    }

    async fn script_async(&self, action: &str) -> bool {
        tokio::process::Command::from(self.command(action))
            .status()
            .await
            .is_ok_and(|s| s.success())
    }

    /// Starts the node; `None` (after the skip-or-fail rule) if Crossbar cannot run here.
    fn launch() -> Option<Self> {
        let mut node = CrossbarNode {
            dir: std::env::temp_dir()
                .join(format!("wamp-rs-crossbar-restart-{}", std::process::id())),
            endpoints: None,
        };
        if !node.script("start") {
            missing_peer("a private Crossbar node could not be started with scripts/crossbar.sh");
            return None;
        }
        let info: serde_json::Value =
            serde_json::from_slice(&std::fs::read(node.dir.join("interop.json")).unwrap()).unwrap();
        node.endpoints = Some((
            info["ws"].as_str().unwrap().to_owned(),
            info["tcp"].as_str().unwrap().to_owned(),
            info["realm"].as_str().unwrap().to_owned(),
        ));
        Some(node)
    }
}

impl Drop for CrossbarNode {
    fn drop(&mut self) {
        self.script("stop");
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Restartable for CrossbarNode {
    fn endpoints(&self) -> (String, String, String) {
        self.endpoints.clone().unwrap()
    }

    async fn stop(&mut self) {
        assert!(self.script_async("stop").await, "crossbar stops");
    }

    async fn start(&mut self) {
        assert!(self.script_async("start").await, "crossbar starts again");
    }
}

/// Receives `Computed` events through `#[event_handlers]`.
struct Seen {
    tx: mpsc::UnboundedSender<i64>,
}

#[event_handlers]
impl Seen {
    #[wamp_core::subscribe]
    async fn on_computed(&self, event: Computed, _details: EventDetails) {
        let _ = self.tx.send(event.sum);
    }
}

/// How the calls of the load ended.
#[derive(Debug, Default)]
struct Outcomes {
    ok: AtomicU64,
    disconnected: AtomicU64,
    noinside: AtomicU64,
    other: std::sync::Mutex<Vec<String>>,
    hung: AtomicU64,
}

impl Outcomes {
    fn record(&self, outcome: Result<bool, String>) {
        match outcome {
            Ok(true) => self.ok.fetch_add(1, Ordering::Relaxed),
            Ok(false) => self.noinside.fetch_add(1, Ordering::Relaxed),
            Err(e) if e == "disconnected" => self.disconnected.fetch_add(1, Ordering::Relaxed),
            Err(e) => {
                self.other.lock().unwrap().push(e);
                0
            }
        };
    }

    fn ok(&self) -> u64 {
        self.ok.load(Ordering::Relaxed)
    }
}

/// Sorts a raw call's outcome: `Ok(true)` answered right, `Ok(false)` no callee registered
/// (yet), `Err("disconnected")`, or another failure, named.
fn raw_outcome(
    result: Result<wamp_core::session::CallResult, Error>,
    want: u64,
) -> Result<bool, String> {
    match result {
        Ok(r) if r.value::<u64>().ok() == Some(want) => Ok(true),
        Ok(r) => Err(format!("wrong result {:?}", r.arguments)),
        Err(Error::Disconnected(_)) => Err("disconnected".into()),
        // The router closed the callee's session before the caller's: the dealer answers the
        // call in flight `wamp.error.canceled` ("the callee left the realm"), a typed loss too.
        Err(Error::Wamp(e)) if e.is("wamp.error.canceled") => Err("disconnected".into()),
        Err(Error::Wamp(e)) if e.is("wamp.error.no_such_procedure") => Ok(false),
        Err(e) => Err(format!("{e:?}")),
    }
}

fn typed_outcome(
    result: Result<i64, CallError<wamp_tests::typed::CalcError>>,
    want: i64,
) -> Result<bool, String> {
    match result {
        Ok(sum) if sum == want => Ok(true),
        Ok(sum) => Err(format!("wrong sum {sum}")),
        Err(CallError::Disconnected(_)) => Err("disconnected".into()),
        // As above: the callee's session ended first, and the dealer canceled the call.
        Err(CallError::Canceled) => Err("disconnected".into()),
        Err(CallError::NoSuchProcedure(_)) => Ok(false),
        Err(e) => Err(format!("{e:?}")),
    }
}

async fn restart_under_load(label: &str, router: &mut impl Restartable) {
    let (ws, tcp, realm) = router.endpoints();
    let client = |url: &str| {
        Client::new(url, &realm)
            .reconnect(fast())
            .keepalive(Duration::from_secs(1), Duration::from_secs(2))
    };

    // Callee: a raw procedure and the typed calculator (with its `describe`).
    let callee = client(&ws).connect().await.unwrap();
    let echo = callee
        .register("com.resilience.echo", |inv: Invocation| async move {
            let n: u64 = inv.value()?;
            Ok(Arguments::value(&n)?)
        })
        .await
        .unwrap();
    let service = Calc::named("restart").serve(&callee).await.unwrap();
    let registered = 1 + service.registrations().len();
    let echo_id = echo.id();

    // Subscriber over RawSocket msgpack: a raw stream and a typed handler set.
    let subscriber = client(&tcp)
        .serializer(Serializer::MsgPack)
        .connect()
        .await
        .unwrap();
    let mut ticks = subscriber.subscribe("com.resilience.tick").await.unwrap();
    let (seen_tx, mut seen) = mpsc::unbounded_channel();
    let handlers = subscriber
        .subscribe_handlers(Seen { tx: seen_tx })
        .await
        .unwrap();

    let caller = client(&ws).connect().await.unwrap();
    let publisher = client(&tcp).connect().await.unwrap();
    let mut events: Vec<(&str, SessionEvents)> = vec![
        ("callee", callee.events()),
        ("subscriber", subscriber.events()),
        ("caller", caller.events()),
        ("publisher", publisher.events()),
    ];

    // Load: 4 callers alternating raw and typed calls, 1 publisher, a tick counter.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let outcomes = Arc::new(Outcomes::default());
    let mut load = Vec::new();
    for worker in 0..4u64 {
        let (caller, stop, outcomes) = (caller.clone(), stop.clone(), outcomes.clone());
        load.push(tokio::spawn(async move {
            let typed = CalculatorClient::new(caller.clone());
            let mut n = worker * 1_000_000;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let bound = Duration::from_secs(20);
                let outcome = if n % 2 == 0 {
                    let call = caller.call("com.resilience.echo").args(&(n,));
                    tokio::time::timeout(bound, call)
                        .await
                        .map(|r| raw_outcome(r, n))
                } else {
                    let sum = i64::try_from(n).unwrap();
                    tokio::time::timeout(bound, typed.add(sum, 1))
                        .await
                        .map(|r| typed_outcome(r, sum + 1))
                };
                match outcome {
                    Ok(outcome) => outcomes.record(outcome),
                    Err(_) => {
                        outcomes.hung.fetch_add(1, Ordering::Relaxed);
                    }
                }
                if !matches!(caller.state().borrow().clone(), SessionState::Joined { .. }) {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
        }));
    }
    let published = Arc::new(AtomicU64::new(0));
    {
        let (publisher, stop, published) = (publisher.clone(), stop.clone(), published.clone());
        load.push(tokio::spawn(async move {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let acked = publisher
                    .publish("com.resilience.tick")
                    .args(&(n,))
                    .acknowledge()
                    .await;
                if acked.is_ok() {
                    published.fetch_add(1, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        }));
    }
    let received = Arc::new(AtomicU64::new(0));
    let counter = {
        let received = received.clone();
        tokio::spawn(async move {
            while let Some(item) = ticks.next().await {
                if item.is_ok() {
                    received.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };

    tokio::time::sleep(Duration::from_millis(700)).await;
    let ok_before = outcomes.ok();
    assert!(ok_before > 0, "calls succeed before the restart");

    // The restart.
    let down_at = Instant::now();
    router.stop().await;
    let stopped_in = down_at.elapsed();
    router.start().await;
    let restarted_in = down_at.elapsed();

    // Every session joins again and restores what it had.
    let mut reports = BTreeMap::new();
    for (name, events) in &mut events {
        let report = wait_event(events, Duration::from_secs(30), restored).await;
        assert!(report.failures.is_empty(), "{name}: {:?}", report.failures);
        reports.insert(*name, report);
    }
    let recovered_in = down_at.elapsed();
    assert_eq!(reports["callee"].registrations, registered);
    assert_eq!(reports["subscriber"].subscriptions, 2);
    assert_ne!(
        echo.id(),
        echo_id,
        "the registration handle follows the new ID"
    );

    // Load goes on after the restore.
    let ok_restored = outcomes.ok();
    tokio::time::sleep(Duration::from_millis(700)).await;
    stop.store(true, Ordering::Relaxed);
    for task in load {
        within(task).await.expect("no load task panicked");
    }
    let ok_after = outcomes.ok() - ok_restored;
    assert!(ok_after > 0, "calls succeed after the restore");
    assert_eq!(outcomes.hung.load(Ordering::Relaxed), 0, "no call hung");
    let other = outcomes.other.lock().unwrap().clone();
    assert!(
        other.is_empty(),
        "only typed disconnects or no-callee errors: {other:?}"
    );

    // The restored subscriptions deliver: the raw stream and the typed handler.
    let before = received.load(Ordering::Relaxed);
    let typed = CalculatorClient::new(caller.clone());
    within(async {
        loop {
            publisher
                .publish("com.resilience.tick")
                .args(&(0u64,))
                .acknowledge()
                .await
                .unwrap();
            if received.load(Ordering::Relaxed) > before {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    while seen.try_recv().is_ok() {}
    publisher
        .publish_event(&Computed {
            a: 40,
            b: 2,
            sum: 42,
        })
        .await
        .unwrap();
    assert_eq!(within(seen.recv()).await, Some(42));
    assert_eq!(typed.add(2, 2).await.unwrap(), 4);
    let described = caller.call("com.typed.calc.describe").await.unwrap();
    assert!(!described.arguments.args.is_empty() || !described.arguments.kwargs.is_empty());
    assert_eq!(handlers.len(), 1);
    counter.abort();
    assert!(subscriber.state().borrow().is_joined());

    let disconnected = outcomes.disconnected.load(Ordering::Relaxed);
    let noinside = outcomes.noinside.load(Ordering::Relaxed);
    report(&format!(
        "{label}: router stopped in {:.0} ms, up again at {:.0} ms; every session restored at {:.0} ms",
        stopped_in.as_secs_f64() * 1e3,
        restarted_in.as_secs_f64() * 1e3,
        recovered_in.as_secs_f64() * 1e3
    ));
    for (name, r) in &reports {
        report(&format!(
            "{label}: {name}: downtime {:.0} ms, {} attempt(s), {} registration(s) and {} subscription(s) restored",
            r.downtime.as_secs_f64() * 1e3,
            r.attempts,
            r.registrations,
            r.subscriptions
        ));
    }
    report(&format!(
        "{label}: calls ok {} before / {} after the restore; {disconnected} failed Disconnected, {noinside} no_such_procedure while the callee re-registered, 0 hung, 0 other; events published {}, received {}",
        ok_before,
        ok_after,
        published.load(Ordering::Relaxed),
        received.load(Ordering::Relaxed)
    ));
    drop(service);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_router_restart_under_load_restores_everything() {
    trace();
    let mut router = EmbeddedRouter::new().await;
    restart_under_load("embedded", &mut router).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crossbar_restart_under_load_restores_everything() {
    trace();
    let Some(mut node) = CrossbarNode::launch() else {
        return;
    };
    restart_under_load("crossbar", &mut node).await;
}

// ---------------------------------------------------------------------------------------------
// Cut, frozen and refused connections, through a proxy
// ---------------------------------------------------------------------------------------------

/// An embedded router with a slow procedure and an echo, and a proxy in front of its listeners.
struct Rig {
    router: Router,
    /// A session joined in-process (not through the proxies): the callee of `slow` and `echo`.
    inside: Session,
    ws_proxy: Proxy,
    tcp_proxy: Proxy,
}

impl Rig {
    async fn new() -> Rig {
        let router = Router::builder()
            .realm_config(interop_realm())
            .listener(Listener::websocket("127.0.0.1:0"))
            .listener(Listener::rawsocket("127.0.0.1:0"))
            .start()
            .await
            .unwrap();
        let ws_proxy = Proxy::start(&host(&router, 0)).await;
        let tcp_proxy = Proxy::start(&host(&router, 1)).await;
        let callee = router.connect(&cred("realm", "")).await.unwrap();
        callee
            .register("com.rig.slow", |inv: Invocation| async move {
                let ms: u64 = inv.value()?;
                tokio::time::sleep(Duration::from_millis(ms)).await;
                Ok(Arguments::value(&ms)?)
            })
            .await
            .unwrap()
            .keep();
        callee
            .register("com.rig.echo", |inv: Invocation| async move {
                Ok(inv.arguments)
            })
            .await
            .unwrap()
            .keep();
        Rig {
            router,
            inside: callee,
            ws_proxy,
            tcp_proxy,
        }
    }

    fn ws(&self) -> String {
        format!("ws://{}/ws", self.ws_proxy.addr())
    }

    fn tcp(&self) -> String {
        format!("tcp://{}", self.tcp_proxy.addr())
    }

    fn client(&self, url: &str) -> Client {
        Client::new(url, cred("realm", ""))
    }
}

#[tokio::test]
async fn a_cut_in_the_middle_of_a_frame_fails_calls_in_flight_and_recovers() {
    trace();
    let rig = Rig::new().await;
    let session = rig
        .client(&rig.tcp())
        .serializer(Serializer::Json)
        .reconnect(fast())
        .connect()
        .await
        .unwrap();
    let mut events = session.events();
    let first_id = session.id();
    let mut subscription = session.subscribe("com.rig.news").await.unwrap();
    let first_subscription = subscription.id();
    let registration = session
        .register("com.rig.mine", |_: Invocation| async {
            Ok(Arguments::value(&"mine")?)
        })
        .await
        .unwrap();

    // Five calls in flight that the callee answers in 2 s.
    let slow: Vec<_> = (0..5)
        .map(|_| {
            let call = session.call("com.rig.slow").args(&(2000u64,));
            tokio::spawn(call.into_future())
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The next frame from the router is cut after half of it: the RESULT of a large echo.
    rig.tcp_proxy.cut_mid_frame();
    let big = "x".repeat(20_000);
    let echo = session.call("com.rig.echo").args(&(big.clone(),)).await;
    assert!(
        matches!(
            echo,
            Err(Error::Disconnected(
                CloseReason::ConnectionLost | CloseReason::TransportError(_)
            ))
        ),
        "{echo:?}"
    );
    for call in slow {
        let outcome = within(call).await.unwrap();
        assert!(
            matches!(outcome, Err(Error::Disconnected(_))),
            "{outcome:?}"
        );
    }

    let report = wait_event(&mut events, Duration::from_secs(10), restored).await;
    assert_eq!((report.registrations, report.subscriptions), (1, 1));
    assert_ne!(
        session.id(),
        first_id,
        "a new session ID after the reconnect"
    );
    assert_eq!(session.info().id, session.id());
    assert_eq!(rig.tcp_proxy.accepted(), 2);
    // Everything works again, with the same handles.
    let echoed: String = session
        .call("com.rig.echo")
        .args(&(big.clone(),))
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(echoed, big);
    let mine: String = session.call("com.rig.mine").await.unwrap().value().unwrap();
    assert_eq!(mine, "mine");
    assert_ne!(subscription.id(), first_subscription);
    rig.inside
        .publish("com.rig.news")
        .args(&("after the cut",))
        .acknowledge()
        .await
        .unwrap();
    let news: String = within(subscription.next())
        .await
        .unwrap()
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(news, "after the cut");
    registration.unregister().await.unwrap();
    let gone = session.call("com.rig.mine").await.unwrap_err();
    assert_eq!(gone.uri(), Some("wamp.error.no_such_procedure"));
}

async fn keepalive_finds_a_frozen_connection(url: String, proxy: &Proxy, serializer: Serializer) {
    let session = Client::new(&url, cred("realm", ""))
        .serializer(serializer)
        .keepalive(Duration::from_millis(150), Duration::from_millis(300))
        .reconnect(fast())
        .connect()
        .await
        .unwrap();
    let mut events = session.events();
    // An idle but healthy connection is kept: pings are answered.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(session.state().borrow().is_joined());
    assert_eq!(events.try_recv(), None, "no state change while idle");

    proxy.set_mode(Mode::Freeze);
    let lost = wait_event(&mut events, Duration::from_secs(5), |e| match e {
        SessionEvent::State(SessionState::Disconnected { reason, .. }) => Some(reason.clone()),
        _ => None,
    })
    .await;
    assert!(
        matches!(&lost, CloseReason::TransportError(m) if m.contains("keepalive")),
        "{lost:?}"
    );
    proxy.set_mode(Mode::Forward);
    wait_event(&mut events, Duration::from_secs(10), restored).await;
    let echoed: u32 = session
        .call("com.rig.echo")
        .args(&(7,))
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(echoed, 7);
}

#[tokio::test]
async fn the_keepalive_finds_a_frozen_websocket_and_rawsocket() {
    trace();
    let rig = Rig::new().await;
    keepalive_finds_a_frozen_connection(rig.ws(), &rig.ws_proxy, Serializer::Json).await;
    keepalive_finds_a_frozen_connection(rig.tcp(), &rig.tcp_proxy, Serializer::Cbor).await;
}

#[tokio::test]
async fn requests_made_while_reconnecting_wait_within_the_bound() {
    trace();
    let rig = Rig::new().await;
    let session = rig
        .client(&rig.ws())
        .reconnect(
            fast()
                .max_delay(Duration::from_millis(100))
                .request_wait(Duration::from_secs(1)),
        )
        .connect()
        .await
        .unwrap();
    let mut events = session.events();
    rig.ws_proxy.set_mode(Mode::Refuse);
    rig.ws_proxy.cut_all();
    wait_state(&session, |s| matches!(s, SessionState::Disconnected { .. })).await;

    // Made while the router is unreachable: fails once the bound is over.
    let started = Instant::now();
    let waited = session.call("com.rig.echo").args(&(1,)).await;
    assert!(matches!(waited, Err(Error::Disconnected(_))), "{waited:?}");
    assert!(started.elapsed() >= Duration::from_millis(900));
    let failed = wait_event(&mut events, Duration::from_secs(5), |e| match e {
        SessionEvent::AttemptFailed { attempt, error } => Some((*attempt, error.clone())),
        _ => None,
    })
    .await;
    assert!(failed.0 >= 1, "{failed:?}");

    // Made while reconnecting, answered once joined again: a call, a subscription, a register.
    let call = tokio::spawn(session.call("com.rig.echo").args(&(2,)).into_future());
    let subscribe = tokio::spawn(session.subscribe("com.rig.later").into_future());
    tokio::time::sleep(Duration::from_millis(50)).await;
    rig.ws_proxy.set_mode(Mode::Forward);
    let echoed: u32 = within(call).await.unwrap().unwrap().value().unwrap();
    assert_eq!(echoed, 2);
    let subscription = within(subscribe).await.unwrap().unwrap();
    assert!(subscription.id() > 0);
    assert!(session.state().borrow().is_joined());
}

#[tokio::test]
async fn a_session_gives_up_after_its_attempts_and_can_be_left_while_reconnecting() {
    trace();
    let rig = Rig::new().await;
    let policy = fast()
        .max_attempts(3)
        .initial_delay(Duration::from_millis(10));
    let session = rig
        .client(&rig.tcp())
        .reconnect(policy)
        .connect()
        .await
        .unwrap();
    let mut events = session.events();
    rig.tcp_proxy.set_mode(Mode::Refuse);
    rig.tcp_proxy.cut_all();
    let reason = within(session.closed()).await;
    assert_eq!(reason, CloseReason::ConnectionLost);
    let mut failed = 0;
    while let Some(event) = events.recv().await {
        if matches!(event, SessionEvent::AttemptFailed { .. }) {
            failed += 1;
        }
    }
    assert_eq!(failed, 3, "three attempts, then the session closed");
    let after = session.call("com.rig.echo").await.unwrap_err();
    assert!(
        matches!(after, Error::SessionClosed(CloseReason::ConnectionLost)),
        "{after:?}"
    );

    // Leaving while reconnecting ends the session at once, as the client's own close.
    let session = rig
        .client(&rig.ws())
        .reconnect(fast())
        .connect()
        .await
        .unwrap();
    rig.ws_proxy.set_mode(Mode::Refuse);
    rig.ws_proxy.cut_all();
    wait_state(&session, |s| !s.is_joined()).await;
    let left = within(session.leave()).await;
    assert!(
        matches!(
            left,
            CloseReason::Goodbye {
                by_router: false,
                ..
            }
        ),
        "{left:?}"
    );
    assert!(session.state().borrow().is_closed());
}

#[tokio::test]
async fn without_a_policy_a_lost_connection_closes_the_session() {
    let rig = Rig::new().await;
    let session = rig.client(&rig.tcp()).connect().await.unwrap();
    let slow = tokio::spawn(session.call("com.rig.slow").args(&(2000u64,)).into_future());
    tokio::time::sleep(Duration::from_millis(100)).await;
    rig.tcp_proxy.cut_all();
    let outcome = within(slow).await.unwrap();
    assert!(
        matches!(
            outcome,
            Err(Error::SessionClosed(CloseReason::ConnectionLost))
        ),
        "{outcome:?}"
    );
    assert_eq!(
        *session.state().borrow(),
        SessionState::Closed(CloseReason::ConnectionLost)
    );
}

// ---------------------------------------------------------------------------------------------
// Limits and slow consumers
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn calls_in_flight_and_invocations_running_are_limited() {
    let rig = Rig::new().await;
    let caller = rig
        .client(&rig.ws())
        .max_pending_calls(2)
        .connect()
        .await
        .unwrap();
    let first = tokio::spawn(caller.call("com.rig.slow").args(&(500u64,)).into_future());
    let second = tokio::spawn(caller.call("com.rig.slow").args(&(500u64,)).into_future());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let third = caller
        .call("com.rig.slow")
        .args(&(1u64,))
        .await
        .unwrap_err();
    assert!(
        matches!(third, Error::TooManyPendingCalls { limit: 2 }),
        "{third:?}"
    );
    within(first).await.unwrap().unwrap();
    within(second).await.unwrap().unwrap();
    caller.call("com.rig.slow").args(&(1u64,)).await.unwrap();

    // A callee running its maximum answers `wamp.error.unavailable` (Call Reroute); the embedded
    // dealer, which implements Call Reroute, finds no other callee and answers the caller
    // `no_available_callee` as the spec says (tests/tests/advanced/reroute.rs has the rest).
    let callee = rig
        .client(&rig.tcp())
        .max_concurrent_invocations(1)
        .connect()
        .await
        .unwrap();
    callee
        .register("com.rig.busy", |_: Invocation| async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            Ok(Arguments::default())
        })
        .await
        .unwrap()
        .keep();
    let busy = tokio::spawn(caller.call("com.rig.busy").into_future());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let refused = caller.call("com.rig.busy").await.unwrap_err();
    assert_eq!(
        refused.uri(),
        Some("wamp.error.no_available_callee"),
        "{refused:?}"
    );
    within(busy).await.unwrap().unwrap();
}

#[tokio::test]
async fn message_size_limits_are_enforced_both_ways() {
    let router = Router::builder()
        .realm_config(interop_realm())
        .listener(Listener::rawsocket("127.0.0.1:0").max_message_size(4096))
        .listener(Listener::websocket("127.0.0.1:0"))
        .start()
        .await
        .unwrap();
    let tcp = router.endpoints()[0].url.clone();
    let ws = router.endpoints()[1].url.clone();
    let realm = cred("realm", "");
    let callee = router.connect(&realm).await.unwrap();
    callee
        .register("com.size.big", |inv: Invocation| async move {
            let n: usize = inv.value()?;
            Ok(Arguments::value(&"y".repeat(n))?)
        })
        .await
        .unwrap()
        .keep();

    // Too large to send (the router announced 4 KiB): fails alone, the session goes on.
    let session = Client::new(&tcp, &realm).connect().await.unwrap();
    let e = session
        .call("com.size.big")
        .args(&("z".repeat(10_000),))
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::NotSent(ref m) if m.contains("larger than")),
        "{e:?}"
    );
    let small: String = session
        .call("com.size.big")
        .args(&(3,))
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(small, "yyy");

    // A RESULT too large for a RawSocket client (it announced 1 KiB): the router answers the
    // call with `wamp.error.payload_size_exceeded` instead, and the session goes on.
    let strict = Client::new(&tcp, &realm)
        .max_message_size(1024)
        .connect()
        .await
        .unwrap();
    let e = strict
        .call("com.size.big")
        .args(&(3000,))
        .await
        .unwrap_err();
    assert_eq!(e.uri(), Some("wamp.error.payload_size_exceeded"), "{e:?}");
    let small: String = strict
        .call("com.size.big")
        .args(&(3,))
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(small, "yyy");

    // An INVOCATION too large for the callee: the caller gets the same error.
    let small_callee = Client::new(&tcp, &realm)
        .max_message_size(1024)
        .connect()
        .await
        .unwrap();
    small_callee
        .register("com.size.len", |inv: Invocation| async move {
            let text: String = inv.value()?;
            Ok(Arguments::value(&text.len())?)
        })
        .await
        .unwrap()
        .keep();
    let e = session
        .call("com.size.len")
        .args(&("w".repeat(2000),))
        .await
        .unwrap_err();
    assert_eq!(e.uri(), Some("wamp.error.payload_size_exceeded"), "{e:?}");
    let len: usize = session
        .call("com.size.len")
        .args(&("w",))
        .await
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(len, 1);

    // Over WebSocket the router does not know the client's limit: the client refuses the
    // message, and the connection ends with a typed reason.
    let strict = Client::new(&ws, &realm)
        .max_message_size(1024)
        .connect()
        .await
        .unwrap();
    let e = strict
        .call("com.size.big")
        .args(&(3000,))
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::SessionClosed(CloseReason::TransportError(ref m)) if m.contains("larger than the maximum")),
        "{e:?}"
    );
}

#[tokio::test]
async fn slow_consumers_lose_the_newest_items_and_are_told_how_many() {
    let rig = Rig::new().await;
    let realm = cred("realm", "");
    let subscriber = rig
        .client(&rig.ws())
        .event_buffer(8)
        .connect()
        .await
        .unwrap();
    let mut slow = subscriber.subscribe("com.rig.flood").await.unwrap();
    let mut fast_sub = subscriber.subscribe("com.rig.flood").await.unwrap();
    let publisher = rig.router.connect(&realm).await.unwrap();
    let drain = tokio::spawn(async move {
        let mut n = 0;
        while n < 200 {
            if let Some(Ok(_)) = fast_sub.next().await {
                n += 1;
            }
        }
        n
    });
    for i in 0..200u32 {
        publisher
            .publish("com.rig.flood")
            .args(&(i,))
            .acknowledge()
            .await
            .unwrap();
    }
    // The subscriber that reads keeps up; the one that does not lost all but its buffer.
    assert_eq!(within(drain).await.unwrap(), 200);
    let first = within(slow.next()).await.unwrap();
    assert!(
        matches!(
            first,
            Err(wamp_core::session::SubscriptionError::Lagged(192))
        ),
        "{first:?}"
    );
    assert_eq!(slow.dropped(), 192);
    let kept: u32 = within(slow.next()).await.unwrap().unwrap().value().unwrap();
    assert_eq!(kept, 0, "the oldest events are kept, the newest dropped");

    // A call stream not read while 100 progressive results arrive.
    let callee = rig.router.connect(&realm).await.unwrap();
    callee
        .register("com.rig.many", |inv: Invocation| async move {
            for i in 0..100u32 {
                inv.progress(Arguments::value(&i)?).await.map_err(|e| {
                    wamp_core::WampError::with_message("com.rig.failed", e.to_string())
                })?;
            }
            Ok(Arguments::value(&"done")?)
        })
        .await
        .unwrap()
        .keep();
    let mut stream = subscriber.call("com.rig.many").stream().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut progress = 0;
    let mut lagged = 0;
    let mut last = None;
    while let Some(item) = within(stream.next()).await {
        match item {
            Ok(r) if r.progress => progress += 1,
            Ok(r) => last = Some(r.value::<String>().unwrap()),
            Err(Error::Lagged(n)) => lagged += n,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!((progress, lagged), (8, 92));
    assert_eq!(
        last.as_deref(),
        Some("done"),
        "the final result always arrives"
    );
}
