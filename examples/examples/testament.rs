//! Testaments: events the router publishes for a session when it ends, however it ends (a
//! GOODBYE, a lost connection, a kill). A testament set on the `Client` builder is added again
//! after every reconnect.
//!
//! Run: `cargo run -p wamp-examples --example testament` (or add `URL REALM`; on Crossbar.io the
//! role needs permission on `wamp.`).

use wamp_core::meta::{SessionMetaClient, Testament, TestamentScope};
use wamp_core::Client;
use wamp_examples::{check, next, Target};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = Target::from_args().await?;
    let watcher = target.connect().await?;
    let mut wills = watcher.subscribe("com.example.will").await?;

    // Set on the builder: the router publishes it if this session is lost or killed.
    let will = Testament::new("com.example.will").args(&("worker 1 is gone",))?;
    let worker = Client::new(&target.url, &target.realm)
        .testament(will)
        .connect()
        .await?;
    // Added at any time, for the `detached` scope too (published first).
    Testament::new("com.example.will")
        .args(&("worker 1 detached",))?
        .scope(TestamentScope::Detached)
        .add_to(&worker)
        .await?;

    SessionMetaClient::new(watcher.clone())
        .kill(worker.id(), None, None)
        .await?;
    let mut published = Vec::new();
    for _ in 0..2 {
        let event = next("a testament", &mut wills).await??;
        published.push(event.value::<String>()?);
    }
    published.sort();
    check(
        "published when killed",
        published,
        vec!["worker 1 detached".into(), "worker 1 is gone".into()],
    )?;
    Ok(())
}
