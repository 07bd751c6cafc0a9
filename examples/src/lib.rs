//! What the examples share: a router to run against. With no command-line argument each example
//! starts the embedded `wamp-router` in its own process; with `URL [REALM]` it joins that router
//! instead (Crossbar.io, or `wamp-router --ws 127.0.0.1:8080`).

use wamp_core::{Client, Session};
use wamp_router::{Listener, Protocol, Router};

/// A router the example runs against, kept alive while this value lives.
pub struct Target {
    /// The embedded router, if the example started one.
    pub router: Option<Router>,
    /// Where to connect.
    pub url: String,
    /// The realm.
    pub realm: String,
}

impl Target {
    /// The router named on the command line, or an embedded one on a free port.
    pub async fn from_args() -> anyhow::Result<Self> {
        let mut argv = std::env::args().skip(1);
        if let Some(url) = argv.next() {
            let realm = argv.next().unwrap_or_else(|| "realm1".into());
            return Ok(Self {
                router: None,
                url,
                realm,
            });
        }
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
        Ok(Self {
            router: Some(router),
            url,
            realm: "realm1".into(),
        })
    }

    /// A new session over WebSocket, like any remote client.
    pub async fn connect(&self) -> anyhow::Result<Session> {
        Ok(Client::new(&self.url, &self.realm).connect().await?)
    }
}
