//! The memory workloads' client side: many idle sessions (optionally each subscribed), held open
//! while the orchestrator reads the router's resident set size.

use futures::future::try_join_all;
use wamp_core::Session;

use crate::pubsub::TOPIC;
use crate::rpc::Conn;

/// Opens `sessions` sessions (each subscribed to the benchmark topic with `subscribe`), prints
/// `READY`, and holds them until stdin closes.
pub async fn idle(conn: &Conn, sessions: usize, subscribe: bool) -> anyhow::Result<()> {
    // A few hundred joins at a time: the router sees a realistic arrival, not a 10,000-deep backlog.
    const AT_ONCE: usize = 200;
    let mut held: Vec<(Session, Option<wamp_core::session::Subscription>)> =
        Vec::with_capacity(sessions);
    let mut left = sessions;
    while left > 0 {
        let n = left.min(AT_ONCE);
        let batch = try_join_all((0..n).map(|_| async {
            let client = conn.client()?.no_keepalive();
            let session = client.connect().await?;
            let subscription = if subscribe {
                Some(session.subscribe(TOPIC).await?)
            } else {
                None
            };
            anyhow::Ok((session, subscription))
        }))
        .await?;
        held.extend(batch);
        left -= n;
    }
    println!("READY {}", held.len());
    crate::wait_stdin_closed().await;
    Ok(())
}

/// The floor for router memory: `connections` bare WebSocket connections to the echo server,
/// held until stdin closes.
pub async fn idle_websockets(url: &str, connections: usize) -> anyhow::Result<()> {
    const AT_ONCE: usize = 200;
    let mut held = Vec::with_capacity(connections);
    let mut left = connections;
    while left > 0 {
        let n = left.min(AT_ONCE);
        let batch = try_join_all((0..n).map(|_| crate::floor::connect(url))).await?;
        held.extend(batch.into_iter().map(|(ws, _)| ws));
        left -= n;
    }
    println!("READY {}", held.len());
    crate::wait_stdin_closed().await;
    Ok(())
}
