//! The typed test services across two Crossbar.io 26.10.1 nodes joined by router-to-router
//! links (`scripts/crossbar-cluster.sh`, configured by `interop/crossbar/make_cluster.py`): the
//! callee and a publisher on node 1, the caller and a subscriber on node 2, and the reverse.
//!
//! What the links carry is asserted, and so is what they do not (so that this test tells when
//! Crossbar changes): calls with positional and keyword arguments and events cross in both
//! directions, once each; a callee's ERROR does not cross (the caller gets an empty RESULT),
//! progressive results do not (one final RESULT, whose list the typed stream reads), and the caller's authid is replaced by its
//! role. `docs/router.md` says the same for users.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;
use std::time::Duration;

use futures::StreamExt as _;
use wamp_core::typed::CallError;
use wamp_core::{Client, Session};
use wamp_tests::typed::{Calc, Calculator as _, CalculatorClient, Computed, Point};
use wamp_tests::{missing_peer, trace, within};

/// Two linked nodes in a private directory, stopped when dropped.
struct Cluster {
    dir: PathBuf,
    node1: String,
    node2: String,
}

impl Cluster {
    fn script(dir: &PathBuf, action: &str) -> bool {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../scripts/crossbar-cluster.sh"
        );
        std::process::Command::new("bash")
            .arg(script)
            .arg(action)
            .env("WAMP_CLUSTER_DIR", dir)
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Starts both nodes and waits for their links; `None` (after the skip-or-fail rule) when
    /// Crossbar cannot run here.
    fn start() -> Option<Self> {
        let dir = std::env::temp_dir().join(format!("wamp-rs-cluster-{}", std::process::id()));
        if !Self::script(&dir, "start") {
            missing_peer("two linked Crossbar nodes could not be started");
            return None;
        }
        let info: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("cluster.json")).unwrap()).unwrap();
        Some(Self {
            node1: info["node1"].as_str().unwrap().to_owned(),
            node2: info["node2"].as_str().unwrap().to_owned(),
            dir,
        })
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        Self::script(&self.dir, "stop");
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn join(url: &str) -> Session {
    Client::new(url, "realm1").connect().await.unwrap()
}

/// Calls through the link: a callee on `here`, its typed client on `there`.
async fn calls_cross(here: &str, there: &str, name: &str) {
    let callee = join(here).await;
    // The link removes a registration of the peer's a moment after the peer's callee left.
    let _service = tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            match Calc::named(name).serve(&callee).await {
                Ok(service) => return service,
                Err(e) => println!("CLUSTER serve on {here} refused for now: {e}"),
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    })
    .await
    .expect("the procedures are free within 15 s");
    // The link forwards a registration a moment after it is made.
    let client =
        CalculatorClient::new(join(there).await).with_wait_for_callee(Duration::from_secs(15));
    assert_eq!(client.add(2, 3).await.unwrap(), 5);
    assert_eq!(client.divide(7, 2).await.unwrap(), 3, "kwargs cross");
    assert_eq!(client.norm(Point { x: 3.0, y: 4.0 }).await.unwrap(), 5.0);
    assert_eq!(client.worker().await.unwrap(), name);
    assert_eq!(
        client.echo(Some("hi".into())).await.unwrap(),
        Some("hi".into())
    );

    // Not carried: the callee's typed error. Crossbar's rlink catches the ApplicationError
    // and answers the caller an empty RESULT (crossbar/worker/rlink.py), which cannot be an i64.
    match client.divide(9, 0).await {
        Err(CallError::Decode(why)) => println!("CLUSTER typed error across the link: {why}"),
        other => panic!("Crossbar's rlinks now carry errors? {other:?}"),
    }
    // Not carried: progressive results. The link calls the callee without receive_progress,
    // so the callee answers every item in one final RESULT; the typed stream gives the items
    // of that list (wamp_core::typed::ProgressStream), all at the end.
    let items: Vec<_> = client.count(3).await.unwrap().collect().await;
    println!("CLUSTER progressive call across the link: {items:?}");
    let finals: Vec<u32> = items.into_iter().map(Result::unwrap).collect();
    assert_eq!(finals, vec![1, 2, 3]);
    // Not carried: the caller's authid (the link sends its role in its place).
    let who = client.whoami().await.unwrap();
    assert_eq!(who.as_deref(), Some("anonymous"));
}

/// Events through the link: a typed subscriber on `there` gets each event published on
/// `here` once.
async fn events_cross(here: &str, there: &str) {
    let subscriber = join(there).await;
    let mut events = subscriber.subscribe_event::<Computed>().await.unwrap();
    let publisher = join(here).await;
    // The link forwards the subscription a moment after it is made: publish until one arrives.
    let first = tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            let event = Computed { a: 0, b: 0, sum: 0 };
            publisher.publish_event(&event).acknowledge().await.unwrap();
            if let Ok(Some(got)) =
                tokio::time::timeout(Duration::from_millis(300), events.next()).await
            {
                return got.unwrap();
            }
        }
    })
    .await
    .expect("an event crosses the link within 15 s");
    assert_eq!(first.sum, 0);
    // Drain any duplicates of the warm-up events, then count exact deliveries.
    while let Ok(Some(_)) = tokio::time::timeout(Duration::from_millis(500), events.next()).await {}
    for n in 1..=3 {
        let event = Computed {
            a: n,
            b: n,
            sum: 2 * n,
        };
        publisher.publish_event(&event).acknowledge().await.unwrap();
    }
    for n in 1..=3 {
        let got = within(events.next()).await.unwrap().unwrap();
        assert_eq!(got.sum, 2 * n, "in order");
    }
    let extra = tokio::time::timeout(Duration::from_millis(500), events.next()).await;
    assert!(extra.is_err(), "each event crosses once: {extra:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_services_across_two_linked_crossbar_nodes() {
    trace();
    let Some(cluster) = Cluster::start() else {
        return;
    };
    calls_cross(&cluster.node1, &cluster.node2, "on-node1").await;
    calls_cross(&cluster.node2, &cluster.node1, "on-node2").await;
    events_cross(&cluster.node1, &cluster.node2).await;
    events_cross(&cluster.node2, &cluster.node1).await;
}
