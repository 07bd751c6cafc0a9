//! Quickstart: start the embedded router in this process, serve a procedure, call it, publish an
//! event and receive it.
//!
//! Run it with `bash scripts/quickstart.sh` (or `cargo run -p wamp-examples --example quickstart`).
//! To use a router you run elsewhere instead (Crossbar.io...), give its URL and realm:
//! `cargo run -p wamp-examples --example quickstart -- ws://127.0.0.1:8080/ws realm1`.

use futures::StreamExt as _;
use wamp_core::session::Invocation;
use wamp_core::{Arguments, Client, Session};
use wamp_router::{Listener, Protocol, Router};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut argv = std::env::args().skip(1);
    // `router` keeps the embedded router alive for the whole run (it stops when dropped).
    let (router, url, realm) = match argv.next() {
        Some(url) => (None, url, argv.next().unwrap_or_else(|| "realm1".into())),
        None => {
            let router = Router::builder()
                .realm("realm1")
                .listener(Listener::websocket("127.0.0.1:0"))
                .start()
                .await?;
            let url = router
                .url(Protocol::WebSocket)
                .unwrap_or_default()
                .to_owned();
            println!("embedded router listening on {url}");
            (Some(router), url, "realm1".to_owned())
        }
    };

    // The callee joins in-process when the router is embedded (no socket), else over the URL.
    let callee: Session = match &router {
        Some(router) => router.connect(&realm).await?,
        None => Client::new(&url, &realm).connect().await?,
    };
    callee
        .register("com.example.add", |inv: Invocation| async move {
            let (a, b): (i64, i64) = inv.args()?;
            Ok(Arguments::value(&(a + b))?)
        })
        .await?;
    println!("callee registered com.example.add");

    // The caller connects over WebSocket, like any remote client.
    let caller = Client::new(&url, &realm).connect().await?;
    let sum: i64 = caller
        .call("com.example.add")
        .args(&(20, 22))
        .await?
        .value()?;
    println!("caller: com.example.add(20, 22) = {sum}");

    // Publish and subscribe.
    let mut events = callee.subscribe("com.example.greetings").await?;
    caller
        .publish("com.example.greetings")
        .args(&("hello, WAMP",))
        .acknowledge()
        .await?;
    if let Some(event) = events.next().await {
        let greeting: String = event?.value()?;
        println!("subscriber received: {greeting}");
    }

    caller.leave().await;
    callee.leave().await;
    Ok(())
}
