//! The memory workloads' client side: many idle sessions (optionally each subscribed), held open
//! while the orchestrator reads the router's resident set size; and idle sessions in process.

use std::time::{Duration, Instant};

use futures::future::try_join_all;
use serde_json::json;
use wamp_router::{RealmConfig, Router};

use crate::measure::{rss_bytes, Sample};
use crate::pubsub::TOPIC;
use crate::rpc::Conn;

/// Opens `sessions` sessions (each subscribed to the benchmark topic with `subscribe`), prints
/// `READY`, and holds them until stdin closes.
pub async fn idle(conn: &Conn, sessions: usize, subscribe: bool) -> anyhow::Result<()> {
    hold(sessions, || async {
        let session = conn.client()?.no_keepalive().connect().await?;
        let subscription = if subscribe {
            Some(session.subscribe(TOPIC).await?)
        } else {
            None
        };
        anyhow::Ok((session, subscription))
    })
    .await
}

/// The floor for router memory: `connections` bare WebSocket connections to the echo server,
/// held until stdin closes.
pub async fn idle_websockets(url: &str, connections: usize) -> anyhow::Result<()> {
    hold(connections, || crate::floor::connect(url)).await
}

/// Opens `n` connections with `open`, a few hundred at a time (the server sees a realistic
/// arrival, not a 10,000-deep backlog), prints `READY n SECS` (the seconds opening them took),
/// and holds them until stdin closes.
async fn hold<T, F, Fut>(n: usize, open: F) -> anyhow::Result<()>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let began = Instant::now();
    let held = open_all(n, open).await?;
    println!("READY {} {}", held.len(), began.elapsed().as_secs_f64());
    crate::wait_stdin_closed().await;
    Ok(())
}

async fn open_all<T, F, Fut>(n: usize, open: F) -> anyhow::Result<Vec<T>>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    const AT_ONCE: usize = 200;
    let mut held = Vec::with_capacity(n);
    while held.len() < n {
        let batch = (n - held.len()).min(AT_ONCE);
        held.extend(try_join_all((0..batch).map(|_| open())).await?);
    }
    Ok(held)
}

/// `sessions` idle sessions over the router's in-process connection, router and clients in this
/// process: the resident set size they add (both halves of each session, no socket or
/// WebSocket buffers) and how fast they join. For counts past the file descriptors a process
/// may hold here.
pub async fn idle_in_process(sessions: usize) -> anyhow::Result<Sample> {
    let router = Router::builder()
        .realm_config(RealmConfig::anonymous("realm1"))
        .start()
        .await?;
    // One session first, so that what the first join allocates is in the baseline.
    let first = router.connect("realm1").await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let pid = std::process::id();
    let before = rss_bytes(pid)?;
    let began = Instant::now();
    let held = open_all(sessions, || async { Ok(router.connect("realm1").await?) }).await?;
    let secs = began.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = rss_bytes(pid)?;
    let mut sample = Sample {
        ops: sessions as u64,
        ..Sample::default()
    };
    let per = after.saturating_sub(before) as f64 / sessions as f64;
    sample.extra.insert("bytes_per".into(), json!(per));
    sample
        .extra
        .insert("joins_per_sec".into(), json!(sessions as f64 / secs));
    sample.extra.insert("rss_before".into(), json!(before));
    sample.extra.insert("rss_after".into(), json!(after));
    drop(held);
    drop(first);
    router.shutdown();
    Ok(sample)
}
