//! The memory workloads' client side: many idle sessions (optionally each subscribed), held open
//! while the orchestrator reads the router's resident set size.

use crate::pubsub::TOPIC;
use crate::rpc::Conn;
use futures::future::try_join_all;

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
/// arrival, not a 10,000-deep backlog), prints `READY n`, and holds them until stdin closes.
async fn hold<T, F, Fut>(n: usize, open: F) -> anyhow::Result<()>
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
    println!("READY {}", held.len());
    crate::wait_stdin_closed().await;
    Ok(())
}
