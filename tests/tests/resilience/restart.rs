//! The router (embedded, then a private Crossbar node) stopped and started again under load.

use super::*;

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
