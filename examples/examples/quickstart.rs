//! Quickstart: register a procedure, call it, publish and receive an event, over one router.
//!
//! Run it with `bash scripts/quickstart.sh`, which starts a local Crossbar.io, or against any
//! router: `cargo run -p wamp-examples --example quickstart -- ws://127.0.0.1:8080/ws realm1`.

use futures::StreamExt as _;
use wamp_core::session::Invocation;
use wamp_core::{Arguments, Client};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut argv = std::env::args().skip(1);
    let url = argv.next().unwrap_or_else(|| "ws://127.0.0.1:18080".into());
    let realm = argv.next().unwrap_or_else(|| "realm1".into());

    // A callee: registers com.example.add.
    let callee = Client::new(&url, &realm).connect().await?;
    callee
        .register("com.example.add", |inv: Invocation| async move {
            let (a, b): (i64, i64) = inv.args()?;
            Ok(Arguments::value(&(a + b))?)
        })
        .await?;

    // A caller on its own session.
    let caller = Client::new(&url, &realm).connect().await?;
    let sum: i64 = caller
        .call("com.example.add")
        .args(&(20, 22))
        .await?
        .value()?;
    println!("com.example.add(20, 22) = {sum}");

    // Publish and subscribe.
    let mut events = callee.subscribe("com.example.greetings").await?;
    caller
        .publish("com.example.greetings")
        .args(&("hello, WAMP",))
        .acknowledge()
        .await?;
    if let Some(event) = events.next().await {
        let greeting: String = event?.value()?;
        println!("received event: {greeting}");
    }

    caller.leave().await;
    callee.leave().await;
    Ok(())
}
